//! The inbox on the Review screen: `a` files a photo under its prediction
//! as a journaled move (on real folders, undone by `u`), an unknown row
//! says why `a` does nothing, `n` moves an unknown group into a new person
//! in one step, and the rows as drawn.

use super::state::app::{App, Overlay, Screen};
use super::state::key::KeyCode;
use super::state::model::InboxRow;
use super::state::update::{Effect, Msg, update};
use super::tests::{code, draw, fixture, key};
use super::tests_backend::{on_disk, ops_over};
use facecurate::store::Store;
use std::path::{Path, PathBuf};

fn row(path: &str, predicted: &str, p: f64, suggested: bool, group: Option<usize>) -> InboxRow {
    InboxRow {
        path: PathBuf::from(path),
        predicted: Some(predicted.into()),
        probability: Some(p),
        suggested: suggested.then(|| predicted.to_string()),
        group,
        note: None,
    }
}

/// The fixture with three inbox photos: one predicted madonna, two unknowns
/// of one group.
fn with_inbox() -> App {
    let mut app = fixture();
    app.data.inbox = vec![
        row("_inbox/a.jpg", "madonna", 0.93, true, None),
        row("_inbox/b.jpg", "elton_john", 0.08, false, Some(0)),
        row("_inbox/c.jpg", "madonna", 0.05, false, Some(0)),
    ];
    app
}

/// Review, cursor on the first inbox row (below the flagged photos).
fn on_inbox(app: &mut App) {
    update(app, code(KeyCode::Tab));
    assert_eq!(app.screen, Screen::Review);
    while app.inbox_selected().is_none() {
        update(app, code(KeyCode::Down));
    }
}

/// A dataset with `_inbox/a.jpg` (and `_inbox/b.jpg` when `with_b`) and
/// madonna's folder, indexed in a store as a scan would.
fn dataset(dir: &Path, with_b: bool) -> (PathBuf, Store) {
    let (a, m1, b) = ("inbox-a".repeat(40), "m1".repeat(40), "inbox-b".repeat(40));
    let mut photos = vec![
        ("_inbox/a.jpg", a.as_bytes()),
        ("madonna/m1.jpg", m1.as_bytes()),
    ];
    if with_b {
        photos.push(("_inbox/b.jpg", b.as_bytes()));
    }
    on_disk(dir, &photos)
}

#[test]
fn a_files_an_inbox_photo_under_its_prediction_and_u_puts_it_back() {
    let mut app = with_inbox();
    on_inbox(&mut app);
    assert_eq!(app.selected_path(), Some(Path::new("_inbox/a.jpg")));
    let effects = update(&mut app, key('a'));
    assert_eq!(
        effects,
        vec![Effect::Move {
            photo: "_inbox/a.jpg".into(),
            to: "madonna".into()
        }]
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (root, mut store) = dataset(dir.path(), false);
    let mut ops = ops_over(dir.path(), &root, &mut store);
    for effect in effects {
        super::backend::apply(&mut ops, &root, effect).expect("move");
    }
    assert!(root.join("madonna/a.jpg").is_file(), "filed under madonna");
    assert!(!root.join("_inbox/a.jpg").exists());
    let undo = update(&mut app, key('u'));
    assert_eq!(undo, vec![Effect::Undo]);
    for effect in undo {
        super::backend::apply(&mut ops, &root, effect).expect("undo");
    }
    assert!(root.join("_inbox/a.jpg").is_file(), "back in the inbox");
    assert!(!root.join("madonna/a.jpg").exists());
}

#[test]
fn a_on_an_unknown_says_why_and_n_makes_its_group_a_new_person() {
    let mut app = with_inbox();
    on_inbox(&mut app);
    update(&mut app, code(KeyCode::Down));
    assert!(update(&mut app, key('a')).is_empty());
    let error = app.error.clone().unwrap_or_default();
    assert!(error.contains("closest elton_john at 0.08"), "{error}");
    assert!(update(&mut app, key('n')).is_empty());
    assert!(matches!(app.overlay, Some(Overlay::NewPerson { .. })));
    for c in "Ann Lee".chars() {
        update(&mut app, key(c));
    }
    let effects = update(&mut app, code(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::MoveAll {
            photos: vec!["_inbox/b.jpg".into(), "_inbox/c.jpg".into()],
            to: "Ann Lee".into()
        }]
    );
    assert_eq!(app.overlay, None);
}

#[test]
fn a_retrain_replaces_the_inbox_predictions() {
    let mut app = with_inbox();
    on_inbox(&mut app);
    update(
        &mut app,
        Msg::Inbox(vec![row("_inbox/z.jpg", "madonna", 0.9, true, None)]),
    );
    assert_eq!(app.selected_path(), Some(Path::new("_inbox/z.jpg")));
}

#[test]
fn inbox_rows() {
    let mut app = with_inbox();
    on_inbox(&mut app);
    insta::assert_snapshot!(draw(&app, 140, 12));
}

#[test]
fn a_group_becomes_a_new_person_in_one_step_and_one_undo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (root, mut store) = dataset(dir.path(), true);
    let mut ops = ops_over(dir.path(), &root, &mut store);
    let effect = Effect::MoveAll {
        photos: vec!["_inbox/a.jpg".into(), "_inbox/b.jpg".into()],
        to: "Ann Lee".into(),
    };
    super::backend::apply(&mut ops, &root, effect).expect("move");
    assert!(root.join("Ann Lee/a.jpg").is_file() && root.join("Ann Lee/b.jpg").is_file());
    super::backend::apply(&mut ops, &root, Effect::Undo).expect("undo");
    assert!(root.join("_inbox/a.jpg").is_file() && root.join("_inbox/b.jpg").is_file());
    assert!(!root.join("Ann Lee/a.jpg").exists() && !root.join("Ann Lee/b.jpg").exists());
}

#[test]
fn the_inbox_photo_is_previewed_beside_its_predicted_person() {
    let mut app = with_inbox();
    app.size = (120, 36);
    on_inbox(&mut app);
    let wanted = super::preview::wanted(&app);
    let decode = |p: &str| super::thumbs::Request::Decode(PathBuf::from(p));
    assert!(wanted.contains(&decode("_inbox/a.jpg")), "{wanted:?}");
    let madonna = app.example_of("madonna").map(|p| p.path.clone());
    assert_eq!(madonna, Some(PathBuf::from("madonna/m1.jpg")));
    assert!(wanted.contains(&decode("madonna/m1.jpg")), "{wanted:?}");
}
