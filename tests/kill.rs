//! A scan killed outright (SIGKILL, a crash, a power-off of the terminal)
//! loses nothing it had committed, leaves a sound store, and the next scan
//! embeds only what is missing.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn facecurate(workspace: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_facecurate"));
    cmd.arg("-w").arg(workspace);
    cmd
}

fn embedded(db: &Path) -> i64 {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    conn.query_row("SELECT count(*) FROM content", [], |r| r.get(0))
        .unwrap_or(0)
}

#[test]
fn a_killed_scan_loses_nothing_committed_and_the_store_stays_sound() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::dataset(dir.path(), usize::MAX);
    // Three distinct contents per photo (bytes appended after the image), so
    // the scan runs long enough to be killed in the middle.
    let mut total = 0;
    for person in std::fs::read_dir(&root).unwrap().flatten() {
        for photo in std::fs::read_dir(person.path()).unwrap().flatten() {
            let bytes = std::fs::read(photo.path()).unwrap();
            for copy in 1..3u8 {
                let mut changed = bytes.clone();
                changed.extend_from_slice(&[b'#', copy]);
                let name = format!(
                    "{}_copy{copy}.jpg",
                    photo.path().file_stem().unwrap().to_string_lossy()
                );
                std::fs::write(person.path().join(name), changed).unwrap();
            }
            total += 3;
        }
    }
    let ws = dir.path().join("ws.yaml");
    let init = facecurate(&ws).arg("init").arg(&root).output().unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let db = dir.path().join("facecurate-state/store.sqlite");

    let mut scan = facecurate(&ws)
        .args(["--device", "cpu", "--workers", "1", "scan"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill once a couple of batches are committed.
    let committed = common::wait_until(Duration::from_secs(300), || embedded(&db) >= 65);
    scan.kill().unwrap();
    scan.wait().unwrap();
    assert!(committed, "the scan committed nothing in time");

    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(check, ["ok"]);
    drop(conn);
    let kept = embedded(&db);
    assert!(
        kept >= 65 && kept < total,
        "killed mid-scan: {kept} of {total}"
    );

    let out = facecurate(&ws)
        .args(["--device", "cpu", "scan", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["photos"], total);
    assert_eq!(
        summary["embedded"],
        total - kept,
        "only what was missing is embedded"
    );
    assert_eq!(summary["failed"], 0);
}
