//! `facecurate train DATASET`: fit the person classifier, report its accuracy
//! on a seeded held-out split, then fit on every photo and save the model in
//! the state folder.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use super::setup;
use anyhow::{Context, Result};
use facecurate::classify::eval::{self, Evaluation, Split};
use facecurate::classify::{
    self, FitCache, KernelKind, Model, Samples, TrainSettings, fit_cache, model_file,
};
use facecurate::records::{PhotoRecord, PhotoStatus};
use facecurate::session::Session;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KernelArg {
    Linear,
    Rbf,
}

#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// A dataset folder to train on without a workspace (default: the workspace's store).
    pub dataset: Option<PathBuf>,
    /// Persons with fewer usable photos are left out [default: 5].
    #[arg(long)]
    pub min_images: Option<usize>,
    /// Photos per person used for training; the rest are held out.
    #[arg(long, conflicts_with = "test_fraction")]
    pub train_per_class: Option<usize>,
    /// Fraction of each person's photos held out. Without it (or
    /// --train-per-class) a fifth is, and each photo keeps its side from run
    /// to run (in the fit cache), so that a retrain after a label change
    /// reuses the fits of every person it did not touch.
    #[arg(long)]
    pub test_fraction: Option<f64>,
    /// Seed of the split --train-per-class or --test-fraction ask for [default: 666].
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long, value_enum, default_value = "linear")]
    pub kernel: KernelArg,
    /// RBF kernel width: exp(-gamma·|a-b|²).
    #[arg(long, default_value_t = 1.0)]
    pub gamma: f64,
    /// facenet classifier.py's defaults: --min-images 20 --train-per-class 10 --seed 666.
    #[arg(long)]
    pub facenet: bool,
    /// Folder where the model is saved.
    /// [default: the workspace's classifier folder, else ./facecurate-state]
    #[arg(long)]
    pub state_dir: Option<PathBuf>,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
    /// Train from `facecurate embed --json` output instead of running the
    /// pipeline (person = parent folder); for benchmarks.
    #[arg(long, hide = true)]
    pub embeddings: Option<PathBuf>,
    /// Write the train/test split (path, person, face index) as JSON; for benchmarks.
    #[arg(long, hide = true)]
    pub export_split: Option<PathBuf>,
}

/// The labelled photos to train on: an `embed --json` dump, a dataset
/// folder run through the session's pipeline, or (by default) the
/// workspace's store after a scan.
fn training_records(
    session: &Session,
    printer: &Printer,
    args: &TrainArgs,
) -> Result<Vec<PhotoRecord>> {
    if let Some(file) = &args.embeddings {
        return Ok(facecurate::records::dump::Dump::read(file)?.into_records());
    }
    let Some(dataset) = args.dataset.as_deref() else {
        let store = session.scanned_store(&session::stop_on_ctrl_c())?;
        printer.finish();
        // The inbox's photos are not labelled: never trained on.
        return Ok(session.split_inbox(store.records()?).0);
    };
    anyhow::ensure!(dataset.is_dir(), "{}: not a folder", dataset.display());
    setup::folder_records(session, dataset)
}

/// The held-out split rule the flags ask for; None: a fifth of each
/// person's photos, kept in the fit cache ([`FitCache::held_out`]).
fn split_rule(args: &TrainArgs) -> Result<Option<Split>> {
    Ok(match (args.train_per_class, args.test_fraction) {
        (Some(n), _) => Some(Split::TrainPerClass(n.max(1))),
        (None, Some(f)) => {
            anyhow::ensure!(
                (0.0..1.0).contains(&f),
                "--test-fraction must be at least 0 and below 1"
            );
            Some(Split::TestFraction(f))
        }
        (None, None) if args.facenet => Some(Split::TrainPerClass(10)),
        // Kept per photo: after a label change the held-out fit reuses
        // every untouched person's fits too.
        (None, None) => None,
    })
}

fn train_settings(args: &TrainArgs) -> Result<TrainSettings> {
    let kernel = match args.kernel {
        KernelArg::Linear => KernelKind::Linear,
        KernelArg::Rbf => {
            anyhow::ensure!(
                args.gamma.is_finite() && args.gamma > 0.0,
                "--gamma must be positive"
            );
            KernelKind::Rbf { gamma: args.gamma }
        }
    };
    Ok(TrainSettings {
        kernel,
        ..TrainSettings::default()
    })
}

/// The photos that could not be used: failed (each named on stderr) and
/// without a face.
fn unusable(records: &[PhotoRecord]) -> (usize, usize) {
    let mut failed = 0;
    for r in records {
        if let PhotoStatus::Error(cause) = &r.status {
            errln!("{}: {cause}", r.path.display());
            failed += 1;
        }
    }
    let faceless = records
        .iter()
        .filter(|r| r.status == PhotoStatus::Ok && !r.has_face())
        .count();
    (failed, faceless)
}

/// How often the held-out model calls photos of persons it was not
/// trained on (left out for too few photos) unknown: real strangers.
fn outsider_rate(
    records: &[PhotoRecord],
    samples: &Samples,
    model: &Model,
) -> (usize, Option<f64>) {
    let in_model: std::collections::HashSet<usize> = samples.origin.iter().copied().collect();
    let outsiders: Vec<&[f32]> = records
        .iter()
        .enumerate()
        .filter(|(i, _)| !in_model.contains(i))
        .filter_map(|(_, r)| classify::face_of(r).map(|f| f.embedding.as_slice()))
        .collect();
    let rate = (!outsiders.is_empty()).then(|| {
        let unknown = outsiders
            .iter()
            .filter(|x| model.predict(x).unknown)
            .count();
        unknown as f64 / outsiders.len() as f64
    });
    (outsiders.len(), rate)
}

/// What one training run found, for printing.
struct Trained {
    samples: Samples,
    train_rows: Vec<usize>,
    test_rows: Vec<usize>,
    test_eval: Evaluation,
    held_out_seconds: f64,
    /// Per-person fits that ran, and those the fit cache held.
    fits: (usize, usize),
    outsiders: (usize, Option<f64>),
    full: classify::Trained,
    model_path: PathBuf,
    min_images: usize,
    failed: usize,
    faceless: usize,
}

pub fn run(cli: &GlobalArgs, args: &TrainArgs) -> Result<Outcome> {
    let printer = Printer::default();
    // The workspace's store holds its own embedder's vectors; a folder is
    // embedded with the workspace's models too, so `classify` agrees.
    let session = if args.dataset.is_none() && args.embeddings.is_none() {
        session::open(cli, &printer)?
    } else {
        session::workspace_or_bare(cli, &printer)?
    };
    let trained = train(&session, &printer, args)?;
    if args.json {
        print_json(&trained)?;
    } else {
        print_text(&trained);
    }
    if trained.faceless > 0 || trained.failed > 0 {
        errln!(
            "skipped {} photo(s) without a face and {} that failed",
            trained.faceless,
            trained.failed
        );
    }
    Ok(if trained.failed == 0 {
        Outcome::Ok
    } else {
        Outcome::Failures
    })
}

/// Fits on the training split, evaluates on the held-out photos, then fits
/// on every photo and saves that model.
fn train(session: &Session, printer: &Printer, args: &TrainArgs) -> Result<Trained> {
    let preset = |facenet: usize, plain: usize| if args.facenet { facenet } else { plain };
    let min_images = args.min_images.unwrap_or(preset(20, 5)).max(2);
    let (rule, settings) = (split_rule(args)?, train_settings(args)?);
    let identity = session.embedder_identity();
    let records = training_records(session, printer, args)?;
    let (failed, faceless) = unusable(&records);
    let samples = Samples::from_records(&records, min_images);
    anyhow::ensure!(
        samples.classes.len() >= 2,
        "need at least 2 persons with {min_images}+ photos with a face; found {}",
        samples.classes.len()
    );
    let dir = session.classifier_dir(args.state_dir.as_deref());
    let mut cache = FitCache::load_or_empty(&fit_cache::path_in(&dir));
    let (train_rows, test_rows) = match rule {
        Some(rule) => eval::split(&samples, rule, args.seed.unwrap_or(666)),
        None => cache.held_out(&samples, 0.2),
    };
    if let Some(path) = &args.export_split {
        export_split(path, &records, &samples, &train_rows, &test_rows)?;
    }
    let stop = AtomicBool::new(false);
    let train_set = samples.subset(&train_rows);
    let held_out = classify::train_cached(&train_set, &settings, identity, &stop, &mut cache)?;
    let test_eval = eval::evaluate(&held_out.model, &samples, &test_rows);
    let outsiders = outsider_rate(&records, &samples, &held_out.model);
    let mut full = classify::train_cached(&samples, &settings, identity, &stop, &mut cache)?;
    full.model.held_out_accuracy = test_eval.accuracy;
    let model_path = model_file::path_in(&dir);
    full.model.save(&model_path)?;
    cache.prune();
    if let Err(e) = cache.save(&fit_cache::path_in(&dir)) {
        errln!("warning: the fit cache was not saved (the next run refits all): {e}");
    }
    Ok(Trained {
        samples,
        train_rows,
        test_rows,
        test_eval,
        held_out_seconds: held_out.seconds,
        fits: (
            held_out.refitted + full.refitted,
            held_out.reused + full.reused,
        ),
        outsiders,
        full,
        model_path,
        min_images,
        failed,
        faceless,
    })
}

fn print_json(t: &Trained) -> Result<()> {
    let model = &t.full.model;
    let doc = json!({
        "accuracy": t.test_eval.accuracy,
        "classes": t.samples.classes.len(),
        "train_photos": t.train_rows.len(),
        "test_photos": t.test_rows.len(),
        "seconds": t.held_out_seconds,
        "per_class": t.test_eval.per_class,
        "confused": t.test_eval.confused,
        "unknown_rate": t.test_eval.unknown_rate,
        "outsiders": {"photos": t.outsiders.0, "unknown_rate": t.outsiders.1},
        "skipped": {"failed": t.failed, "no_face": t.faceless},
        "model": {
            "path": t.model_path,
            "photos": model.photos,
            "cv_accuracy": model.cv_accuracy,
            "threshold": model.threshold,
            "seconds": t.full.seconds,
        },
        "fits": {"refitted": t.fits.0, "reused": t.fits.1},
    });
    println!("{}", serde_json::to_string(&doc)?);
    Ok(())
}

fn print_text(t: &Trained) {
    print_report(t);
    if let (n, Some(rate)) = t.outsiders {
        outln!(
            "open set: {:.1}% of {n} photos of persons not in the model came back unknown",
            100.0 * rate,
        );
    }
    let model = &t.full.model;
    outln!(
        "model: {} persons, {} photos, cross-validated accuracy {}, unknown below {:.3}; fitted in {:.2} s, saved to {}",
        model.classes.len(),
        model.photos,
        percent(model.cv_accuracy),
        model.threshold,
        t.full.seconds,
        t.model_path.display()
    );
    outln!(
        "per-person fits: {} ran, {} reused from the fit cache",
        t.fits.0,
        t.fits.1
    );
}

fn percent(v: Option<f64>) -> String {
    v.map(|v| format!("{:.2}%", 100.0 * v))
        .unwrap_or_else(|| "n/a".into())
}

fn print_report(t: &Trained) {
    let (samples, e, min) = (&t.samples, &t.test_eval, t.min_images);
    outln!(
        "{} persons with {min}+ photos: {} training photos, {} held out",
        samples.classes.len(),
        t.train_rows.len(),
        t.test_rows.len()
    );
    let correct = e
        .accuracy
        .map(|a| (a * e.photos as f64).round() as usize)
        .unwrap_or(0);
    outln!(
        "held-out accuracy {} ({correct}/{}), {} called unknown; training took {:.3} s",
        percent(e.accuracy),
        e.photos,
        percent(e.unknown_rate),
        t.held_out_seconds
    );
    let mut weakest: Vec<_> = e
        .per_class
        .iter()
        .filter(|c| c.recall.is_some_and(|r| r < 1.0))
        .collect();
    weakest.sort_by(|a, b| a.recall.unwrap_or(1.0).total_cmp(&b.recall.unwrap_or(1.0)));
    for c in weakest.iter().take(10) {
        outln!(
            "  {:<32} recall {}  precision {}  ({} test photos)",
            c.person,
            percent(c.recall),
            percent(c.precision),
            c.photos
        );
    }
    if !e.confused.is_empty() {
        outln!("most confused:");
        for c in &e.confused {
            outln!("  {} taken for {} ({}x)", c.person, c.taken_for, c.count);
        }
    }
}

fn export_split(
    path: &Path,
    records: &[PhotoRecord],
    samples: &Samples,
    train: &[usize],
    test: &[usize],
) -> Result<()> {
    let rows = |rows: &[usize]| -> Vec<serde_json::Value> {
        rows.iter()
            .map(|&r| {
                let rec = &records[samples.origin[r]];
                let face = classify::main_face(&rec.faces, rec.width, rec.height);
                json!({"path": rec.path, "person": rec.person, "face": face})
            })
            .collect()
    };
    let doc = json!({"train": rows(train), "test": rows(test)});
    std::fs::write(path, serde_json::to_string(&doc)?)
        .with_context(|| format!("{}: cannot write", path.display()))
}
