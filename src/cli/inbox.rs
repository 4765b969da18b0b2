//! The inbox's predictions as text, the one way `report` and `classify
//! --inbox` print them (names through `shown`).

use facecurate::inbox::InboxPhoto;
use facecurate::shown::escape;

/// One line per inbox photo: its prediction, or unknown with its group.
pub fn print(inbox: &[InboxPhoto]) {
    for p in inbox {
        let who = match (&p.suggested_person, &p.person, p.probability) {
            (Some(to), _, Some(prob)) => format!("file under {} ({prob:.2})", escape(to)),
            (None, Some(near), Some(prob)) => format!(
                "unknown{} (closest {} {prob:.2})",
                group_text(p.unknown_group),
                escape(near)
            ),
            _ => format!(
                "unknown{} ({})",
                group_text(p.unknown_group),
                escape(p.note.as_deref().unwrap_or("no prediction"))
            ),
        };
        outln!("inbox {}: {who}", escape(&p.path));
    }
}

fn group_text(group: Option<usize>) -> String {
    group.map(|g| format!(", group {g}")).unwrap_or_default()
}
