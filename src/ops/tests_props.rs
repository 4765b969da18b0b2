//! A property test of random edit sequences: after every edit, undo or
//! redo the folders match a model of who each photo belongs to, nothing is
//! lost, the store agrees, and undoing everything restores the dataset.

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
