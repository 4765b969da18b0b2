//! Sharded scans as a cluster job runs them: every worker scans its shard
//! into its own store, `store merge` brings them together, and the result
//! is what one `scan` makes, byte for byte in `report --json`. A shard
//! killed outright resumes without embedding anything twice, and a merge
//! refuses shards that are missing, unfinished or made with other settings.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn facecurate(ws: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .arg("--device")
        .arg("cpu")
        .arg("-w")
        .arg(ws)
        .args(args)
        .output()
        .unwrap()
}

fn ok(ws: &Path, args: &[&str]) -> Vec<u8> {
    let out = facecurate(ws, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn json(ws: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_slice(&ok(ws, args)).unwrap()
}

/// A workspace in its own folder (so its own state folder) over `root`.
fn workspace(dir: &Path, name: &str, root: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join(name)).unwrap();
    let ws = dir.join(name).join("ws.yaml");
    ok(&ws, &["init", root.to_str().unwrap()]);
    ws
}

/// A face's content hash, index and vector bytes.
type FaceRow = (String, i64, Vec<u8>);

/// Every path row and every face vector of a store, in a fixed order.
fn store_rows(db: &Path) -> (Vec<String>, Vec<FaceRow>) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let files = conn
        .prepare("SELECT path || '|' || person || '|' || size || '|' || mtime_ns || '|' || ifnull(hash, '') FROM files ORDER BY path")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let faces = conn
        .prepare("SELECT hash, idx, embedding FROM faces ORDER BY hash, idx")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (files, faces)
}

fn state(ws: &Path) -> PathBuf {
    ws.parent().unwrap().join("facecurate-state")
}

#[test]
fn three_merged_shards_give_the_store_and_report_of_one_scan() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::dataset(dir.path(), usize::MAX);
    let sharded = workspace(dir.path(), "sharded", &root);
    let single = workspace(dir.path(), "single", &root);

    let mut photos = 0;
    for i in 0..3 {
        let summary = json(&sharded, &["scan", "--shard", &format!("{i}/3"), "--json"]);
        assert_eq!(summary["failed"], 0);
        photos += summary["photos"].as_i64().unwrap();
    }
    let merged = json(&sharded, &["store", "merge", "--json"]);
    assert_eq!(merged["shards"], 3);
    assert_eq!(merged["photos"], photos);

    let one = json(&single, &["scan", "--json"]);
    assert_eq!(one["photos"], photos, "the shards split the whole dataset");
    assert_eq!(
        store_rows(&state(&sharded).join("store.sqlite")),
        store_rows(&state(&single).join("store.sqlite"))
    );
    let merged_report = ok(&sharded, &["report", "--json"]);
    let single_report = ok(&single, &["report", "--json"]);
    assert!(merged_report == single_report, "the reports differ");

    // Running a finished shard again embeds nothing.
    let again = json(&sharded, &["scan", "--shard", "1/3", "--json"]);
    assert_eq!(again["embedded"], 0);
}

#[test]
fn a_merge_refuses_missing_and_foreign_shards_and_leaves_the_store_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::dataset(dir.path(), 2);
    let ws = workspace(dir.path(), "a", &root);
    ok(&ws, &["scan", "--shard", "0/3"]);
    ok(&ws, &["scan", "--shard", "1/3"]);
    let missing = facecurate(&ws, &["store", "merge"]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("shard 2/3"), "{stderr}");

    // The same state folder scanned with another detection threshold: a
    // different fingerprint.
    let text = std::fs::read_to_string(&ws).unwrap();
    let other = dir.path().join("a").join("other.yaml");
    let changed = text.replace("score_threshold: 0.6", "score_threshold: 0.7");
    assert_ne!(changed, text, "the template sets score_threshold: 0.6");
    std::fs::write(&other, changed).unwrap();
    ok(&other, &["scan", "--shard", "2/3"]);
    let foreign = facecurate(&ws, &["store", "merge"]);
    let stderr = String::from_utf8_lossy(&foreign.stderr);
    assert_eq!(foreign.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("2.sqlite") && stderr.contains("fingerprint"),
        "{stderr}"
    );
    assert_eq!(
        common::contents(&state(&ws).join("store.sqlite")),
        0,
        "a refused merge writes nothing"
    );
}

#[test]
fn a_killed_shard_resumes_and_embeds_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (root, total) = common::long_dataset(dir.path());
    let ws = workspace(dir.path(), "ws", &root);
    let db = state(&ws).join("shards/1/0.sqlite");
    let mut scan = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(["--device", "cpu", "--workers", "1", "-w"])
        .arg(&ws)
        .args(["scan", "--shard", "0/1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let committed = common::wait_until(Duration::from_secs(300), || common::contents(&db) >= 65);
    scan.kill().unwrap(); // SIGKILL
    scan.wait().unwrap();
    assert!(committed, "the shard committed nothing in time");
    let kept = common::contents(&db);
    assert!(kept < total, "killed mid-way: {kept} of {total}");

    let unfinished = facecurate(&ws, &["store", "merge"]);
    let stderr = String::from_utf8_lossy(&unfinished.stderr);
    assert!(stderr.contains("did not finish"), "{stderr}");

    let resumed = json(&ws, &["scan", "--shard", "0/1", "--json"]);
    assert_eq!(resumed["photos"], total);
    assert_eq!(resumed["embedded"], total - kept, "only what was missing");
    assert_eq!(resumed["failed"], 0);
    let merged = json(&ws, &["store", "merge", "--json"]);
    assert_eq!(merged["photos"], total, "nothing lost");
}
