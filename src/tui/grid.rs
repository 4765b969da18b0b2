//! Where the Person screen's grid of thumbnails sits on screen: its block,
//! its cells and the preview beside or under it. Where the terminal is too
//! small for two cells across (or has no colour) there is no grid and the
//! screen is a list. A pure function of the screen size, read by drawing
//! (`person_view`) and by the run loop (which cells to decode); `update`
//! counts the same cells without a layout library (`state/grid.rs`), and a
//! test below holds the two to the same numbers.

use super::state::grid::{CELL_H, CELL_W, WIDE};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    /// The bordered block the cells sit in.
    pub block: Rect,
    pub cols: usize,
    pub rows: usize,
    /// Large preview (wide terminals) or the two-line details (narrow ones).
    pub side: Rect,
    pub wide: bool,
}

impl Grid {
    /// The Person screen's layout in `main`, or `None` where the list is drawn.
    pub fn for_area(main: Rect, color: bool) -> Option<Grid> {
        let wide = main.width >= WIDE;
        let (block, side) = if wide {
            let [g, p] =
                Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                    .areas(main);
            (g, p)
        } else {
            let [g, d] = Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(main);
            (g, d)
        };
        let inner = Block::default().borders(Borders::ALL).inner(block);
        let cols = usize::from(inner.width / CELL_W);
        let rows = usize::from(inner.height / CELL_H);
        (color && cols >= 2 && rows >= 1).then_some(Grid {
            block,
            cols,
            rows,
            side,
            wide,
        })
    }

    /// The grid for the whole terminal of `size`, as `render` lays it out.
    #[cfg(test)]
    pub fn for_terminal(size: (u16, u16), color: bool) -> Option<Grid> {
        Grid::for_area(
            super::layout::main_area(Rect::new(0, 0, size.0, size.1)),
            color,
        )
    }

    /// First photo shown: scrolled by whole rows so the selection is visible.
    pub fn first_shown(&self, selected: usize) -> usize {
        let row = selected / self.cols;
        (row + 1).saturating_sub(self.rows) * self.cols
    }

    /// (index, image area, label area) of every visible cell.
    pub fn cells(&self, selected: usize, len: usize) -> Vec<(usize, Rect, Rect)> {
        let inner = Block::default().borders(Borders::ALL).inner(self.block);
        let first = self.first_shown(selected);
        (first..len.min(first + self.cols * self.rows))
            .map(|i| {
                let k = i - first;
                let x = inner.x + (k % self.cols) as u16 * CELL_W;
                let y = inner.y + (k / self.cols) as u16 * CELL_H;
                (
                    i,
                    Rect::new(x + 1, y, CELL_W - 2, CELL_H - 1),
                    Rect::new(x, y + CELL_H - 1, CELL_W - 1, 1),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::grid::{Shape, shape};

    fn drawn(size: (u16, u16), color: bool) -> Option<Shape> {
        Grid::for_terminal(size, color).map(|g| Shape {
            cols: g.cols,
            rows: g.rows,
            wide: g.wide,
        })
    }

    /// `update` moves by the state's count of cells; drawing places them
    /// with ratatui's layout. Every width and height a terminal is likely to
    /// have must give both the same grid, or ↓ would skip or repeat a row.
    #[test]
    fn the_state_counts_the_cells_the_layout_draws() {
        // Widths and heights are laid out independently: each is swept
        // with a few values of the other, across every grid boundary.
        for w in 0..=400 {
            for h in [0, 12, 13, 14, 24] {
                assert_eq!(shape((w, h), true), drawn((w, h), true), "{w}x{h}");
            }
        }
        for h in 0..=200 {
            for w in [40, 99, 100, 101, 165] {
                assert_eq!(shape((w, h), true), drawn((w, h), true), "{w}x{h}");
            }
        }
        let huge = (u16::MAX, u16::MAX);
        assert_eq!(shape(huge, true), drawn(huge, true));
        assert_eq!(shape((120, 36), false), None, "no colour, no grid");
        assert_eq!(drawn((120, 36), false), None);
    }
}
