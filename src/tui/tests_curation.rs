//! Accepting only ever does what the evidence supports: `a` moves a
//! mislabel to its suggestion, and says why it does nothing on a photo
//! still nearer its own person or on a duplicate pair. After an undo the
//! status bar offers redo, and People sorts by the work left.

use super::state::app::Screen;
use super::state::key::KeyCode;
use super::state::update::{Effect, Msg, update};
use super::tests::{code, fixture, key};
use super::view::render;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn status_line(app: &super::state::app::App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(140, 24)).expect("terminal");
    let encoded = super::encoded::EncodedCache::default();
    terminal.draw(|f| render(app, &encoded, f)).expect("draw");
    let buffer = terminal.backend().buffer();
    let last = buffer.area.height - 1;
    (0..buffer.area.width)
        .map(|x| buffer[(x, last)].symbol().to_string())
        .collect()
}

#[test]
fn accept_on_a_photo_nearer_its_own_person_moves_nothing_and_says_why() {
    let mut app = fixture();
    update(&mut app, code(KeyCode::Tab));
    assert_eq!(app.screen, Screen::Review);
    update(&mut app, code(KeyCode::Down));
    let selected = app.selected_photo().map(|p| p.path.clone());
    assert_eq!(selected, Some("jerry_seinfeld/copy.jpg".into()));
    let effects = update(&mut app, key('a'));
    assert!(effects.is_empty(), "{effects:?}");
    let error = app.error.clone().unwrap_or_default();
    assert!(
        error.contains("still nearer its own person than ben_afflek (margin -0.13)"),
        "{error}"
    );
}

#[test]
fn accept_on_a_duplicate_pair_moves_nothing_and_points_at_keep_one() {
    let mut app = fixture();
    while app.screen != Screen::Duplicates {
        update(&mut app, code(KeyCode::Tab));
    }
    let effects = update(&mut app, key('a'));
    assert!(effects.is_empty(), "{effects:?}");
    let error = app.error.clone().unwrap_or_default();
    assert!(error.contains("keeping one side"), "{error}");
}

#[test]
fn after_an_undo_the_status_bar_offers_redo_until_a_new_change() {
    let mut app = fixture();
    update(&mut app, Msg::Done("moved a.jpg to madonna".into()));
    assert!(
        status_line(&app).contains("(u to undo)"),
        "{}",
        status_line(&app)
    );
    assert_eq!(update(&mut app, key('u')), vec![Effect::Undo]);
    update(&mut app, Msg::Done("undid: moved a.jpg to madonna".into()));
    let line = status_line(&app);
    assert!(line.contains("to redo, u to undo more"), "{line}");
    update(&mut app, code(KeyCode::Tab));
    update(&mut app, key('a'));
    update(&mut app, Msg::Done("moved b.jpg to madonna".into()));
    let line = status_line(&app);
    assert!(
        line.contains("(u to undo)") && !line.contains("redo"),
        "{line}"
    );
}

#[test]
fn people_sort_by_flagged_photos_first() {
    let mut app = fixture();
    app.data.persons[1].flagged = 5; // madonna: no person flag, most work
    let order: Vec<&str> = app.people().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(order, ["madonna", "jerry_seinfeld", "elton_john"]);
}
