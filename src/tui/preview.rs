//! The large preview: the selected photo beside a photo of the person it
//! looks most like, drawn through the terminal's graphics protocol once the
//! worker has encoded it for that exact size, in half-blocks until then.
//! The same layout functions tell the run loop what to decode and encode,
//! so what is requested is what `render` will look up.

use super::encoded::EncodedCache;
use super::grid::Grid;
use super::image_widget::HalfBlocks;
use super::layout::{list_preview_area, main_area};
use super::safe::{safe, safe_path};
use super::state::app::{App, Screen};
use super::state::graphics::Graphics;
use super::state::model::PhotoRow;
use super::thumbs::Request;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use std::path::{Path, PathBuf};

/// (image, caption) for the photo and for its lookalike, inside `area`.
fn slots(area: Rect) -> ([Rect; 2], [Rect; 2], Rect) {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    let [images, details] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(inner);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(images);
    let split = |r: Rect| -> [Rect; 2] {
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(r)
    };
    let ([li, lc], [ri, rc]) = (split(left), split(right));
    ([li, ri], [lc, rc], details)
}

/// Flags, distance, score and suggestion of a photo, in two lines.
pub fn details(photo: &PhotoRow) -> Vec<Line<'static>> {
    let flags = if photo.flags.is_empty() {
        "no flags".to_string()
    } else {
        photo.flags.join(", ")
    };
    let distance = photo
        .distance
        .map(|d| format!("dist {d:.2} · "))
        .unwrap_or_default();
    let mut suggestion = suggestion_text(photo);
    if photo.suggested.is_some() {
        suggestion.push_str(", a accepts");
    }
    vec![
        Line::from(format!("{distance}score {:.2} · {flags}", photo.score)),
        Line::from(format!("{} {suggestion}", safe_path(&photo.path))),
    ]
}

pub fn render_preview(
    app: &App,
    encoded: &EncodedCache,
    frame: &mut Frame,
    area: Rect,
    photo: &PhotoRow,
) {
    frame.render_widget(
        Block::default().borders(Borders::ALL).title(" preview "),
        area,
    );
    let ([left, right], [left_cap, right_cap], details_area) = slots(area);
    draw_image(app, encoded, frame, left, &photo.path);
    frame.render_widget(
        Paragraph::new(format!("filed: {}", safe(&photo.person))),
        left_cap,
    );
    if let Some(other) = photo.lookalike()
        && let Some(example) = app.example_of(other)
    {
        draw_image(app, encoded, frame, right, &example.path);
        frame.render_widget(
            Paragraph::new(format!("looks like: {}", safe(other))),
            right_cap,
        );
    }
    frame.render_widget(Paragraph::new(details(photo)), details_area);
}

/// The encoded protocol image when there is one for this size, else half-blocks.
pub fn draw_image(app: &App, encoded: &EncodedCache, frame: &mut Frame, area: Rect, path: &Path) {
    if !app.color {
        frame.render_widget(Paragraph::new("(no preview: NO_COLOR)"), area);
    } else if let Some(e) = (app.graphics != Graphics::Halfblocks)
        .then(|| encoded.fitting(path, area))
        .flatten()
    {
        frame.render_widget(ratatui_image::Image::new(&e.protocol), area);
    } else if let Some(img) = app.thumbs.get(path) {
        frame.render_widget(HalfBlocks::new(img), area);
    } else {
        frame.render_widget(Paragraph::new("loading…"), area);
    }
}

/// Where the large preview sits on the current screen, if it is shown.
fn preview_area(app: &App, main: Rect) -> Option<Rect> {
    match app.screen {
        Screen::Person => match Grid::for_area(main, app.color) {
            Some(grid) => grid.wide.then_some(grid.side),
            None => list_preview_area(main),
        },
        Screen::Review => list_preview_area(main),
        _ => None,
    }
}

/// What the screen needs from the worker, most urgent first: the preview
/// pair (encoded when a graphics protocol is in use), then visible grid cells.
pub fn wanted(app: &App) -> Vec<Request> {
    let main = main_area(Rect::new(0, 0, app.size.0, app.size.1));
    let mut out = Vec::new();
    if !app.color {
        return out;
    }
    if app.screen == Screen::Duplicates {
        // The pair is drawn in half-blocks (it is small); only decoded.
        if let Some(pair) = app.selected_pair() {
            out.push(Request::Decode(pair.a.clone()));
            out.push(Request::Decode(pair.b.clone()));
        }
        return out;
    }
    if app.screen == Screen::Classifier {
        // A photo of each person of the confused pairs shown.
        let confused = app.data.classifier.confused.iter();
        for (a, b, _) in confused.take(super::classifier_view::PAIRS) {
            for person in [a, b] {
                if let Some(example) = app.example_of(person) {
                    out.push(Request::Decode(example.path.clone()));
                }
            }
        }
        return out;
    }
    let Some(photo) = app
        .selected_photo()
        .cloned()
        .or_else(|| app.inbox_photo_row())
    else {
        return out;
    };
    let mut pair: Vec<PathBuf> = vec![photo.path.clone()];
    if let Some(example) = photo.lookalike().and_then(|o| app.example_of(o)) {
        pair.push(example.path.clone());
    }
    if let Some(area) = preview_area(app, main) {
        let (images, _, _) = slots(area);
        for (path, rect) in pair.iter().zip(images) {
            out.push(Request::Decode(path.clone()));
            if app.graphics != Graphics::Halfblocks && rect.width > 0 && rect.height > 0 {
                out.push(Request::Encode {
                    path: path.clone(),
                    cols: rect.width,
                    rows: rect.height,
                });
            }
        }
    }
    if app.screen == Screen::Person
        && let Some(grid) = Grid::for_area(main, app.color)
    {
        let photos = app.person_photos();
        for (i, _, _) in grid.cells(app.person_sel, photos.len()) {
            out.push(Request::Decode(photos[i].path.clone()));
        }
    }
    out
}

/// `→ X (+0.12)` where the evidence says move; `near X (-0.13)` where the
/// photo is flagged but still nearer its own person (nothing to accept).
pub fn suggestion_text(p: &PhotoRow) -> String {
    match (&p.suggested, &p.resembles, p.margin) {
        (Some(s), _, Some(m)) => format!("→ {} ({m:+.2})", safe(s)),
        (Some(s), _, None) => format!("→ {}", safe(s)),
        (None, Some(near), Some(m)) => format!("near {} ({m:+.2})", safe(near)),
        _ => String::new(),
    }
}
