//! A scan killed outright (SIGKILL, a crash, a closed terminal) loses
//! nothing it had committed, one stopped with Ctrl-C keeps everything it
//! embedded; either way the store stays sound and the next scan embeds only
//! what is missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn facecurate(workspace: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_facecurate"));
    cmd.arg("-w").arg(workspace);
    cmd
}

/// A workspace over [`common::long_dataset`]; returns it and the photo count.
fn long_dataset(dir: &Path) -> (PathBuf, i64) {
    let (root, total) = common::long_dataset(dir);
    let ws = dir.join("ws.yaml");
    let init = facecurate(&ws).arg("init").arg(&root).output().unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    (ws, total)
}

fn integrity(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("PRAGMA integrity_check").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn rescan(ws: &Path) -> serde_json::Value {
    let out = facecurate(ws)
        .args(["--device", "cpu", "scan", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_killed_scan_loses_nothing_committed_and_the_store_stays_sound() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, total) = long_dataset(dir.path());
    let db = dir.path().join("facecurate-state/store.sqlite");
    let mut scan = facecurate(&ws)
        .args(["--device", "cpu", "--workers", "1", "scan"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill once a couple of batches are committed.
    let committed = common::wait_until(Duration::from_secs(300), || common::contents(&db) >= 65);
    scan.kill().unwrap();
    scan.wait().unwrap();
    assert!(committed, "the scan committed nothing in time");

    assert_eq!(integrity(&db), ["ok"]);
    let kept = common::contents(&db);
    assert!(
        kept >= 65 && kept < total,
        "killed mid-scan: {kept} of {total}"
    );
    let summary = rescan(&ws);
    assert_eq!(summary["photos"], total);
    assert_eq!(
        summary["embedded"],
        total - kept,
        "only what was missing is embedded"
    );
    assert_eq!(summary["failed"], 0);
}

#[test]
fn ctrl_c_stops_a_scan_cleanly_and_the_next_one_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, total) = long_dataset(dir.path());
    let db = dir.path().join("facecurate-state/store.sqlite");
    let scan = facecurate(&ws)
        .args(["--device", "cpu", "--workers", "1", "scan", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = common::wait_until(Duration::from_secs(300), || common::contents(&db) >= 1);
    let interrupt = Command::new("kill")
        .arg("-INT")
        .arg(scan.id().to_string())
        .status()
        .unwrap();
    assert!(interrupt.success() && started);
    let out = scan.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a stopped scan is not a finished one: {stderr}"
    );
    assert!(stderr.contains("stopped"), "{stderr}");
    let first: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kept = common::contents(&db);
    assert_eq!(
        first["embedded"], kept,
        "everything embedded before the stop was committed"
    );
    assert!(kept < total, "stopped mid-scan: {kept} of {total}");
    assert_eq!(integrity(&db), ["ok"]);
    let summary = rescan(&ws);
    assert_eq!(summary["embedded"], total - kept);
    assert_eq!(summary["photos"], total);
}
