//! The Duplicates screen: the pair side by side, and what each key does
//! with it (keep one, move or delete the picked side, not a duplicate).

use super::state::app::{App, Overlay, Screen};
use super::state::key::KeyCode;
use super::state::keys::Keymap;
use super::state::model::{DuplicateRow, PersonRow};
use super::state::update::{Effect, Msg, update};
use super::tests::{code, draw, fixture, key};

fn on_duplicates() -> App {
    let mut app = fixture();
    update(&mut app, code(KeyCode::Tab));
    update(&mut app, code(KeyCode::Tab));
    assert_eq!(app.screen, Screen::Duplicates);
    app
}

const LEFT: &str = "ben_afflek/b1.jpg";
const RIGHT: &str = "jerry_seinfeld/copy.jpg";

#[test]
fn snapshot_pair_side_by_side() {
    let mut app = on_duplicates();
    update(&mut app, key('l'));
    insta::assert_snapshot!(draw(&app, 100, 30));
}

#[test]
fn keep_left_trashes_the_right_photo_after_asking() {
    let mut app = on_duplicates();
    assert!(update(&mut app, key('[')).is_empty(), "asks first");
    assert_eq!(
        app.overlay,
        Some(Overlay::ConfirmDelete {
            photo: RIGHT.into(),
            kept: Some(LEFT.into())
        })
    );
    let screen = draw(&app, 100, 30);
    assert!(screen.contains(&format!("Keep {LEFT}")), "{screen}");
    assert!(screen.contains(&format!("and move {RIGHT} to the trash? (y/n)")));
    assert!(update(&mut app, key('n')).is_empty(), "n cancels");
    update(&mut app, key('['));
    assert_eq!(
        update(&mut app, key('y')),
        vec![Effect::Delete {
            photo: RIGHT.into()
        }]
    );
}

#[test]
fn keep_right_trashes_the_left_photo() {
    let mut app = on_duplicates();
    update(&mut app, key(']'));
    assert_eq!(
        update(&mut app, key('y')),
        vec![Effect::Delete { photo: LEFT.into() }]
    );
}

#[test]
fn not_duplicate_marks_the_pair() {
    let mut app = on_duplicates();
    assert_eq!(
        update(&mut app, key('i')),
        vec![Effect::NotDuplicate {
            a: LEFT.into(),
            b: RIGHT.into()
        }]
    );
}

#[test]
fn move_delete_and_review_act_on_the_picked_side() {
    let mut app = on_duplicates();
    // Left is picked first; l picks the right photo, h the left again.
    update(&mut app, key('l'));
    update(&mut app, key('m'));
    for c in "madon".chars() {
        update(&mut app, key(c));
    }
    assert_eq!(
        update(&mut app, code(KeyCode::Enter)),
        vec![Effect::Move {
            photo: RIGHT.into(),
            to: "madonna".into()
        }]
    );
    update(&mut app, key('h'));
    update(&mut app, key('d'));
    assert_eq!(
        update(&mut app, key('y')),
        vec![Effect::Delete { photo: LEFT.into() }]
    );
    assert_eq!(
        update(&mut app, key('o')),
        vec![Effect::Reviewed { photo: LEFT.into() }]
    );
}

#[test]
fn pair_keys_do_nothing_elsewhere_and_can_be_remapped() {
    let mut app = fixture();
    assert!(update(&mut app, key('i')).is_empty());
    assert!(update(&mut app, key('[')).is_empty());
    assert_eq!(app.overlay, None);
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert("not_duplicate".to_string(), vec!["x".to_string()]);
    overrides.insert("keep_left".to_string(), vec!["1".to_string()]);
    let mut app = on_duplicates();
    app.keymap = Keymap::default().with_overrides(&overrides).expect("valid");
    assert!(update(&mut app, key('i')).is_empty());
    assert_eq!(update(&mut app, key('x')).len(), 1);
    update(&mut app, key('1'));
    assert!(matches!(app.overlay, Some(Overlay::ConfirmDelete { .. })));
}

#[test]
fn a_pair_that_went_away_leaves_the_cursor_on_a_row() {
    let mut app = on_duplicates();
    let mut data = app.data.clone();
    data.duplicates.insert(
        0,
        DuplicateRow {
            a: "madonna/m1.jpg".into(),
            b: "madonna/m2.jpg".into(),
            cosine: 1.0,
            kind: "exact".into(),
        },
    );
    update(&mut app, Msg::Data(data.clone()));
    update(&mut app, key('j'));
    assert_eq!(app.dup_sel, 1);
    data.duplicates.truncate(1);
    update(&mut app, Msg::Data(data));
    assert_eq!(app.dup_sel, 0);
    assert_eq!(
        app.selected_path(),
        Some(std::path::Path::new("madonna/m1.jpg"))
    );
}

#[test]
fn a_long_list_shows_the_selected_row() {
    // Only the rows near the cursor are built each frame; the one selected must show.
    let mut app = fixture();
    app.data.persons = (0..3000)
        .map(|i| PersonRow {
            name: format!("person_{i:04}"),
            photos: 1,
            flags: vec![],
            flagged: 0,
            ..PersonRow::default()
        })
        .collect();
    for _ in 0..1234 {
        update(&mut app, key('j'));
    }
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("person_1234"), "{screen}");
    assert!(
        screen.contains("person_1216"),
        "a full page above it: {screen}"
    );
    update(&mut app, key('G'));
    assert!(draw(&app, 80, 24).contains("person_2999"));
    update(&mut app, key('g'));
    assert!(draw(&app, 80, 24).contains("person_0000"));
}
