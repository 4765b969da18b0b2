//! The classifier as a source of evidence about the labels themselves, and
//! retraining after they change.
//!
//! [`out_of_sample_probabilities`] gives, for every photo, the probabilities
//! the classifier assigns when that photo was held out of its training
//! (k-fold cross-validation). A photo whose filed person gets a low
//! out-of-sample probability while another person gets a high one is a
//! likely mislabel: the second signal, beside distance to the person's
//! centroid, that confident learning (Northcutt et al.) builds on.

use super::error::ClassifyError;
use super::model_file::Model;
use super::samples::Samples;
use super::train::{TrainSettings, train};
use crate::records::PhotoRecord;
use std::sync::atomic::AtomicBool;

#[derive(Debug, Clone)]
pub struct OosSettings {
    /// Persons with fewer usable photos are left out (and get no estimate).
    pub min_images: usize,
    pub train: TrainSettings,
}

impl Default for OosSettings {
    fn default() -> Self {
        OosSettings {
            min_images: 3,
            train: TrainSettings::default(),
        }
    }
}

/// One photo's out-of-sample view.
#[derive(Debug, Clone, PartialEq)]
pub struct OosPhoto {
    /// Index of its filed person in [`OutOfSample::classes`].
    pub label: usize,
    /// Probability of each class, normalised like the model's answers.
    pub probabilities: Vec<f64>,
}

impl OosPhoto {
    /// The probability of the person it is filed under ("self-confidence").
    pub fn self_confidence(&self) -> f64 {
        self.probabilities.get(self.label).copied().unwrap_or(0.0)
    }

    /// The most likely class and its probability.
    pub fn best(&self) -> (usize, f64) {
        super::prediction::top_indices(&self.probabilities, 1)
            .first()
            .map(|&k| (k, self.probabilities[k]))
            .unwrap_or((self.label, 0.0))
    }
}

/// Out-of-sample probabilities for a set of records.
#[derive(Debug, Clone, Default)]
pub struct OutOfSample {
    /// Person names; indices of [`OosPhoto::label`] and its probabilities.
    pub classes: Vec<String>,
    /// Aligned with the records given: None for photos without a usable
    /// face, of persons with too few photos, or whose person had no photo
    /// left in the training folds.
    pub photos: Vec<Option<OosPhoto>>,
    /// Cross-validated accuracy over the photos that have an estimate.
    pub accuracy: Option<f64>,
}

/// A likely mislabel found by confident learning.
#[derive(Debug, Clone, PartialEq)]
pub struct Suspect {
    /// Index into the records.
    pub record: usize,
    /// The person the photo probably shows.
    pub likely: String,
    pub probability: f64,
    /// The probability of the person it is filed under.
    pub self_confidence: f64,
}

impl OutOfSample {
    /// Confident learning's off-diagonal of the confident joint: each
    /// person's threshold is the mean probability its own photos give it;
    /// a photo is suspect when the most likely person whose threshold it
    /// reaches is not the one it is filed under. Most suspicious first.
    pub fn likely_mislabels(&self) -> Vec<Suspect> {
        let k = self.classes.len();
        let (mut sum, mut count) = (vec![0.0; k], vec![0usize; k]);
        for p in self.photos.iter().flatten() {
            sum[p.label] += p.self_confidence();
            count[p.label] += 1;
        }
        let thresholds: Vec<f64> = sum
            .iter()
            .zip(&count)
            .map(|(s, &c)| if c > 0 { s / c as f64 } else { f64::INFINITY })
            .collect();
        let mut out: Vec<Suspect> = self
            .photos
            .iter()
            .enumerate()
            .filter_map(|(record, p)| {
                let p = p.as_ref()?;
                let (likely, probability) = p
                    .probabilities
                    .iter()
                    .enumerate()
                    .filter(|(j, v)| **v >= thresholds[*j])
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map(|(j, v)| (j, *v))?;
                (likely != p.label).then(|| Suspect {
                    record,
                    likely: self.classes[likely].clone(),
                    probability,
                    self_confidence: p.self_confidence(),
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (b.probability - b.self_confidence).total_cmp(&(a.probability - a.self_confidence))
        });
        out
    }
}

/// Out-of-sample probabilities of every record (see the module docs).
/// Checks `stop` between binary fits and returns `Cancelled` when set.
pub fn out_of_sample_probabilities(
    records: &[PhotoRecord],
    settings: &OosSettings,
    stop: &AtomicBool,
) -> Result<OutOfSample, ClassifyError> {
    let samples = Samples::from_records(records, settings.min_images.max(2));
    let trained = train(&samples, &settings.train, "", stop)?;
    let mut photos = vec![None; records.len()];
    for (i, &origin) in samples.origin.iter().enumerate() {
        photos[origin] = trained
            .oos_probabilities(&samples, i)
            .map(|probabilities| OosPhoto {
                label: samples.labels[i],
                probabilities,
            });
    }
    Ok(OutOfSample {
        classes: samples.classes,
        photos,
        accuracy: trained.model.cv_accuracy,
    })
}

/// A finished retraining.
#[derive(Debug, Clone)]
pub struct Retrained {
    pub model: Model,
    /// Cross-validated accuracy of the new model.
    pub accuracy: Option<f64>,
    pub previous_accuracy: Option<f64>,
    /// New minus previous accuracy (negative: the labels got worse, or harder).
    pub accuracy_change: Option<f64>,
    pub seconds: f64,
}

/// Work for [`crate::jobs::Jobs`]: retrain on a snapshot of the records
/// (persons with at least `min_images` usable photos) and compare with the
/// previous model's cross-validated accuracy.
pub fn retrain_job(
    records: Vec<PhotoRecord>,
    min_images: usize,
    settings: TrainSettings,
    embedder_sha256: String,
    previous: Option<&Model>,
) -> impl FnOnce(&AtomicBool) -> Result<Retrained, ClassifyError> + Send + 'static {
    let previous_accuracy = previous.and_then(|m| m.cv_accuracy);
    move |stop| {
        let samples = Samples::from_records(&records, min_images);
        let trained = train(&samples, &settings, &embedder_sha256, stop)?;
        let accuracy = trained.model.cv_accuracy;
        Ok(Retrained {
            accuracy,
            previous_accuracy,
            accuracy_change: accuracy.zip(previous_accuracy).map(|(a, b)| a - b),
            seconds: trained.seconds,
            model: trained.model,
        })
    }
}
