//! The store as the scan and the TUI rely on it: rows and contents round
//! trip, reviews stick to content, and an unusable file is kept aside.

use super::*;
use crate::pipeline::Face;
use crate::records::PhotoStatus;
use std::path::Path;

fn face(seed: f32) -> Face {
    Face {
        bbox: [1.0, 2.0, 30.5, 40.25],
        landmarks: [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0], [9.0, seed]],
        score: 0.875,
        embedding: (0..128).map(|i| seed + i as f32 * 1e-3).collect(),
        thumb: (0..1024).map(|i| (i % 251) as u8).collect(),
    }
}

fn row(person: &str, hash: &str) -> FileRow {
    FileRow {
        person: person.into(),
        size: 10,
        mtime_ns: 1_700_000_000_123_456_789,
        hash: Some(hash.into()),
        error: None,
    }
}

fn put(store: &mut Store, path: &str, person: &str, hash: &str, faces: &[Face]) {
    let b = store.batch().unwrap();
    b.put_content(hash, 250, 200, Ok(faces)).unwrap();
    b.put_file(path, &row(person, hash)).unwrap();
    b.commit().unwrap();
}

#[test]
fn records_round_trip_faces_and_vectors_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s/store.sqlite"), "fp1").unwrap();
    assert!(store.recovery().is_none());
    put(
        &mut store,
        "Bob/b1.jpg",
        "Bob",
        "h1",
        &[face(0.5), face(0.25)],
    );
    put(&mut store, "Ann/a1.jpg", "Ann", "h2", &[]);
    let b = store.batch().unwrap();
    b.put_content("h3", 0, 0, Err("corrupt or truncated image: eof"))
        .unwrap();
    b.put_file("Ann/a2.jpg", &row("Ann", "h3")).unwrap();
    b.put_file(
        "Ann/a3.jpg",
        &FileRow {
            hash: None,
            error: Some("cannot read file: permission denied".into()),
            ..row("Ann", "")
        },
    )
    .unwrap();
    b.commit().unwrap();
    drop(store);

    let store = Store::open(&dir.path().join("s/store.sqlite"), "fp1").unwrap();
    let records = store.records().unwrap();
    let paths: Vec<_> = records
        .iter()
        .map(|r| r.path.to_string_lossy().to_string())
        .collect();
    assert_eq!(
        paths,
        ["Ann/a1.jpg", "Ann/a2.jpg", "Ann/a3.jpg", "Bob/b1.jpg"]
    );
    let bob = &records[3];
    assert_eq!(
        (
            bob.person.as_str(),
            bob.hash.as_str(),
            bob.width,
            bob.height
        ),
        ("Bob", "h1", 250, 200)
    );
    assert_eq!(bob.status, PhotoStatus::Ok);
    assert_eq!(bob.faces.len(), 2);
    assert_eq!(bob.faces[0].embedding, face(0.5).embedding);
    assert_eq!(bob.faces[1].landmarks, face(0.25).landmarks);
    assert_eq!(
        (bob.faces[0].bbox, bob.faces[0].score),
        (face(0.5).bbox, 0.875)
    );
    // Thumbs stay in the store until the analysis asks for them.
    assert!(bob.faces.iter().all(|f| f.thumb.is_empty()));
    let faces = [
        ("h1".to_string(), 1),
        ("h1".to_string(), 0),
        ("h9".to_string(), 0),
    ];
    let thumbs = crate::analysis::ThumbSource::thumbs(&store.thumb_source().unwrap(), &faces);
    assert_eq!(
        thumbs.unwrap(),
        [Some(face(0.25).thumb), Some(face(0.5).thumb), None]
    );
    assert!(records[0].faces.is_empty() && records[0].status == PhotoStatus::Ok);
    assert_eq!(
        records[1].status,
        PhotoStatus::Error("corrupt or truncated image: eof".into())
    );
    assert!(matches!(&records[2].status, PhotoStatus::Error(c) if c.contains("permission")));
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn another_fingerprint_sees_nothing_processed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let mut store = Store::open(&path, "fp1").unwrap();
    put(&mut store, "Bob/b1.jpg", "Bob", "h1", &[face(0.5)]);
    drop(store);
    let mut store = Store::open(&path, "fp2").unwrap();
    assert!(store.records().unwrap().is_empty());
    assert_eq!(store.pending().unwrap(), 1);
    store.collect_garbage().unwrap();
    drop(store);
    let store = Store::open(&path, "fp1").unwrap();
    assert!(
        store.records().unwrap().is_empty(),
        "content of other fingerprints is collected"
    );
}

#[test]
fn review_marks_follow_content_not_paths() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("store.sqlite"), "fp").unwrap();
    put(&mut store, "Bob/b1.jpg", "Bob", "h1", &[face(0.5)]);
    assert_eq!(
        store
            .set_reviewed(Reviewed::Path(Path::new("Bob/b1.jpg")), true)
            .unwrap(),
        1
    );
    assert!(store.records().unwrap()[0].reviewed);
    // Moved to another person: same content, still reviewed.
    let b = store.batch().unwrap();
    b.remove_file("Bob/b1.jpg").unwrap();
    b.put_file("Ann/b1.jpg", &row("Ann", "h1")).unwrap();
    b.commit().unwrap();
    store.collect_garbage().unwrap();
    assert!(store.records().unwrap()[0].reviewed);
    // Edited in place: new content, the mark is gone for good.
    put(&mut store, "Ann/b1.jpg", "Ann", "h9", &[face(0.1)]);
    assert!(!store.records().unwrap()[0].reviewed);
    put(&mut store, "Ann/b1.jpg", "Ann", "h1", &[face(0.5)]);
    assert!(
        !store.records().unwrap()[0].reviewed,
        "reverting the edit does not bring the mark back"
    );
    store.set_reviewed(Reviewed::Hash("h1"), true).unwrap();
    store.set_reviewed(Reviewed::Hash("h1"), false).unwrap();
    assert!(!store.records().unwrap()[0].reviewed);
}

fn kept_aside_case(spoil: impl FnOnce(&Path), reason_word: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let mut store = Store::open(&path, "fp").unwrap();
    put(&mut store, "Bob/b1.jpg", "Bob", "h1", &[face(0.5)]);
    drop(store);
    spoil(&path);
    let before = std::fs::read(&path).unwrap();
    let store = Store::open_checked(&path, "fp").unwrap();
    let recovery = store
        .recovery()
        .expect("the unusable store is reported")
        .clone();
    assert!(recovery.reason.contains(reason_word), "{}", recovery.reason);
    assert_eq!(
        std::fs::read(&recovery.kept_aside).unwrap(),
        before,
        "kept aside unchanged"
    );
    assert!(store.records().unwrap().is_empty());
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn a_store_from_a_newer_version_is_kept_aside() {
    kept_aside_case(
        |p| {
            let c = rusqlite::Connection::open(p).unwrap();
            c.execute_batch("PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE);")
                .unwrap();
        },
        "newer",
    );
}

#[test]
fn a_corrupt_store_is_kept_aside() {
    kept_aside_case(
        |p| {
            let mut bytes = std::fs::read(p).unwrap();
            bytes[..16].copy_from_slice(b"garbage garbage!");
            std::fs::write(p, bytes).unwrap();
        },
        "SQLite",
    );
}

#[test]
fn a_damaged_page_is_kept_aside() {
    kept_aside_case(
        |p| {
            let mut bytes = std::fs::read(p).unwrap();
            let n = bytes.len();
            // Scribble over every page after the first (the schema page).
            for b in &mut bytes[4096..n] {
                *b = 0x5a;
            }
            std::fs::write(p, bytes).unwrap();
        },
        "",
    );
}

#[test]
fn another_programs_database_is_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(c);
    let store = Store::open(&path, "fp").unwrap();
    let recovery = store.recovery().unwrap();
    assert!(
        recovery.reason.contains("not a facecurate store"),
        "{}",
        recovery.reason
    );
    let old = rusqlite::Connection::open(&recovery.kept_aside).unwrap();
    let t: String = old
        .query_row("SELECT t FROM notes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(t, "mine");
}

#[test]
fn pair_marks_follow_content_and_survive_a_v1_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    {
        // A store written before pair marks existed.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA user_version = 1; PRAGMA application_id = {};",
            schema::APPLICATION_ID
        ))
        .unwrap();
    }
    let mut store = Store::open(&path, "fp").unwrap();
    assert!(store.recovery().is_none(), "migrated, not kept aside");
    put(&mut store, "Bob/b1.jpg", "Bob", "h1", &[face(0.5)]);
    put(&mut store, "Bob/b2.jpg", "Bob", "h2", &[face(0.6)]);
    assert!(store.set_not_duplicate("h2", "h1", true).unwrap());
    assert!(
        !store.set_not_duplicate("h1", "h2", true).unwrap(),
        "one mark per pair"
    );
    assert!(store.is_not_duplicate("h1", "h2").unwrap());
    let of = |store: &Store, path: &str| {
        store
            .records()
            .unwrap()
            .into_iter()
            .find(|r| r.path == Path::new(path))
            .unwrap()
            .not_duplicate_of
    };
    assert_eq!(of(&store, "Bob/b1.jpg"), vec!["h2".to_string()]);
    assert_eq!(of(&store, "Bob/b2.jpg"), vec!["h1".to_string()]);
    // Moved: same content, still marked; gone from the dataset: dropped.
    let b = store.batch().unwrap();
    b.remove_file("Bob/b1.jpg").unwrap();
    b.put_file("Ann/b1.jpg", &row("Ann", "h1")).unwrap();
    b.commit().unwrap();
    store.collect_garbage().unwrap();
    assert_eq!(of(&store, "Ann/b1.jpg"), vec!["h2".to_string()]);
    let b = store.batch().unwrap();
    b.remove_file("Bob/b2.jpg").unwrap();
    b.commit().unwrap();
    store.collect_garbage().unwrap();
    assert!(!store.is_not_duplicate("h1", "h2").unwrap());
}

#[test]
fn the_pair_memo_comes_back_only_for_its_fingerprint_and_settings() {
    use crate::analysis::PairMemo;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let store = Store::open(&path, "fp").unwrap();
    assert!(
        store.pair_memo("t1").unwrap().is_empty(),
        "nothing saved yet"
    );
    let pair = (u64::MAX - 1, 7);
    let memo = PairMemo::new([(pair, 0.9875f32)].into_iter().collect());
    store.save_pair_memo("t1", &memo).unwrap();
    drop(store);
    let store = Store::open(&path, "fp").unwrap();
    let back = store.pair_memo("t1").unwrap();
    assert_eq!(back.get(&pair), Some(0.9875));
    assert!(!back.changed, "as saved");
    assert!(store.pair_memo("t2").unwrap().is_empty(), "other settings");
    drop(store);
    let other = Store::open(&path, "fp2").unwrap();
    assert!(other.pair_memo("t1").unwrap().is_empty(), "other models");
    // Saving under another tag replaces the memo instead of growing it.
    other.save_pair_memo("t2", &PairMemo::default()).unwrap();
    assert!(other.pair_memo("t2").unwrap().is_empty());
    drop(other);
    assert!(
        Store::open(&path, "fp")
            .unwrap()
            .pair_memo("t1")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_damaged_saved_search_costs_a_warning_and_is_replaced() {
    use crate::analysis::Settings;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("store.sqlite"), "fp").unwrap();
    for (n, seed) in [0.1f32, 0.5, 0.9].into_iter().enumerate() {
        let (path, hash) = (format!("Ann/a{n}.jpg"), format!("h{n}"));
        put(&mut store, &path, "Ann", &hash, &[face(seed)]);
    }
    let report = |store: &Store| {
        let (analysis, problems) = store.analyse(store.records().unwrap(), Settings::default());
        (serde_json::to_string(&analysis.report()).unwrap(), problems)
    };
    let (first, problems) = report(&store);
    assert!(problems.is_empty(), "{problems:?}");
    let good = std::fs::read(store.saved_scan_path()).unwrap();
    let decoded = crate::analysis::scan_memo::SavedScan::decode(&good).unwrap();
    assert_eq!(store.saved_scan().unwrap(), Some(decoded), "read as parsed");
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 1;
    for damaged in [&b"torn"[..], &good[..good.len() / 2], &flipped] {
        std::fs::write(store.saved_scan_path(), damaged).unwrap();
        let err = store.saved_scan().unwrap_err().to_string();
        assert!(
            err.contains("store.search") && err.contains("checksum"),
            "{err}"
        );
    }
    let (again, problems) = report(&store);
    assert_eq!(again, first);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        store.saved_scan().unwrap().is_some(),
        "replaced by a good one"
    );
}

#[test]
fn every_path_of_a_shared_content_gets_its_faces() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("store.sqlite"), "fp").unwrap();
    put(
        &mut store,
        "Ann/a1.jpg",
        "Ann",
        "h1",
        &[face(0.5), face(0.25)],
    );
    put(
        &mut store,
        "Bob/copy.jpg",
        "Bob",
        "h1",
        &[face(0.5), face(0.25)],
    );
    put(&mut store, "Bob/b1.jpg", "Bob", "h2", &[face(0.75)]);
    let b = store.batch().unwrap();
    b.put_file("Bob/copy2.jpg", &row("Bob", "h1")).unwrap();
    b.commit().unwrap();
    let embeddings = |records: &[crate::records::PhotoRecord], path: &str| {
        let r = records.iter().find(|r| r.path == Path::new(path)).unwrap();
        r.faces.iter().map(|f| f.embedding[0]).collect::<Vec<_>>()
    };
    let all = store.records().unwrap();
    for path in ["Ann/a1.jpg", "Bob/copy.jpg", "Bob/copy2.jpg"] {
        assert_eq!(embeddings(&all, path), vec![0.5, 0.25], "{path}");
    }
    assert_eq!(embeddings(&all, "Bob/b1.jpg"), vec![0.75]);
    let bob = store.records_of("Bob").unwrap();
    assert_eq!(bob.len(), 3);
    for path in ["Bob/copy.jpg", "Bob/copy2.jpg"] {
        assert_eq!(embeddings(&bob, path), vec![0.5, 0.25], "{path}");
    }
}
