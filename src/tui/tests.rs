//! Snapshot tests of every screen on a fixed state (ratatui's TestBackend +
//! insta) and `update` tests for every key action.

use super::encoded::EncodedCache;
use super::state::app::{App, Overlay, Screen, SortBy};
use super::state::key::{Key, KeyCode, Mods};
use super::state::keys::Keymap;
use super::state::model::*;
use super::state::update::{Effect, Msg, update};
use super::view::render;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;

pub(super) fn photo(
    path: &str,
    person: &str,
    flags: &[&str],
    score: f32,
    suggested: Option<&str>,
) -> PhotoRow {
    PhotoRow {
        path: PathBuf::from(path),
        person: person.into(),
        flags: flags.iter().map(|s| s.to_string()).collect(),
        score,
        suggested: suggested.map(String::from),
        margin: suggested.map(|_| 0.21),
        distance: Some(score / 10.0),
        resembles: None,
    }
}

pub(super) fn fixture() -> App {
    let data = DatasetView {
        root: PathBuf::from("/data/demo"),
        persons: vec![
            PersonRow {
                name: "elton_john".into(),
                photos: 19,
                flags: vec!["mislabel".into()],
                flagged: 1,
                ..PersonRow::default()
            },
            PersonRow {
                name: "madonna".into(),
                photos: 21,
                flags: vec![],
                flagged: 0,
                ..PersonRow::default()
            },
            PersonRow {
                name: "jerry_seinfeld".into(),
                photos: 27,
                flags: vec!["duplicate".into(), "multi_face".into()],
                flagged: 1,
                ..PersonRow::default()
            },
        ],
        photos: vec![
            photo(
                "elton_john/mislabeled_1.jpg",
                "elton_john",
                &["mislabel"],
                3.2,
                Some("madonna"),
            ),
            // A duplicate still nearer its own person: no suggestion.
            PhotoRow {
                margin: Some(-0.13),
                resembles: Some("ben_afflek".into()),
                ..photo(
                    "jerry_seinfeld/copy.jpg",
                    "jerry_seinfeld",
                    &["duplicate"],
                    1.4,
                    None,
                )
            },
            photo("elton_john/e2.jpg", "elton_john", &[], 0.4, None),
            photo("madonna/m1.jpg", "madonna", &[], 0.2, None),
        ],
        duplicates: vec![DuplicateRow {
            a: "ben_afflek/b1.jpg".into(),
            b: "jerry_seinfeld/copy.jpg".into(),
            cosine: 0.64,
            kind: "copy".into(),
        }],
        problems: vec![ProblemRow {
            path: "mindy_kaling/truncated.jpg".into(),
            cause: "corrupt or truncated image".into(),
        }],
        classifier: ClassifierView {
            accuracy: Some(0.985),
            previous_accuracy: Some(0.97),
            classes: 5,
            confused: vec![("madonna".into(), "mindy_kaling".into(), 2)],
            training: false,
            state: None,
            recall: vec![
                RecallRow {
                    person: "madonna".into(),
                    photos: 4,
                    recall: Some(0.5),
                },
                RecallRow {
                    person: "elton_john".into(),
                    photos: 4,
                    recall: Some(1.0),
                },
            ],
            seconds: Some(3.4),
            refits: None,
            history: vec![0.95, 0.97, 0.985],
        },
        inbox: Vec::new(),
        analysing: false,
        lookups: Default::default(),
    };
    let mut app = App::new(data, Keymap::default(), true);
    app.progress = Progress {
        done: 120,
        total: 124,
        failed: 1,
        faces_per_s: 64.0,
        eta_s: Some(2.0),
        provider: "cpu".into(),
        activity: None,
    };
    app
}

pub(super) fn key(c: char) -> Msg {
    Msg::Key(Key::plain(KeyCode::Char(c)))
}

pub(super) fn code(c: KeyCode) -> Msg {
    Msg::Key(Key::plain(c))
}

pub(super) fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    // Nothing encoded: previews draw in half-blocks, as before the worker answers.
    let encoded = EncodedCache::default();
    terminal.draw(|f| render(app, &encoded, f)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn snapshot_people() {
    insta::assert_snapshot!(draw(&fixture(), 80, 24));
}

#[test]
fn snapshot_person_with_preview() {
    let mut app = fixture();
    update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Person);
    insta::assert_snapshot!(draw(&app, 110, 20));
}

#[test]
fn snapshot_each_tab() {
    let mut app = fixture();
    for name in ["review", "duplicates", "classifier", "problems"] {
        update(&mut app, code(KeyCode::Tab));
        insta::assert_snapshot!(name, draw(&app, 80, 16));
    }
}

#[test]
fn snapshot_help_and_picker() {
    let mut app = fixture();
    update(&mut app, key('?'));
    insta::assert_snapshot!("help", draw(&app, 80, 24));
    update(&mut app, code(KeyCode::Esc));
    update(&mut app, code(KeyCode::Tab));
    update(&mut app, key('m'));
    update(&mut app, key('m'));
    update(&mut app, key('d'));
    insta::assert_snapshot!("picker", draw(&app, 80, 24));
}

#[test]
fn navigation_keys_move_and_clamp() {
    let mut app = fixture();
    update(&mut app, key('j'));
    update(&mut app, code(KeyCode::Down));
    assert_eq!(app.people_sel, 2);
    update(&mut app, key('j'));
    assert_eq!(app.people_sel, 2, "stays on the last row");
    update(&mut app, key('k'));
    assert_eq!(app.people_sel, 1);
    update(&mut app, key('g'));
    assert_eq!(app.people_sel, 0);
    update(&mut app, key('G'));
    assert_eq!(app.people_sel, 2);
    update(&mut app, code(KeyCode::BackTab));
    assert_eq!(app.screen, Screen::Problems);
    update(&mut app, code(KeyCode::Tab));
    assert_eq!(app.screen, Screen::People);
}

#[test]
fn open_and_back_between_people_and_person() {
    let mut app = fixture();
    // Sorted by flags: jerry_seinfeld (2 flags) first.
    update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.person.as_deref(), Some("jerry_seinfeld"));
    update(&mut app, code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::People);
}

#[test]
fn search_filters_and_sort_cycles() {
    let mut app = fixture();
    update(&mut app, key('/'));
    for c in "mdn".chars() {
        update(&mut app, key(c));
    }
    update(&mut app, code(KeyCode::Enter));
    let names: Vec<_> = app.people().iter().map(|p| p.name.clone()).collect();
    assert_eq!(names, vec!["madonna"]);
    update(&mut app, code(KeyCode::Esc));
    assert!(app.search.is_empty());
    update(&mut app, key('s'));
    assert_eq!(app.sort, SortBy::Name);
    assert_eq!(app.people()[0].name, "elton_john");
    update(&mut app, key('s'));
    assert_eq!(app.sort, SortBy::Size);
    assert_eq!(app.people()[0].name, "jerry_seinfeld");
}

fn on_review() -> App {
    let mut app = fixture();
    update(&mut app, code(KeyCode::Tab));
    assert_eq!(app.screen, Screen::Review);
    app
}

#[test]
fn accept_moves_to_the_suggested_person() {
    let mut app = on_review();
    let effects = update(&mut app, key('a'));
    assert_eq!(
        effects,
        vec![Effect::Move {
            photo: "elton_john/mislabeled_1.jpg".into(),
            to: "madonna".into()
        }]
    );
}

#[test]
fn picker_moves_to_a_fuzzy_match_or_a_new_person() {
    let mut app = on_review();
    update(&mut app, key('m'));
    for c in "jer".chars() {
        update(&mut app, key(c));
    }
    let effects = update(&mut app, code(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Move {
            photo: "elton_john/mislabeled_1.jpg".into(),
            to: "jerry_seinfeld".into()
        }]
    );
    update(&mut app, key('m'));
    for c in "Zed Brown".chars() {
        update(&mut app, key(c));
    }
    let effects = update(&mut app, code(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Move {
            photo: "elton_john/mislabeled_1.jpg".into(),
            to: "Zed Brown".into()
        }]
    );
    update(&mut app, key('m'));
    assert!(
        update(&mut app, code(KeyCode::Esc)).is_empty(),
        "esc cancels"
    );
    assert_eq!(app.overlay, None);
}

#[test]
fn delete_asks_first() {
    let mut app = on_review();
    assert!(update(&mut app, key('d')).is_empty());
    assert!(matches!(app.overlay, Some(Overlay::ConfirmDelete { .. })));
    assert!(update(&mut app, key('n')).is_empty(), "n cancels");
    update(&mut app, key('d'));
    assert_eq!(
        update(&mut app, key('y')),
        vec![Effect::Delete {
            photo: "elton_john/mislabeled_1.jpg".into()
        }]
    );
}

#[test]
fn reviewed_undo_redo_retrain_and_quit() {
    let mut app = on_review();
    assert_eq!(
        update(&mut app, key('o')),
        vec![Effect::Reviewed {
            photo: "elton_john/mislabeled_1.jpg".into()
        }]
    );
    assert_eq!(update(&mut app, key('u')), vec![Effect::Undo]);
    assert_eq!(
        update(&mut app, Msg::Key(Key::new(KeyCode::Char('r'), Mods::CTRL))),
        vec![Effect::Redo]
    );
    assert_eq!(update(&mut app, key('t')), vec![Effect::Retrain]);
    update(&mut app, key('q'));
    assert!(app.quit);
}

#[test]
fn new_data_keeps_the_cursor_on_a_row() {
    let mut app = on_review();
    update(&mut app, key('j'));
    assert_eq!(app.review_sel, 1);
    let mut data = app.data.clone();
    data.photos.retain(|p| p.person != "jerry_seinfeld");
    update(&mut app, Msg::Data(data));
    assert_eq!(app.review_sel, 0);
    update(&mut app, Msg::Done("moved x to y".into()));
    assert_eq!(app.last_action.as_deref(), Some("moved x to y"));
}

#[test]
fn keys_can_be_remapped_and_bad_names_are_refused() {
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert("quit".to_string(), vec!["x".to_string()]);
    let keymap = Keymap::default().with_overrides(&overrides).expect("valid");
    let mut app = fixture();
    app.keymap = keymap;
    update(&mut app, key('q'));
    assert!(!app.quit);
    update(&mut app, key('x'));
    assert!(app.quit);
    overrides.insert("fly".to_string(), vec!["f".to_string()]);
    let err = Keymap::default()
        .with_overrides(&overrides)
        .expect_err("unknown action");
    assert!(err.contains("fly"));
}

#[test]
fn no_color_draws_without_previews() {
    let mut app = fixture();
    app.color = false;
    update(&mut app, code(KeyCode::Enter));
    let screen = draw(&app, 110, 20);
    assert!(screen.contains("NO_COLOR"));
}
