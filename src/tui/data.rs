//! Building the UI's [`DatasetView`] from the store's records. Runs on the
//! backend's threads, never on the UI thread.

use super::model::{DatasetView, PersonRow, PhotoRow, ProblemRow};
use facecurate::records::{PhotoRecord, PhotoStatus};
use std::collections::BTreeMap;
use std::path::Path;

pub fn view_from(root: &Path, records: &[PhotoRecord]) -> DatasetView {
    let mut persons: BTreeMap<&str, PersonRow> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut photos = Vec::new();
    for r in records {
        let row = persons
            .entry(r.person.as_str())
            .or_insert_with(|| PersonRow {
                name: r.person.clone(),
                ..PersonRow::default()
            });
        row.photos += 1;
        let flag = match &r.status {
            PhotoStatus::Error(cause) => {
                problems.push(ProblemRow {
                    path: r.path.clone(),
                    cause: cause.clone(),
                });
                Some("unreadable")
            }
            PhotoStatus::Ok if r.faces.is_empty() => {
                problems.push(ProblemRow {
                    path: r.path.clone(),
                    cause: "no face found".into(),
                });
                Some("no_face")
            }
            PhotoStatus::Ok if r.faces.len() > 1 && !r.reviewed => Some("multi_face"),
            PhotoStatus::Ok => None,
        };
        if let Some(flag) = flag
            && !row.flags.iter().any(|f| f == flag)
        {
            row.flags.push(flag.to_string());
        }
        if r.has_face() {
            photos.push(PhotoRow {
                path: r.path.clone(),
                person: r.person.clone(),
                flags: if r.faces.len() > 1 && !r.reviewed {
                    vec!["multi_face".into()]
                } else {
                    Vec::new()
                },
                score: 0.0,
                suggested: None,
                margin: None,
            });
        }
    }
    DatasetView {
        root: root.to_path_buf(),
        persons: persons.into_values().collect(),
        photos,
        problems,
        ..DatasetView::default()
    }
}
