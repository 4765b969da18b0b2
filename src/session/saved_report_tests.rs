//! `Session::review_store` answers an unchanged dataset with the report it
//! saved last time, and analyses afresh the moment anything it depends on
//! changes; a damaged saved report costs a warning, never a wrong answer.

use super::*;
use crate::analysis::saved_report;
use crate::analysis::{Report, Settings};
use crate::pipeline::Face;
use crate::records::PhotoRecord;
use crate::store::{FileRow, Store, StoredPhoto};
use std::sync::{Arc, Mutex};

/// A unit vector leaning towards axis `axis` by `lean`.
fn face(axis: usize, lean: f32) -> Face {
    let mut embedding = [0.05f32; 16];
    embedding[axis] = 1.0;
    embedding[(axis + 1) % 16] += lean;
    let norm = embedding.iter().map(|x| x * x).sum::<f32>().sqrt();
    Face {
        bbox: [20.0, 20.0, 60.0, 60.0],
        landmarks: [
            [30.0, 35.0],
            [60.0, 35.0],
            [45.0, 50.0],
            [32.0, 65.0],
            [58.0, 65.0],
        ],
        score: 0.9,
        embedding: embedding.iter().map(|x| x / norm).collect(),
        thumb: (0..64 * 64)
            .map(|i: usize| (i.wrapping_mul(axis * 7 + 3) ^ (lean * 1e4) as usize) as u8)
            .collect(),
    }
}

fn photo(path: &str, person: &str, face: Face) -> StoredPhoto {
    StoredPhoto {
        path: path.into(),
        file: FileRow {
            person: person.into(),
            size: 1000,
            mtime_ns: 0,
            hash: Some(blake3::hash(path.as_bytes()).to_hex().to_string()),
            error: None,
        },
        width: 100,
        height: 100,
        content_error: None,
        faces: vec![face],
    }
}

/// A session over a workspace whose store holds two persons, one photo of
/// Ann's looking like Bob; also the warnings the session emits.
fn two_persons() -> (tempfile::TempDir, Session, Store, Arc<Mutex<Vec<String>>>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workspace.yaml");
    std::fs::create_dir(dir.path().join("data")).expect("dataset");
    std::fs::write(&file, "dataset: data\nstate_dir: state\n").expect("write");
    let (sink, warnings) = super::events::recording(super::events::warning);
    let session = Session::open(&file, Overrides::default(), sink).expect("opens");
    let mut store = session.store(false).expect("store");
    let mut photos: Vec<StoredPhoto> = (0..4)
        .map(|n| photo(&format!("Ann/a{n}.jpg"), "Ann", face(0, n as f32 * 0.02)))
        .chain((0..4).map(|n| photo(&format!("Bob/b{n}.jpg"), "Bob", face(5, n as f32 * 0.02))))
        .collect();
    photos.push(photo("Ann/looks_like_bob.jpg", "Ann", face(5, 0.01)));
    store.put_photos(&photos).expect("put");
    (dir, session, store, warnings)
}

fn json(report: &Report) -> String {
    serde_json::to_string(report).expect("json")
}

/// The report of an analysis that runs, reading thumbs from `store`.
fn fresh(store: &Store, records: &[PhotoRecord], settings: Settings) -> String {
    json(&store.analyse(records.to_vec(), settings).0.report())
}

#[test]
fn an_unchanged_dataset_gets_the_saved_report_and_a_change_a_fresh_one() {
    let (_dir, session, store, warnings) = two_persons();
    let records = store.records().expect("records");
    let (first, _) = session.review_store(&store, records.clone(), Settings::default());
    assert_eq!(json(&first), fresh(&store, &records, Settings::default()));
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    assert!(
        first
            .photos
            .iter()
            .any(|p| p.flags.contains(&crate::analysis::Flag::Mislabel))
    );
    // A report saved under the same inputs is taken as it is: the marker
    // proves the analysis did not run again.
    let key = saved_report::input_key(&records, &Settings::default()).expect("key");
    let mut marked = first.clone();
    marked.warnings.push("from the saved file".into());
    store.save_report(&key, &marked).expect("save");
    let (again, _) = session.review_store(&store, records.clone(), Settings::default());
    assert_eq!(again.warnings, ["from the saved file"]);
    // Moving the odd photo to Bob, marking one reviewed, or other
    // thresholds each change the inputs: analysed afresh, no marker.
    let mut moved = records.clone();
    let odd = moved
        .iter()
        .position(|r| r.person == "Ann" && r.path.ends_with("looks_like_bob.jpg"));
    moved[odd.expect("the odd photo")].person = "Bob".into();
    let mut reviewed = records.clone();
    reviewed[0].reviewed = true;
    for changed in [moved, reviewed] {
        let (report, _) = session.review_store(&store, changed.clone(), Settings::default());
        assert_eq!(json(&report), fresh(&store, &changed, Settings::default()));
    }
    let stricter = Settings {
        flag_score: Settings::default().flag_score + 0.5,
        ..Settings::default()
    };
    let (report, _) = session.review_store(&store, records.clone(), stricter.clone());
    assert_eq!(json(&report), fresh(&store, &records, stricter));
    assert!(warnings.lock().expect("log").is_empty());
}

#[test]
fn a_damaged_saved_report_costs_a_warning_and_the_analysis_runs() {
    let (_dir, session, store, warnings) = two_persons();
    let records = store.records().expect("records");
    let (first, _) = session.review_store(&store, records.clone(), Settings::default());
    let path = store.saved_report_path();
    let mut bytes = std::fs::read(&path).expect("saved");
    let last = bytes.len() - 2;
    bytes[last] ^= 0x20;
    std::fs::write(&path, &bytes).expect("damage");
    let (again, _) = session.review_store(&store, records.clone(), Settings::default());
    assert_eq!(json(&again), json(&first));
    let heard = warnings.lock().expect("log").clone();
    assert!(
        heard.len() == 1 && heard[0].contains("store.report") && heard[0].contains("checksum"),
        "{heard:?}"
    );
    // Replaced by a good one: the next run is quiet.
    session.review_store(&store, records, Settings::default());
    assert_eq!(warnings.lock().expect("log").len(), 1);
}
