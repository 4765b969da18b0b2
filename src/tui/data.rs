//! Building the UI's [`DatasetView`] from the store's records through the
//! curation analysis. Runs on the backend's threads, never on the UI thread.

use super::model::{DatasetView, DuplicateRow, PersonRow, PhotoRow, ProblemRow};
use facecurate::analysis::{self, Flag, Settings};
use facecurate::records::{PhotoRecord, PhotoStatus};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn flag_name(flag: &Flag) -> String {
    serde_json::to_value(flag)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| format!("{flag:?}").to_lowercase())
}

pub fn view_from(root: &Path, records: &[PhotoRecord], settings: &Settings) -> DatasetView {
    let report = analysis::analyze(records, settings);
    let causes: HashMap<String, &str> = records
        .iter()
        .filter_map(|r| match &r.status {
            PhotoStatus::Error(cause) => {
                Some((r.path.to_string_lossy().replace('\\', "/"), cause.as_str()))
            }
            PhotoStatus::Ok if r.faces.is_empty() => {
                Some((r.path.to_string_lossy().replace('\\', "/"), "no face found"))
            }
            PhotoStatus::Ok => None,
        })
        .collect();
    let problems = report
        .photos
        .iter()
        .filter_map(|p| {
            causes.get(&p.path).map(|c| ProblemRow {
                path: PathBuf::from(&p.path),
                cause: c.to_string(),
            })
        })
        .collect();
    let photos = report
        .photos
        .iter()
        .map(|p| PhotoRow {
            path: PathBuf::from(&p.path),
            person: p.person.clone(),
            // Informational flags (a second face in the background) do not put a photo up for review.
            flags: p
                .flags
                .iter()
                .filter(|f| f.is_problem())
                .map(flag_name)
                .collect(),
            score: p.score.unwrap_or(0.0),
            suggested: p.suggested_person.clone(),
            margin: p.margin,
        })
        .collect();
    let persons = report
        .persons
        .iter()
        .map(|p| {
            let mut flags: Vec<String> = p.flags.iter().map(flag_name).collect();
            if !p.merge_with.is_empty() {
                flags.push(format!("same as {}", p.merge_with.join(", ")));
            }
            PersonRow {
                name: p.name.clone(),
                photos: p.photos,
                flags,
            }
        })
        .collect();
    let duplicates = report
        .duplicates
        .iter()
        .map(|d| DuplicateRow {
            a: PathBuf::from(&d.a),
            b: PathBuf::from(&d.b),
            cosine: d.cosine.unwrap_or(0.0),
            kind: serde_json::to_value(d.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
        })
        .collect();
    DatasetView {
        root: root.to_path_buf(),
        persons,
        photos,
        duplicates,
        problems,
        ..DatasetView::default()
    }
}
