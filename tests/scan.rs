//! The incremental scan as a user relies on it: photos are embedded once,
//! moves and renames never re-embed, edits do, deletions leave the store,
//! a changed pipeline setting re-embeds, and a stopped scan resumes.

mod common;

use facecurate::dataset::scan::Phase;
use facecurate::dataset::{LazyEngine, ScanOutcome, scan};
use facecurate::pipeline::detect::DetectSettings;
use facecurate::records::PhotoStatus;
use facecurate::store::Store;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

fn run(store: &mut Store, root: &Path, engine: &mut LazyEngine) -> ScanOutcome {
    scan(store, root, engine, &AtomicBool::new(false), &mut |_| {}).unwrap()
}

fn vectors(store: &Store) -> HashMap<PathBuf, Vec<Vec<f32>>> {
    store
        .records()
        .unwrap()
        .into_iter()
        .map(|r| (r.path, r.faces.into_iter().map(|f| f.embedding).collect()))
        .collect()
}

#[test]
fn scan_embeds_once_and_follows_moves_edits_and_deletions() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::dataset(dir.path(), 3);
    let db = dir.path().join("state/store.sqlite");
    let mut store = Store::open(&db, &common::fingerprint()).unwrap();
    let mut engine = LazyEngine::ready(common::engine(2));

    let first = run(&mut store, &root, &mut engine).summary;
    assert_eq!(
        (first.photos, first.new, first.embedded, first.failed),
        (15, 15, 15, 0)
    );
    let before = vectors(&store);
    assert_eq!(before.len(), 15);
    assert!(
        before.values().all(|faces| !faces.is_empty()),
        "every celebrity photo has a face"
    );

    let again = run(&mut store, &root, &mut engine).summary;
    assert_eq!(
        (
            again.new,
            again.changed,
            again.moved,
            again.removed,
            again.embedded
        ),
        (0, 0, 0, 0, 0),
        "nothing changed, nothing done"
    );

    // Two photos move to another person, one is renamed in place.
    std::fs::rename(
        root.join("madonna/madonna_000.jpg"),
        root.join("elton_john/madonna_000.jpg"),
    )
    .unwrap();
    std::fs::rename(
        root.join("madonna/madonna_001.jpg"),
        root.join("elton_john/x.jpg"),
    )
    .unwrap();
    std::fs::rename(
        root.join("ben_afflek/ben_afflek_000.jpg"),
        root.join("ben_afflek/renamed.jpg"),
    )
    .unwrap();
    let outcome = run(&mut store, &root, &mut engine);
    let moved = outcome.summary;
    assert_eq!(
        (moved.moved, moved.new, moved.removed, moved.embedded),
        (3, 0, 0, 0)
    );
    assert!(
        outcome.changes.persons.contains("madonna")
            && outcome.changes.persons.contains("elton_john")
    );
    let after = vectors(&store);
    assert_eq!(
        after[Path::new("elton_john/x.jpg")],
        before[Path::new("madonna/madonna_001.jpg")]
    );
    let records = store.records().unwrap();
    let x = records
        .iter()
        .find(|r| r.path == Path::new("elton_john/x.jpg"))
        .unwrap();
    assert_eq!(x.person, "elton_john");

    // An edit in place re-embeds that photo only; a deletion leaves the store.
    let edited = root.join("jerry_seinfeld/jerry_seinfeld_000.jpg");
    let mut bytes = std::fs::read(&edited).unwrap();
    bytes.extend_from_slice(b"edited");
    std::fs::write(&edited, bytes).unwrap();
    std::fs::remove_file(root.join("mindy_kaling/mindy_kaling_002.jpg")).unwrap();
    let s = run(&mut store, &root, &mut engine).summary;
    assert_eq!((s.changed, s.removed, s.embedded, s.photos), (1, 1, 1, 14));

    // A file that is not a photo is recorded with its cause and the scan goes on.
    std::fs::write(root.join("madonna/broken.jpg"), b"not a jpeg").unwrap();
    let outcome = run(&mut store, &root, &mut engine);
    assert_eq!((outcome.summary.new, outcome.summary.failed), (1, 1));
    let records = store.records().unwrap();
    let broken = records
        .iter()
        .find(|r| r.path == Path::new("madonna/broken.jpg"))
        .unwrap();
    assert!(matches!(&broken.status, PhotoStatus::Error(cause) if !cause.is_empty()));
    // ... and is not retried while it stays the same.
    assert_eq!(run(&mut store, &root, &mut engine).summary.embedded, 0);

    // Another detection setting is another pipeline: everything re-embeds.
    drop(store);
    let detect = DetectSettings {
        score_threshold: 0.7,
        ..DetectSettings::default()
    };
    let mut store = Store::open(&db, &common::fingerprint_with(&detect)).unwrap();
    assert!(store.records().unwrap().is_empty());
    assert_eq!(store.pending().unwrap(), 15);
    let s = run(&mut store, &root, &mut engine).summary;
    assert_eq!((s.embedded, s.new, s.photos), (15, 0, 15));
}

#[test]
fn a_stopped_scan_keeps_its_work_and_the_next_one_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::dataset(dir.path(), 4);
    let db = dir.path().join("store.sqlite");
    let mut store = Store::open(&db, &common::fingerprint()).unwrap();
    let mut engine = LazyEngine::ready(common::engine(2));
    let stop = AtomicBool::new(false);
    let first = scan(&mut store, &root, &mut engine, &stop, &mut |p| {
        if p.phase == Phase::Embedding && p.done >= 5 {
            stop.store(true, Ordering::Relaxed);
        }
    })
    .unwrap();
    assert!(first.stopped);
    let kept = store.records().unwrap().len();
    assert!((5..20).contains(&kept), "{kept}");
    assert_eq!(first.summary.embedded, kept);
    assert_eq!(
        store.pending().unwrap(),
        0,
        "unfinished photos are not half-recorded"
    );
    let second = run(&mut store, &root, &mut engine);
    assert!(!second.stopped);
    assert_eq!(
        second.summary.embedded,
        20 - kept,
        "nothing already embedded is redone"
    );
    assert_eq!(store.records().unwrap().len(), 20);
}

#[test]
fn a_warm_scan_never_starts_the_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::dataset(dir.path(), 1);
    let db = dir.path().join("store.sqlite");
    let mut store = Store::open(&db, &common::fingerprint()).unwrap();
    run(&mut store, &root, &mut LazyEngine::ready(common::engine(1)));
    let mut engine = LazyEngine::new(|| Err("the pipeline must not be needed".into()));
    let s = run(&mut store, &root, &mut engine).summary;
    assert_eq!((s.photos, s.embedded), (5, 0));
    assert!(!engine.is_started());
    // A photo copied under a second name is the same content: no pipeline either.
    std::fs::copy(
        root.join("madonna/madonna_000.jpg"),
        root.join("madonna/copy.jpg"),
    )
    .unwrap();
    let s = run(&mut store, &root, &mut engine).summary;
    assert_eq!((s.new, s.embedded), (1, 0));
}
