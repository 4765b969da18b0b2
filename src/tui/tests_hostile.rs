//! Names from a hostile dataset on every screen: an OSC title and an OSC 52
//! clipboard sequence, ESC colour codes, BEL, CR, a bidi override, bytes that
//! are not UTF-8 and a 255-byte name. What reaches the terminal must hold no
//! control character, and the names must read escaped (`\e`, `\x07`).

use super::state::app::{App, Screen};
use super::state::key::KeyCode;
use super::state::model::*;
use super::state::update::{Msg, update};
use super::tests::{code, draw, fixture, photo};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

const TITLE: &str = "x\u{1b}]0;PWNED\u{7}\u{1b}[31mRED";
const CLIPBOARD: &str = "c\u{1b}]52;c;SGVsbG8=\u{7}.jpg";

/// The person folder `<OSC title>\xE9` as the store names it.
fn hostile_person() -> String {
    let raw = [TITLE.as_bytes(), b"\xe9"].concat();
    facecurate::pathkey::name_of(std::ffi::OsStr::from_bytes(&raw)).expect("keyable")
}

fn hostile_app() -> App {
    let mut app = fixture();
    let person = hostile_person();
    let long = format!("{}.jpg", "L".repeat(251));
    let in_person = |name: &str| {
        let mut p = facecurate::pathkey::path_of(&person);
        p.push(name);
        p
    };
    let mut clip = photo("x", &person, &["mislabel"], 9.0, Some(TITLE));
    clip.path = in_person(CLIPBOARD);
    let mut bytes = photo("x", "elton_john", &["outlier"], 8.0, None);
    bytes.path = PathBuf::from(std::ffi::OsStr::from_bytes(b"elton_john/bad\xff\xfe.jpg"));
    let bidi = photo(
        "elton_john/bidi\u{202e}gpj.exe",
        "elton_john",
        &["duplicate"],
        7.0,
        Some("madonna"),
    );
    let cr = photo(
        "madonna/bel\u{7}cr\r.jpg",
        "madonna",
        &["mislabel"],
        6.0,
        None,
    );
    let longest = photo(
        &format!("madonna/{long}"),
        "madonna",
        &["outlier"],
        5.0,
        None,
    );
    app.data.persons.insert(
        0,
        PersonRow {
            name: person.clone(),
            photos: 3,
            flags: vec!["merge".into(), "split".into(), "x".into()],
            flagged: 0,
            ..PersonRow::default()
        },
    );
    app.data
        .photos
        .splice(0..0, [clip, bytes, bidi, cr, longest]);
    app.data.duplicates.insert(
        0,
        DuplicateRow {
            a: in_person(CLIPBOARD),
            b: PathBuf::from("elton_john/bidi\u{202e}gpj.exe"),
            cosine: 0.99,
            kind: "exact".into(),
        },
    );
    app.data.problems.insert(
        0,
        ProblemRow {
            path: in_person("t\u{1b}[2J.jpg"),
            cause: format!("corrupt: {TITLE}"),
        },
    );
    app.data.classifier.confused = vec![(person, TITLE.into(), 3)];
    app.last_action = Some(format!("moved {TITLE} to madonna"));
    app
}

fn assert_clean(screen: &str) {
    let bad: Vec<char> = screen
        .chars()
        .filter(|&c| c != '\n' && facecurate::shown::needs_escape(c))
        .collect();
    assert!(
        bad.is_empty(),
        "control characters reached the screen: {bad:?}\n{screen}"
    );
}

#[test]
fn hostile_names_are_drawn_escaped_on_every_screen() {
    let mut app = hostile_app();
    let people = draw(&app, 100, 12);
    assert_clean(&people);
    assert!(people.contains(r"x\e]0;PWNED\x07\e[31mRED\xE9"), "{people}");
    insta::assert_snapshot!("hostile_people", people);
    let mut seen = String::new();
    for _ in 0..5 {
        update(&mut app, code(KeyCode::Tab));
        let screen = draw(&app, 140, 14);
        assert_clean(&screen);
        seen.push_str(&screen);
    }
    for expected in [
        r"c\e]52;c;SGVsbG8=\x07.jpg",
        r"elton_john/bad\xFF\xFE.jpg",
        r"bidi\u{202e}gpj.exe",
        r"bel\x07cr\r.jpg",
        r"t\e[2J.jpg",
    ] {
        assert!(
            seen.contains(expected),
            "{expected} not shown escaped:\n{seen}"
        );
    }
    app.screen = Screen::Review;
    insta::assert_snapshot!("hostile_review", draw(&app, 140, 14));
}

#[test]
fn hostile_person_screen_status_and_picker_are_clean() {
    let mut app = hostile_app();
    update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Person);
    assert_clean(&draw(&app, 120, 30));
    app.color = false; // the list form of the Person screen
    assert_clean(&draw(&app, 120, 30));
    update(&mut app, Msg::Failed(format!("cannot move {TITLE}")));
    let status = draw(&app, 120, 30);
    assert_clean(&status);
    assert!(
        status.contains(r"error: cannot move x\e]0;PWNED"),
        "{status}"
    );
    app.error = None;
    update(&mut app, super::tests::key('m'));
    for c in "\u{1b}]0;T\u{7}".chars() {
        update(&mut app, super::tests::key(c));
    }
    assert_clean(&draw(&app, 120, 30));
}

#[test]
fn the_last_guard_replaces_a_raw_control_character() {
    let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 4, 1));
    buf[(0, 0)].set_symbol("\u{1b}");
    buf[(1, 0)].set_symbol("\u{202e}");
    buf[(2, 0)].set_symbol("\u{1b}_Gf=100;AAAA\u{1b}\\");
    super::safe::scrub(&mut buf);
    assert_eq!(buf[(0, 0)].symbol(), "?");
    assert_eq!(buf[(1, 0)].symbol(), "?");
    assert!(
        buf[(2, 0)].symbol().starts_with('\u{1b}'),
        "image cells keep their sequence"
    );
}
