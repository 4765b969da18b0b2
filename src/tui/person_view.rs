//! The Person screen as a grid of thumbnails, farthest from the person's
//! centre first, each labelled with its rank, flags and suggestion, with
//! the large preview of the selected photo beside (or its details under)
//! the grid. The cells are placed by `grid`; moving among them is state.

use super::encoded::EncodedCache;
use super::grid::Grid;
use super::image_widget::HalfBlocks;
use super::preview;
use super::safe::safe;
use super::state::app::App;
use super::state::grid::CELL_W;
use super::state::model::PhotoRow;
use ratatui::Frame;
use ratatui::style::{Color, Style, Stylize};
use ratatui::widgets::{Block, Borders, Paragraph};

/// `3 !mislabel→madonna`: rank, first flag and suggestion, cut to the cell.
pub fn label(rank: usize, photo: &PhotoRow, selected: bool) -> String {
    let mut text = format!("{}{rank}", if selected { ">" } else { " " });
    if let Some(flag) = photo.flags.first() {
        text.push_str(&format!(" !{flag}"));
    }
    if let Some(s) = &photo.suggested {
        text.push_str(&format!("→{}", safe(s)));
    }
    text.chars().take(usize::from(CELL_W - 1)).collect()
}

pub fn render(app: &App, encoded: &EncodedCache, frame: &mut Frame, grid: Grid) {
    let photos = app.person_photos();
    let selected = app.person_sel.min(photos.len().saturating_sub(1));
    let first = grid.first_shown(selected);
    let shown = photos
        .len()
        .saturating_sub(first)
        .min(grid.cols * grid.rows);
    let title = format!(
        " {} · {}-{} of {} · farthest from the centre first ",
        safe(app.person.as_deref().unwrap_or("")),
        if shown > 0 { first + 1 } else { 0 },
        first + shown,
        photos.len(),
    );
    frame.render_widget(
        Block::default()
            .borders(Borders::ALL)
            .title(title)
            .title_bottom(super::cluster_view::strip(app, grid.block.width)),
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
        preview::render_preview(app, encoded, frame, grid.side, photo);
    } else {
        frame.render_widget(Paragraph::new(preview::details(photo)), grid.side);
    }
}
