//! `render(&App, &EncodedCache, &mut Frame)`: a pure function of the state
//! (and of the previews the terminal layer has encoded for it). Nothing
//! here changes the app, touches the disk or waits.

use super::duplicates_view;
use super::encoded::EncodedCache;
use super::grid::Grid;
use super::layout::{areas, list_and_preview};
use super::safe::{safe, safe_path};
use super::state::app::{App, MoveTarget, Overlay, Screen, SortBy};
use super::state::graphics::Graphics;
use super::state::key::key_label;
use super::state::keys::Action;
use super::state::model::PhotoRow;
use super::widgets::{highlight, table_state, window};
use facecurate::shown;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Stylize;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Tabs};

pub fn render(app: &App, encoded: &EncodedCache, frame: &mut Frame) {
    let [tabs, main, status] = areas(frame.area());
    render_tabs(app, frame, tabs);
    match app.screen {
        Screen::People => render_people(app, frame, main),
        Screen::Person if app.map => super::map_view::render_screen(app, encoded, frame, main),
        Screen::Person => match Grid::for_area(main, app.color) {
            Some(grid) => super::person_view::render(app, encoded, frame, grid),
            None => {
                let photos = app.person_photos();
                render_photos(app, encoded, frame, main, &photos, app.person_sel, true)
            }
        },
        Screen::Review if app.inbox_selected().is_some() => {
            super::inbox_view::render(app, encoded, frame, main)
        }
        Screen::Review => {
            let photos = app.review_rows();
            render_photos(app, encoded, frame, main, &photos, app.review_sel, false)
        }
        Screen::Duplicates => duplicates_view::render(app, encoded, frame, main),
        Screen::Classifier => super::classifier_view::render(app, frame, main),
        Screen::Problems => render_problems(app, frame, main),
    }
    render_status(app, frame, status);
    match &app.overlay {
        Some(Overlay::Help) => render_help(app, frame),
        Some(Overlay::Picker {
            target,
            query,
            selected,
        }) => render_picker(app, frame, target, query, *selected),
        Some(Overlay::ConfirmDelete { photo, kept }) => {
            let keep = kept
                .as_ref()
                .map(|k| format!("Keep {}\nand move", safe_path(k)))
                .unwrap_or_else(|| "Move".into());
            let text = format!(
                "{keep} {} to the trash? (y/n)\nUndo restores it.",
                safe_path(photo)
            );
            let (width, height) = if kept.is_some() { (76, 6) } else { (60, 5) };
            popup(frame, "Delete", &text, width, height);
        }
        Some(Overlay::NewPerson { photos, name }) => {
            super::inbox_view::render_new_person(frame, photos.len(), name)
        }
        Some(Overlay::Search) | None => {}
    }
    super::safe::scrub(frame.buffer_mut());
}

fn render_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let current = if app.screen == Screen::Person {
        Screen::People
    } else {
        app.screen
    };
    // Until the analysis comes, its counts are unknown, not zero.
    let count = |n: usize| {
        if app.data.analysing {
            "…".to_string()
        } else {
            n.to_string()
        }
    };
    let titles: Vec<String> = Screen::TABS
        .iter()
        .map(|s| match s {
            Screen::Review => format!("Review ({})", count(app.review_count())),
            Screen::Duplicates => format!("Duplicates ({})", count(app.data.duplicates.len())),
            Screen::Problems => format!("Problems ({})", count(app.data.problems.len())),
            other => other.title().to_string(),
        })
        .collect();
    let selected = Screen::TABS.iter().position(|s| *s == current).unwrap_or(0);
    frame.render_widget(
        Tabs::new(titles)
            .select(selected)
            .highlight_style(highlight(app))
            .divider("|"),
        area,
    );
}

fn render_people(app: &App, frame: &mut Frame, area: Rect) {
    let people = app.people();
    let sort = match app.sort {
        SortBy::Flags => "flags",
        SortBy::Name => "name",
        SortBy::Size => "size",
    };
    let search = if app.search.is_empty() && app.overlay != Some(Overlay::Search) {
        String::new()
    } else {
        format!(" · search: {}_", safe(&app.search))
    };
    let title = format!(" People ({}) · sorted by {sort}{search} ", people.len());
    let shown = window(people.len(), app.people_sel, area.height);
    let rows: Vec<Row> = people
        .window(shown.clone())
        .map(|p| {
            Row::new(vec![
                Cell::from(safe(&p.name).into_owned()),
                Cell::from(p.photos.to_string()),
                Cell::from(if app.data.analysing {
                    "…".to_string()
                } else if p.flagged > 0 {
                    p.flagged.to_string()
                } else {
                    String::new()
                }),
                Cell::from(p.flags.join(", ")),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Percentage(40),
            Constraint::Length(7),
            Constraint::Length(8),
            Constraint::Min(10),
        ],
    )
    .header(Row::new(vec!["person", "photos", "flagged", "flags"]).bold())
    .block(Block::default().borders(Borders::ALL).title(title))
    .row_highlight_style(highlight(app));
    frame.render_stateful_widget(
        table,
        area,
        &mut table_state(app.people_sel - shown.start, people.len()),
    );
}

fn photo_row(p: &PhotoRow, with_person: bool) -> Row<'static> {
    let name = if with_person {
        p.path
            .file_name()
            .map(|n| shown::escape_os(n).into_owned())
            .unwrap_or_default()
    } else {
        safe_path(&p.path).into_owned()
    };
    let suggestion = super::preview::suggestion_text(p);
    Row::new(vec![
        Cell::from(format!("{:.2}", p.score)),
        Cell::from(name),
        Cell::from(p.flags.join(",")),
        Cell::from(suggestion),
    ])
}

fn render_photos(
    app: &App,
    encoded: &EncodedCache,
    frame: &mut Frame,
    area: Rect,
    photos: &[&PhotoRow],
    selected: usize,
    person_screen: bool,
) {
    let (list, preview) = list_and_preview(area);
    let title = if person_screen {
        format!(
            " {} · {} photos, farthest from the centre first ",
            safe(app.person.as_deref().unwrap_or("")),
            photos.len()
        )
    } else {
        let inbox = super::inbox_view::below(app);
        format!(
            " Review · {} flagged photos, worst first{inbox} ",
            photos.len()
        )
    };
    let mut block = Block::default().borders(Borders::ALL).title(title);
    if person_screen {
        block = block.title_bottom(super::cluster_view::strip(app, list.width));
    }
    let shown = window(photos.len(), selected, area.height);
    let rows: Vec<Row> = photos[shown.clone()]
        .iter()
        .map(|p| photo_row(p, person_screen))
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(6),
            Constraint::Percentage(50),
            Constraint::Length(14),
            Constraint::Min(8),
        ],
    )
    .header(Row::new(vec!["score", "photo", "flags", "suggestion"]).bold())
    .block(block)
    .row_highlight_style(highlight(app));
    frame.render_stateful_widget(
        table,
        list,
        &mut table_state(selected - shown.start, photos.len()),
    );
    if let (Some(preview), Some(photo)) = (preview, photos.get(selected)) {
        super::preview::render_preview(app, encoded, frame, preview, photo);
    }
}

fn render_problems(app: &App, frame: &mut Frame, area: Rect) {
    let shown = window(app.data.problems.len(), app.problem_sel, area.height);
    let rows: Vec<Row> = app.data.problems[shown.clone()]
        .iter()
        .map(|p| {
            Row::new(vec![
                Cell::from(safe_path(&p.path).into_owned()),
                Cell::from(safe(&p.cause).into_owned()),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [Constraint::Percentage(50), Constraint::Percentage(50)],
    )
    .header(Row::new(vec!["photo", "cause"]).bold())
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Problems ({}) ", app.data.problems.len())),
    )
    .row_highlight_style(highlight(app));
    frame.render_stateful_widget(
        table,
        area,
        &mut table_state(app.problem_sel - shown.start, app.data.problems.len()),
    );
}

fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    let p = &app.progress;
    let mut parts = Vec::new();
    if p.total > 0 && p.done < p.total {
        let eta = p
            .eta_s
            .map(|s| format!(" ETA {}s", s.round()))
            .unwrap_or_default();
        parts.push(format!(
            "scan {}/{} · {:.0} faces/s{eta}",
            p.done, p.total, p.faces_per_s
        ));
    } else if p.total > 0 {
        parts.push(format!("{} photos", p.total));
    }
    if !p.provider.is_empty() {
        parts.push(p.provider.clone());
    }
    if app.graphics != Graphics::Halfblocks {
        parts.push(format!("images: {}", app.graphics.name()));
    }
    if let Some(activity) = &p.activity {
        parts.push(safe(activity).into_owned());
    }
    if app.data.analysing {
        parts.push("analysing… (flags, Review and Duplicates follow)".into());
    }
    if app.data.classifier.training {
        parts.push("retraining…".into());
    }
    if let Some(last) = &app.last_action {
        let key = |action| app.keymap.label_of(action);
        let hint = if app.undone {
            format!(
                "{} to redo, {} to undo more",
                key(Action::Redo),
                key(Action::Undo)
            )
        } else {
            format!("{} to undo", key(Action::Undo))
        };
        parts.push(format!("{} ({hint})", safe(last)));
    }
    let help = app.keymap.label_of(Action::Help);
    parts.push(format!("{help} help"));
    let mut line = Line::from(parts.join(" │ "));
    if let Some(err) = &app.error {
        line = Line::from(Span::from(format!("error: {}", safe(err))).bold());
    }
    frame.render_widget(Paragraph::new(line), area);
}

/// Actions that share a help line (so every binding fits on 24 rows).
const PAIRED: [(Action, Action, &str); 3] = [
    (Action::Up, Action::Down, "move up / down"),
    (
        Action::KeepLeft,
        Action::KeepRight,
        "keep the left / right of a pair, trash the other (asks)",
    ),
    (Action::Undo, Action::Redo, "undo the last change / redo"),
];

fn render_help(app: &App, frame: &mut Frame) {
    let keys = |a: Action| -> String {
        let keys: Vec<String> = app.keymap.keys_of(a).iter().map(key_label).collect();
        keys.join(" ")
    };
    let lines: Vec<String> = Action::ALL
        .iter()
        .filter(|a| !PAIRED.iter().any(|(_, second, _)| second == *a))
        .map(|a| match PAIRED.iter().find(|(first, _, _)| first == a) {
            Some((first, second, text)) => {
                format!(
                    "{:<16} {text}",
                    format!("{} / {}", keys(*first), keys(*second))
                )
            }
            None => format!("{:<16} {}", keys(*a), a.describe()),
        })
        .collect();
    popup(
        frame,
        "Keys (esc closes)",
        &lines.join("\n"),
        78,
        lines.len() as u16 + 2,
    );
}

fn render_picker(app: &App, frame: &mut Frame, target: &MoveTarget, query: &str, selected: usize) {
    let matches = app.picker_matches(query);
    let mut text = format!("move to: {}_\n", safe(query));
    if matches.is_empty() {
        text.push_str(&format!(
            "  (enter creates the new person `{}`)",
            safe(query.trim())
        ));
    }
    for (i, m) in matches.iter().take(8).enumerate() {
        let mark = if i == selected { ">" } else { " " };
        text.push_str(&format!("{mark} {}\n", safe(m)));
    }
    let title = match target {
        MoveTarget::Photo(_) => "Move photo".to_string(),
        MoveTarget::Cluster(photos) => format!("Move cluster ({} photos)", photos.len()),
    };
    popup(frame, &title, &text, 50, 11);
}

fn popup(frame: &mut Frame, title: &str, text: &str, width: u16, height: u16) {
    let area = frame.area();
    let w = width.min(area.width);
    let h = height.min(area.height);
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(text.to_string()).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {title} ")),
        ),
        rect,
    );
}
