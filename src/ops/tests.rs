//! Label edits against real folders and a real store: undo/redo, the trash,
//! hostile input, external changes, a SIGKILL at every fault point, and a
//! property test of random edit sequences.

use super::*;
use crate::records::hash_file;
use crate::store::{FileRow, Store};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Files (relative path → bytes) under `dir`, recursively.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    state: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("data");
    for (person, n) in [("ann", 3), ("bob", 2), ("cy", 2)] {
        std::fs::create_dir_all(root.join(person)).unwrap();
        for i in 0..n {
            std::fs::write(
                root.join(person).join(format!("{i}.jpg")),
                format!("{person}-{i}").repeat(50),
            )
            .unwrap();
        }
    }
    // Same file name in two persons, to exercise fresh names.
    std::fs::write(root.join("bob/same.jpg"), b"bob-same").unwrap();
    std::fs::write(root.join("ann/same.jpg"), b"ann-same").unwrap();
    let state = dir.path().join("state");
    let fx = Fixture {
        root,
        state,
        _dir: dir,
    };
    let mut store = open_store(&fx);
    index(&mut store, &fx.root);
    fx
}

fn open_store(fx: &Fixture) -> Store {
    Store::open(&fx.state.join("store.sqlite"), "test").unwrap()
}

/// The fixture's operations, with what opening rolled forward.
fn open_ops<'s>(fx: &Fixture, store: &'s mut Store) -> (Ops<'s>, Vec<String>) {
    Ops::open(
        &fx.root,
        &fx.state.join("journal"),
        &fx.state.join("trash"),
        store,
    )
    .unwrap()
}

/// Records every photo's path row, as a scan would.
fn index(store: &mut Store, root: &Path) {
    let batch = store.batch().unwrap();
    for (rel, _) in tree(root) {
        let key = plan::key(&rel).unwrap();
        let meta = std::fs::metadata(root.join(&rel)).unwrap();
        let row = FileRow {
            person: key.split('/').next().unwrap().to_string(),
            size: meta.len(),
            mtime_ns: 0,
            hash: Some(hash_file(&root.join(&rel)).unwrap()),
            error: None,
        };
        batch.put_file(&key, &row).unwrap();
    }
    batch.commit().unwrap();
}

/// The store's path → hash table equals the folders'.
fn assert_store_agrees(store: &Store, root: &Path) {
    let rows: HashMap<String, Option<String>> = store
        .file_rows(None)
        .unwrap()
        .into_iter()
        .map(|(k, r)| (k, r.hash))
        .collect();
    let disk: HashMap<String, Option<String>> = tree(root)
        .keys()
        .map(|rel| {
            (
                plan::key(rel).unwrap(),
                Some(hash_file(&root.join(rel)).unwrap()),
            )
        })
        .collect();
    assert_eq!(rows, disk, "store and folders agree");
}

/// Every original content exists exactly once in the dataset or the trash.
fn assert_nothing_lost(original: &BTreeMap<PathBuf, Vec<u8>>, root: &Path, trash: &Path) {
    let mut counts: HashMap<Vec<u8>, usize> = HashMap::new();
    for bytes in tree(root).into_values().chain(tree(trash).into_values()) {
        *counts.entry(bytes).or_default() += 1;
    }
    for bytes in original.values() {
        assert_eq!(counts.get(bytes), Some(&1), "a photo exists exactly once");
    }
    assert_eq!(
        counts.values().sum::<usize>(),
        original.len(),
        "nothing added"
    );
}

#[test]
fn move_undo_redo_keeps_folders_and_store_in_step() {
    let fx = fixture();
    let start = tree(&fx.root);
    let mut store = open_store(&fx);
    let (mut ops, recovered) = open_ops(&fx, &mut store);
    assert!(recovered.is_empty());
    let change = ops
        .mv(&[PathBuf::from("bob/same.jpg")], "ann", false)
        .unwrap();
    assert!(
        fx.root.join("ann/same-2.jpg").exists(),
        "a taken name gets a fresh one"
    );
    assert_eq!(
        std::fs::read(fx.root.join("ann/same.jpg")).unwrap(),
        b"ann-same",
        "nothing overwritten"
    );
    assert!(change.persons.contains("ann") && change.persons.contains("bob"));
    ops.undo().unwrap().unwrap();
    assert_eq!(tree(&fx.root), start);
    ops.redo().unwrap().unwrap();
    assert!(fx.root.join("ann/same-2.jpg").exists());
    assert_store_agrees(ops.store, &fx.root);
    assert!(ops.redo().unwrap().is_none(), "nothing left to redo");
}

#[test]
fn rename_merge_and_new_person() {
    let fx = fixture();
    let start = tree(&fx.root);
    let mut store = open_store(&fx);
    let (mut ops, _) = open_ops(&fx, &mut store);
    assert!(
        ops.mv(&[PathBuf::from("cy/0.jpg")], "dee", false).is_err(),
        "unknown person needs --new"
    );
    ops.mv(&[PathBuf::from("cy/0.jpg")], "dee", true).unwrap();
    ops.rename("bob", "robert").unwrap();
    assert!(fx.root.join("robert/0.jpg").exists() && !fx.root.join("bob").exists());
    ops.merge("robert", "ann").unwrap();
    assert!(!fx.root.join("robert").exists(), "the emptied folder goes");
    assert_store_agrees(ops.store, &fx.root);
    while ops.undo().unwrap().is_some() {}
    assert_eq!(tree(&fx.root), start);
    assert_store_agrees(ops.store, &fx.root);
}

#[test]
fn delete_goes_to_the_trash_and_comes_back() {
    let fx = fixture();
    let start = tree(&fx.root);
    let mut store = open_store(&fx);
    let (mut ops, _) = open_ops(&fx, &mut store);
    let first = ops
        .rm(&[PathBuf::from("ann/0.jpg"), PathBuf::from("bob/same.jpg")])
        .unwrap();
    ops.mv(&[PathBuf::from("cy/1.jpg")], "ann", false).unwrap();
    assert_eq!(tree(ops.trash_dir()).len(), 2);
    assert_nothing_lost(&start, &fx.root, &fx.state.join("trash"));
    // Restore the deletion although a later move happened.
    ops.restore(first.id).unwrap();
    assert!(fx.root.join("ann/0.jpg").exists() && fx.root.join("bob/same.jpg").exists());
    assert_store_agrees(ops.store, &fx.root);
}

#[test]
fn hostile_input_is_refused_without_change() {
    let fx = fixture();
    let start = tree(&fx.root);
    std::fs::write(fx.root.join("README.txt"), b"not a person").unwrap();
    let outside = fx.root.parent().unwrap().join("outside.jpg");
    std::fs::write(&outside, b"secret").unwrap();
    std::os::unix::fs::symlink(&outside, fx.root.join("ann/link.jpg")).unwrap();
    let mut store = open_store(&fx);
    let (mut ops, _) = open_ops(&fx, &mut store);
    let photo = [PathBuf::from("ann/0.jpg")];
    let long = "x".repeat(300);
    for bad in [
        "../../etc",
        "/etc",
        "a\0b",
        "a\nb",
        long.as_str(),
        "README.txt",
        ".hidden",
        "..",
    ] {
        let err = ops.mv(&photo, bad, true).expect_err(bad);
        assert!(!err.to_string().is_empty());
    }
    assert!(
        ops.mv(&[PathBuf::from("../outside.jpg")], "bob", false)
            .is_err()
    );
    assert!(
        ops.mv(std::slice::from_ref(&outside), "bob", false)
            .is_err()
    );
    assert!(
        ops.rm(&[PathBuf::from("ann/link.jpg")]).is_err(),
        "symlinks are not followed"
    );
    assert!(ops.rename("ann", "../ann").is_err());
    assert!(ops.merge("ann", "/tmp").is_err());
    std::fs::remove_file(fx.root.join("ann/link.jpg")).unwrap();
    std::fs::remove_file(fx.root.join("README.txt")).unwrap();
    assert_eq!(tree(&fx.root), start);
    assert!(ops.log().unwrap().is_empty());
}

#[test]
fn a_source_changed_outside_is_refused() {
    let fx = fixture();
    let mut store = open_store(&fx);
    let (mut ops, _) = open_ops(&fx, &mut store);
    std::fs::write(fx.root.join("ann/1.jpg"), b"edited in another program").unwrap();
    let err = ops
        .mv(&[PathBuf::from("ann/1.jpg")], "bob", false)
        .unwrap_err();
    assert!(err.to_string().contains("changed"), "{err}");
    ops.mv(&[PathBuf::from("ann/2.jpg")], "bob", false).unwrap();
    // A file manager moves it back behind our back: undo is refused, nothing breaks.
    std::fs::rename(fx.root.join("bob/2.jpg"), fx.root.join("cy/2x.jpg")).unwrap();
    let err = ops.undo().unwrap_err();
    assert!(err.to_string().contains("gone"), "{err}");
}

const CRASH_ENV: &str = "FACECURATE_CRASH_CASE";

/// Runs in a child process (see `a_kill_at_every_step_loses_nothing`).
#[test]
#[ignore = "run by the crash test in a child process"]
fn crash_child() {
    let Ok(case) = std::env::var(CRASH_ENV) else {
        return;
    };
    let (op, dir) = case.split_once(':').unwrap();
    let (root, state) = (Path::new(dir).join("data"), Path::new(dir).join("state"));
    let mut store = Store::open(&state.join("store.sqlite"), "test").unwrap();
    let (mut ops, _) = Ops::open(
        &root,
        &state.join("journal"),
        &state.join("trash"),
        &mut store,
    )
    .unwrap();
    match op {
        "mv" => ops
            .mv(
                &[PathBuf::from("ann/0.jpg"), PathBuf::from("ann/same.jpg")],
                "bob",
                false,
            )
            .map(|_| ()),
        "merge" => ops.merge("bob", "ann").map(|_| ()),
        "rm" => ops
            .rm(&[PathBuf::from("cy/0.jpg"), PathBuf::from("cy/1.jpg")])
            .map(|_| ()),
        _ => unreachable!(),
    }
    .unwrap();
}

#[test]
fn a_kill_at_every_step_loses_nothing() {
    let exe = std::env::current_exe().unwrap();
    for op in ["mv", "merge", "rm"] {
        let mut killed_at = 0;
        for at in 1..50 {
            let fx = fixture();
            let start = tree(&fx.root);
            let dir = fx.root.parent().unwrap().to_path_buf();
            let status = std::process::Command::new(&exe)
                .args([
                    "ops::tests::crash_child",
                    "--exact",
                    "--ignored",
                    "--test-threads=1",
                    "--quiet",
                ])
                .env(CRASH_ENV, format!("{op}:{}", dir.display()))
                .env("FACECURATE_FAULT_AT", at.to_string())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            let killed = std::os::unix::process::ExitStatusExt::signal(&status) == Some(9);
            let mut store = open_store(&fx);
            let (ops, recovered) = open_ops(&fx, &mut store);
            assert_nothing_lost(&start, &fx.root, &fx.state.join("trash"));
            assert_store_agrees(ops.store, &fx.root);
            if killed {
                killed_at = at;
                assert!(recovered.len() <= 1);
            } else {
                assert!(
                    status.success(),
                    "{op} finished without a kill at point {at}"
                );
                break;
            }
        }
        eprintln!("{op}: killed at each of {killed_at} fault points, recovered every time");
        assert!(
            killed_at >= 3,
            "{op}: the child was killed at {killed_at} points"
        );
    }
}

#[path = "tests_props.rs"]
mod props;

#[test]
fn not_duplicate_marks_the_pair_by_content_and_undoes() {
    let fx = fixture();
    let mut store = open_store(&fx);
    let (mut ops, _) = open_ops(&fx, &mut store);
    let (a, b) = (PathBuf::from("ann/0.jpg"), PathBuf::from("bob/0.jpg"));
    let (ha, hb) = (
        hash_file(&fx.root.join(&a)).unwrap(),
        hash_file(&fx.root.join(&b)).unwrap(),
    );
    let change = ops.not_duplicate(&a, &b).unwrap();
    assert!(change.description.contains("ann/0.jpg and bob/0.jpg"));
    assert!(ops.store.is_not_duplicate(&hb, &ha).unwrap());
    assert!(matches!(
        ops.not_duplicate(&b, &a),
        Err(OpError::Invalid(_))
    ));
    assert!(matches!(
        ops.not_duplicate(&a, &a),
        Err(OpError::Invalid(_))
    ));
    // The mark follows the photo to another folder.
    ops.mv(std::slice::from_ref(&a), "cy", false).unwrap();
    assert!(ops.store.is_not_duplicate(&ha, &hb).unwrap());
    ops.undo().unwrap();
    ops.undo().unwrap();
    assert!(!ops.store.is_not_duplicate(&ha, &hb).unwrap());
    ops.redo().unwrap();
    assert!(ops.store.is_not_duplicate(&ha, &hb).unwrap());
}
