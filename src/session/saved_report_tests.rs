//! `Session::review_store` answers an unchanged dataset with the report it
//! saved last time, and analyses afresh the moment anything it depends on
//! changes; a damaged saved report costs a warning, never a wrong answer.

use super::*;
use crate::analysis::saved_report;
use crate::analysis::{Report, Settings};
use crate::pipeline::Face;
use crate::records::PhotoRecord;
use crate::store::{FileRow, Reviewed, Store, StoredPhoto};
use std::path::Path;
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

/// `review_store` over the store as it is now.
fn review(session: &Session, store: &Store, settings: Settings) -> Report {
    let (records, state) = store.snapshot().expect("snapshot");
    let (records, _inbox) = session.split_inbox(records);
    session.review_store(store, records, state, settings).0
}

/// The report of a fresh analysis of the store as it is now.
fn fresh_now(session: &Session, store: &Store, settings: Settings) -> String {
    let (records, _inbox) = session.split_inbox(store.records().expect("records"));
    fresh(store, &records, settings)
}

/// Saves a copy of the report for the store's current state with a marker
/// warning: a review that returns the marker did not analyse.
fn plant_marker(session: &Session, store: &Store, settings: &Settings) {
    let state = store.state_token().expect("state");
    let key = saved_report::input_key(&saved_report::Inputs {
        state: state.0,
        fingerprint: store.fingerprint(),
        inbox: session.inbox_name(),
        settings,
    })
    .expect("key");
    let mut marked = review(session, store, settings.clone());
    marked.warnings.push("from the saved file".into());
    store.save_report(&key, &marked).expect("save");
}

fn marked(report: &Report) -> bool {
    report.warnings.iter().any(|w| w == "from the saved file")
}

/// Moves the odd photo from Ann to Bob, as a scan records a move.
fn move_odd_photo(store: &mut Store) {
    let row = store.file_rows(None).expect("rows")["Ann/looks_like_bob.jpg"].clone();
    let batch = store.batch().expect("batch");
    batch.remove_file("Ann/looks_like_bob.jpg").expect("remove");
    let row = FileRow {
        person: "Bob".into(),
        ..row
    };
    batch.put_file("Bob/looks_like_bob.jpg", &row).expect("put");
    batch.commit().expect("commit");
}

#[test]
fn an_unchanged_store_gets_the_saved_report_and_a_change_a_fresh_one() {
    let (_dir, session, mut store, warnings) = two_persons();
    let defaults = Settings::default();
    let first = review(&session, &store, defaults.clone());
    assert_eq!(json(&first), fresh_now(&session, &store, defaults.clone()));
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    assert!(
        first
            .photos
            .iter()
            .any(|p| p.flags.contains(&crate::analysis::Flag::Mislabel))
    );
    // A report saved for the same state is taken as it is, with or without
    // the records read.
    plant_marker(&session, &store, &defaults);
    assert!(marked(&review(&session, &store, defaults.clone())));
    let state = store.state_token().expect("state");
    let saved = session.saved_review(&store, state, &defaults);
    assert!(saved.as_ref().is_some_and(marked));
    // Each write a record depends on, and other thresholds, give a fresh
    // analysis equal to a direct one: never the marker.
    let hashes: Vec<String> = store
        .records()
        .expect("records")
        .into_iter()
        .map(|r| r.hash)
        .collect();
    let edits: [&dyn Fn(&mut Store); 3] = [
        &move_odd_photo,
        &|s| {
            s.set_reviewed(Reviewed::Path(Path::new("Bob/b0.jpg")), true)
                .expect("review");
        },
        &|s| {
            s.set_not_duplicate(&hashes[0], &hashes[1], true)
                .expect("mark");
        },
    ];
    for edit in edits {
        plant_marker(&session, &store, &defaults);
        edit(&mut store);
        assert!(
            session
                .saved_review(&store, store.state_token().expect("state"), &defaults)
                .is_none()
        );
        let report = review(&session, &store, defaults.clone());
        assert_eq!(json(&report), fresh_now(&session, &store, defaults.clone()));
    }
    plant_marker(&session, &store, &defaults);
    let stricter = Settings {
        flag_score: defaults.flag_score + 0.5,
        ..defaults
    };
    let report = review(&session, &store, stricter.clone());
    assert_eq!(json(&report), fresh_now(&session, &store, stricter));
    assert!(warnings.lock().expect("log").is_empty());
}

#[test]
fn another_inbox_folder_is_another_report() {
    let (dir, session, store, _warnings) = two_persons();
    plant_marker(&session, &store, &Settings::default());
    // The same store read by a workspace whose inbox is Bob's folder: Bob
    // is no person there, so the saved report is not its answer.
    let file = dir.path().join("bob_inbox.yaml");
    std::fs::write(&file, "dataset: data\nstate_dir: state\ninbox: Bob\n").expect("write");
    let other = Session::open(&file, Overrides::default(), super::events::quiet()).expect("opens");
    let report = review(&other, &store, Settings::default());
    assert!(!marked(&report));
    assert!(report.photos.iter().all(|p| !p.path.starts_with("Bob")));
}

#[test]
fn a_damaged_saved_report_costs_a_warning_and_the_analysis_runs() {
    let (_dir, session, store, warnings) = two_persons();
    let first = review(&session, &store, Settings::default());
    let path = store.saved_report_path();
    let mut bytes = std::fs::read(&path).expect("saved");
    let last = bytes.len() - 2;
    bytes[last] ^= 0x20;
    std::fs::write(&path, &bytes).expect("damage");
    let again = review(&session, &store, Settings::default());
    assert_eq!(json(&again), json(&first));
    let heard = warnings.lock().expect("log").clone();
    assert!(
        heard.len() == 1 && heard[0].contains("store.report") && heard[0].contains("checksum"),
        "{heard:?}"
    );
    // Replaced by a good one: the next run is quiet.
    review(&session, &store, Settings::default());
    assert_eq!(warnings.lock().expect("log").len(), 1);
}

#[test]
fn the_report_of_a_store_comes_saved_when_nothing_changed_with_the_inbox_beside_it() {
    let (_dir, session, mut store, warnings) = two_persons();
    let inboxed = photo("_inbox/new.jpg", "_inbox", face(0, 0.03));
    store.put_photos(&[inboxed]).expect("put");
    let (first, inbox) = session
        .report_store(&store, Settings::default())
        .expect("report");
    assert_eq!(
        json(&first),
        fresh_now(&session, &store, Settings::default())
    );
    assert!(first.photos.iter().all(|p| !p.path.starts_with("_inbox")));
    let inbox_paths: Vec<_> = inbox.iter().map(|r| r.path.clone()).collect();
    assert_eq!(inbox_paths, [Path::new("_inbox/new.jpg")]);
    plant_marker(&session, &store, &Settings::default());
    let (again, inbox) = session
        .report_store(&store, Settings::default())
        .expect("report");
    assert!(marked(&again));
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].faces.len(), 1);
    move_odd_photo(&mut store);
    let (after, _) = session
        .report_store(&store, Settings::default())
        .expect("report");
    assert!(!marked(&after));
    assert!(warnings.lock().expect("log").is_empty());
}

#[test]
fn the_view_gets_every_photo_s_faces_whether_the_report_is_fresh_saved_or_damaged() {
    let (_dir, session, mut store, warnings) = two_persons();
    let inboxed = photo("_inbox/new.jpg", "_inbox", face(0, 0.03));
    store.put_photos(&[inboxed]).expect("put");
    let with_faces = |store: &Store| {
        let (records, state) = store.snapshot().expect("snapshot");
        let (records, _inbox) = session.split_inbox(records);
        session
            .review_with_faces(store, records, state, Settings::default())
            .expect("review")
    };
    let keys = |faces: &crate::records::face_table::FaceTable| -> Vec<String> {
        (0..faces.len()).map(|i| faces.key(i).to_string()).collect()
    };
    let (fresh, faces) = with_faces(&store);
    let mut reported: Vec<String> = fresh.photos.iter().map(|p| p.path.clone()).collect();
    reported.sort();
    assert_eq!(
        keys(&faces),
        reported,
        "the inbox is left out, as from the report"
    );
    assert!((0..faces.len()).all(|i| faces.main_vector(i).is_some()));
    plant_marker(&session, &store, &Settings::default());
    let (saved, faces) = with_faces(&store);
    assert!(marked(&saved));
    assert_eq!(keys(&faces), reported);
    // Whole at its header but torn after: analysed afresh, with a warning.
    let path = store.saved_report_path();
    let mut bytes = std::fs::read(&path).expect("saved");
    bytes.truncate(bytes.len() - 10);
    std::fs::write(&path, &bytes).expect("tear");
    let (again, faces) = with_faces(&store);
    assert_eq!(json(&again), json(&fresh));
    assert_eq!(keys(&faces), reported);
    assert_eq!(warnings.lock().expect("log").len(), 1);
}
