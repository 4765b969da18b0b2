//! The Person screen's cluster strip: one line under the photos listing the
//! person's clusters (size, cohesion, the other person the cluster's centre
//! is nearest), the one shown highlighted. It sits in the bottom border of
//! the grid, list or map, so it costs the layout no line.

use super::safe::safe;
use super::state::app::App;
use super::state::keys::Action;
use super::state::model::ClusterRow;
use super::widgets::highlight;
use ratatui::text::{Line, Span};

/// `#1 15 ·0.62 ≈madonna`: a cluster as the strip shows it.
pub fn cluster_label(i: usize, c: &ClusterRow) -> String {
    let mut text = format!("#{} {}", i + 1, c.photos.len());
    if let Some(cohesion) = c.cohesion {
        text.push_str(&format!(" ·{cohesion:.2}"));
    }
    if let Some(near) = &c.nearest {
        text.push_str(&format!(" ≈{}", safe(near)));
    }
    text
}

/// The strip for the open person, to fit `width` cells (a border's
/// width): the clusters not shown lose their cohesion and nearest person
/// when all would not fit. Empty when the person has no cluster.
pub fn strip(app: &App, width: u16) -> Line<'static> {
    let fits = |line: &Line| line.width() + 2 < usize::from(width);
    let full = strip_with(app, false, true);
    if fits(&full) {
        return full;
    }
    let short = strip_with(app, true, true);
    if fits(&short) {
        return short;
    }
    strip_with(app, true, false)
}

fn strip_with(app: &App, short: bool, hint: bool) -> Line<'static> {
    let Some(person) = app.open_person() else {
        return Line::default();
    };
    if person.clusters.is_empty() {
        return Line::default();
    }
    let key = |action| app.keymap.label_of(action);
    let mark = |on: bool, text: String| {
        if on {
            Span::styled(text, highlight(app))
        } else {
            Span::raw(text)
        }
    };
    let total: usize = person.clusters.iter().map(|c| c.photos.len()).sum();
    let mut spans = vec![
        Span::raw(format!(" {} clusters: ", key(Action::Cluster))),
        mark(app.cluster.is_none(), format!("all {total}")),
    ];
    for (i, c) in person.clusters.iter().enumerate() {
        spans.push(Span::raw(" │ "));
        let on = app.cluster == Some(i);
        let label = if short && !on {
            format!("#{} {}", i + 1, c.photos.len())
        } else {
            cluster_label(i, c)
        };
        spans.push(mark(on, label));
    }
    if app.cluster.is_some() && hint {
        spans.push(Span::raw(format!(
            " │ {} moves it ",
            key(Action::MoveCluster)
        )));
    } else {
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}
