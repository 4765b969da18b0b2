//! The Classifier screen: the held-out evaluation of the model the UI
//! retrains after every label change — accuracy and its change, training
//! time, the accuracy of every retrain since the UI opened as a sparkline,
//! recall per person (worst first) — and the most-confused pairs, each with
//! a photo of both persons (the one nearest each one's centre) so a
//! confusion can be judged at a glance. A dataset too small to train says
//! so as the classifier's state.

use super::image_widget::HalfBlocks;
use super::safe::safe;
use super::state::app::App;
use super::state::model::ClassifierView;
use super::widgets::window;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Sparkline, Table};

/// Pairs shown with photos; each takes this many lines.
pub const PAIRS: usize = 6;
const PAIR_H: u16 = 5;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let c = &app.data.classifier;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let summary = summary(c);
    let [text, spark, recall] = Layout::vertical([
        Constraint::Length(summary.len() as u16 + 2),
        Constraint::Length(5),
        Constraint::Min(3),
    ])
    .areas(left);
    frame.render_widget(
        Paragraph::new(summary).block(Block::default().borders(Borders::ALL).title(" Classifier ")),
        text,
    );
    render_history(c, frame, spark);
    render_recall(c, frame, recall);
    render_confused(app, frame, right);
}

fn summary(c: &ClassifierView) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let accuracy = c
        .accuracy
        .map(|v| format!("{:.2}%", v * 100.0))
        .unwrap_or_else(|| "not trained yet".into());
    lines.push(Line::from(format!("held-out accuracy: {accuracy}")));
    if let (Some(now), Some(before)) = (c.accuracy, c.previous_accuracy) {
        lines.push(Line::from(format!(
            "change from the previous model: {:+.2} points",
            (now - before) * 100.0
        )));
    }
    let time = c
        .seconds
        .map(|s| {
            let digits = if s < 10.0 { 2 } else { 1 };
            format!(" · trained in {s:.digits$} s")
        })
        .unwrap_or_default();
    let refits = c
        .refits
        .map(|(ran, reused)| format!(" · refitted {ran}, reused {reused}"))
        .unwrap_or_default();
    lines.push(Line::from(format!("classes: {}{time}{refits}", c.classes)));
    if let Some(state) = &c.state {
        lines.push(Line::from(safe(state).into_owned()));
    }
    if c.training {
        lines.push(Line::from(
            Span::from("retraining in the background…").italic(),
        ));
    }
    lines
}

/// Accuracy of each retrain since the UI opened, scaled between the lowest
/// and highest seen (named in the title) so a change of a point shows.
fn render_history(c: &ClassifierView, frame: &mut Frame, area: Rect) {
    let lo = c.history.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = c.history.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let title = if c.history.is_empty() {
        " accuracy per retrain: none yet ".to_string()
    } else {
        format!(
            " accuracy per retrain ({}): {:.1}%–{:.1}% ",
            c.history.len(),
            lo * 100.0,
            hi * 100.0
        )
    };
    let data: Vec<u64> = c
        .history
        .iter()
        .map(|a| {
            if hi - lo < 1e-9 {
                100
            } else {
                10 + ((a - lo) / (hi - lo) * 90.0).round() as u64
            }
        })
        .collect();
    frame.render_widget(
        Sparkline::default()
            .block(Block::default().borders(Borders::ALL).title(title))
            .data(&data)
            .max(100),
        area,
    );
}

fn render_recall(c: &ClassifierView, frame: &mut Frame, area: Rect) {
    let mut rows: Vec<_> = c.recall.iter().collect();
    rows.sort_by(|a, b| {
        let r = |x: Option<f64>| x.unwrap_or(f64::INFINITY);
        r(a.recall)
            .total_cmp(&r(b.recall))
            .then(a.person.cmp(&b.person))
    });
    let shown = window(rows.len(), 0, area.height);
    let table = Table::new(
        rows[shown].iter().map(|r| {
            Row::new(vec![
                Cell::from(safe(&r.person).into_owned()),
                Cell::from(
                    r.recall
                        .map(|v| format!("{:.0}%", v * 100.0))
                        .unwrap_or_else(|| "–".into()),
                ),
                Cell::from(r.photos.to_string()),
            ])
        }),
        [
            Constraint::Min(10),
            Constraint::Length(7),
            Constraint::Length(9),
        ],
    )
    .header(Row::new(vec!["person", "recall", "held out"]).bold())
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(" recall per person (held out), worst first "),
    );
    frame.render_widget(table, area);
}

/// Each confused pair on `PAIR_H` lines: a photo of the true person, one of
/// the person they were taken for, and the count.
fn render_confused(app: &App, frame: &mut Frame, area: Rect) {
    let c = &app.data.classifier;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" most-confused pairs (true → taken for) ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if c.confused.is_empty() {
        frame.render_widget(Paragraph::new("none"), inner);
        return;
    }
    let fit = usize::from(inner.height / PAIR_H).max(1);
    for (k, (a, b, n)) in c.confused.iter().take(fit.min(PAIRS)).enumerate() {
        let y = inner.y + k as u16 * PAIR_H;
        let h = PAIR_H.min(inner.bottom().saturating_sub(y));
        let row = Rect::new(inner.x, y, inner.width, h);
        let [left, right, text] = Layout::horizontal([
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Min(4),
        ])
        .areas(row);
        thumb(app, frame, left, a);
        thumb(app, frame, right, b);
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(format!("{} →", safe(a))),
                Line::from(safe(b).into_owned()),
                Line::from(format!(
                    "{n} held-out photo{}",
                    if *n == 1 { "" } else { "s" }
                )),
            ]),
            text,
        );
    }
}

fn thumb(app: &App, frame: &mut Frame, area: Rect, person: &str) {
    let area = Rect {
        width: area.width.saturating_sub(1),
        height: area.height.saturating_sub(1),
        ..area
    };
    match app.example_of(person).and_then(|p| app.thumbs.get(&p.path)) {
        Some(img) if app.color => frame.render_widget(HalfBlocks::new(img), area),
        _ => frame.render_widget(Paragraph::new("·"), area),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_the_fits_refitted_and_reused() {
        let view = ClassifierView {
            classes: 298,
            seconds: Some(0.34),
            refits: Some((4, 592)),
            ..ClassifierView::default()
        };
        let text: Vec<String> = summary(&view).iter().map(|l| l.to_string()).collect();
        assert!(
            text.iter()
                .any(|l| l == "classes: 298 · trained in 0.34 s · refitted 4, reused 592"),
            "{text:?}"
        );
    }
}
