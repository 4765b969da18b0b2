//! The session's own promises, without models: a missing workspace file
//! gives the bare defaults, and an edit reports what it recovered.

use super::*;
use std::sync::Arc;
use std::sync::Mutex;

#[test]
fn a_bare_session_has_the_defaults_beside_its_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workspace.yaml");
    let session = Session::bare(&file, Overrides::default(), quiet()).expect("opens");
    assert_eq!(session.workspace().models.embedder, "sface");
    let state = dir.path().join("facecurate-state");
    assert_eq!(session.classifier_dir(None), state);
    let given = dir.path().join("elsewhere");
    assert_eq!(session.classifier_dir(Some(&given)), given);
}

#[test]
fn a_workspace_file_keeps_its_classifier_in_its_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workspace.yaml");
    std::fs::create_dir(dir.path().join("data")).expect("dataset");
    std::fs::write(&file, "dataset: data\nstate_dir: state\n").expect("write");
    let session = Session::open(&file, Overrides::default(), quiet()).expect("opens");
    assert_eq!(
        session.classifier_dir(None),
        dir.path().join("state").join("classifier")
    );
}

#[test]
fn the_sink_hears_the_store_kept_aside() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workspace.yaml");
    std::fs::create_dir(dir.path().join("data")).expect("dataset");
    std::fs::create_dir(dir.path().join("state")).expect("state");
    std::fs::write(&file, "dataset: data\nstate_dir: state\n").expect("write");
    std::fs::write(
        dir.path().join("state/store.sqlite"),
        b"not a database at all",
    )
    .expect("write");
    let (sink, heard) = super::events::recording(super::events::warning);
    let session = Session::open(&file, Overrides::default(), sink).expect("opens");
    session.store(false).expect("a new store");
    let heard = heard.lock().expect("log");
    assert!(
        heard.iter().any(|w| w.contains("kept it aside")),
        "{heard:?}"
    );
}

/// A dataset too small to train on is the classifier's state, not an error.
#[test]
fn a_retrain_on_too_small_a_dataset_says_so_as_a_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workspace.yaml");
    std::fs::create_dir_all(dir.path().join("data/alone")).expect("dataset");
    std::fs::write(&file, "dataset: data\nstate_dir: state\n").expect("write");
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = Mutex::new(tx);
    let sink: Sink = Arc::new(move |e| {
        if let Event::Classifier(c) = e {
            let _ = tx.lock().expect("channel").send(c);
        }
    });
    let session = Session::open(&file, Overrides::default(), sink).expect("opens");
    let retrainer = Retrainer::new(&session);
    retrainer.request();
    let limit = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut last = None;
    while std::time::Instant::now() < limit {
        match rx.recv_timeout(std::time::Duration::from_millis(200)) {
            Ok(ClassifierEvent::Training) => continue,
            Ok(other) => {
                last = Some(other);
                break;
            }
            Err(_) => continue,
        }
    }
    match last {
        Some(ClassifierEvent::TooSmall(why)) => assert!(why.contains("too small"), "{why}"),
        other => panic!("expected TooSmall, got {other:?}"),
    }
}

#[test]
fn the_workspace_names_the_inbox_and_only_its_changes_skip_a_retrain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workspace.yaml");
    std::fs::create_dir(dir.path().join("data")).expect("dataset");
    std::fs::write(&file, "dataset: data\ninbox: new\n").expect("write");
    let session = Session::open(&file, Overrides::default(), quiet()).expect("opens");
    assert_eq!(session.inbox_name(), "new");
    let mut changes = crate::dataset::Changes::default();
    assert!(!session.only_inbox(&changes), "nothing changed");
    changes.persons.insert("new".into());
    assert!(session.only_inbox(&changes));
    changes.persons.insert("ann".into());
    assert!(!session.only_inbox(&changes), "a label changed");
}

/// A session at precision `now` over a store holding one photo processed
/// at precision `first`, and the lines it logged on opening.
fn session_over_store(first: &str, now: &str) -> (tempfile::TempDir, Session, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workspace.yaml");
    std::fs::create_dir(dir.path().join("data")).expect("dataset");
    let write = |precision: &str| {
        let text = format!("dataset: data\nstate_dir: state\nprecision: {precision}\n");
        std::fs::write(&file, text).expect("write");
    };
    write(first);
    let made = Session::open(&file, Overrides::default(), quiet()).expect("opens");
    let mut store = made.store(false).expect("store");
    let batch = store.batch().expect("batch");
    batch
        .put_content("c0ffee", 10, 10, Ok(&[]))
        .expect("content");
    batch.commit().expect("commit");
    write(now);
    let (sink, heard) = super::events::recording(super::events::log_line);
    let session = Session::open(&file, Overrides::default(), sink).expect("opens");
    let heard = heard.lock().expect("log").clone();
    (dir, session, heard)
}

#[test]
fn auto_keeps_a_store_embedded_in_fp32_and_int8_switches_it() {
    let (_dir, kept, heard) = session_over_store("fp32", "auto");
    assert_eq!(
        kept.workspace().models.precision,
        crate::config::Precision::Fp32
    );
    let host = crate::config::Host::detect();
    if crate::config::Precision::Auto.resolve(kept.workspace().device, host)
        == crate::config::Precision::Int8
    {
        assert!(heard.iter().any(|l| l.contains("fp32 stays")), "{heard:?}");
    }
    let (_dir, switched, _) = session_over_store("fp32", "int8");
    assert_eq!(
        switched.workspace().models.precision,
        crate::config::Precision::Int8
    );
    let (_dir, fresh, heard) = session_over_store("int8", "auto");
    let resolved = crate::config::Precision::Auto.resolve(fresh.workspace().device, host);
    assert_eq!(
        fresh.workspace().models.precision,
        resolved,
        "nothing in fp32 to keep"
    );
    assert!(heard.iter().all(|l| !l.contains("fp32 stays")), "{heard:?}");
}
