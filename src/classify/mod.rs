//! Who is in a photo: a one-vs-rest SVM over face embeddings with
//! Platt-calibrated probabilities and an `unknown` answer for faces of
//! nobody it was trained on (open-set recognition).
//!
//! linfa-svm fits every person's model that is kept; everything linfa's
//! multi-class model cannot do (probabilities, saving, cancelling) is
//! assembled here. Platt scaling and the unknown threshold are fitted on
//! out-of-sample decision values from k-fold cross-validation, so the
//! probabilities are honest rather than the over-confident ones a model
//! gives its own training photos. A small SMO solver on cached kernel values
//! (`screen`) finds each fit's working set, which linfa alone makes slow,
//! and solves the throwaway cross-validation models (the same problem).
//! The classifier works on plain data (labels and embeddings, or
//! [`PhotoRecord`]s) and knows nothing of where they are stored.

pub mod eval;
mod linfa_fit;
pub mod model_file;
mod oos;
mod platt;
pub mod retrain;
mod screen;
mod svm;
mod train;

pub use model_file::{ClassModel, Decision, KernelKind, Model};
pub use oos::{
    OosPhoto, OosSettings, OutOfSample, Retrained, Suspect, out_of_sample_probabilities,
    retrain_job,
};
pub use platt::Sigmoid;
pub use train::{TrainSettings, Trained, train};

use crate::pipeline::{Face, main_face_index};
use crate::records::{PhotoRecord, PhotoStatus};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Why training, loading or classifying failed.
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    #[error("cancelled")]
    Cancelled,
    #[error("need at least 2 persons with enough photos to train, found {0}")]
    TooFewClasses(usize),
    #[error("the SVM solver failed: {0}")]
    Solver(String),
    #[error("{}: {cause}", path.display())]
    ModelFile { path: PathBuf, cause: String },
    #[error(
        "{}: the model was trained on embeddings from another embedder (model sha256 {model}, current {current}); retrain it with `facecurate train`",
        path.display()
    )]
    WrongEmbedder {
        path: PathBuf,
        model: String,
        current: String,
    },
}

/// The face that stands for a photo: its only face, or with several the one
/// facenet's alignment would keep ([`main_face_index`]). None for photos
/// that failed or show no face.
pub fn face_of(record: &PhotoRecord) -> Option<&Face> {
    if record.status != PhotoStatus::Ok {
        return None;
    }
    main_face(&record.faces, record.width, record.height).and_then(|i| record.faces.get(i))
}

/// Index of the face that stands for a photo of this size (see [`face_of`]).
pub fn main_face(faces: &[Face], width: u32, height: u32) -> Option<usize> {
    match faces.len() {
        0 => None,
        1 => Some(0),
        _ => {
            let boxes: Vec<[f32; 4]> = faces.iter().map(|f| f.bbox).collect();
            main_face_index(&boxes, width, height)
        }
    }
}

/// Training data: one embedding per photo, labelled by class index.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// Person names, sorted; a label is an index into this.
    pub classes: Vec<String>,
    pub embeddings: Vec<Vec<f32>>,
    pub labels: Vec<usize>,
    /// For each sample, the index of the record it came from (or the
    /// caller's own index when built with [`Samples::from_labelled`]).
    pub origin: Vec<usize>,
}

impl Samples {
    /// The photos with a usable face, of persons with at least `min_images`
    /// such photos.
    pub fn from_records(records: &[PhotoRecord], min_images: usize) -> Samples {
        let items = records.iter().enumerate().filter_map(|(i, r)| {
            face_of(r).map(|f| (i, r.person.as_str(), f.embedding.as_slice()))
        });
        Samples::from_labelled(items, min_images)
    }

    /// Builds samples from `(origin, person, embedding)`, keeping persons with
    /// at least `min_images` of them.
    pub fn from_labelled<'a>(
        items: impl IntoIterator<Item = (usize, &'a str, &'a [f32])>,
        min_images: usize,
    ) -> Samples {
        let items: Vec<_> = items.into_iter().collect();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, person, _) in &items {
            *counts.entry(person).or_default() += 1;
        }
        let classes: Vec<String> = counts
            .iter()
            .filter(|(_, n)| **n >= min_images.max(1))
            .map(|(p, _)| p.to_string())
            .collect();
        let mut out = Samples {
            classes,
            ..Samples::default()
        };
        for (origin, person, embedding) in items {
            if let Ok(label) = out.classes.binary_search_by(|c| c.as_str().cmp(person)) {
                out.embeddings.push(embedding.to_vec());
                out.labels.push(label);
                out.origin.push(origin);
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The samples at `rows`, keeping the same classes.
    pub fn subset(&self, rows: &[usize]) -> Samples {
        Samples {
            classes: self.classes.clone(),
            embeddings: rows.iter().map(|&r| self.embeddings[r].clone()).collect(),
            labels: rows.iter().map(|&r| self.labels[r]).collect(),
            origin: rows.iter().map(|&r| self.origin[r]).collect(),
        }
    }
}

/// What the model says about one face.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Prediction {
    /// The most likely known person, even when `unknown` is set.
    pub person: String,
    pub probability: f64,
    /// The three most likely persons, best first.
    pub top: Vec<Candidate>,
    /// The best probability is below the model's threshold: most likely
    /// somebody it was not trained on.
    pub unknown: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Candidate {
    pub person: String,
    pub probability: f64,
}

/// Turns one-vs-rest Platt probabilities into the model's probabilities:
/// normalised over the known persons when they add up to more than 1; when
/// they add up to less, left as they are, the rest being the chance that the
/// face is somebody else. That keeps "clearly none of them" visible, which
/// plain normalisation would hide (it makes the least unlikely of several
/// strangers look certain).
pub fn normalise(raw: &mut [f64]) {
    let total: f64 = raw.iter().sum();
    if total > 1.0 {
        raw.iter_mut().for_each(|p| *p /= total);
    }
}

/// Indices of the `n` largest values, largest first.
pub(crate) fn top_indices(values: &[f64], n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    order.truncate(n);
    order
}

/// Inner product of two f32 vectors over eight f32 lanes so that it
/// vectorises (it is the inner loop of training and prediction); the lanes
/// are summed in f64. For embeddings of norm about 1 the rounding is far
/// below anything a decision depends on.
pub(crate) fn dot32(a: &[f32], b: &[f32]) -> f64 {
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let mut acc = [0.0f32; 8];
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().map(|v| f64::from(*v)).sum::<f64>() + tail
}

/// Squared distance of two f32 vectors, like [`dot32`].
pub(crate) fn sq_dist32(a: &[f32], b: &[f32]) -> f64 {
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2))
        .sum();
    let mut acc = [0.0f32; 8];
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            let d = x[k] - y[k];
            acc[k] += d * d;
        }
    }
    acc.iter().map(|v| f64::from(*v)).sum::<f64>() + tail
}
