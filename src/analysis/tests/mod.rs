//! Behaviour a user relies on, on synthetic records (no models needed; see
//! `fixtures.rs`).

use super::kinds::{DuplicateKind, Flag};
use super::memo::PairMemo;
use super::report::{PhotoReport, Report, analyze};
use super::settings::Settings;
use super::state::{Analysis, Change};
use crate::records::PhotoRecord;
use fixtures::{DIM, Rng, blend, dataset, photo, settings, with_near_copy};
use std::path::PathBuf;

mod faces;
mod fixtures;
mod index_path;
mod look_alikes;
mod parallel;
mod scan_memo;
mod thumbs;

/// The same settings forced onto the HNSW index path.
fn on_index() -> Settings {
    Settings {
        exact_search_max_faces: 0,
        ..settings()
    }
}

fn find<'a>(report: &'a Report, path: &str) -> &'a PhotoReport {
    report
        .photos
        .iter()
        .find(|p| p.path == path)
        .expect("photo in report")
}

fn moved(records: &mut [PhotoRecord], path: &str, to: &str) -> String {
    let r = records
        .iter_mut()
        .find(|r| r.path == std::path::Path::new(path))
        .expect("photo");
    r.person = to.to_string();
    r.path = PathBuf::from(to).join(r.path.file_name().expect("file name"));
    r.path.to_string_lossy().to_string()
}

fn misfiled_photo(s: Settings) {
    let mut records = dataset();
    let into_big = moved(&mut records, "Person_00/Person_00_0003.jpg", "Person_01");
    let into_single = moved(&mut records, "Person_11/Person_11_0002.jpg", "Person_07");
    let report = analyze(&records, &s);
    let top: Vec<&str> = report.photos[..2].iter().map(|p| p.path.as_str()).collect();
    assert!(
        top.contains(&into_big.as_str()) && top.contains(&into_single.as_str()),
        "{top:?}"
    );
    for (path, person) in [(&into_big, "Person_00"), (&into_single, "Person_11")] {
        let p = find(&report, path);
        assert!(p.flags.contains(&Flag::Mislabel), "{p:?}");
        assert_eq!(p.suggested_person.as_deref(), Some(person));
        assert!(p.margin.is_some_and(|m| m > 0.2));
    }
    // The singleton the photo was filed with is not blamed.
    let host = find(&report, "Person_07/Person_07_0000.jpg");
    assert!(!host.flags.contains(&Flag::Mislabel), "{host:?}");
    let clean = report
        .photos
        .iter()
        .filter(|p| p.flags.iter().any(|f| f.is_problem()))
        .count();
    assert!(clean <= 4, "{clean} photos flagged");
}

fn reviewed_photo(s: Settings) {
    let mut records = dataset();
    let path = moved(&mut records, "Person_00/Person_00_0003.jpg", "Person_01");
    records
        .iter_mut()
        .filter(|r| r.path == std::path::Path::new(&path))
        .for_each(|r| r.reviewed = true);
    let report = analyze(&records, &s);
    let p = find(&report, &path);
    assert!(p.flags.is_empty(), "{p:?}");
    assert_ne!(report.photos[0].path, path);
}

fn copies_and_faceless(s: Settings) {
    let mut records = dataset();
    let mut copy = records[3].clone();
    copy.path = PathBuf::from("Person_03/copy.jpg");
    copy.person = "Person_03".into();
    records.push(copy);
    let mut blank = records[0].clone();
    blank.path = PathBuf::from("Person_00/blank.jpg");
    blank.hash = "blank".into();
    blank.faces.clear();
    records.push(blank);
    let report = analyze(&records, &s);
    let d = report
        .duplicates
        .iter()
        .find(|d| d.kind == DuplicateKind::Exact)
        .expect("exact pair");
    assert_eq!(
        (d.a.as_str(), d.b.as_str()),
        ("Person_00/Person_00_0003.jpg", "Person_03/copy.jpg")
    );
    assert!(
        find(&report, "Person_03/copy.jpg")
            .flags
            .contains(&Flag::Duplicate)
    );
    assert!(
        find(&report, "Person_00/blank.jpg")
            .flags
            .contains(&Flag::NoFace)
    );
}

/// The normalised mean embedding of a person's photos.
fn person_centre(records: &[PhotoRecord], person: &str) -> Vec<f32> {
    let mut c = vec![0f32; DIM];
    for m in records.iter().filter(|r| r.person == person) {
        c.iter_mut()
            .zip(&m.faces[0].embedding)
            .for_each(|(a, b)| *a += b);
    }
    let n = c.iter().map(|x| x * x).sum::<f32>().sqrt();
    c.into_iter().map(|x| x / n).collect()
}

fn split_and_merge(s: Settings) {
    let mut records = dataset();
    // Person_10's folder also gets Person_11's photos under its name.
    for n in 0..9 {
        moved(
            &mut records,
            &format!("Person_11/Person_11_{n:04}.jpg"),
            "Person_10",
        );
    }
    // Person_05's two photos are Person_02 (an alias folder).
    let mut rng = Rng(7);
    let centre = person_centre(&records, "Person_02");
    records.retain(|r| r.person != "Person_05");
    for n in 0..2 {
        records.push(photo(&mut rng, "Person_05", n, &centre));
    }
    let report = analyze(&records, &s);
    let person = |name: &str| {
        report
            .persons
            .iter()
            .find(|p| p.name == name)
            .expect("person")
    };
    let split = person("Person_10");
    assert!(split.flags.contains(&Flag::Split), "{split:?}");
    assert_eq!(split.split_groups.len(), 2);
    assert!(person("Person_05").flags.contains(&Flag::Merge));
    assert_eq!(
        person("Person_05").merge_with,
        vec!["Person_02".to_string()]
    );
    // The alias folder is one finding, on the person: its photos say
    // `merge` and do not crowd the top of the ranking as mislabels.
    for n in 0..2 {
        let photo = find(&report, &format!("Person_05/Person_05_{n:04}.jpg"));
        assert!(photo.flags.contains(&Flag::Merge), "{photo:?}");
        assert!(!photo.flags.contains(&Flag::Mislabel), "{photo:?}");
        assert!(photo.score.is_some_and(|x| x < s.flag_score), "{photo:?}");
    }
}

/// A folder holding two people shows them as two clusters, and the one
/// filed by mistake names the person it is.
#[test]
fn clusters_of_a_folder_holding_two_people() {
    let mut records = dataset();
    for n in 0..5 {
        moved(
            &mut records,
            &format!("Person_11/Person_11_{n:04}.jpg"),
            "Person_10",
        );
    }
    let report = analyze(&records, &settings());
    let p10 = report.persons.iter().find(|p| p.name == "Person_10");
    let clusters = &p10.expect("Person_10").clusters;
    let sizes: Vec<usize> = clusters.iter().map(|c| c.size()).collect();
    assert_eq!(sizes, vec![7, 5], "{clusters:?}");
    assert_eq!(clusters[1].nearest_person.as_deref(), Some("Person_11"));
    assert!(clusters[1].photos.iter().all(|p| p.contains("Person_11_")));
    for c in clusters {
        assert!(c.cohesion.is_some_and(|x| x > 0.4), "{c:?}");
        assert!(c.nearest_cosine.is_some());
    }
    let single = report.persons.iter().find(|p| p.name == "Person_06");
    let single = &single.expect("Person_06").clusters;
    assert_eq!(single.len(), 1);
    assert_eq!(single[0].cohesion, None);
}

fn update_vs_fresh(s: Settings) {
    let records = dataset();
    let mut analysis = Analysis::new(records.clone(), s);
    let mut after = records.clone();
    let path = moved(&mut after, "Person_00/Person_00_0003.jpg", "Person_01");
    analysis.update(vec![Change::Moved {
        from: "Person_00/Person_00_0003.jpg".into(),
        to: path.clone().into(),
        person: "Person_01".into(),
    }]);
    let extra = after.remove(0);
    analysis.update(vec![Change::Removed(extra.path.clone())]);
    let mut added = photo(&mut Rng(3), "Person_12", 0, &Rng(4).unit(DIM));
    added.path = "Person_12/new.jpg".into();
    after.push(added.clone());
    analysis.update(vec![Change::Added(added)]);
    // Two photos of one person filed apart: a folder to merge back, which
    // the edit shows through the evidence of photos it did not move.
    for n in [
        "Person_02/Person_02_0001.jpg",
        "Person_02/Person_02_0002.jpg",
    ] {
        let to = moved(&mut after, n, "Person_02_alias");
        analysis.update(vec![Change::Moved {
            from: n.into(),
            to: to.into(),
            person: "Person_02_alias".into(),
        }]);
    }
    let incremental = analysis.report();
    let fresh = analyze(&after, &settings());
    assert!(find(&incremental, &path).flags.contains(&Flag::Mislabel));
    assert!(
        incremental
            .photos
            .iter()
            .all(|p| p.path != extra.path.to_string_lossy())
    );
    let flags = |r: &Report| {
        let mut v: Vec<(String, Vec<Flag>, Option<String>)> = r
            .photos
            .iter()
            .map(|p| (p.path.clone(), p.flags.clone(), p.suggested_person.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(flags(&incremental), flags(&fresh));
    let persons = |r: &Report| {
        let mut v: Vec<(String, Vec<String>)> = (r.persons.iter())
            .map(|p| {
                (
                    p.name.clone(),
                    p.flags.iter().map(|f| format!("{f:?}")).collect(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(persons(&incremental), persons(&fresh));
    let alias = fresh.persons.iter().find(|p| p.name == "Person_02_alias");
    assert!(alias.is_some_and(|p| !p.flags.is_empty()), "{alias:?}");
    for p in &fresh.photos {
        let q = find(&incremental, &p.path);
        assert!(
            (p.score.unwrap_or(0.0) - q.score.unwrap_or(0.0)).abs() < 1e-3,
            "{p:?} vs {q:?}"
        );
    }
}

/// The merge an alias folder is flagged with goes when its person's photos
/// are deleted one edit at a time: the alias was not edited, only its
/// photos' evidence changed.
#[test]
fn a_merge_goes_with_the_person_it_pointed_to() {
    let mut records = dataset();
    for n in [
        "Person_02/Person_02_0001.jpg",
        "Person_02/Person_02_0002.jpg",
    ] {
        moved(&mut records, n, "Person_02_alias");
    }
    let mut analysis = Analysis::new(records.clone(), settings());
    let merge_of = |r: &Report| {
        let alias = r.persons.iter().find(|p| p.name == "Person_02_alias");
        alias.map(|p| (p.flags.contains(&Flag::Merge), p.merge_with.clone()))
    };
    let before = merge_of(&analysis.report());
    assert_eq!(before, Some((true, vec!["Person_02".to_string()])));
    let gone: Vec<PathBuf> = (records.iter())
        .filter(|r| r.person == "Person_02")
        .map(|r| r.path.clone())
        .collect();
    for path in gone {
        analysis.update(vec![Change::Removed(path)]);
    }
    records.retain(|r| r.person != "Person_02");
    let after = merge_of(&analysis.report());
    assert_eq!(after, merge_of(&analyze(&records, &settings())));
    assert_eq!(after.map(|a| a.0), Some(false));
}

#[test]
fn a_pair_marked_not_duplicate_is_not_reported() {
    let mut records = dataset();
    let mut copy = records[3].clone();
    copy.path = PathBuf::from("Person_03/copy.jpg");
    copy.person = "Person_03".into();
    records.push(copy);
    let exact = |report: &Report| {
        report
            .duplicates
            .iter()
            .any(|d| d.b == "Person_03/copy.jpg" || d.a == "Person_03/copy.jpg")
    };
    assert!(exact(&analyze(&records, &settings())));
    // Both photos have the same content, so the mark names that hash on each.
    let hash = records[3].hash.clone();
    for r in records.iter_mut().filter(|r| r.hash == hash) {
        r.not_duplicate_of = vec![hash.clone()];
    }
    let report = analyze(&records, &settings());
    assert!(!exact(&report), "the marked pair is not listed");
    assert!(
        !find(&report, "Person_03/copy.jpg")
            .flags
            .contains(&Flag::Duplicate)
    );
}

/// A one-photo folder whose face merely resembles another person: the
/// best of many folders, not an alias.
#[test]
fn a_single_look_alike_is_not_a_merge() {
    let mut records = dataset();
    let centre = person_centre(&records, "Person_02");
    let mut rng = Rng(11);
    let e = blend(&centre, &rng.unit(DIM), 0.56, 0.828);
    let mut look_alike = photo(&mut rng, "Look_Alike", 0, &centre);
    look_alike.faces[0].embedding = e;
    records.push(look_alike);
    let s = settings();
    let report = analyze(&records, &s);
    let p = find(&report, "Look_Alike/Look_Alike_0000.jpg");
    // It does lean towards Person_02, just not enough to be flagged.
    assert_eq!(p.nearest_person.as_deref(), Some("Person_02"), "{p:?}");
    assert!(
        p.score.is_some_and(|x| x > 0.0 && x < s.flag_score),
        "{p:?}"
    );
    assert!(!p.flags.contains(&Flag::Merge), "{p:?}");
    let person = report.persons.iter().find(|q| q.name == "Look_Alike");
    assert!(person.is_some_and(|q| q.flags.is_empty()), "{person:?}");
}

#[test]
fn a_remembered_pair_gives_what_registering_it_again_gives() {
    let records = with_near_copy();
    let fresh = Analysis::with_memo(records.clone(), settings(), PairMemo::default());
    let memo = fresh.pair_memo().clone();
    assert!(memo.changed && !memo.is_empty(), "the copy was registered");
    let copy = |r: &Report| {
        r.duplicates
            .iter()
            .any(|d| d.b == "Person_03/brighter.jpg" && d.kind == DuplicateKind::Copy)
    };
    let first = fresh.report();
    assert!(copy(&first), "{:?}", first.duplicates);
    let warm = Analysis::with_memo(records.clone(), settings(), memo.clone());
    assert!(!warm.pair_memo().changed, "nothing new to remember");
    assert_eq!(
        serde_json::to_string(&warm.report()).unwrap(),
        serde_json::to_string(&first).unwrap()
    );
    // The memo is by content: once the copy's bytes change it is judged afresh.
    let mut changed = records;
    let last = changed.len() - 1;
    changed[last].hash = "re-saved".into();
    let again = Analysis::with_memo(changed, settings(), memo);
    assert!(again.pair_memo().changed);
    assert!(copy(&again.report()));
}

/// Every scenario on both search paths: the index must not change a flag.
macro_rules! both_paths {
    ($($exact:ident, $index:ident => $body:ident;)*) => {$(
        #[test]
        fn $exact() {
            $body(settings());
        }
        #[test]
        fn $index() {
            $body(on_index());
        }
    )*};
}

both_paths! {
    a_misfiled_photo_tops_the_ranking_and_names_its_person,
    a_misfiled_photo_is_found_on_the_index_path => misfiled_photo;
    reviewed_photos_are_not_flagged_again,
    reviewed_photos_are_not_flagged_again_on_the_index_path => reviewed_photo;
    exact_copies_and_faceless_photos_are_listed,
    copies_are_listed_on_the_index_path => copies_and_faceless;
    two_people_in_one_folder_split_and_one_person_in_two_folders_merge,
    split_and_merge_on_the_index_path => split_and_merge;
    an_update_gives_what_a_fresh_analysis_gives,
    an_update_on_the_index_gives_what_a_fresh_exact_analysis_gives => update_vs_fresh;
}

/// A two-photo folder of two people is flagged `inconsistent`, on the
/// person and both photos; the set's two-photo folder of one person is not.
#[test]
fn a_two_photo_folder_of_two_people_is_inconsistent() {
    let mut records = dataset();
    let planted = moved(&mut records, "Person_00/Person_00_0005.jpg", "Person_06");
    let report = analyze(&records, &settings());
    let person = |name: &str| report.persons.iter().find(|q| q.name == name);
    let mixed = person("Person_06").expect("in the report");
    assert_eq!(mixed.flags, vec![Flag::Inconsistent], "{mixed:?}");
    for path in [planted.as_str(), "Person_06/Person_06_0000.jpg"] {
        let p = find(&report, path);
        assert!(p.flags.contains(&Flag::Inconsistent), "{p:?}");
    }
    let genuine = person("Person_05").expect("in the report");
    assert!(genuine.flags.is_empty(), "{genuine:?}");
    assert!(
        !find(&report, "Person_05/Person_05_0000.jpg")
            .flags
            .contains(&Flag::Inconsistent)
    );
}

/// A photo alone in its folder is named into another person only from
/// `singleton_margin`; below it, it is not flagged at all.
#[test]
fn a_photo_alone_is_suggested_only_from_the_singleton_margin() {
    let mut records = dataset();
    let alone = moved(&mut records, "Person_00/Person_00_0004.jpg", "Alone");
    // No merge, so that the photo's own row carries the finding.
    let no_merge = Settings {
        merge_min_cosine: 2.0,
        ..settings()
    };
    let report = analyze(&records, &no_merge);
    let p = find(&report, &alone);
    assert!(p.flags.contains(&Flag::Mislabel), "{p:?}");
    assert_eq!(p.suggested_person.as_deref(), Some("Person_00"));
    let margin = p.margin.expect("a margin");
    let gated = Settings {
        singleton_margin: margin + 0.01,
        ..no_merge
    };
    let report = analyze(&records, &gated);
    let p = find(&report, &alone);
    assert!(p.flags.is_empty(), "{p:?}");
    assert_eq!(p.suggested_person, None);
}
