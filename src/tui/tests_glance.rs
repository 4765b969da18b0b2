//! The first look: the store's folders are listed before the analysis
//! comes (at a million photos it takes tens of seconds), the counts the
//! analysis makes are shown as coming rather than as zero, and the
//! analysed view replaces it, keeping a cursor the user moved on its
//! person.

use super::data::glance_view;
use super::state::app::App;
use super::state::keys::Keymap;
use super::state::update::{Msg, update};
use super::tests::{draw, fixture, key};
use super::tests_backend::on_disk;
use facecurate::session::{Overrides, Session, quiet};

fn first_look(names: &[(&str, usize)]) -> App {
    let counts = names.iter().map(|&(n, c)| (n.to_string(), c)).collect();
    let view = glance_view(std::path::Path::new("/data/demo"), counts);
    App::new(view, Keymap::default(), true)
}

#[test]
fn the_first_look_lists_the_store_folders_without_the_inbox() {
    let dir = tempfile::tempdir().expect("temp dir");
    let photos: [(&str, &[u8]); 4] = [
        ("ann/1.jpg", b"a"),
        ("ann/2.jpg", b"b"),
        ("bob/1.jpg", b"c"),
        ("_inbox/x.jpg", b"d"),
    ];
    let (_root, store) = on_disk(dir.path(), &photos);
    drop(store);
    let file = dir.path().join("workspace.yaml");
    std::fs::write(&file, "dataset: ds\nstate_dir: state\n").expect("workspace");
    let session = Session::open(&file, Overrides::default(), quiet()).expect("session");
    let store = session.store(false).expect("store");
    let counts = session.person_counts(&store).expect("counts");
    assert_eq!(counts, vec![("ann".to_string(), 2), ("bob".to_string(), 1)]);
}

#[test]
fn snapshot_first_look() {
    let app = first_look(&[("madonna", 21), ("elton_john", 19), ("jerry_seinfeld", 27)]);
    let screen = draw(&app, 80, 10);
    // Unknown counts are not shown as zero.
    assert!(screen.contains("Review (…)"), "{screen}");
    assert!(screen.contains("Duplicates (…)"), "{screen}");
    assert!(screen.contains("Problems (…)"), "{screen}");
    assert!(screen.contains("analysing…"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_analysed_view_keeps_a_moved_cursor_on_its_person() {
    let names = [("elton_john", 19), ("jerry_seinfeld", 27), ("madonna", 21)];
    let mut app = first_look(&names);
    update(&mut app, key('j'));
    let chosen = app.people()[app.people_sel].name.clone();
    // Second by name, first by work to do.
    assert_eq!((chosen.as_str(), app.people_sel), ("jerry_seinfeld", 1));
    let analysed = fixture().data;
    update(&mut app, Msg::Data(analysed));
    assert!(!app.data.analysing);
    assert_eq!(app.people()[app.people_sel].name, chosen);
    assert_eq!(app.people_sel, 0);
    assert!(!draw(&app, 80, 10).contains("analysing"));
}

#[test]
fn an_unmoved_cursor_lands_on_the_analysed_list_s_first_row() {
    let mut app = first_look(&[("elton_john", 19), ("madonna", 21)]);
    let analysed = fixture().data;
    update(&mut app, Msg::Data(analysed));
    assert_eq!(app.people_sel, 0);
    // Most work first once the flags are known.
    assert_eq!(app.people()[0].flagged, 1);
}
