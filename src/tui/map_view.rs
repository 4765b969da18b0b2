//! The Person screen's 2-D map: the person's faces on the plane of their
//! two principal components (PCA, computed off the UI thread in
//! `person_maps`), among the centres of the persons their clusters are
//! nearest, drawn with ratatui's `Canvas` in braille dots. Flagged photos
//! (outliers, mislabels…; `split` aside) are marked `x`, the selected photo
//! `@`, centres `+name`; with a cluster
//! shown, the other faces are dimmed. It takes the grid's place (the
//! preview stays beside it).

use super::encoded::EncodedCache;
use super::grid::Grid;
use super::layout::list_and_preview;
use super::preview;
use super::safe::safe;
use super::state::app::App;
use super::state::model::PhotoRow;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::canvas::{Canvas, Points};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The map and, beside or under it, the selected photo's preview or details.
pub fn render_screen(app: &App, encoded: &EncodedCache, frame: &mut Frame, main: Rect) {
    let photos = app.person_photos();
    let selected = photos.get(app.person_sel).copied();
    let (map, side) = match Grid::for_area(main, app.color) {
        Some(grid) => (grid.block, Some((grid.side, grid.wide))),
        None => {
            let (list, preview) = list_and_preview(main);
            (list, preview.map(|p| (p, true)))
        }
    };
    render(app, frame, map, selected);
    if let (Some((area, wide)), Some(photo)) = (side, selected) {
        if wide {
            preview::render_preview(app, encoded, frame, area, photo);
        } else {
            frame.render_widget(Paragraph::new(preview::details(photo)), area);
        }
    }
}

/// Bounds of the points, padded so nothing sits on the border.
fn bounds(points: impl Iterator<Item = [f32; 2]>) -> ([f64; 2], [f64; 2]) {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in points {
        for k in 0..2 {
            lo[k] = lo[k].min(f64::from(p[k]));
            hi[k] = hi[k].max(f64::from(p[k]));
        }
    }
    if lo[0] > hi[0] {
        return ([-1.0, 1.0], [-1.0, 1.0]);
    }
    let pad = |k: usize| ((hi[k] - lo[k]) * 0.08).max(1e-3);
    (
        [lo[0] - pad(0), hi[0] + pad(0)],
        [lo[1] - pad(1), hi[1] + pad(1)],
    )
}

fn render(app: &App, frame: &mut Frame, area: Rect, selected: Option<&PhotoRow>) {
    let person = app.open_person();
    let empty = super::state::model::PersonMap::default();
    let map = person.map_or(&empty, |p| &p.map);
    let name = safe(app.person.as_deref().unwrap_or("")).into_owned();
    let rows: HashMap<&Path, &PhotoRow> = app
        .data
        .photos_of(app.person.as_deref().unwrap_or(""))
        .map(|p| (p.path.as_path(), p))
        .collect();
    let members: Option<HashSet<&Path>> = app
        .selected_cluster()
        .map(|c| c.photos.iter().map(|p| p.as_path()).collect());
    let shown = |p: &Path| members.as_ref().is_none_or(|m| m.contains(p));
    // `split` is on every photo of a folder the clusters split: the map
    // shows those clusters already, so only the other flags are marked.
    let flagged = |p: &Path| {
        rows.get(p)
            .is_some_and(|r| r.flags.iter().any(|f| f != "split"))
    };
    let coords = |keep: &dyn Fn(&Path) -> bool| -> Vec<(f64, f64)> {
        map.faces
            .iter()
            .filter(|(p, _)| keep(p))
            .map(|(_, [x, y])| (f64::from(*x), f64::from(*y)))
            .collect()
    };
    let plain = coords(&|p| shown(p) && !flagged(p));
    let dimmed = coords(&|p| !shown(p));
    let marked = coords(&|p| shown(p) && flagged(p));
    let chosen = selected.and_then(|s| map.faces.iter().find(|(p, _)| *p == s.path));
    let (xb, yb) = bounds(
        map.faces
            .iter()
            .map(|f| f.1)
            .chain(map.centres.iter().map(|c| c.1)),
    );
    let title = format!(
        " {name} · PCA map of {} faces · x flagged @ selected + centres ",
        map.faces.len()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title_bottom(super::cluster_view::strip(app, area.width));
    // A label runs right from its point: pull it left to stay inside.
    let cell = (xb[1] - xb[0]) / f64::from(area.width.saturating_sub(2).max(1));
    let fit = move |x: f64, label: &str| x.min(xb[1] - cell * label.chars().count() as f64);
    let canvas = Canvas::default()
        .block(block)
        .marker(Marker::Braille)
        .x_bounds(xb)
        .y_bounds(yb)
        .paint(move |ctx| {
            ctx.draw(&Points {
                coords: &dimmed,
                color: Color::DarkGray,
            });
            ctx.draw(&Points {
                coords: &plain,
                color: Color::Cyan,
            });
            ctx.layer();
            for &(x, y) in &marked {
                ctx.print(x, y, Span::styled("x", Style::new().fg(Color::LightRed)));
            }
            for (i, (who, [x, y])) in map.centres.iter().enumerate() {
                let label = if i == 0 {
                    format!("+{} (own centre)", safe(who))
                } else {
                    format!("+{}", safe(who))
                };
                let color = if i == 0 { Color::Green } else { Color::Yellow };
                let x = fit(f64::from(*x), &label);
                ctx.print(
                    x,
                    f64::from(*y),
                    Span::styled(label, Style::new().fg(color)),
                );
            }
            if let Some((_, [x, y])) = chosen {
                ctx.print(f64::from(*x), f64::from(*y), Span::from("@").bold());
            }
        });
    frame.render_widget(canvas, area);
}
