//! The Person screen's clusters and map: narrowing the photos to one of the
//! person's clusters (the groups the analysis finds, the same behind the
//! `split` flag), moving the whole cluster to another person at once (how a
//! folder holding two people is split: one journaled, undoable edit), and
//! switching between the grid and the 2-D map.

use super::app::{App, MoveTarget, Overlay, Screen};
use super::effect::Effect;
use super::keys::Action;

/// Handles the cluster and map actions on the Person screen; `None` leaves
/// the action to the usual handling.
pub fn on_action(app: &mut App, action: Action) -> Option<Vec<Effect>> {
    if app.screen != Screen::Person {
        return None;
    }
    match action {
        Action::Cluster => {
            let count = app.open_person().map_or(0, |p| p.clusters.len());
            app.cluster = match app.cluster {
                None if count > 0 => Some(0),
                Some(i) if i + 1 < count => Some(i + 1),
                _ => None,
            };
            app.person_sel = 0;
        }
        // Esc with a cluster shown goes back to all the person's photos first.
        Action::Back if app.cluster.is_some() => {
            app.cluster = None;
            app.person_sel = 0;
        }
        Action::Map => app.map = !app.map,
        Action::MoveCluster => match app.selected_cluster() {
            Some(cluster) => {
                app.overlay = Some(Overlay::Picker {
                    target: MoveTarget::Cluster(cluster.photos.clone()),
                    query: String::new(),
                    selected: 0,
                });
            }
            None => {
                app.error = Some(format!(
                    "no cluster chosen: press {} to show one, then move it",
                    app.keymap
                        .keys_of(Action::Cluster)
                        .first()
                        .map(super::key::key_label)
                        .unwrap_or_default()
                ));
            }
        },
        _ => return None,
    }
    Some(Vec::new())
}

/// A person was opened: all their photos, as a grid.
pub fn opened(app: &mut App) {
    app.cluster = None;
    app.map = false;
}

/// What identifies the shown cluster across a fresh view: one of its photos.
pub fn anchor(app: &App) -> Option<std::path::PathBuf> {
    app.selected_cluster()?.photos.first().cloned()
}

/// After a fresh view, shows the cluster that now holds the anchor photo
/// (clusters are re-found, and their order may change); when it moved
/// away with its cluster, all the person's photos.
pub fn reanchor(app: &mut App, anchor: Option<std::path::PathBuf>) {
    let Some(photo) = anchor else {
        app.cluster = None;
        return;
    };
    app.cluster = app
        .open_person()
        .and_then(|p| p.clusters.iter().position(|c| c.photos.contains(&photo)));
}
