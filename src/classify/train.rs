//! Fitting the whole classifier: one binary SVM per person on all photos,
//! plus k-fold cross-validation whose out-of-sample decision values feed
//! Platt scaling, the unknown threshold and an honest accuracy estimate.
//! Persons are fitted in parallel; a stop flag is checked before every
//! binary fit so a stale retraining ends promptly. A person whose fits'
//! inputs are unchanged since a previous run takes them from a
//! [`FitCache`] instead.

use super::error::ClassifyError;
use super::eval;
use super::fit_cache::{ClassFits, FitCache, FitInputs};
use super::fitter::Fitter;
use super::model_file::{ClassModel, Model};
use super::platt::{self, Sigmoid};
use super::prediction::normalise;
use super::samples::Samples;
pub use super::settings::TrainSettings;
use super::summary::{ClassEval, Photos};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// A fitted model with what cross-validation said about its own photos.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: Model,
    /// Each person's fold models and sigmoid: the out-of-sample view.
    pub evals: Vec<ClassEval>,
    /// The fold of each sample.
    pub fold_of: Vec<usize>,
    /// Persons whose fits ran, and those taken from the fit cache.
    pub refitted: usize,
    pub reused: usize,
    pub seconds: f64,
}

impl Trained {
    /// Normalised out-of-sample probabilities of sample `i` of the samples
    /// it was trained on: every person's, each from the fold model that did
    /// not see it; None when the fold that held it out had no model of its
    /// own person.
    pub fn oos_probabilities(&self, samples: &Samples, i: usize) -> Option<Vec<f64>> {
        let (x, fold, kernel) = (&samples.embeddings[i], self.fold_of[i], self.model.kernel);
        self.evals[samples.labels[i]].probability(kernel, x, fold)?;
        let mut p: Vec<f64> = self
            .evals
            .iter()
            .map(|c| c.probability(kernel, x, fold).unwrap_or(0.0))
            .collect();
        normalise(&mut p);
        Some(p)
    }
}

/// Fits the classifier from scratch (see [`train_cached`]).
pub fn train(
    samples: &Samples,
    settings: &TrainSettings,
    embedder_sha256: &str,
    stop: &AtomicBool,
) -> Result<Trained, ClassifyError> {
    train_cached(
        samples,
        settings,
        embedder_sha256,
        stop,
        &mut FitCache::default(),
    )
}

/// Fits the classifier, reusing every person's fits found in `cache` (the
/// same inputs give the same fits) and adding the new ones to it. Platt
/// scaling, the threshold and the accuracy are always recomputed.
pub fn train_cached(
    samples: &Samples,
    settings: &TrainSettings,
    embedder_sha256: &str,
    stop: &AtomicBool,
    cache: &mut FitCache,
) -> Result<Trained, ClassifyError> {
    let start = Instant::now();
    let n_classes = samples.classes.len();
    let mut seen = vec![false; n_classes];
    samples.labels.iter().for_each(|&l| seen[l] = true);
    let present = seen.iter().filter(|s| **s).count();
    if present < 2 || present != n_classes {
        return Err(ClassifyError::TooFewClasses(present));
    }
    let keys = crate::par::with_threads(settings.threads, || samples.keys());
    let fold_of = cache.folds(&keys, &samples.labels, settings.folds.max(2));
    let inputs = FitInputs::new(&samples.embeddings, &fold_of, settings.kernel, settings.c);
    let fitter = Fitter::new(samples, settings, fold_of.clone(), &inputs, cache, stop);
    let kernel = fitter.kernel(settings);
    let (fits, refitted) = fit_classes(samples, settings, &inputs, &fitter, stop, cache)?;
    let photos = Photos {
        x: &samples.embeddings,
        fold_of: &fold_of,
        kernel,
    };
    let sigmoids = sigmoids(&fits, &photos, &samples.labels);
    let evals: Vec<ClassEval> = fits
        .iter()
        .zip(&sigmoids)
        .map(|(f, s)| ClassEval {
            folds: f.folds.clone(),
            sigmoid: *s,
        })
        .collect();
    let (cv_accuracy, threshold) = crate::par::with_threads(settings.threads, || {
        let tallies = cache.tallies(inputs.data(), &photos, &evals);
        let own: Vec<Option<f64>> = (0..samples.len())
            .into_par_iter()
            .map(|i| evals[samples.labels[i]].probability(kernel, &photos.x[i], fold_of[i]))
            .collect();
        eval::from_tallies(&own, tallies, &samples.labels)
    });
    let dim = samples.embeddings.first().map(Vec::len).unwrap_or(0);
    let classes = fits
        .into_iter()
        .zip(sigmoids)
        .zip(&samples.classes)
        .map(|((fit, platt), name)| ClassModel {
            name: name.clone(),
            decision: fit.full,
            platt,
        })
        .collect();
    let model = Model {
        kernel,
        dim,
        embedder_sha256: embedder_sha256.to_string(),
        threshold,
        photos: samples.len(),
        cv_accuracy,
        held_out_accuracy: None,
        classes,
    };
    Ok(Trained {
        model,
        evals,
        fold_of,
        refitted,
        reused: n_classes - refitted,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Every person's fits, from `cache` where their inputs match, else fitted
/// (in parallel) and stored there; with how many were fitted.
fn fit_classes(
    samples: &Samples,
    settings: &TrainSettings,
    inputs: &FitInputs,
    fitter: &Fitter,
    stop: &AtomicBool,
    cache: &mut FitCache,
) -> Result<(Vec<ClassFits>, usize), ClassifyError> {
    let dim = samples.embeddings.first().map(Vec::len).unwrap_or(0);
    let folds = settings.folds.max(2);
    let mut positives = vec![Vec::new(); samples.classes.len()];
    for (r, &l) in samples.labels.iter().enumerate() {
        positives[l].push(r);
    }
    let keys: Vec<String> = crate::par::with_threads(settings.threads, || {
        (0..positives.len())
            .into_par_iter()
            .map(|k| fitter.key(inputs, k, &positives[k]))
            .collect()
    });
    let found = &*cache;
    let name = |k: usize| format!("person {}", samples.classes[k]);
    let fit_class = |k: usize| match found.get(&keys[k], dim, folds) {
        Some(fits) => Ok((fits.clone(), false)),
        None => fitter.fit(k).map(|fits| (fits, true)),
    };
    let results = run_parallel(
        samples.classes.len(),
        settings.threads,
        stop,
        &name,
        &fit_class,
    )?;
    let mut refitted = 0;
    let mut out = Vec::with_capacity(results.len());
    for ((fits, fresh), key) in results.into_iter().zip(keys) {
        if fresh {
            refitted += 1;
            cache.insert(key, fits.clone());
        } else {
            cache.touch(&key);
        }
        out.push(fits);
    }
    Ok((out, refitted))
}

/// Each person's Platt sigmoid from their out-of-sample values; a person
/// with too few of them gets the mean of the others' (a and b averaged),
/// which costs nothing per retrain, or when nobody has their own, the one
/// fitted on everybody's values.
fn sigmoids(fits: &[ClassFits], photos: &Photos, labels: &[usize]) -> Vec<Sigmoid> {
    let own: Vec<&Sigmoid> = fits.iter().filter_map(|f| f.platt.as_ref()).collect();
    if own.len() == fits.len() {
        return own.into_iter().copied().collect();
    }
    let n = own.len() as f64;
    let pooled = if own.is_empty() {
        pooled_sigmoid(fits, photos, labels)
    } else {
        Sigmoid {
            a: own.iter().map(|s| s.a).sum::<f64>() / n,
            b: own.iter().map(|s| s.b).sum::<f64>() / n,
        }
    };
    fits.iter().map(|f| f.platt.unwrap_or(pooled)).collect()
}

/// The sigmoid fitted on every person's out-of-sample values.
fn pooled_sigmoid(fits: &[ClassFits], photos: &Photos, labels: &[usize]) -> Sigmoid {
    let (mut f, mut y) = (Vec::new(), Vec::new());
    for (k, fit) in fits.iter().enumerate() {
        for (i, x) in photos.x.iter().enumerate() {
            if let Some(Some(d)) = fit.folds.get(photos.fold_of[i]) {
                f.push(d.value(photos.kernel, x));
                y.push(labels[i] == k);
            }
        }
    }
    platt::fit(&f, &y)
}

/// Runs `job(0..n)` on `threads` threads, results in order; the first error
/// (or the stop flag) ends the run. A panicking job is a bug in one
/// person's fit: it becomes the run's error, naming the person (`name`),
/// which the caller reports as it reports a solver failure.
fn run_parallel<T: Send>(
    n: usize,
    threads: usize,
    stop: &AtomicBool,
    name: &(dyn Fn(usize) -> String + Sync),
    job: &(dyn Fn(usize) -> Result<T, ClassifyError> + Sync),
) -> Result<Vec<T>, ClassifyError> {
    let results = crate::par::with_threads(threads, || {
        (0..n)
            .into_par_iter()
            .map(|k| {
                crate::panics::catch(|| job(k)).unwrap_or_else(|cause| {
                    Err(ClassifyError::Solver(format!(
                        "fitting {}: {cause}",
                        name(k)
                    )))
                })
            })
            .collect::<Result<Vec<T>, ClassifyError>>()
    })?;
    if stop.load(Ordering::Relaxed) {
        return Err(ClassifyError::Cancelled);
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_fit_fails_the_run_naming_the_person() {
        let names = ["Ann", "Bob", "Cid", "Dee"];
        let name = |k: usize| names[k].to_string();
        let stop = AtomicBool::new(false);
        let job = |k: usize| -> Result<usize, ClassifyError> {
            assert!(k != 2, "solver bug");
            Ok(k * 10)
        };
        let err = run_parallel(4, 2, &stop, &name, &job).expect_err("the run fails");
        let text = err.to_string();
        assert!(
            text.contains("fitting Cid: internal error (a bug): solver bug"),
            "{text}"
        );
        // Without the panic every person's result is in its place.
        let ok = run_parallel(4, 2, &stop, &name, &|k| Ok(k * 10)).expect("runs");
        assert_eq!(ok, vec![0, 10, 20, 30]);
        stop.store(true, Ordering::Relaxed);
        let cancelled = run_parallel(4, 2, &stop, &name, &|k| Ok(k));
        assert!(matches!(cancelled, Err(ClassifyError::Cancelled)));
    }
}
