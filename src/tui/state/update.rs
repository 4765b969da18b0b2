//! `update(&mut App, Msg)`: the only place the UI's state changes. Changes
//! to the dataset are not made here; they are returned as [`Effect`]s for
//! the run loop to hand to the library off the UI thread.

use super::app::{App, MoveTarget, Overlay, Screen, SortBy};
use super::key::{Key, KeyCode};
use super::keys::Action;
use super::model::{ClassifierView, DatasetView, PhotoRow, Progress};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(Key),
    /// A fresh analysis of the dataset.
    Data(DatasetView),
    Progress(Progress),
    Classifier(ClassifierView),
    /// The inbox predicted again (after a retrain).
    Inbox(Vec<super::model::InboxRow>),
    /// The persons' maps of the view just sent, by name.
    Maps(std::collections::HashMap<String, super::model::PersonMap>),
    /// An effect finished; the text describes it for the status bar.
    Done(String),
    Failed(String),
    /// A preview decoded off the UI thread.
    Thumb(PathBuf, std::sync::Arc<image::RgbImage>),
    /// The terminal's size in cells.
    Resize(u16, u16),
    /// Time passed, or the terminal layer has something new to draw.
    Tick,
}

pub use super::effect::Effect;

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => {
            let effects = on_key(app, key);
            // A new change ends the redo chain, as the journal does.
            if effects
                .iter()
                .any(|e| !matches!(e, Effect::Undo | Effect::Redo | Effect::Retrain))
            {
                app.undone = false;
            }
            // A search key's filtering happens here, not in the next draw:
            // at a million photos it is longer than a frame's budget.
            let _ = app.people();
            return effects;
        }
        Msg::Data(mut data) => {
            let shown = super::clusters::anchor(app);
            // A cursor moved on the first look stays on its person when the
            // analysis reorders the list.
            let glanced = (app.data.analysing && app.people_sel > 0)
                .then(|| app.people().get(app.people_sel).map(|p| p.name.clone()))
                .flatten();
            // Until the new maps come, each person keeps the last one.
            if app.data.persons.iter().any(|p| !p.map.faces.is_empty()) {
                for p in data.persons.iter_mut() {
                    if let Some(old) = app.data.person_named(&p.name) {
                        p.map = old.map.clone();
                    }
                }
            }
            app.data = data;
            if let Some(name) = glanced {
                reselect_person(app, &name);
            }
            super::clusters::reanchor(app, shown);
            clamp_selections(app);
        }
        Msg::Progress(p) => app.progress = p,
        Msg::Classifier(c) => app.data.classifier = c,
        Msg::Inbox(rows) => {
            app.data.inbox = rows;
            clamp_selections(app);
        }
        Msg::Maps(mut maps) => {
            for p in app.data.persons.iter_mut() {
                if let Some(map) = maps.remove(&p.name) {
                    p.map = map;
                }
            }
        }
        Msg::Done(text) => {
            app.last_action = Some(text);
            app.error = None;
        }
        Msg::Failed(text) => app.error = Some(text),
        Msg::Thumb(path, img) => {
            app.thumbs.insert(path, img);
        }
        Msg::Resize(w, h) => app.size = (w, h),
        Msg::Tick => {}
    }
    Vec::new()
}

fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    if let Some(overlay) = app.overlay.clone() {
        return on_overlay_key(app, overlay, key);
    }
    let Some(action) = app.keymap.action(&key) else {
        return Vec::new();
    };
    app.error = None;
    if super::grid::on_action(app, action, &key) {
        return Vec::new();
    }
    if let Some(effects) = super::clusters::on_action(app, action) {
        return effects;
    }
    if navigate(app, action) {
        return Vec::new();
    }
    change(app, action)
}

/// Moves, screens, search and sort: the actions that only change what is
/// shown. `false` leaves the action to [`change`].
fn navigate(app: &mut App, action: Action) -> bool {
    match action {
        Action::Quit => app.quit = true,
        Action::Help => app.overlay = Some(Overlay::Help),
        Action::NextScreen | Action::PrevScreen => switch_screen(app, action == Action::NextScreen),
        Action::Up => move_selection(app, -1),
        Action::Down => move_selection(app, 1),
        Action::Top => move_selection(app, i64::MIN / 2),
        Action::Bottom => move_selection(app, i64::MAX / 2),
        Action::Open if app.screen == Screen::Duplicates => app.dup_right = true,
        Action::Back if app.screen == Screen::Duplicates => app.dup_right = false,
        Action::Open => {
            if app.screen == Screen::People
                && let Some(p) = app.people().get(app.people_sel)
            {
                app.person = Some(p.name.clone());
                app.person_sel = 0;
                super::clusters::opened(app);
                app.screen = Screen::Person;
            }
        }
        Action::Back => {
            if app.screen == Screen::Person {
                app.screen = Screen::People;
            } else if !app.search.is_empty() {
                app.search.clear();
            }
        }
        Action::Search => {
            if matches!(app.screen, Screen::People) {
                app.overlay = Some(Overlay::Search);
            }
        }
        Action::Sort => {
            app.sort = match app.sort {
                SortBy::Flags => SortBy::Name,
                SortBy::Name => SortBy::Size,
                SortBy::Size => SortBy::Flags,
            };
            app.people_sel = 0;
        }
        _ => return false,
    }
    true
}

/// Actions on the selected photo or pair and on the dataset: an effect for
/// the library to carry out, or an overlay that asks first.
fn change(app: &mut App, action: Action) -> Vec<Effect> {
    if let Some(filing) = super::inbox::on_action(app, action) {
        return super::inbox::effects(filing);
    }
    match action {
        Action::Accept => {
            if app.screen == Screen::Duplicates {
                app.error = Some(
                    "a duplicate pair is resolved by keeping one side ([ or ]), not by a move"
                        .into(),
                );
            } else if let Some(p) = app.selected_photo() {
                match &p.suggested {
                    Some(to) => {
                        return vec![Effect::Move {
                            photo: p.path.clone(),
                            to: to.clone(),
                        }];
                    }
                    None => app.error = Some(no_suggestion(p)),
                }
            }
        }
        Action::MoveTo => {
            if let Some(photo) = app.selected_path() {
                app.overlay = Some(Overlay::Picker {
                    target: MoveTarget::Photo(photo.to_path_buf()),
                    query: String::new(),
                    selected: 0,
                });
            }
        }
        Action::Reviewed => {
            if let Some(photo) = app.selected_path() {
                return vec![Effect::Reviewed {
                    photo: photo.to_path_buf(),
                }];
            }
        }
        Action::Delete => {
            if let Some(photo) = app.selected_path() {
                app.overlay = Some(Overlay::ConfirmDelete {
                    photo: photo.to_path_buf(),
                    kept: None,
                });
            }
        }
        Action::KeepLeft | Action::KeepRight | Action::NotDuplicate => return on_pair(app, action),
        Action::Undo => {
            app.undone = true;
            return vec![Effect::Undo];
        }
        Action::Redo => {
            app.undone = false;
            return vec![Effect::Redo];
        }
        Action::Retrain => return vec![Effect::Retrain],
        _ => {}
    }
    Vec::new()
}

/// The Duplicates screen's own actions on the selected pair.
fn on_pair(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(pair) = app.selected_pair() else {
        return Vec::new();
    };
    if action == Action::NotDuplicate {
        return vec![Effect::NotDuplicate {
            a: pair.a.clone(),
            b: pair.b.clone(),
        }];
    }
    let (kept, photo) = if action == Action::KeepLeft {
        (&pair.a, &pair.b)
    } else {
        (&pair.b, &pair.a)
    };
    app.overlay = Some(Overlay::ConfirmDelete {
        photo: photo.clone(),
        kept: Some(kept.clone()),
    });
    Vec::new()
}

fn on_overlay_key(app: &mut App, overlay: Overlay, key: Key) -> Vec<Effect> {
    match overlay {
        Overlay::Help => {
            if matches!(
                key.code,
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter
            ) {
                app.overlay = None;
            }
        }
        Overlay::Search => match key.code {
            KeyCode::Esc => {
                app.search.clear();
                app.overlay = None;
            }
            KeyCode::Enter => app.overlay = None,
            KeyCode::Backspace => {
                app.search.pop();
                app.people_sel = 0;
            }
            KeyCode::Char(c) => {
                app.search.push(c);
                app.people_sel = 0;
            }
            _ => {}
        },
        Overlay::Picker {
            target,
            query,
            selected,
        } => return super::picker::on_key(app, target, query, selected, key),
        Overlay::NewPerson { photos, name } => {
            return super::inbox::effects(super::inbox::on_new_person_key(app, photos, name, key));
        }
        Overlay::ConfirmDelete { photo, .. } => {
            app.overlay = None;
            if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                return vec![Effect::Delete { photo }];
            }
        }
    }
    Vec::new()
}

fn switch_screen(app: &mut App, forward: bool) {
    let current = if app.screen == Screen::Person {
        Screen::People
    } else {
        app.screen
    };
    let tabs = Screen::TABS;
    let i = tabs.iter().position(|s| *s == current).unwrap_or(0);
    let n = tabs.len();
    app.screen = tabs[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }];
}

fn list_len(app: &App) -> usize {
    match app.screen {
        Screen::People => app.people().len(),
        Screen::Person => app.person_photos().len(),
        Screen::Review => app.review_len(),
        Screen::Duplicates => app.data.duplicates.len(),
        Screen::Problems => app.data.problems.len(),
        Screen::Classifier => 0,
    }
}

fn move_selection(app: &mut App, delta: i64) {
    let len = list_len(app) as i64;
    let sel = match app.screen {
        Screen::People => &mut app.people_sel,
        Screen::Person => &mut app.person_sel,
        Screen::Review => &mut app.review_sel,
        Screen::Duplicates => &mut app.dup_sel,
        Screen::Problems => &mut app.problem_sel,
        Screen::Classifier => return,
    };
    *sel = (*sel as i64)
        .saturating_add(delta)
        .clamp(0, (len - 1).max(0)) as usize;
}

/// Puts the People cursor on `name`, wherever the list now has it.
fn reselect_person(app: &mut App, name: &str) {
    let people = app.people();
    if let Some(i) = (0..people.len()).position(|i| people[i].name == name) {
        app.people_sel = i;
    }
}

/// After the data changes (a photo moved away, say), keep every cursor on a row.
fn clamp_selections(app: &mut App) {
    let clamp = |sel: &mut usize, len: usize| *sel = (*sel).min(len.saturating_sub(1));
    let (people, person, review) = (
        app.people().len(),
        app.person_photos().len(),
        app.review_len(),
    );
    clamp(&mut app.people_sel, people);
    clamp(&mut app.person_sel, person);
    clamp(&mut app.review_sel, review);
    clamp(&mut app.dup_sel, app.data.duplicates.len());
    clamp(&mut app.problem_sel, app.data.problems.len());
}

/// Why `a` does nothing on this photo, in the words of the evidence.
fn no_suggestion(p: &PhotoRow) -> String {
    let why = match (&p.resembles, p.margin) {
        (Some(other), Some(m)) if m <= 0.0 => format!(
            "it is still nearer its own person than {} (margin {m:+.2})",
            other
        ),
        (Some(other), Some(m)) => format!(
            "a moves only a mislabel, and this photo is flagged {} (nearest other person {other}, margin {m:+.2})",
            p.flags.join(", ")
        ),
        _ => "no other person explains it better".to_string(),
    };
    format!("nothing to accept: {why}; press m to pick a person")
}
