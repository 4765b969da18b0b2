//! One person's fits against everybody else: on every photo, and once per
//! cross-validation fold for the out-of-sample values Platt scaling needs.
//! A person's fits depend on nothing but the photos, which are theirs, the
//! photos' folds ([`super::keys`]) and the settings — what
//! [`super::fit_cache`] keys them by. The person's own Platt sigmoid
//! depends on nothing else either, so it is fitted here and kept with them.

use super::error::ClassifyError;
use super::fit_cache::ClassFits;
use super::model_file::KernelKind;
use super::platt::{self, Sigmoid};
use super::samples::Samples;
use super::screen::GramCache;
use super::settings::TrainSettings;
use super::svm::{BinarySettings, Finish, fit_binary};
use std::sync::atomic::{AtomicBool, Ordering};

pub struct ClassFitter<'a> {
    samples: &'a Samples,
    kernel: KernelKind,
    binary: BinarySettings,
    all: Vec<usize>,
    /// The fold of each sample.
    fold_of: Vec<usize>,
    /// Per fold: the training rows.
    fold_rows: Vec<Vec<usize>>,
    present: usize,
    stop: &'a AtomicBool,
}

impl<'a> ClassFitter<'a> {
    /// `fold_of`: each sample's fold, below `settings.folds` (at least 2).
    pub fn new(
        samples: &'a Samples,
        settings: &TrainSettings,
        fold_of: Vec<usize>,
        present: usize,
        stop: &'a AtomicBool,
    ) -> ClassFitter<'a> {
        let folds = settings.folds.max(2);
        let all: Vec<usize> = (0..samples.len()).collect();
        let fold_rows = (0..folds)
            .map(|f| all.iter().copied().filter(|&r| fold_of[r] != f).collect())
            .collect();
        ClassFitter {
            samples,
            kernel: settings.kernel,
            binary: BinarySettings {
                kernel: settings.kernel,
                c: settings.c,
            },
            all,
            fold_of,
            fold_rows,
            present,
            stop,
        }
    }

    fn cancelled(&self) -> Result<(), ClassifyError> {
        match self.stop.load(Ordering::Relaxed) {
            true => Err(ClassifyError::Cancelled),
            false => Ok(()),
        }
    }

    /// Fits person `k` on every photo, then on each fold's training photos
    /// (started from the full fit, which only changes the speed).
    pub fn fit(&self, k: usize) -> Result<ClassFits, ClassifyError> {
        let (samples, x) = (self.samples, &self.samples.embeddings);
        let positive = |r: usize| samples.labels[r] == k;
        self.cancelled()?;
        let mut cache = GramCache::new(samples.len(), self.kernel);
        let full = fit_binary(
            x,
            &self.all,
            &positive,
            self.binary,
            None,
            &mut cache,
            Finish::Linfa,
        )?
        .ok_or(ClassifyError::TooFewClasses(self.present))?;
        let mut folds = Vec::with_capacity(self.fold_rows.len());
        for train_rows in &self.fold_rows {
            self.cancelled()?;
            let fold = fit_binary(
                x,
                train_rows,
                &positive,
                self.binary,
                Some(&full),
                &mut cache,
                Finish::Screened,
            )?;
            folds.push(fold.map(|f| f.decision));
        }
        let mut fits = ClassFits {
            full: full.decision,
            folds,
            platt: None,
        };
        fits.platt = own_sigmoid(&self.out_of_sample(&fits), &samples.labels, k);
        Ok(fits)
    }

    /// Each sample's decision value under the fold model that did not see
    /// it (None: that fold had no model).
    pub fn out_of_sample(&self, fits: &ClassFits) -> Vec<Option<f64>> {
        let x = &self.samples.embeddings;
        (0..x.len())
            .map(|r| {
                let fold = fits.folds.get(self.fold_of[r])?.as_ref()?;
                Some(fold.value(self.kernel, &x[r]))
            })
            .collect()
    }
}

/// Below this many out-of-sample positives a person's own sigmoid is too
/// noisy; they get the one fitted on everybody's values instead.
pub const MIN_PLATT_POSITIVES: usize = 3;

/// Person `k`'s sigmoid from their out-of-sample values `oos`; None when
/// there are too few positives (or no negatives) to fit one.
pub fn own_sigmoid(oos: &[Option<f64>], labels: &[usize], k: usize) -> Option<Sigmoid> {
    let (f, y): (Vec<f64>, Vec<bool>) = oos
        .iter()
        .zip(labels)
        .filter_map(|(f, &l)| f.map(|f| (f, l == k)))
        .unzip();
    let positives = y.iter().filter(|p| **p).count();
    (positives >= MIN_PLATT_POSITIVES && positives < y.len()).then(|| platt::fit(&f, &y))
}
