//! Retraining after label changes, as one call for the front ends: a seeded
//! held-out evaluation (so the accuracy shown is honest), then a fit on every
//! photo saved over the previous model.

use super::error::ClassifyError;
use super::eval::{self, ClassStats, Confusion, Split};
use super::model_file;
use super::samples::Samples;
use super::train::{TrainSettings, train};
use crate::records::PhotoRecord;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Persons need this many photos with a face to be learned.
pub const MIN_IMAGES: usize = 5;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Retrained {
    /// Accuracy on a seeded 20% held-out split.
    pub accuracy: Option<f64>,
    pub classes: usize,
    pub confused: Vec<Confusion>,
    /// Held-out precision and recall per person (the same evaluation).
    pub per_class: Vec<ClassStats>,
    pub seconds: f64,
}

/// Evaluates on a held-out split, then fits on every photo and saves the
/// model in `model_dir`. `stop` cancels between per-class fits.
pub fn retrain(
    records: &[PhotoRecord],
    model_dir: &Path,
    embedder_sha256: &str,
    stop: &AtomicBool,
) -> Result<Retrained, ClassifyError> {
    let start = Instant::now();
    let samples = Samples::from_records(records, MIN_IMAGES);
    if samples.classes.len() < 2 {
        return Err(ClassifyError::TooFewClasses(samples.classes.len()));
    }
    let settings = TrainSettings::default();
    let (train_rows, test_rows) = eval::split(&samples, Split::TestFraction(0.2), 666);
    let held_out = train(
        &samples.subset(&train_rows),
        &settings,
        embedder_sha256,
        stop,
    )?;
    let evaluation = eval::evaluate(&held_out.model, &samples, &test_rows);
    let full = train(&samples, &settings, embedder_sha256, stop)?;
    std::fs::create_dir_all(model_dir).map_err(|e| ClassifyError::ModelFile {
        path: model_dir.to_path_buf(),
        cause: e.to_string(),
    })?;
    full.model.save(&model_file::path_in(model_dir))?;
    Ok(Retrained {
        accuracy: evaluation.accuracy,
        classes: samples.classes.len(),
        confused: evaluation.confused,
        per_class: evaluation.per_class,
        seconds: start.elapsed().as_secs_f64(),
    })
}
