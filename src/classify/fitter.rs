//! Which solver fits the persons: the exact kernel SVM ([`ClassFitter`]) or,
//! past [`TrainSettings::linear_above`] photos, the linear model
//! ([`LinearFitter`]); one interface for the training loop and the fit
//! cache, which keys each by exactly the inputs its fits depend on.

use super::class_fit::ClassFitter;
use super::error::ClassifyError;
use super::fit_cache::{ClassFits, FitCache, FitInputs};
use super::linear::LinearFitter;
use super::model_file::KernelKind;
use super::nearest;
use super::samples::Samples;
use super::settings::TrainSettings;
use std::sync::atomic::AtomicBool;

pub enum Fitter<'a> {
    Kernel(ClassFitter<'a>),
    Linear(LinearFitter<'a>),
}

impl<'a> Fitter<'a> {
    /// The fitter for `samples`; the linear one finds each person's nearest
    /// persons through `cache` (only the moved ones are found again).
    pub fn new(
        samples: &'a Samples,
        settings: &TrainSettings,
        fold_of: Vec<usize>,
        inputs: &FitInputs,
        cache: &mut FitCache,
        stop: &'a AtomicBool,
    ) -> Fitter<'a> {
        let folds = settings.folds.max(2);
        if samples.len() <= settings.linear_above {
            let present = samples.classes.len();
            return Fitter::Kernel(ClassFitter::new(samples, settings, fold_of, present, stop));
        }
        let neighbours = cache.nearest(inputs.data(), nearest::centroids(samples));
        Fitter::Linear(LinearFitter::new(
            samples, settings.c, fold_of, folds, neighbours, stop,
        ))
    }

    /// The kernel of the models it makes.
    pub fn kernel(&self, settings: &TrainSettings) -> KernelKind {
        match self {
            Fitter::Kernel(_) => settings.kernel,
            Fitter::Linear(_) => KernelKind::Linear,
        }
    }

    /// The fit cache's key of person `k`'s fits, whose photos are `positives`.
    pub fn key(&self, inputs: &FitInputs, k: usize, positives: &[usize]) -> String {
        match self {
            Fitter::Kernel(_) => inputs.key(positives),
            Fitter::Linear(f) => inputs.key_within(positives, &f.problem(k)),
        }
    }

    pub fn fit(&self, k: usize) -> Result<ClassFits, ClassifyError> {
        match self {
            Fitter::Kernel(f) => f.fit(k),
            Fitter::Linear(f) => f.fit(k),
        }
    }
}
