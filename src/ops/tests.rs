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

mod props {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Cmd {
        Mv(usize, usize),
        Rm(usize),
        Rename(usize),
        Merge(usize, usize),
        Ok(usize),
        Undo,
        Redo,
    }

    fn cmd() -> impl Strategy<Value = Cmd> {
        prop_oneof![
            (0..9usize, 0..4usize).prop_map(|(a, b)| Cmd::Mv(a, b)),
            (0..9usize).prop_map(Cmd::Rm),
            (0..4usize).prop_map(Cmd::Rename),
            (0..4usize, 0..4usize).prop_map(|(a, b)| Cmd::Merge(a, b)),
            (0..9usize).prop_map(Cmd::Ok),
            Just(Cmd::Undo),
            Just(Cmd::Redo),
        ]
    }

    fn persons(root: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    }

    /// content → person, read from the folders.
    fn labels(root: &Path) -> BTreeMap<Vec<u8>, String> {
        tree(root)
            .into_iter()
            .map(|(rel, bytes)| {
                (
                    bytes,
                    super::plan::key(&rel)
                        .unwrap()
                        .split('/')
                        .next()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]
        #[test]
        fn random_edits_then_undo_all_restore_the_dataset(cmds in proptest::collection::vec(cmd(), 1..14)) {
            let fx = fixture();
            let start = tree(&fx.root);
            let mut store = open_store(&fx);
            let (mut ops, _) = Ops::open(&fx.root, &fx.state.join("journal"), &fx.state.join("trash"), &mut store).unwrap();
            // The model: which person each content belongs to, plus the history for undo/redo.
            let mut model = labels(&fx.root);
            let mut done: Vec<BTreeMap<Vec<u8>, String>> = Vec::new();
            let mut undone: Vec<BTreeMap<Vec<u8>, String>> = Vec::new();
            for c in cmds {
                let files: Vec<PathBuf> = tree(&fx.root).into_keys().collect();
                let people = persons(&fx.root);
                let before = model.clone();
                let result = match &c {
                    Cmd::Mv(f, p) if !files.is_empty() => {
                        let to = ["ann", "bob", "cy", "dee"][*p];
                        ops.mv(&[files[f % files.len()].clone()], to, true).map(Some)
                    }
                    Cmd::Rm(f) if !files.is_empty() => ops.rm(&[files[f % files.len()].clone()]).map(Some),
                    Cmd::Rename(p) if !people.is_empty() => {
                        let from = people[p % people.len()].clone();
                        ops.rename(&from, &format!("{from}_x")).map(Some)
                    }
                    Cmd::Merge(a, b) if !people.is_empty() => {
                        ops.merge(&people[a % people.len()], &people[b % people.len()]).map(Some)
                    }
                    Cmd::Ok(f) if !files.is_empty() => ops.ok(&[files[f % files.len()].clone()]).map(Some),
                    Cmd::Undo => ops.undo(),
                    Cmd::Redo => ops.redo(),
                    _ => Ok(None),
                };
                match (&c, result) {
                    (Cmd::Undo, Ok(Some(_))) => {
                        undone.push(model.clone());
                        model = done.pop().unwrap();
                    }
                    (Cmd::Redo, Ok(Some(_))) => {
                        done.push(model.clone());
                        model = undone.pop().unwrap();
                    }
                    (Cmd::Undo | Cmd::Redo, _) => {}
                    (_, Ok(Some(_))) => {
                        done.push(before);
                        undone.clear();
                        model = labels(&fx.root);
                    }
                    (_, _) => {}
                }
                prop_assert_eq!(&labels(&fx.root), &model);
                assert_nothing_lost(&start, &fx.root, &fx.state.join("trash"));
            }
            while ops.undo().unwrap().is_some() {}
            prop_assert_eq!(tree(&fx.root), start);
            assert_store_agrees(ops.store, &fx.root);
        }
    }
}

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
