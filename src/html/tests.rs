//! The page from a report made by hand: caps stated, names escaped,
//! pictures that cannot be read shown as such, the confusion fallback.

use super::*;
use crate::analysis::{DuplicateKind, DuplicateReport, Flag, PersonReport, PhotoReport, Report};

fn photo(path: &str, person: &str, score: f32, flags: &[Flag]) -> PhotoReport {
    PhotoReport {
        path: path.into(),
        person: person.into(),
        flags: flags.to_vec(),
        score: Some(score),
        suggested_person: Some("<b>bob</b>".into()),
        margin: Some(0.25),
        error: None,
        nearest_person: Some("<b>bob</b>".into()),
        face_box: Some([10.0, 10.0, 40.0, 40.0]),
    }
}

fn report() -> Report {
    let mut photos: Vec<PhotoReport> = (0..5)
        .map(|i| {
            photo(
                &format!("ann/{i}.jpg"),
                "ann",
                3.0 - i as f32,
                &[Flag::Mislabel],
            )
        })
        .collect();
    photos.push(photo("ann/ok.jpg", "ann", -2.0, &[Flag::MultiFace]));
    photos.push(photo("solo/1.jpg", "solo", 5.0, &[]));
    Report {
        photos,
        duplicates: vec![DuplicateReport {
            a: "ann/0.jpg".into(),
            b: "ann/1.jpg".into(),
            cosine: Some(0.97),
            kind: DuplicateKind::Copy,
            correlation: None,
        }],
        persons: vec![
            PersonReport {
                name: "ann".into(),
                photos: 6,
                flags: vec![Flag::Split],
                split_groups: vec![
                    (0..4).map(|i| format!("ann/{i}.jpg")).collect(),
                    vec!["ann/4.jpg".into()],
                ],
                merge_with: Vec::new(),
                clusters: Vec::new(),
            },
            PersonReport {
                name: "solo".into(),
                photos: 1,
                flags: Vec::new(),
                split_groups: Vec::new(),
                merge_with: Vec::new(),
                clusters: Vec::new(),
            },
        ],
        warnings: Vec::new(),
    }
}

fn render_page(limits: &Limits) -> String {
    let report = report();
    let confusions = Confusions::from_report(&report, "none saved".into());
    let input = PageInput {
        report: &report,
        root: Path::new("/nonexistent/facecurate-html-test"),
        title: "set <1>",
        confusions: &confusions,
    };
    render(&input, limits)
}

#[test]
fn every_section_states_its_cap() {
    let limits = Limits {
        findings: 2,
        per_group: 3,
        ..Limits::default()
    };
    let page = render_page(&limits);
    assert!(
        page.contains("Worst photos <small>top 2 of 5</small>"),
        "{page}"
    );
    assert!(page.contains("group 1 · top 3 of 4"), "{page}");
    assert!(page.contains("group 2 · all 1"), "{page}");
    assert!(
        page.contains("Duplicate pairs <small>all 1</small>"),
        "{page}"
    );
    assert!(
        !page.contains("ann/ok.jpg"),
        "informational flags are not findings"
    );
    let one_group = render_page(&Limits {
        groups: 1,
        ..Limits::default()
    });
    assert!(one_group.contains("the first 1 of 2 groups"), "{one_group}");
    assert!(
        !one_group.contains("group 2 · "),
        "the second group is left out"
    );
}

#[test]
fn names_are_escaped_and_unreadable_photos_say_so() {
    let page = render_page(&Limits::default());
    assert!(
        page.contains("looks like <b>&lt;b&gt;bob&lt;/b&gt;</b>"),
        "{page}"
    );
    assert!(page.contains("set &lt;1&gt;"), "{page}");
    assert!(!page.contains("<img"), "no photo could be read");
    assert!(page.contains("no picture"));
}

#[test]
fn without_a_classifier_the_nearest_person_check_stands_in() {
    let report = report();
    let c = Confusions::from_report(&report, "why".into());
    assert_eq!(c.judged, 6, "a person of one photo is not judged");
    assert_eq!(c.rows.len(), 1, "{c:?}");
    assert_eq!((c.rows[0].person.as_str(), c.rows[0].count), ("ann", 3));
    assert_eq!(c.rows[0].examples.len(), 3);
    assert!(render_page(&Limits::default()).contains("nearest-person check"));
}

#[test]
fn a_merge_shows_the_folders_side_by_side() {
    let mut report = report();
    report
        .photos
        .push(photo("cat/1.jpg", "cat", -1.0, &[Flag::Merge]));
    report.persons.push(PersonReport {
        name: "cat".into(),
        photos: 1,
        flags: vec![Flag::Merge],
        split_groups: Vec::new(),
        merge_with: vec!["ann".into()],
        clusters: Vec::new(),
    });
    let confusions = Confusions::from_report(&report, "why".into());
    let input = PageInput {
        report: &report,
        root: Path::new("/nonexistent/facecurate-html-test"),
        title: "t",
        confusions: &confusions,
    };
    let page = render(&input, &Limits::default());
    assert!(page.contains("<b>cat</b> · 1 photo "), "{page}");
    assert!(page.contains("<b>cat</b> · all 1"), "{page}");
    assert!(page.contains("<b>ann</b> · all 6"), "{page}");
}
