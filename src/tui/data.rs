//! Building the UI's [`DatasetView`] from the curation analysis's report
//! and the records' faces ([`FaceTable`]). Runs on the backend's threads,
//! never on the UI thread.

use super::state::model::{
    ClusterRow, DatasetView, DuplicateRow, InboxRow, PersonMap, PersonRow, PhotoRow, ProblemRow,
};
use facecurate::analysis::{Flag, Report};
use facecurate::records::face_table::FaceTable;
use std::collections::HashMap;
use std::path::Path;

fn flag_name(flag: &Flag) -> String {
    serde_json::to_value(flag)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| format!("{flag:?}").to_lowercase())
}

/// The view of the photos of `faces` given their analysis `report`,
/// without the persons' maps (see [`super::person_maps`]).
pub fn view_of_report(root: &Path, faces: &FaceTable, report: Report) -> DatasetView {
    let distances = faces.centre_distances();
    let photos: Vec<PhotoRow> = report
        .photos
        .iter()
        .map(|p| PhotoRow {
            path: facecurate::pathkey::path_of(&p.path),
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
            distance: faces.find(&p.path).and_then(|i| distances[i]),
            resembles: p.nearest_person.clone(),
        })
        .collect();
    let mut flagged: HashMap<&str, usize> = HashMap::new();
    for p in photos.iter().filter(|p| !p.flags.is_empty()) {
        *flagged.entry(p.person.as_str()).or_default() += 1;
    }
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
                flagged: flagged.get(p.name.as_str()).copied().unwrap_or(0),
                clusters: p
                    .clusters
                    .iter()
                    .map(|c| ClusterRow {
                        photos: c
                            .photos
                            .iter()
                            .map(|k| facecurate::pathkey::path_of(k))
                            .collect(),
                        cohesion: c.cohesion,
                        nearest: c.nearest_person.clone(),
                        nearest_cosine: c.nearest_cosine,
                    })
                    .collect(),
                // (the maps follow: `person_maps`, `Msg::Maps`)
                map: PersonMap::default(),
            }
        })
        .collect();
    prepared(DatasetView {
        root: root.to_path_buf(),
        persons,
        photos,
        duplicates: duplicate_rows(&report),
        problems: problem_rows(faces, &report),
        ..DatasetView::default()
    })
}

/// The view to show while the analysis runs: each folder of the store with
/// its photo count (see `Session::person_counts`), marked `analysing`.
pub fn glance_view(root: &Path, counts: Vec<(String, usize)>) -> DatasetView {
    let persons = counts
        .into_iter()
        .map(|(name, photos)| PersonRow {
            name,
            photos,
            ..PersonRow::default()
        })
        .collect();
    prepared(DatasetView {
        root: root.to_path_buf(),
        persons,
        analysing: true,
        ..DatasetView::default()
    })
}

/// `view` with its indexes built and the order the UI opens on (`App::new`'s
/// sort) sorted, here on the backend's thread rather than on the UI's.
fn prepared(view: DatasetView) -> DatasetView {
    view.prepare();
    super::state::app::sorted_people(&view, super::state::app::SortBy::default());
    view
}

/// The photos that failed or have no face, with why, in the report's order.
fn problem_rows(faces: &FaceTable, report: &Report) -> Vec<ProblemRow> {
    report
        .photos
        .iter()
        .filter_map(|p| {
            let cause = faces.problem(faces.find(&p.path)?)?;
            Some(ProblemRow {
                path: facecurate::pathkey::path_of(&p.path),
                cause: cause.to_string(),
            })
        })
        .collect()
}

fn duplicate_rows(report: &Report) -> Vec<DuplicateRow> {
    report
        .duplicates
        .iter()
        .map(|d| DuplicateRow {
            a: facecurate::pathkey::path_of(&d.a),
            b: facecurate::pathkey::path_of(&d.b),
            cosine: d.cosine.unwrap_or(0.0),
            kind: serde_json::to_value(d.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
        })
        .collect()
}

/// The inbox's predictions as the UI's rows.
pub fn inbox_rows(predictions: &[facecurate::inbox::InboxPhoto]) -> Vec<InboxRow> {
    predictions
        .iter()
        .map(|p| InboxRow {
            path: facecurate::pathkey::path_of(&p.path),
            predicted: p.person.clone(),
            probability: p.probability,
            suggested: p.suggested_person.clone(),
            group: p.unknown_group,
            note: p.note.clone(),
        })
        .collect()
}
