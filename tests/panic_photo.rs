//! A panic is a bug, and a bug met on one photo of a long scan must not end
//! the scan or vanish: it becomes that photo's error, named, with the
//! panic's message, and every other photo is processed. The panic is
//! injected (`FACECURATE_FAULT_PANIC`) into the real binary's pipeline.

mod common;

use std::process::Command;

#[test]
fn a_photo_whose_processing_panics_is_named_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::dataset(dir.path(), 3);
    let ws = dir.path().join("ws.yaml");
    let run = |args: &[&str], panic_on: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
            .arg("-w")
            .arg(&ws)
            .args(args)
            .env("FACECURATE_FAULT_PANIC", panic_on)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code().unwrap_or(-1), text, out.stdout)
    };
    assert_eq!(run(&["init", root.to_str().unwrap()], "").0, 0);
    let (code, text, _) = run(&["scan"], "madonna_001");
    assert_eq!(code, 1, "ran, with one failure: {text}");
    assert!(
        text.contains("madonna/madonna_001.jpg") && text.contains("internal error"),
        "the photo and the panic are named: {text}"
    );
    let (code, _, json) = run(&["report", "--json"], "");
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let photos = doc["photos"].as_array().unwrap();
    let failed: Vec<&serde_json::Value> = photos
        .iter()
        .filter(|p| p.get("error").is_some_and(|e| !e.is_null()))
        .collect();
    assert_eq!(failed.len(), 1, "only the one photo failed: {failed:?}");
    assert_eq!(failed[0]["path"], "madonna/madonna_001.jpg");
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("injected fault")
    );
    assert_eq!(
        photos.len(),
        common::photos_under(&root).len(),
        "every other photo was processed"
    );
}

/// The photo tools that run their own worker pool (`detect`, `verify`,
/// `align`): a panicking photo is that photo's error, named, and every
/// other photo still gets its result.
#[test]
fn the_photo_tools_name_a_panicking_photo_and_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::dataset(dir.path(), 2);
    let tool = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
            .args(args)
            .env("FACECURATE_FAULT_PANIC", "madonna_001")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        (out.status.code().unwrap_or(-1), out.stdout, stderr)
    };
    let (code, json, stderr) = tool(&["detect", "--json", root.to_str().unwrap()]);
    assert_eq!(code, 1, "ran, with one failure: {stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let failed = doc["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("madonna/madonna_001.jpg")
    );
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("injected fault")
    );
    let photos = doc["photos"].as_array().unwrap();
    assert_eq!(photos.len() + 1, common::photos_under(&root).len());
    assert!(
        photos
            .iter()
            .all(|p| !p["faces"].as_array().unwrap().is_empty())
    );

    let dst = dir.path().join("aligned");
    let (code, _, stderr) = tool(&[
        "align",
        "--detector",
        "yunet",
        root.to_str().unwrap(),
        dst.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "ran, with one failure: {stderr}");
    assert!(
        stderr.contains("madonna_001.jpg") && stderr.contains("injected fault"),
        "{stderr}"
    );
    let aligned = common::photos_under(&dst).len();
    assert_eq!(aligned + 1, common::photos_under(&root).len(), "{stderr}");
}
