//! Fitting the whole classifier: one binary SVM per person on all photos,
//! plus k-fold cross-validation whose out-of-sample decision values feed
//! Platt scaling, the unknown threshold and an honest accuracy estimate.
//! Persons are fitted in parallel; a stop flag is checked before every
//! binary fit so a stale retraining ends promptly. A person whose fits'
//! inputs are unchanged since a previous run takes them from a
//! [`FitCache`] instead.

use super::class_fit::ClassFitter;
use super::error::ClassifyError;
use super::eval;
use super::fit_cache::{ClassFits, FitCache, FitInputs};
use super::keys::sample_key;
use super::model_file::{ClassModel, Decision, Model};
use super::platt::{self, Sigmoid};
use super::prediction::normalise;
use super::samples::Samples;
pub use super::settings::TrainSettings;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// A fitted model with what cross-validation said about its own photos.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: Model,
    /// Per sample, the one-vs-rest probabilities (not normalised) given by
    /// models that did not see it; None when the fold that held it out had
    /// no other photo of its person.
    pub oos_raw: Vec<Option<Vec<f64>>>,
    /// Persons whose fits ran, and those taken from the fit cache.
    pub refitted: usize,
    pub reused: usize,
    pub seconds: f64,
}

impl Trained {
    /// Normalised out-of-sample probabilities of sample `i`.
    pub fn oos_probabilities(&self, i: usize) -> Option<Vec<f64>> {
        self.oos_raw.get(i)?.as_ref().map(|raw| {
            let mut p = raw.clone();
            normalise(&mut p);
            p
        })
    }
}

/// What one person's fits produced.
struct ClassFit {
    decision: Decision,
    /// Their own sigmoid (None: too few out-of-sample positives).
    platt: Option<Sigmoid>,
    /// Out-of-sample decision value for every sample (None: no model in its fold).
    oos: Vec<Option<f64>>,
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
    let present = (0..n_classes)
        .filter(|k| samples.labels.contains(k))
        .count();
    if present < 2 || present != n_classes {
        return Err(ClassifyError::TooFewClasses(present));
    }
    let keys: Vec<u64> = samples.embeddings.iter().map(|e| sample_key(e)).collect();
    let fold_of = cache.folds(&keys, &samples.labels, settings.folds.max(2));
    let inputs = FitInputs::new(&samples.embeddings, &fold_of, settings.kernel, settings.c);
    let fitter = ClassFitter::new(samples, settings, fold_of, present, stop);
    let (class_fits, refitted) = fit_classes(samples, settings, &inputs, &fitter, stop, cache)?;
    let fits: Vec<ClassFit> = crate::par::with_threads(settings.threads, || {
        class_fits
            .into_par_iter()
            .map(|f| ClassFit {
                oos: fitter.out_of_sample(&f),
                platt: f.platt,
                decision: f.full,
            })
            .collect()
    });
    let sigmoids = sigmoids(&fits, samples);
    let oos_raw = oos_probabilities(&fits, &sigmoids, samples);
    let cv_accuracy = eval::oos_accuracy(&oos_raw, &samples.labels);
    let threshold = eval::calibrate_threshold(&oos_raw, &samples.labels);
    let dim = samples.embeddings.first().map(Vec::len).unwrap_or(0);
    let classes = fits
        .into_iter()
        .zip(sigmoids)
        .zip(&samples.classes)
        .map(|((fit, platt), name)| ClassModel {
            name: name.clone(),
            decision: fit.decision,
            platt,
        })
        .collect();
    let model = Model {
        kernel: settings.kernel,
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
        oos_raw,
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
    fitter: &ClassFitter,
    stop: &AtomicBool,
    cache: &mut FitCache,
) -> Result<(Vec<ClassFits>, usize), ClassifyError> {
    let dim = samples.embeddings.first().map(Vec::len).unwrap_or(0);
    let folds = fitter.folds();
    let mut positives = vec![Vec::new(); samples.classes.len()];
    for (r, &l) in samples.labels.iter().enumerate() {
        positives[l].push(r);
    }
    let keys: Vec<String> = positives.iter().map(|p| inputs.key(p)).collect();
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
/// with too few of them gets the one fitted on everybody's.
fn sigmoids(fits: &[ClassFit], samples: &Samples) -> Vec<Sigmoid> {
    let mut pooled: Option<Sigmoid> = None;
    let mut sigmoids = Vec::with_capacity(fits.len());
    for fit in fits {
        let s = fit
            .platt
            .unwrap_or_else(|| *pooled.get_or_insert_with(|| pooled_sigmoid(fits, samples)));
        sigmoids.push(s);
    }
    sigmoids
}

/// Per sample, every person's out-of-sample probability.
fn oos_probabilities(
    fits: &[ClassFit],
    sigmoids: &[Sigmoid],
    samples: &Samples,
) -> Vec<Option<Vec<f64>>> {
    (0..samples.len())
        .map(|i| {
            // Without a model of its own person, the sample says nothing.
            fits[samples.labels[i]].oos[i]?;
            Some(
                fits.iter()
                    .zip(sigmoids)
                    .map(|(fit, s)| fit.oos[i].map(|f| s.probability(f)).unwrap_or(0.0))
                    .collect(),
            )
        })
        .collect()
}

fn oos_pairs(fit: &ClassFit, samples: &Samples, k: usize) -> (Vec<f64>, Vec<bool>) {
    fit.oos
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.map(|f| (f, samples.labels[i] == k)))
        .unzip()
}

fn pooled_sigmoid(fits: &[ClassFit], samples: &Samples) -> Sigmoid {
    let (mut f, mut y) = (Vec::new(), Vec::new());
    for (k, fit) in fits.iter().enumerate() {
        let (fk, yk) = oos_pairs(fit, samples, k);
        f.extend(fk);
        y.extend(yk);
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
