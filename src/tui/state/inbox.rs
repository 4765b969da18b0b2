//! The inbox on the Review screen: photos not filed yet, each with the
//! classifier's prediction, listed after the flagged photos (one cursor runs
//! over both). `a` files the photo under its prediction (a journaled move,
//! undone with `u` like any other); on an `unknown` photo `n` asks for a name
//! and moves the photo with every other unknown of its group (alike faces)
//! into that new person, as one journaled step. Kept apart from `update` so
//! the inbox's keys stay in one place.

use super::app::{App, Overlay, Screen};
use super::effect::Effect;
use super::key::{Key, KeyCode};
use super::keys::Action;
use super::model::{InboxRow, PhotoRow};
use std::path::PathBuf;

/// What an inbox key asks for: `photos` into the person `to` (created
/// when new), as one journaled step.
#[derive(Debug, Clone, PartialEq)]
pub struct Filing {
    pub photos: Vec<PathBuf>,
    pub to: String,
}

impl App {
    /// The inbox row under the cursor: on the Review screen, below the
    /// flagged photos.
    pub fn inbox_selected(&self) -> Option<&InboxRow> {
        if self.screen != Screen::Review {
            return None;
        }
        let flagged = self.review_count();
        self.review_sel
            .checked_sub(flagged)
            .and_then(|i| self.data.inbox.get(i))
    }

    /// The inbox row under the cursor as a photo for the large preview:
    /// shown beside the most typical photo of the person it is predicted.
    pub fn inbox_photo_row(&self) -> Option<PhotoRow> {
        let row = self.inbox_selected()?;
        Some(PhotoRow {
            path: row.path.clone(),
            person: "inbox".into(),
            flags: vec!["inbox".into()],
            suggested: row.suggested.clone(),
            resembles: row.predicted.clone(),
            ..PhotoRow::default()
        })
    }

    /// How many rows the Review screen lists: flagged photos, then the inbox.
    pub fn review_len(&self) -> usize {
        self.review_count() + self.data.inbox.len()
    }

    /// The unknown photos that go with `row` into a new person: its group,
    /// or the photo alone.
    pub fn group_of(&self, row: &InboxRow) -> Vec<PathBuf> {
        match row.group {
            Some(g) => self
                .data
                .inbox
                .iter()
                .filter(|r| r.group == Some(g) && r.suggested.is_none())
                .map(|r| r.path.clone())
                .collect(),
            None => vec![row.path.clone()],
        }
    }
}

/// The inbox's own actions when the cursor is on an inbox row: `None`
/// leaves the action to the rest of `update`, `Some(None)` did what it had
/// to on the state alone.
pub fn on_action(app: &mut App, action: Action) -> Option<Option<Filing>> {
    let row = app.inbox_selected()?.clone();
    match action {
        Action::Accept => Some(match row.suggested {
            Some(to) => Some(Filing {
                photos: vec![row.path],
                to,
            }),
            None => {
                app.error = Some(no_prediction(&row));
                None
            }
        }),
        Action::NewPerson => {
            if row.suggested.is_some() {
                app.error = Some(
                    "n makes a new person of unknown photos; this one is predicted: press a to file it"
                        .into(),
                );
            } else {
                app.overlay = Some(Overlay::NewPerson {
                    photos: app.group_of(&row),
                    name: String::new(),
                });
            }
            Some(None)
        }
        _ => None,
    }
}

fn no_prediction(row: &InboxRow) -> String {
    let why = match (&row.predicted, row.probability, &row.note) {
        (_, _, Some(note)) => note.clone(),
        (Some(p), Some(prob), None) => format!("unknown (closest {p} at {prob:.2})"),
        _ => "unknown".into(),
    };
    format!("nothing to file: {why}; press m to pick a person or n for a new one")
}

/// Typing the new person's name: Enter moves the photos (one step), Esc
/// cancels.
pub fn on_new_person_key(
    app: &mut App,
    photos: Vec<PathBuf>,
    mut name: String,
    key: Key,
) -> Option<Filing> {
    match key.code {
        KeyCode::Esc => {
            app.overlay = None;
            return None;
        }
        KeyCode::Enter => {
            app.overlay = None;
            let to = name.trim().to_string();
            return (!to.is_empty()).then_some(Filing { photos, to });
        }
        KeyCode::Backspace => {
            name.pop();
        }
        KeyCode::Char(c) => name.push(c),
        _ => {}
    }
    app.overlay = Some(Overlay::NewPerson { photos, name });
    None
}

/// The move an inbox key asked for: one photo is a plain move, several
/// one step for all of them.
pub fn effects(filing: Option<Filing>) -> Vec<Effect> {
    let Some(mut f) = filing else {
        return Vec::new();
    };
    if f.photos.len() == 1
        && let Some(photo) = f.photos.pop()
    {
        return vec![Effect::Move { photo, to: f.to }];
    }
    vec![Effect::MoveAll {
        photos: f.photos,
        to: f.to,
    }]
}
