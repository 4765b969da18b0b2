//! Where the screen's parts sit: tabs, main area, status bar, and the
//! preview beside a photo list. A leaf that drawing (`view`, `grid`,
//! `preview`) and the run loop's image requests all read, so that what is
//! requested is what is drawn and no drawing file has to ask another.

use ratatui::layout::{Constraint, Layout, Rect};

/// Tabs, main area and status bar.
pub fn areas(size: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(size)
}

/// The screen's area between the tabs and the status bar.
pub fn main_area(size: Rect) -> Rect {
    areas(size)[1]
}

/// The preview beside a photo list, on terminals wide enough for one.
pub fn list_preview_area(main: Rect) -> Option<Rect> {
    (main.width >= 100).then(|| {
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
            .areas::<2>(main)[1]
    })
}

/// `main` split into the list and, when wide enough, the preview beside it
/// ([`list_preview_area`]); without one the list takes all of `main`.
pub fn list_and_preview(main: Rect) -> (Rect, Option<Rect>) {
    match list_preview_area(main) {
        Some(p) => (
            Rect {
                width: main.width - p.width,
                ..main
            },
            Some(p),
        ),
        None => (main, None),
    }
}
