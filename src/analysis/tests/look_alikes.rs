//! Look-alikes in small folders. In a dataset of hundreds of thousands of
//! persons every photo has a look-alike folder, and a small folder gives
//! little evidence of its own: these are the cases where the ranking
//! must still weigh a photo's own folder fairly (`bench scale`'s planted
//! misfiled photos filed beside a look-alike, and natural two-photo
//! folders that merely resemble someone).

use super::fixtures::{DIM, Rng, dataset, photo, settings};
use super::{find, moved, person_centre};
use crate::analysis::kinds::Flag;
use crate::analysis::report::analyze;
use crate::records::PhotoRecord;

/// `a·centre + b·own + c·noise`, normalised: a photo of a person of its own
/// (direction `own`) who resembles the person at `centre`.
fn resembling(rng: &mut Rng, centre: &[f32], own: &[f32], a: f32, b: f32) -> Vec<f32> {
    let noise = rng.unit(DIM);
    let c = (1.0 - a * a - b * b).max(0.0).sqrt();
    let v: Vec<f32> = (centre.iter().zip(own).zip(&noise))
        .map(|((x, y), z)| a * x + b * y + c * z)
        .collect();
    crate::vector::normalized(&v)
}

fn look_alike_folder(records: &mut Vec<PhotoRecord>, name: &str, photos: usize, a: f32, b: f32) {
    let centre = person_centre(records, "Person_00");
    let mut rng = Rng(23);
    let own = rng.unit(DIM);
    for n in 0..photos {
        let mut p = photo(&mut rng, name, n, &centre);
        p.faces[0].embedding = resembling(&mut rng, &centre, &own, a, b);
        records.push(p);
    }
}

/// A photo filed into the one-photo folder of someone who resembles its
/// person: the folder is not "the same person under two names", and the
/// photo is the finding, named back to its person.
#[test]
fn a_photo_filed_beside_a_look_alike_is_a_mislabel_not_a_merge() {
    let mut records = dataset();
    look_alike_folder(&mut records, "Look_Alike", 1, 0.62, 0.3);
    let misfiled = moved(&mut records, "Person_00/Person_00_0003.jpg", "Look_Alike");
    let s = settings();
    let report = analyze(&records, &s);
    let folder = report.persons.iter().find(|p| p.name == "Look_Alike");
    assert!(
        folder.is_some_and(|p| !p.flags.contains(&Flag::Merge)),
        "{folder:?}"
    );
    assert_eq!(report.photos[0].path, misfiled, "{:?}", report.photos[0]);
    let p = find(&report, &misfiled);
    assert!(p.flags.contains(&Flag::Mislabel), "{p:?}");
    assert_eq!(p.suggested_person.as_deref(), Some("Person_00"));
}

/// Two photos of one person who resembles a bigger folder, each nearer
/// the other than the bigger folder's photos: nothing to flag, though the
/// bigger folder's evidence weighs over four times the folder mate's.
#[test]
fn a_photo_nearer_its_folder_mate_than_a_look_alike_is_not_flagged() {
    let mut records = dataset();
    look_alike_folder(&mut records, "Pair", 2, 0.7, 0.5);
    let s = settings();
    let report = analyze(&records, &s);
    for n in 0..2 {
        let p = find(&report, &format!("Pair/Pair_{n:04}.jpg"));
        assert_eq!(p.nearest_person.as_deref(), Some("Person_00"), "{p:?}");
        assert!(p.margin.is_none_or(|m| m < 0.0), "{p:?}");
        assert!(p.flags.is_empty(), "{p:?}");
        assert!(p.score.is_some_and(|x| x < s.flag_score), "{p:?}");
    }
    let pair = report.persons.iter().find(|p| p.name == "Pair");
    assert!(pair.is_some_and(|p| p.flags.is_empty()), "{pair:?}");
}
