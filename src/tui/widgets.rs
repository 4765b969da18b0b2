//! Drawing helpers shared by the screens (`view`, `duplicates_view`): the
//! selection style and the windowed tables. A leaf, so the screens can
//! share them without importing one another.

use super::state::app::App;
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::widgets::TableState;

pub fn highlight(app: &App) -> Style {
    if app.color {
        Style::new().reversed().bold()
    } else {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

pub fn table_state(selected: usize, len: usize) -> TableState {
    TableState::default().with_selected(if len == 0 { None } else { Some(selected) })
}

/// The rows worth building for a table `height` lines tall: a fresh table
/// scrolls so the selection sits on its last visible line, so rows more
/// than a screen away never show, and building them for thousands of
/// people every frame is what would make a frame slow.
pub fn window(len: usize, selected: usize, height: u16) -> std::ops::Range<usize> {
    let start = selected.min(len).saturating_sub(usize::from(height));
    start..len.min(start + 2 * usize::from(height))
}
