//! A dataset scraped from the web names its files after URLs and captions.
//! Photos and a person folder whose names hold an OSC title sequence, an
//! OSC 52 clipboard write, ESC colour codes, BEL, CR, a bidi override, bytes
//! that are not UTF-8 and a 255-byte name go through the real binary:
//! `report` prints them escaped (no control byte reaches the terminal),
//! `report --json` keeps them exact, and `mv`, `rm` and `undo` move the very
//! bytes on disk and put them back.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const TITLE: &[u8] = b"x\x1b]0;PWNED\x07\x1b[31mRED";
const CLIPBOARD: &[u8] = b"c\x1b]52;c;SGVsbG8=\x07.jpg";

fn os(bytes: &[u8]) -> &OsStr {
    OsStr::from_bytes(bytes)
}

fn run(ws: &Path, args: &[&OsStr]) -> (i32, Vec<u8>, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .arg("-w")
        .arg(ws)
        .args(args)
        .output()
        .expect("run facecurate");
    (out.status.code().unwrap_or(-1), out.stdout, out.stderr)
}

/// Every file under `root` as (path bytes, content), sorted.
fn snapshot(root: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    for person in std::fs::read_dir(root).unwrap().flatten() {
        for photo in std::fs::read_dir(person.path()).unwrap().flatten() {
            let rel = photo.path().strip_prefix(root).unwrap().to_path_buf();
            out.push((
                rel.as_os_str().as_bytes().to_vec(),
                std::fs::read(photo.path()).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

/// The celebrity photos, with hostile names planted: a person folder named
/// `<OSC title>\xE9` holding three of Madonna's photos (one named with the
/// clipboard sequence), and four of Elton John's photos renamed.
fn hostile_dataset(dir: &Path) -> (PathBuf, Vec<PathBuf>) {
    let root = common::dataset(dir, 4);
    let person = root.join(os(&[TITLE, b"\xe9"].concat()));
    std::fs::create_dir(&person).unwrap();
    for (i, src) in sorted(&root.join("madonna")).iter().take(3).enumerate() {
        let name = if i == 0 {
            CLIPBOARD.to_vec()
        } else {
            format!("m{i}.jpg").into_bytes()
        };
        std::fs::rename(src, person.join(os(&name))).unwrap();
    }
    let long = [vec![b'L'; 251], b".jpg".to_vec()].concat();
    let names: [&[u8]; 4] = [
        b"bel\x07cr\r.jpg",
        b"bidi\xe2\x80\xaegpj.exe.jpg",
        b"bad\xff\xfe.jpg",
        &long,
    ];
    let mut renamed = Vec::new();
    for (src, name) in sorted(&root.join("elton_john")).iter().zip(names) {
        let to = root.join("elton_john").join(os(name));
        std::fs::rename(src, &to).unwrap();
        renamed.push(to);
    }
    renamed.push(person.join(os(CLIPBOARD)));
    // A truncated photo is always reported, so its name is printed.
    let bytes = std::fs::read(&renamed[0]).unwrap();
    std::fs::write(person.join(os(b"t\x1b[2J.jpg")), &bytes[..bytes.len() / 3]).unwrap();
    (root, renamed)
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

fn control_bytes(text: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(text);
    text.chars()
        .filter(|&c| c != '\n' && facecurate::shown::needs_escape(c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect()
}

#[test]
fn report_text_escapes_hostile_names_and_json_keeps_them_exact() {
    let dir = tempfile::tempdir().unwrap();
    let (root, _) = hostile_dataset(dir.path());
    let ws = dir.path().join("ws.yaml");
    let (code, _, err) = run(&ws, &[os(b"init"), root.as_os_str()]);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let (code, out, err) = run(&ws, &[os(b"report")]);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    assert_eq!(control_bytes(&out), Vec::<String>::new(), "report's stdout");
    assert_eq!(control_bytes(&err), Vec::<String>::new(), "report's stderr");
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains(r"x\e]0;PWNED\x07\e[31mRED\xE9/t\e[2J.jpg  [error]"),
        "the hostile person is named, escaped:\n{text}"
    );

    let (code, out, _) = run(&ws, &[os(b"report"), os(b"--json")]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let paths: Vec<&str> = doc["photos"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["path"].as_str())
        .collect();
    let clip = format!(
        "{}/{}",
        facecurate::pathkey::name_of(os(&[TITLE, b"\xe9"].concat())).unwrap(),
        String::from_utf8(CLIPBOARD.to_vec()).unwrap()
    );
    assert!(
        paths.contains(&clip.as_str()),
        "JSON keeps the name exact: {paths:?}"
    );
    assert!(
        paths.contains(&"elton_john/bel\u{7}cr\r.jpg"),
        "JSON keeps BEL and CR: {paths:?}"
    );
}

#[test]
fn mv_rm_and_undo_move_hostile_names_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (root, hostile) = hostile_dataset(dir.path());
    let ws = dir.path().join("ws.yaml");
    assert_eq!(run(&ws, &[os(b"init"), root.as_os_str()]).0, 0);
    // Exit 1: the truncated photo failed, by name; the rest were scanned.
    assert_eq!(run(&ws, &[os(b"scan")]).0, 1);
    let before = snapshot(&root);

    let mut args: Vec<&OsStr> = vec![os(b"mv")];
    args.extend(hostile.iter().map(|p| p.as_os_str()));
    args.push(os(b"ben_afflek"));
    let (code, out, err) = run(&ws, &args);
    assert_eq!(code, 0, "mv: {}", String::from_utf8_lossy(&err));
    assert_eq!(control_bytes(&out), Vec::<String>::new(), "mv's message");
    for p in &hostile {
        assert!(!p.exists(), "{} left in place", p.display());
        let moved = root.join("ben_afflek").join(p.file_name().unwrap());
        assert!(moved.exists(), "{} not in ben_afflek", moved.display());
    }
    assert_eq!(run(&ws, &[os(b"undo")]).0, 0);
    assert_eq!(snapshot(&root), before, "undo restores every name and byte");

    let (code, _, err) = run(&ws, &[os(b"rm"), hostile[2].as_os_str()]);
    assert_eq!(code, 0, "rm: {}", String::from_utf8_lossy(&err));
    assert!(!hostile[2].exists());
    let (code, out, _) = run(&ws, &[os(b"trash"), os(b"list")]);
    assert_eq!(code, 0);
    assert_eq!(control_bytes(&out), Vec::<String>::new(), "trash list");
    assert!(String::from_utf8_lossy(&out).contains(r"bad\xFF\xFE.jpg"));
    assert_eq!(run(&ws, &[os(b"undo")]).0, 0);
    assert_eq!(snapshot(&root), before, "undo of rm restores the bytes");

    // The store agrees: a fresh scan finds nothing new, moved or removed.
    let (code, out, _) = run(&ws, &[os(b"scan"), os(b"--json")]);
    assert!(code == 0 || code == 1, "scan ran");
    let s: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for k in ["new", "changed", "moved", "removed"] {
        assert_eq!(s[k], 0, "{k} after undo: {s}");
    }
}
