//! The Person grid: snapshots at 80×24 and 120×36, two-dimensional moves,
//! the list fallback, and which photos the worker is asked for.

use super::grid::Grid;
use super::preview;
use super::state::app::{App, Screen};
use super::state::graphics::Graphics;
use super::state::key::KeyCode;
use super::state::update::{Msg, update};
use super::tests::{code, draw, fixture, key, photo};
use super::thumbs::Request;
use std::path::PathBuf;
use std::sync::Arc;

/// `elton_john` with 11 photos, one of them a mislabel; thumbnails decoded
/// for the first three (plain colours, so the half-blocks show in the text).
fn person_app(w: u16, h: u16) -> App {
    let mut app = fixture();
    app.data.photos.retain(|p| p.person != "elton_john");
    for i in 0..11 {
        let mut p = photo(
            &format!("elton_john/e{i:02}.jpg"),
            "elton_john",
            if i == 4 { &["mislabel"] } else { &[] },
            0.1 * i as f32,
            (i == 4).then_some("madonna"),
        );
        // Photo 4 is the farthest from the centre, then 10, 9, ... 0.
        p.distance = Some(if i == 4 { 0.9 } else { 0.02 * i as f32 });
        app.data.photos.push(p);
    }
    app.data.photos[0].resembles = Some("elton_john".into());
    update(&mut app, Msg::Resize(w, h));
    app.person = Some("elton_john".into());
    app.person_sel = 0;
    app.screen = Screen::Person;
    for (i, rgb) in [(4, [200, 40, 40]), (10, [40, 200, 40]), (9, [40, 40, 200])] {
        let img = image::RgbImage::from_pixel(32, 32, image::Rgb(rgb));
        let msg = Msg::Thumb(
            PathBuf::from(format!("elton_john/e{i:02}.jpg")),
            Arc::new(img),
        );
        update(&mut app, msg);
    }
    app
}

#[test]
fn person_grid_at_80x24() {
    let app = person_app(80, 24);
    let grid = Grid::for_terminal(app.size, true).expect("a grid fits 80x24");
    assert_eq!((grid.cols, grid.rows, grid.wide), (4, 2, false));
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn person_grid_with_preview_at_120x36() {
    let mut app = person_app(120, 36);
    let grid = Grid::for_terminal(app.size, true).expect("a grid fits");
    assert!(grid.wide);
    assert_eq!((grid.cols, grid.rows), (4, 4));
    update(
        &mut app,
        Msg::Thumb(
            "madonna/m1.jpg".into(),
            Arc::new(image::RgbImage::new(8, 8)),
        ),
    );
    insta::assert_snapshot!(draw(&app, 120, 36));
}

#[test]
fn photos_are_ranked_farthest_from_the_centre_first() {
    let app = person_app(120, 36);
    let names: Vec<String> = app
        .person_photos()
        .iter()
        .map(|p| p.path.display().to_string())
        .collect();
    assert_eq!(names[0], "elton_john/e04.jpg");
    assert_eq!(names[1], "elton_john/e10.jpg");
    assert_eq!(names[10], "elton_john/e00.jpg");
    assert!(draw(&app, 120, 36).contains(">1 !mislabel→ma"));
}

#[test]
fn arrows_and_hjkl_move_in_two_dimensions() {
    // 4 columns at 80x24: photos 0-3 on the first row, 8-10 on the third.
    let mut app = person_app(80, 24);
    update(&mut app, key('l'));
    update(&mut app, code(KeyCode::Right));
    assert_eq!(app.person_sel, 2);
    update(&mut app, key('j'));
    assert_eq!(app.person_sel, 6, "down moves one row");
    update(&mut app, code(KeyCode::Down));
    assert_eq!(app.person_sel, 10, "the short last row: its last photo");
    update(&mut app, key('j'));
    assert_eq!(app.person_sel, 10, "stays on the last row");
    update(&mut app, key('l'));
    assert_eq!(app.person_sel, 10, "stays at the end");
    update(&mut app, key('k'));
    assert_eq!(app.person_sel, 6);
    update(&mut app, key('h'));
    update(&mut app, code(KeyCode::Left));
    update(&mut app, key('h'));
    assert_eq!(app.person_sel, 4, "left stops at the first column");
    assert_eq!(app.screen, Screen::Person, "h does not leave the grid");
    update(&mut app, key('l'));
    update(&mut app, key('l'));
    update(&mut app, key('l'));
    update(&mut app, key('l'));
    assert_eq!(app.person_sel, 7, "right stops at the last column");
    update(&mut app, key('G'));
    assert_eq!(app.person_sel, 10);
    update(&mut app, key('g'));
    assert_eq!(app.person_sel, 0);
    // Scrolled: the third row is shown once the cursor reaches it.
    update(&mut app, key('G'));
    assert!(draw(&app, 80, 24).contains(">11"));
    update(&mut app, code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::People, "esc goes back");
}

#[test]
fn small_or_colourless_terminals_get_the_list() {
    let mut app = person_app(40, 12);
    assert_eq!(Grid::for_terminal(app.size, true), None);
    let screen = draw(&app, 40, 12);
    assert!(screen.contains("score"), "the list's header:\n{screen}");
    update(&mut app, key('j'));
    assert_eq!(app.person_sel, 1, "j moves one row in the list");
    let mut app = person_app(120, 36);
    app.color = false;
    assert_eq!(Grid::for_terminal(app.size, app.color), None);
    assert!(draw(&app, 120, 36).contains("NO_COLOR"));
}

#[test]
fn only_visible_cells_are_decoded_and_only_protocols_encode() {
    let app = person_app(80, 24);
    let wanted = preview::wanted(&app);
    let decodes: Vec<_> = wanted
        .iter()
        .filter(|r| matches!(r, Request::Decode(_)))
        .collect();
    assert_eq!(decodes.len(), 8, "two rows of four: {wanted:?}");
    assert!(!wanted.contains(&Request::Decode("elton_john/e00.jpg".into())));
    assert!(!wanted.iter().any(|r| matches!(r, Request::Encode { .. })));
    let mut app = person_app(120, 36);
    app.graphics = Graphics::Kitty;
    let wanted = preview::wanted(&app);
    let encodes: Vec<_> = wanted
        .iter()
        .filter_map(|r| match r {
            Request::Encode { path, .. } => Some(path.display().to_string()),
            _ => None,
        })
        .collect();
    // The selected photo and the best photo of the person it resembles.
    assert_eq!(encodes, vec!["elton_john/e04.jpg", "madonna/m1.jpg"]);
    assert_eq!(
        wanted[0],
        Request::Decode("elton_john/e04.jpg".into()),
        "the preview comes first"
    );
}
