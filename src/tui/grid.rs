//! The Person screen as a grid of thumbnails, farthest from the person's
//! centre first, each labelled with its rank, flags and suggestion; the
//! selection moves in two dimensions. Where the terminal is too small for
//! two cells across (or has no colour) it falls back to the list. The
//! geometry is a pure function of the screen size, shared by `render`, by
//! `update` (how far ↑/↓ move) and by the run loop (which cells to decode).

use super::app::{App, Screen};
use super::image_widget::HalfBlocks;
use super::keys::Action;
use super::model::PhotoRow;
use super::preview;
use super::thumbs::{ENCODED_KEPT, Encoded};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::widgets::{Block, Borders, Paragraph};

/// A cell: a 14×7 half-block thumbnail (14×14 pixels) over one label line.
pub const CELL_W: u16 = 16;
pub const CELL_H: u16 = 8;
/// Below this width the preview goes under the grid as two lines of text.
const WIDE: u16 = 100;

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
    pub fn for_terminal(size: (u16, u16), color: bool) -> Option<Grid> {
        Grid::for_area(
            super::view::main_area(Rect::new(0, 0, size.0, size.1)),
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

/// Grid moves on the Person screen; `false` leaves the key to the usual
/// handling (lists, Esc back, Home/End).
pub fn on_action(app: &mut App, action: Action, key: &KeyEvent) -> bool {
    if app.screen != Screen::Person {
        return false;
    }
    let Some(grid) = Grid::for_terminal(app.size, app.color) else {
        return false;
    };
    let len = app.person_photos().len();
    let cols = grid.cols;
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

/// Keeps a freshly encoded preview, dropping the oldest past the bound.
pub fn keep_encoded(app: &mut App, e: Encoded) {
    app.encoded.retain(|old| old != &e);
    app.encoded.push(e);
    let excess = app.encoded.len().saturating_sub(ENCODED_KEPT);
    app.encoded.drain(..excess);
}

/// `3 !mislabel→madonna`: rank, first flag and suggestion, cut to the cell.
pub fn label(rank: usize, photo: &PhotoRow, selected: bool) -> String {
    let mut text = format!("{}{rank}", if selected { ">" } else { " " });
    if let Some(flag) = photo.flags.first() {
        text.push_str(&format!(" !{flag}"));
    }
    if let Some(s) = &photo.suggested {
        text.push_str(&format!("→{}", super::safe::safe(s)));
    }
    text.chars().take(usize::from(CELL_W - 1)).collect()
}

pub fn render_person(app: &App, frame: &mut Frame, grid: Grid) {
    let photos = app.person_photos();
    let selected = app.person_sel.min(photos.len().saturating_sub(1));
    let first = grid.first_shown(selected);
    let shown = photos
        .len()
        .saturating_sub(first)
        .min(grid.cols * grid.rows);
    let title = format!(
        " {} · {}-{} of {} · farthest from the centre first ",
        super::safe::safe(app.person.as_deref().unwrap_or("")),
        if shown > 0 { first + 1 } else { 0 },
        first + shown,
        photos.len(),
    );
    frame.render_widget(
        Block::default().borders(Borders::ALL).title(title),
        grid.block,
    );
    for (i, image, label_area) in grid.cells(selected, photos.len()) {
        let photo = photos[i];
        match app.thumbs.get(&photo.path) {
            Some(img) => frame.render_widget(HalfBlocks::new(img), image),
            None => frame.render_widget(Paragraph::new("…"), image),
        }
        let mut style = Style::new();
        if !photo.flags.is_empty() {
            style = style.fg(Color::LightRed);
        }
        if i == selected {
            style = style.reversed().bold();
        }
        frame.render_widget(
            Paragraph::new(label(i + 1, photo, i == selected)).style(style),
            label_area,
        );
    }
    let Some(photo) = photos.get(selected) else {
        return;
    };
    if grid.wide {
        preview::render_preview(app, frame, grid.side, photo);
    } else {
        frame.render_widget(Paragraph::new(preview::details(photo)), grid.side);
    }
}
