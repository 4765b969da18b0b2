//! The inbox: photos put in the dataset's inbox folder (workspace key
//! `inbox`, default `_inbox`) that are not filed under a person yet. The
//! store scans and embeds them like any photo, but they are never a person:
//! [`split`] takes them out before the analysis and the classifier's
//! training see the records, and [`predict`] gives each one the saved
//! classifier's answer — a person with its probability, or `unknown` below
//! the model's calibrated threshold — and groups the unknowns whose faces
//! are alike, so that several photos of one new face can become a new person
//! in one step. `report --json`, `classify --inbox` and the TUI all show
//! these same predictions.

use crate::classify::{Model, face_of};
use crate::records::PhotoRecord;
use serde::Serialize;

/// Grouping stops above this many unknowns: the average-linkage merge is
/// cubic (600 take well under a second), and it runs on every refresh of
/// the UI. Beyond it each unknown stays alone.
pub const MAX_GROUPED: usize = 600;

/// One inbox photo and what the classifier makes of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboxPhoto {
    /// Relative to the dataset root, e.g. `_inbox/IMG_0001.jpg` (key text,
    /// as the report's other paths).
    pub path: String,
    /// The most likely known person; `None` without a model or a face.
    pub person: Option<String>,
    pub probability: Option<f64>,
    /// Below the model's threshold (or no face, or no model): most likely
    /// somebody the model was not trained on.
    pub unknown: bool,
    /// The person to file it under: set only when the prediction is above
    /// the threshold.
    pub suggested_person: Option<String>,
    /// Unknowns with alike faces share a group id (numbered from 0, the
    /// largest group first); `None` for a known prediction.
    pub unknown_group: Option<usize>,
    /// Why there is no prediction (no face found, the photo failed, no
    /// model), when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Separates the inbox's photos (those filed under the folder `inbox`)
/// from the persons' photos: `(persons, inbox)`, each in the given order.
pub fn split(records: Vec<PhotoRecord>, inbox: &str) -> (Vec<PhotoRecord>, Vec<PhotoRecord>) {
    records.into_iter().partition(|r| r.person != inbox)
}

/// The average-linkage cosine above which two unknown faces are taken for
/// the same new person: four standard deviations above the mean cosine of
/// two different persons (the embedder's measured scale, the analysis's
/// `different_mean`/`different_sd`), and never below the analysis's own
/// `split_link`.
pub fn group_link(settings: &crate::analysis::Settings) -> f32 {
    (settings.different_mean + 4.0 * settings.different_sd).max(settings.split_link)
}

/// Every inbox photo with the model's prediction (none without a model),
/// in path order; unknowns grouped at average-linkage cosine `link`.
pub fn predict(model: Option<&Model>, inbox: &[PhotoRecord], link: f32) -> Vec<InboxPhoto> {
    let mut photos: Vec<(InboxPhoto, Option<&[f32]>)> = inbox
        .iter()
        .map(|r| {
            let face = face_of(r).map(|f| f.embedding.as_slice());
            (predict_one(model, r, face), face)
        })
        .collect();
    photos.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let unknown: Vec<(usize, &[f32])> = photos
        .iter()
        .enumerate()
        .filter(|(_, (p, _))| p.unknown)
        .filter_map(|(i, (_, face))| face.map(|f| (i, f)))
        .collect();
    let faces: Vec<Vec<f32>> = unknown
        .iter()
        .map(|(_, f)| crate::vector::normalized(f))
        .collect();
    for (group, members) in groups(&faces, link).into_iter().enumerate() {
        for m in members {
            photos[unknown[m].0].0.unknown_group = Some(group);
        }
    }
    photos.into_iter().map(|(p, _)| p).collect()
}

fn predict_one(model: Option<&Model>, record: &PhotoRecord, face: Option<&[f32]>) -> InboxPhoto {
    let path = crate::pathkey::key_or_lossy(&record.path);
    let blank = |note: &str| InboxPhoto {
        path: path.clone(),
        person: None,
        probability: None,
        unknown: true,
        suggested_person: None,
        unknown_group: None,
        note: Some(note.to_string()),
    };
    if let crate::records::PhotoStatus::Error(cause) = &record.status {
        return blank(&format!("failed: {cause}"));
    }
    let Some(face) = face else {
        return blank("no face found");
    };
    let Some(model) = model else {
        return blank("no classifier trained yet");
    };
    let p = model.predict(face);
    InboxPhoto {
        suggested_person: (!p.unknown).then(|| p.person.clone()),
        person: Some(p.person),
        probability: Some(p.probability),
        unknown: p.unknown,
        unknown_group: None,
        note: None,
        path,
    }
}

/// Average-linkage agglomerative groups of unit vectors whose mean pairwise
/// cosine stays at or above `link`; every vector is in one group, singles
/// included; the largest group first (ties by first member).
pub fn groups(faces: &[Vec<f32>], link: f32) -> Vec<Vec<usize>> {
    let n = faces.len();
    if n > MAX_GROUPED {
        return (0..n).map(|i| vec![i]).collect();
    }
    // sum[a][b]: the sum of cosines between the members of groups a and b.
    let mut sum = vec![vec![0.0f64; n]; n];
    for a in 0..n {
        for b in a + 1..n {
            let c = f64::from(crate::vector::dot(&faces[a], &faces[b]));
            sum[a][b] = c;
            sum[b][a] = c;
        }
    }
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut alive: Vec<bool> = vec![true; n];
    loop {
        let mut best: Option<(f64, usize, usize)> = None;
        for a in (0..n).filter(|&a| alive[a]) {
            for b in (a + 1..n).filter(|&b| alive[b]) {
                let mean = sum[a][b] / (members[a].len() * members[b].len()) as f64;
                if best.is_none_or(|(m, _, _)| mean > m) {
                    best = Some((mean, a, b));
                }
            }
        }
        let Some((mean, a, b)) = best else { break };
        if mean < f64::from(link) {
            break;
        }
        let moved = std::mem::take(&mut members[b]);
        members[a].extend(moved);
        alive[b] = false;
        let row_b = sum[b].clone();
        for (c, v) in row_b.into_iter().enumerate() {
            sum[a][c] += v;
        }
        let row_a = sum[a].clone();
        for (row, v) in sum.iter_mut().zip(row_a) {
            row[a] = v;
        }
    }
    let mut out: Vec<Vec<usize>> = members
        .into_iter()
        .filter(|m| !m.is_empty())
        .map(|mut m| {
            m.sort_unstable();
            m
        })
        .collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        crate::vector::normalized(v)
    }

    #[test]
    fn alike_faces_share_a_group_and_strangers_stay_alone() {
        let faces = vec![
            unit(&[1.0, 0.0, 0.0]),
            unit(&[0.0, 1.0, 0.0]),
            unit(&[0.95, 0.1, 0.0]),
            unit(&[0.0, 0.0, 1.0]),
            unit(&[0.9, 0.0, 0.1]),
        ];
        let g = groups(&faces, 0.45);
        assert_eq!(g, vec![vec![0, 2, 4], vec![1], vec![3]]);
        assert_eq!(groups(&[], 0.45), Vec::<Vec<usize>>::new());
        let many = vec![unit(&[1.0, 0.0, 0.0]); MAX_GROUPED + 1];
        assert_eq!(
            groups(&many, 0.45).len(),
            MAX_GROUPED + 1,
            "too many: alone"
        );
    }

    #[test]
    fn the_inbox_folder_is_split_off_the_persons() {
        let record = |path: &str, person: &str| PhotoRecord {
            path: path.into(),
            person: person.into(),
            hash: String::new(),
            width: 10,
            height: 10,
            status: crate::records::PhotoStatus::Ok,
            faces: Vec::new(),
            reviewed: false,
            not_duplicate_of: Vec::new(),
        };
        let (persons, inbox) = split(
            vec![
                record("a/1.jpg", "a"),
                record("_inbox/x.jpg", "_inbox"),
                record("b/1.jpg", "b"),
            ],
            "_inbox",
        );
        assert_eq!(persons.len(), 2);
        assert!(persons.iter().all(|r| r.person != "_inbox"));
        assert_eq!(inbox.len(), 1);
        let predicted = predict(None, &inbox, 0.45);
        assert_eq!(predicted[0].path, "_inbox/x.jpg");
        assert!(predicted[0].unknown && predicted[0].suggested_person.is_none());
        assert_eq!(predicted[0].note.as_deref(), Some("no face found"));
    }
}
