//! The move picker's keys, shared by the two things it moves (one photo,
//! a whole cluster): typing narrows the people, ↑/↓ choose, Enter moves
//! (to a new person when nothing matches), Esc cancels. Kept apart from
//! `update` so both moves read the same rules.

use super::app::{App, MoveTarget, Overlay};
use super::effect::Effect;
use super::key::{Key, KeyCode};

pub fn on_key(
    app: &mut App,
    target: MoveTarget,
    mut query: String,
    mut selected: usize,
    key: Key,
) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => {
            app.overlay = None;
            return Vec::new();
        }
        KeyCode::Enter => {
            app.overlay = None;
            let matches = app.picker_matches(&query);
            // With no match the typed name is a new person.
            let to = matches
                .get(selected)
                .cloned()
                .unwrap_or_else(|| query.trim().to_string());
            if to.is_empty() {
                return Vec::new();
            }
            return vec![match target {
                MoveTarget::Photo(photo) => Effect::Move { photo, to },
                MoveTarget::Cluster(photos) => Effect::MoveAll { photos, to },
            }];
        }
        KeyCode::Up => selected = selected.saturating_sub(1),
        KeyCode::Down => {
            selected = (selected + 1).min(app.picker_matches(&query).len().saturating_sub(1))
        }
        KeyCode::Backspace => {
            query.pop();
            selected = 0;
        }
        KeyCode::Char(c) => {
            query.push(c);
            selected = 0;
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Picker {
        target,
        query,
        selected,
    });
    Vec::new()
}
