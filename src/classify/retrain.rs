//! Retraining after label changes, as one call for the front ends: a seeded
//! held-out evaluation (so the accuracy shown is honest), then a fit on every
//! photo saved over the previous model. Both go through the fit cache saved
//! next to the model, so after a photo moves from A to B only A's and B's
//! fits run again.

use super::error::ClassifyError;
use super::eval::{self, ClassStats, Confusion};
use super::fit_cache::{self, FitCache};
use super::model_file;
use super::samples::Samples;
use super::train::{TrainSettings, train_cached};
use crate::records::PhotoRecord;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Persons need this many photos with a face to be learned.
pub const MIN_IMAGES: usize = 5;
/// Share of each person's photos held out of the evaluation's training.
const TEST_FRACTION: f64 = 0.2;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Retrained {
    /// Accuracy on a seeded 20% held-out split.
    pub accuracy: Option<f64>,
    pub classes: usize,
    pub confused: Vec<Confusion>,
    /// Held-out precision and recall per person (the same evaluation).
    pub per_class: Vec<ClassStats>,
    /// Per-person fits (evaluation and full fit together) that ran, and
    /// those the fit cache still held.
    pub refitted: usize,
    pub reused: usize,
    pub seconds: f64,
}

/// Evaluates on a held-out split, then fits on every photo and saves the
/// model in `model_dir`, reusing and updating the fit cache saved there.
/// `stop` cancels between per-class fits.
pub fn retrain(
    records: &[PhotoRecord],
    model_dir: &Path,
    embedder_sha256: &str,
    stop: &AtomicBool,
) -> Result<Retrained, ClassifyError> {
    let mut cache = FitCache::load_or_empty(&fit_cache::path_in(model_dir));
    retrain_with(records, model_dir, embedder_sha256, stop, &mut cache)
}

/// [`retrain`] with the caller's fit cache (kept in memory between runs);
/// the cache file is written too.
pub fn retrain_with(
    records: &[PhotoRecord],
    model_dir: &Path,
    embedder_sha256: &str,
    stop: &AtomicBool,
    cache: &mut FitCache,
) -> Result<Retrained, ClassifyError> {
    let start = Instant::now();
    let samples = Samples::from_records(records, MIN_IMAGES);
    if samples.classes.len() < 2 {
        return Err(ClassifyError::TooFewClasses(samples.classes.len()));
    }
    let settings = TrainSettings::default();
    let (train_rows, test_rows) = cache.held_out(&samples, TEST_FRACTION);
    let train_set = samples.subset(&train_rows);
    let held_out = train_cached(&train_set, &settings, embedder_sha256, stop, cache)?;
    let evaluation = eval::evaluate(&held_out.model, &samples, &test_rows);
    let full = train_cached(&samples, &settings, embedder_sha256, stop, cache)?;
    std::fs::create_dir_all(model_dir).map_err(|e| ClassifyError::ModelFile {
        path: model_dir.to_path_buf(),
        cause: e.to_string(),
    })?;
    full.model.save(&model_file::path_in(model_dir))?;
    save_cache(cache, model_dir);
    Ok(Retrained {
        accuracy: evaluation.accuracy,
        classes: samples.classes.len(),
        confused: evaluation.confused,
        per_class: evaluation.per_class,
        refitted: held_out.refitted + full.refitted,
        reused: held_out.reused + full.reused,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Forgets the fits this run did not use and writes the cache beside the
/// model. A cache that cannot be written only costs time next run.
fn save_cache(cache: &mut FitCache, model_dir: &Path) {
    cache.prune();
    if let Err(e) = cache.save(&fit_cache::path_in(model_dir)) {
        eprintln!("facecurate: warning: the fit cache was not saved: {e}");
    }
}
