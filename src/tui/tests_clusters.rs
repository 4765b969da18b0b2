//! The Person screen's clusters and map, and the Classifier screen: the
//! cluster strip narrows the grid to one cluster and moves the whole of it
//! as one effect (undone and redone as one), the map draws the person's
//! faces among the nearest persons' centres, and the Classifier screen
//! shows recall per person, the confused pairs with a photo of each person,
//! the training time and the accuracy of every retrain.

use super::state::app::{App, MoveTarget, Overlay, Screen};
use super::state::key::KeyCode;
use super::state::model::{ClusterRow, PersonMap};
use super::state::update::{Effect, Msg, update};
use super::tests::{code, draw, fixture, key, photo};
use std::path::PathBuf;
use std::sync::Arc;

/// `elton_john` holding two people: three of his own photos and two of
/// someone nearer madonna (one flagged a mislabel).
fn two_people() -> App {
    let mut app = fixture();
    app.data.photos.retain(|p| p.person != "elton_john");
    for (name, flags, score) in [
        ("e1.jpg", &[][..], 0.3),
        ("e2.jpg", &[][..], 0.2),
        ("e3.jpg", &[][..], 0.1),
        ("m1.jpg", &["mislabel"][..], 3.2),
        ("m2.jpg", &[][..], 2.9),
    ] {
        let path = format!("elton_john/{name}");
        let suggested = (!flags.is_empty()).then_some("madonna");
        app.data
            .photos
            .push(photo(&path, "elton_john", flags, score, suggested));
    }
    let paths = |names: &[&str]| -> Vec<PathBuf> {
        names
            .iter()
            .map(|n| PathBuf::from(format!("elton_john/{n}")))
            .collect()
    };
    let elton = &mut app.data.persons[0];
    elton.photos = 5;
    elton.clusters = vec![
        ClusterRow {
            photos: paths(&["e1.jpg", "e2.jpg", "e3.jpg"]),
            cohesion: Some(0.71),
            nearest: Some("jerry_seinfeld".into()),
            nearest_cosine: Some(0.12),
        },
        ClusterRow {
            photos: paths(&["m1.jpg", "m2.jpg"]),
            cohesion: Some(0.64),
            nearest: Some("madonna".into()),
            nearest_cosine: Some(0.58),
        },
    ];
    let at = |n: &str, x: f32, y: f32| (PathBuf::from(format!("elton_john/{n}")), [x, y]);
    elton.map = PersonMap {
        faces: vec![
            at("e1.jpg", -0.5, 0.1),
            at("e2.jpg", -0.45, -0.05),
            at("e3.jpg", -0.55, 0.0),
            at("m1.jpg", 0.5, 0.2),
            at("m2.jpg", 0.45, 0.15),
        ],
        centres: vec![
            ("elton_john".into(), [-0.3, 0.05]),
            ("jerry_seinfeld".into(), [-0.2, -0.6]),
            ("madonna".into(), [0.6, 0.5]),
        ],
    };
    update(&mut app, Msg::Resize(110, 24));
    let elton = app.people().iter().position(|p| p.name == "elton_john");
    app.people_sel = elton.unwrap_or(usize::MAX);
    update(&mut app, code(KeyCode::Enter));
    assert_eq!(app.person.as_deref(), Some("elton_john"));
    app
}

fn shown(app: &App) -> Vec<String> {
    let mut names: Vec<String> = app
        .person_photos()
        .iter()
        .map(|p| p.path.display().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn the_cluster_key_narrows_the_grid_cluster_by_cluster_then_back_to_all() {
    let mut app = two_people();
    assert_eq!(shown(&app).len(), 5);
    update(&mut app, key('c'));
    assert_eq!(
        shown(&app),
        [
            "elton_john/e1.jpg",
            "elton_john/e2.jpg",
            "elton_john/e3.jpg"
        ]
    );
    update(&mut app, key('c'));
    assert_eq!(shown(&app), ["elton_john/m1.jpg", "elton_john/m2.jpg"]);
    update(&mut app, key('c'));
    assert_eq!(app.cluster, None, "after the last cluster: all photos");
    assert_eq!(shown(&app).len(), 5);
    // Esc with a cluster shown goes back to all photos, then to People.
    update(&mut app, key('c'));
    update(&mut app, code(KeyCode::Esc));
    assert_eq!((app.screen, app.cluster), (Screen::Person, None));
    update(&mut app, code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::People);
}

#[test]
fn moving_a_cluster_issues_one_move_of_exactly_its_photos_undone_and_redone_as_one() {
    let mut app = two_people();
    // With all photos shown there is no cluster to move: it says so.
    assert!(update(&mut app, key('M')).is_empty());
    assert!(app.overlay.is_none());
    assert!(app.error.as_deref().unwrap_or("").contains("press c"));
    update(&mut app, key('c'));
    update(&mut app, key('c'));
    assert!(
        update(&mut app, key('M')).is_empty(),
        "asks for the person first"
    );
    let cluster = vec![
        PathBuf::from("elton_john/m1.jpg"),
        PathBuf::from("elton_john/m2.jpg"),
    ];
    assert!(matches!(
        &app.overlay,
        Some(Overlay::Picker { target: MoveTarget::Cluster(p), .. }) if *p == cluster
    ));
    for c in "new_person".chars() {
        update(&mut app, key(c));
    }
    let effects = update(&mut app, code(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::MoveAll {
            photos: cluster.clone(),
            to: "new_person".into(),
        }]
    );
    assert!(app.overlay.is_none());
    // The fresh view has the cluster gone: back to all of the person's photos.
    update(&mut app, Msg::Done("moved 2 photos to new_person".into()));
    let mut data = app.data.clone();
    data.photos.retain(|p| !cluster.contains(&p.path));
    data.persons[0].clusters.truncate(1);
    update(&mut app, Msg::Data(data));
    assert_eq!(app.cluster, None);
    assert_eq!(shown(&app).len(), 3);
    // A fresh view follows the shown cluster by its photos: reordered, it
    // stays shown; moved away, the next cluster does not take its place.
    update(&mut app, key('c'));
    let kept = app.data.clone();
    let mut data = app.data.clone();
    data.persons[0].clusters.insert(0, ClusterRow::default());
    update(&mut app, Msg::Data(data.clone()));
    assert_eq!(app.cluster, Some(1), "followed to its new place");
    data.persons[0].clusters.remove(1);
    update(&mut app, Msg::Data(data));
    assert_eq!(app.cluster, None, "gone: all photos, not another cluster");
    update(&mut app, Msg::Data(kept));
    // One undo takes back the whole move, one redo makes it again.
    assert_eq!(update(&mut app, key('u')), vec![Effect::Undo]);
    assert_eq!(update(&mut app, key('U')), vec![Effect::Redo]);
    // A picked existing person works too (fuzzy match).
    update(&mut app, key('c'));
    update(&mut app, key('M'));
    for c in "mado".chars() {
        update(&mut app, key(c));
    }
    let effects = update(&mut app, code(KeyCode::Enter));
    assert!(matches!(
        &effects[..],
        [Effect::MoveAll { photos, to }] if photos.len() == 3 && to == "madonna"
    ));
}

#[test]
fn snapshot_cluster_strip() {
    let mut app = two_people();
    update(&mut app, key('c'));
    update(&mut app, key('c'));
    insta::assert_snapshot!(draw(&app, 110, 24));
}

#[test]
fn snapshot_cluster_strip_in_the_list() {
    // No colour: the Person screen is a list; the strip is under it.
    let mut app = two_people();
    app.color = false;
    update(&mut app, key('c'));
    insta::assert_snapshot!(draw(&app, 80, 16));
}

#[test]
fn snapshot_map() {
    let mut app = two_people();
    update(&mut app, key('v'));
    assert!(app.map);
    // The selection moves as on the grid: the flagged photo shows as `x`.
    update(&mut app, key('l'));
    insta::assert_snapshot!(draw(&app, 110, 24));
    update(&mut app, key('c'));
    update(&mut app, key('c'));
    insta::assert_snapshot!("map_with_cluster", draw(&app, 110, 24));
    update(&mut app, key('v'));
    assert!(!app.map, "v toggles back to the grid");
}

#[test]
fn snapshot_classifier() {
    let mut app = fixture();
    while app.screen != Screen::Classifier {
        update(&mut app, code(KeyCode::Tab));
    }
    app.data
        .photos
        .push(photo("mindy_kaling/k1.jpg", "mindy_kaling", &[], 0.1, None));
    for (path, rgb) in [
        ("madonna/m1.jpg", [200, 40, 40]),
        ("mindy_kaling/k1.jpg", [40, 40, 200]),
    ] {
        let img = image::RgbImage::from_pixel(16, 16, image::Rgb(rgb));
        update(&mut app, Msg::Thumb(PathBuf::from(path), Arc::new(img)));
    }
    let text = draw(&app, 100, 24);
    assert!(text.contains("trained in 3.40 s"), "{text}");
    assert!(text.contains("95.0%–98.5%"), "{text}");
    assert!(
        text.find("madonna").zip(text.find("elton_john")).is_some(),
        "{text}"
    );
    insta::assert_snapshot!(text);
    // The photos of both persons of the pair are asked for.
    let wanted = super::preview::wanted(&App {
        size: (100, 24),
        ..app.clone()
    });
    assert!(wanted.len() == 2, "{wanted:?}");
}

#[test]
fn a_dataset_too_small_shows_it_as_the_state() {
    let mut app = fixture();
    let mut c = app.data.classifier.clone();
    c.accuracy = None;
    c.state = Some("too small to train: 1 person with 5 photos".into());
    update(&mut app, Msg::Classifier(c));
    while app.screen != Screen::Classifier {
        update(&mut app, code(KeyCode::Tab));
    }
    let text = draw(&app, 100, 24);
    assert!(text.contains("too small to train"), "{text}");
    assert!(text.contains("not trained yet"), "{text}");
}

#[test]
fn names_in_the_strip_and_on_the_map_are_shown_escaped() {
    let mut app = two_people();
    let evil = "evil\u{1b}]0;PWNED\u{7}";
    app.data.persons[0].clusters[1].nearest = Some(evil.into());
    app.data.persons[0].map.centres[2].0 = evil.into();
    update(&mut app, key('c'));
    update(&mut app, key('c'));
    let grid = draw(&app, 110, 24);
    update(&mut app, key('v'));
    let map = draw(&app, 110, 24);
    for text in [grid, map] {
        assert!(text.contains(r"evil\e]0;PWNED\x07"), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
    }
}

#[test]
fn the_maps_follow_the_view_and_a_fresh_view_keeps_the_old_ones_until_then() {
    let mut app = two_people();
    let old = app.data.persons[0].map.clone();
    assert!(!old.faces.is_empty());
    // A fresh analysis arrives without maps (they follow it).
    let mut fresh = app.data.clone();
    fresh
        .persons
        .iter_mut()
        .for_each(|p| p.map = PersonMap::default());
    update(&mut app, Msg::Data(fresh));
    let map_of = |app: &App| app.data.person_named("elton_john").map(|p| p.map.clone());
    assert_eq!(map_of(&app), Some(old.clone()));
    let mut new = old.clone();
    new.faces.truncate(3);
    let maps = std::collections::HashMap::from([("elton_john".to_string(), new.clone())]);
    update(&mut app, Msg::Maps(maps));
    assert_eq!(map_of(&app), Some(new));
}
