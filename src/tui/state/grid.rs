//! The Person grid as `update` needs it: how many thumbnail cells fit
//! across and down a terminal of a given size, and how the selection moves
//! among them. Plain arithmetic on cells, so the state needs no layout
//! library; the terminal layer's `Grid` (`tui/grid.rs`) places the same
//! cells on screen and a test there pins both to the same numbers.

use super::app::{App, Screen};
use super::key::{Key, KeyCode};
use super::keys::Action;

/// A cell: a 14×7 half-block thumbnail (14×14 pixels) over one label line.
pub const CELL_W: u16 = 16;
pub const CELL_H: u16 = 8;
/// Below this width the preview goes under the grid as two lines of text.
pub const WIDE: u16 = 100;

/// Cells across and down, and whether the large preview sits beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub cols: usize,
    pub rows: usize,
    pub wide: bool,
}

/// The grid on a terminal of `size` cells, or `None` where the Person
/// screen is a list (too small for two cells across, or no colour).
pub fn shape(size: (u16, u16), color: bool) -> Option<Shape> {
    let (width, height) = size;
    // The tab line above and the status line below.
    let main_height = height.saturating_sub(2);
    let wide = width >= WIDE;
    let (block_w, block_h) = if wide {
        (percent_60(width), main_height)
    } else {
        // Two lines of details under the grid.
        (width, main_height.saturating_sub(2))
    };
    // Inside the block's border.
    let cols = usize::from(block_w.saturating_sub(2) / CELL_W);
    let rows = usize::from(block_h.saturating_sub(2) / CELL_H);
    (color && cols >= 2 && rows >= 1).then_some(Shape { cols, rows, wide })
}

/// The grid's share of a wide screen (60%, rounded to the nearest cell).
fn percent_60(width: u16) -> u16 {
    ((u32::from(width) * 60 + 50) / 100) as u16
}

/// Grid moves on the Person screen; `false` leaves the key to the usual
/// handling (lists, Esc back, Home/End).
pub fn on_action(app: &mut App, action: Action, key: &Key) -> bool {
    if app.screen != Screen::Person {
        return false;
    }
    let Some(shape) = shape(app.size, app.color) else {
        return false;
    };
    let len = app.person_photos().len();
    let cols = shape.cols;
    let sel = app.person_sel;
    app.person_sel = match action {
        Action::Up => sel.saturating_sub(if sel >= cols { cols } else { 0 }),
        Action::Down if sel + cols < len => sel + cols,
        // The last row may be short: go to its last photo.
        Action::Down if sel / cols < len.saturating_sub(1) / cols => len - 1,
        Action::Down => sel,
        Action::Back if key.code != KeyCode::Esc => sel - usize::from(!sel.is_multiple_of(cols)),
        Action::Open if key.code == KeyCode::Enter => sel,
        Action::Open => sel + usize::from(sel % cols + 1 < cols && sel + 1 < len),
        _ => return false,
    };
    true
}
