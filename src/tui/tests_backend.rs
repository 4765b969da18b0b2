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

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
    std::fs::write(path, bytes).expect("photo");
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
    let root = dir.path().join("ds");
    let rels = ["two/b1.jpg", "two/b2.jpg", "two/b3.jpg", "two/j1.jpg"];
    for rel in rels {
        write(&root, rel, rel.as_bytes());
    }
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).expect("state folder");
    let mut store = Store::open(&state.join("store.sqlite"), "test").expect("store");
    let batch = store.batch().expect("batch");
    for rel in rels {
        let row = FileRow {
            person: "two".into(),
            size: rel.len() as u64,
            mtime_ns: 0,
            hash: Some(hash_file(&root.join(rel)).expect("hash")),
            error: None,
        };
        batch.put_file(rel, &row).expect("row");
    }
    batch.commit().expect("commit");
    let (mut ops, _) = Ops::open(
        &root,
        &state.join("journal"),
        &state.join("trash"),
        &mut store,
    )
    .expect("ops");
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
