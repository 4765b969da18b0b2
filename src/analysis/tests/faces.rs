//! The face chosen in a multi-face photo, seen from the whole analysis.
//! Here rather than beside the choice in `faces.rs`: running the analysis
//! from there would make `faces` import the state that imports it.

use crate::analysis::faces::tests::{BIG_CENTRAL, SMALL_CORNER, face, record, vector};
use crate::analysis::kinds::Flag;
use crate::analysis::report::analyze;
use crate::analysis::settings::Settings;
use crate::records::PhotoRecord;

#[test]
fn a_bystander_does_not_make_a_photo_a_mislabel() {
    // Two persons of five photos; one photo of A also holds B, larger.
    let mut records: Vec<PhotoRecord> = (0..5)
        .flat_map(|n| {
            let t = 0.1 * n as f32;
            [
                record("A", n, vec![face(vector(0, t), BIG_CENTRAL)]),
                record("B", n, vec![face(vector(1, t), BIG_CENTRAL)]),
            ]
        })
        .collect();
    records.push(record(
        "A",
        9,
        vec![
            face(vector(1, 0.25), BIG_CENTRAL),
            face(vector(0, 0.25), SMALL_CORNER),
        ],
    ));
    let report = analyze(&records, &Settings::default());
    let group = super::find(&report, "A/A_0009.jpg");
    assert_eq!(group.flags, vec![Flag::MultiFace], "{group:?}");
}

#[test]
fn a_misfiled_group_photo_is_judged_by_the_face_that_is_someone_else() {
    // A, B and C of five photos each; a photo filed under A holds a big
    // central stranger (nobody of the set) and, small in a corner, B.
    let mut records: Vec<PhotoRecord> = (0..5)
        .flat_map(|n| {
            let t = 0.1 * n as f32;
            [
                record("A", n, vec![face(vector(0, t), BIG_CENTRAL)]),
                record("B", n, vec![face(vector(1, t), BIG_CENTRAL)]),
                record("C", n, vec![face(vector(2, t), BIG_CENTRAL)]),
            ]
        })
        .collect();
    let group = vec![
        face(vector(3, 0.0), BIG_CENTRAL),
        face(vector(1, 0.25), SMALL_CORNER),
    ];
    records.push(record("A", 9, group));
    let report = analyze(&records, &Settings::default());
    let photo = super::find(&report, "A/A_0009.jpg");
    assert!(photo.flags.contains(&Flag::Mislabel), "{photo:?}");
    assert_eq!(photo.suggested_person.as_deref(), Some("B"), "{photo:?}");
    assert_eq!(photo.face_box, Some(SMALL_CORNER), "{photo:?}");

    // The same photo of strangers only: judged by its main face, which
    // matches nobody, so it names nobody.
    records.pop();
    let strangers = vec![
        face(vector(3, 0.0), BIG_CENTRAL),
        face(vector(4, 0.25), SMALL_CORNER),
    ];
    records.push(record("A", 9, strangers));
    let report = analyze(&records, &Settings::default());
    let photo = super::find(&report, "A/A_0009.jpg");
    assert_eq!(photo.suggested_person, None, "{photo:?}");
    assert_eq!(photo.face_box, Some(BIG_CENTRAL), "{photo:?}");
}
