//! The Duplicates screen: the list of pairs, and the selected pair side by
//! side with the keys that resolve it (keep one, move or delete the picked
//! photo, not a duplicate). Pure, like the rest of `view`.

use super::encoded::EncodedCache;
use super::preview::draw_image;
use super::safe::safe_path;
use super::state::app::App;
use super::state::key::key_label;
use super::state::keys::Action;
use super::state::model::DuplicateRow;
use super::widgets::{highlight, table_state, window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

pub fn render(app: &App, encoded: &EncodedCache, frame: &mut Frame, area: Rect) {
    // The pair side by side under the list, when there is room for faces.
    // Kept about the size of the Person screen's preview: every half-block
    // cell is two true colours to send, and a screen-wide pair made frames
    // miss 16 ms inside tmux while a scan loaded the machine (BENCHMARKS.md).
    let (area, pair_area) = if area.height >= 16 {
        let pair_height = (area.height / 2).min(14);
        let [list, pair] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(pair_height)]).areas(area);
        (list, Some(pair))
    } else {
        (area, None)
    };
    if let (Some(pair_area), Some(pair)) = (pair_area, app.data.duplicates.get(app.dup_sel)) {
        render_pair(app, encoded, frame, pair_area, pair);
    }
    let shown = window(app.data.duplicates.len(), app.dup_sel, area.height);
    let rows: Vec<Row> = app.data.duplicates[shown.clone()]
        .iter()
        .map(|d| {
            Row::new(vec![
                Cell::from(d.kind.clone()),
                Cell::from(format!("{:.3}", d.cosine)),
                Cell::from(safe_path(&d.a).into_owned()),
                Cell::from(safe_path(&d.b).into_owned()),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(8),
            Constraint::Length(6),
            Constraint::Percentage(45),
            Constraint::Percentage(45),
        ],
    )
    .header(Row::new(vec!["kind", "cosine", "photo a", "photo b"]).bold())
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Duplicates ({}) ", app.data.duplicates.len())),
    )
    .row_highlight_style(highlight(app));
    frame.render_stateful_widget(
        table,
        area,
        &mut table_state(app.dup_sel - shown.start, app.data.duplicates.len()),
    );
}

fn render_pair(
    app: &App,
    encoded: &EncodedCache,
    frame: &mut Frame,
    area: Rect,
    pair: &DuplicateRow,
) {
    // The last default binding of back/open is the arrow, which reads best here.
    let last_key = |action| {
        app.keymap
            .keys_of(action)
            .last()
            .map(key_label)
            .unwrap_or_default()
    };
    let title = format!(
        " {}/{} pick · {} keep left · {} keep right · {} not a duplicate · {} move · {} delete ",
        last_key(Action::Back),
        last_key(Action::Open),
        app.keymap.label_of(Action::KeepLeft),
        app.keymap.label_of(Action::KeepRight),
        app.keymap.label_of(Action::NotDuplicate),
        app.keymap.label_of(Action::MoveTo),
        app.keymap.label_of(Action::Delete),
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let halves: [Rect; 2] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    for (side, (half, path)) in halves.into_iter().zip([&pair.a, &pair.b]).enumerate() {
        let [img, caption] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(half);
        // The same path as the previews: a graphics protocol where one is
        // in use, else half-blocks.
        draw_image(app, encoded, frame, img, path);
        let picked = app.dup_right == (side == 1);
        let text = format!("{} {}", if picked { "▶" } else { " " }, safe_path(path));
        let style = if picked { highlight(app) } else { Style::new() };
        frame.render_widget(Paragraph::new(Span::styled(text, style)), caption);
    }
}
