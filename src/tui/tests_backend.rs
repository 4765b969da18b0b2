//! The backend carries out a cluster move as one journaled edit: every
//! photo of the cluster moves, the rest of the folder stays, one undo puts
//! them all back (and there is nothing more to undo), one redo moves them
//! again. Real files, a real store and journal.

use super::backend::apply;
use super::state::update::Effect;
use facecurate::ops::Ops;
use facecurate::records::hash_file;
use facecurate::store::{FileRow, Store};
use std::path::{Path, PathBuf};

/// `photos` (path relative to the dataset, bytes) written under `dir/ds`
/// and indexed in a store under `dir/state` as a scan would: each photo's
/// person is its folder. Shared with the inbox tests.
pub(super) fn on_disk(dir: &Path, photos: &[(&str, &[u8])]) -> (PathBuf, Store) {
    let root = dir.join("ds");
    let mut store = Store::open(&dir.join("state/store.sqlite"), "test").expect("store");
    let batch = store.batch().expect("batch");
    for &(rel, bytes) in photos {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
        std::fs::write(&path, bytes).expect("photo");
        let row = FileRow {
            person: rel.split('/').next().unwrap_or_default().to_string(),
            size: bytes.len() as u64,
            mtime_ns: 0,
            hash: Some(hash_file(&path).expect("hash")),
            error: None,
        };
        batch.put_file(rel, &row).expect("row");
    }
    batch.commit().expect("commit");
    (root, store)
}

/// The journaled edits over an [`on_disk`] dataset, journal and trash in
/// `dir/state`.
pub(super) fn ops_over<'s>(dir: &Path, root: &Path, store: &'s mut Store) -> Ops<'s> {
    let state = dir.join("state");
    let (ops, _) =
        Ops::open(root, &state.join("journal"), &state.join("trash"), store).expect("ops");
    ops
}

fn in_folder(root: &Path, person: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(person))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_cluster_move_is_one_journaled_step_undone_and_redone_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rels = ["two/b1.jpg", "two/b2.jpg", "two/b3.jpg", "two/j1.jpg"];
    let photos: Vec<(&str, &[u8])> = rels.iter().map(|r| (*r, r.as_bytes())).collect();
    let (root, mut store) = on_disk(dir.path(), &photos);
    let mut ops = ops_over(dir.path(), &root, &mut store);
    let cluster: Vec<PathBuf> = rels[..3].iter().map(PathBuf::from).collect();
    let text = apply(
        &mut ops,
        &root,
        Effect::MoveAll {
            photos: cluster,
            to: "ben".into(),
        },
    )
    .expect("moved");
    assert!(text.contains("ben"), "{text}");
    assert_eq!(in_folder(&root, "ben"), ["b1.jpg", "b2.jpg", "b3.jpg"]);
    assert_eq!(in_folder(&root, "two"), ["j1.jpg"]);
    apply(&mut ops, &root, Effect::Undo).expect("undone");
    assert!(in_folder(&root, "ben").is_empty());
    assert_eq!(in_folder(&root, "two").len(), 4);
    let more = apply(&mut ops, &root, Effect::Undo).expect("nothing");
    assert_eq!(more, "nothing to undo", "the move was one step");
    apply(&mut ops, &root, Effect::Redo).expect("redone");
    assert_eq!(in_folder(&root, "ben"), ["b1.jpg", "b2.jpg", "b3.jpg"]);
    assert_eq!(in_folder(&root, "two"), ["j1.jpg"]);
}
