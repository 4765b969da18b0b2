//! The Review screen's inbox part: the photos not filed yet with the
//! classifier's prediction, its probability, and the group of alike faces
//! an `unknown` belongs to. Drawn instead of the flagged list while the
//! cursor is on the inbox (the list runs on below the flagged photos).

use super::encoded::EncodedCache;
use super::layout::list_and_preview;
use super::safe::{safe, safe_path};
use super::state::app::App;
use super::state::model::InboxRow;
use super::widgets::{highlight, table_state, window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Stylize;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::widgets::{Clear, Paragraph};

pub fn render(app: &App, encoded: &EncodedCache, frame: &mut Frame, area: Rect) {
    let (list, preview) = list_and_preview(area);
    let rows = &app.data.inbox;
    let selected = app.review_sel.saturating_sub(app.review_count());
    let unknown = rows.iter().filter(|r| r.suggested.is_none()).count();
    let title = format!(
        " Review · inbox: {} photos, {unknown} unknown · a files, n: new person ",
        rows.len()
    );
    let shown = window(rows.len(), selected, area.height);
    let table_rows: Vec<Row> = rows[shown.clone()].iter().map(inbox_row).collect();
    let table = Table::new(
        table_rows,
        [
            Constraint::Length(6),
            Constraint::Percentage(35),
            Constraint::Length(9),
            Constraint::Min(10),
        ],
    )
    .header(Row::new(vec!["prob", "photo", "group", "prediction"]).bold())
    .block(Block::default().borders(Borders::ALL).title(title))
    .row_highlight_style(highlight(app));
    frame.render_stateful_widget(
        table,
        list,
        &mut table_state(selected - shown.start, rows.len()),
    );
    if let (Some(preview), Some(photo)) = (preview, app.inbox_photo_row()) {
        super::preview::render_preview(app, encoded, frame, preview, &photo);
    }
}

fn inbox_row(r: &InboxRow) -> Row<'static> {
    let prob = r
        .probability
        .map(|p| format!("{p:.2}"))
        .unwrap_or_else(|| "-".into());
    let group = r.group.map(|g| format!("#{g}")).unwrap_or_default();
    let prediction = match (&r.suggested, &r.predicted, &r.note) {
        (Some(to), _, _) => format!("→ {}", safe(to)),
        (None, Some(near), _) => format!("unknown (closest {})", safe(near)),
        (None, None, Some(note)) => format!("unknown ({})", safe(note)),
        _ => "unknown".into(),
    };
    Row::new(vec![
        Cell::from(prob),
        Cell::from(safe_path(&r.path).into_owned()),
        Cell::from(group),
        Cell::from(prediction),
    ])
}

/// What the flagged list's title says of the inbox below it.
pub fn below(app: &App) -> String {
    match app.data.inbox.len() {
        0 => String::new(),
        n => format!("; {n} inbox photos below"),
    }
}

/// The prompt for the new person's name (`n` on an unknown).
pub fn render_new_person(frame: &mut Frame, photos: usize, name: &str) {
    let text = format!(
        "name: {}_\nEnter moves {photos} inbox photo(s) into this new person\n(one step; u undoes it). Esc cancels.",
        safe(name)
    );
    let area = frame.area();
    let (w, h) = (64.min(area.width), 5.min(area.height));
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    let block = Block::default().borders(Borders::ALL).title(" New person ");
    frame.render_widget(Paragraph::new(text).block(block), rect);
}
