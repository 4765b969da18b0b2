//! `facecurate train DATASET`: fit the person classifier, report its accuracy
//! on a seeded held-out split, then fit on every photo and save the model in
//! the state folder.

use super::{Cli, Outcome, setup};
use anyhow::{Context, Result};
use facecurate::classify::eval::{self, Evaluation, Split};
use facecurate::classify::{self, KernelKind, Samples, TrainSettings, model_file};
use facecurate::models::Manifest;
use facecurate::records::{PhotoRecord, PhotoStatus};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Where models are kept until the workspace store takes over.
pub const DEFAULT_STATE_DIR: &str = "./facecurate-state";

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
    /// Fraction of each person's photos held out [default: 0.2].
    #[arg(long)]
    pub test_fraction: Option<f64>,
    /// Seed of the held-out split [default: 666].
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

/// The sha256 the manifest pins for the embedder: models trained on other
/// vectors are refused.
pub fn embedder_fingerprint(manifest: &Manifest) -> Result<String> {
    manifest
        .get("sface")
        .map(|a| a.sha256.clone())
        .context("the manifest lacks the `sface` embedder")
}

/// Where the model lives: `--state-dir`, else the workspace's classifier
/// folder, else `./facecurate-state`.
pub fn model_dir(cli: &Cli, given: Option<&Path>) -> PathBuf {
    if let Some(dir) = given {
        return dir.to_path_buf();
    }
    match super::workspace::load(cli) {
        Ok(ws) => ws.classifier_dir(),
        Err(_) => PathBuf::from(DEFAULT_STATE_DIR),
    }
}

/// The labelled photos to train on: an `embed --json` dump, a dataset
/// folder run through the pipeline, or (by default) the workspace's store.
fn training_records(cli: &Cli, args: &TrainArgs) -> Result<Vec<PhotoRecord>> {
    if let Some(file) = &args.embeddings {
        return Ok(facecurate::records::dump::Dump::read(file)?.into_records());
    }
    let Some(dataset) = args.dataset.as_deref() else {
        return super::report::workspace_records(cli);
    };
    anyhow::ensure!(dataset.is_dir(), "{}: not a folder", dataset.display());
    setup::folder_records(&setup::ready(cli)?, dataset)
}

pub fn run(cli: &Cli, args: &TrainArgs) -> Result<Outcome> {
    let preset = |facenet: usize, plain: usize| if args.facenet { facenet } else { plain };
    let min_images = args.min_images.unwrap_or(preset(20, 5)).max(2);
    let seed = args.seed.unwrap_or(666);
    let rule = match (args.train_per_class, args.test_fraction) {
        (Some(n), _) => Split::TrainPerClass(n.max(1)),
        (None, Some(f)) => {
            anyhow::ensure!(
                (0.0..1.0).contains(&f),
                "--test-fraction must be at least 0 and below 1"
            );
            Split::TestFraction(f)
        }
        (None, None) if args.facenet => Split::TrainPerClass(10),
        (None, None) => Split::TestFraction(0.2),
    };
    let settings = TrainSettings {
        kernel: match args.kernel {
            KernelArg::Linear => KernelKind::Linear,
            KernelArg::Rbf => {
                anyhow::ensure!(
                    args.gamma.is_finite() && args.gamma > 0.0,
                    "--gamma must be positive"
                );
                KernelKind::Rbf { gamma: args.gamma }
            }
        },
        ..TrainSettings::default()
    };
    let manifest = Manifest::builtin().context("the built-in model manifest is invalid")?;
    // The workspace's store holds its own embedder's vectors.
    let fingerprint = if args.dataset.is_none() && args.embeddings.is_none() {
        let ws = super::workspace::load(cli)?;
        facecurate::dataset::embedder_identity(&ws, &manifest).map_err(anyhow::Error::msg)?
    } else {
        embedder_fingerprint(&manifest)?
    };

    let records = training_records(cli, args)?;
    let failed: Vec<&PhotoRecord> = records
        .iter()
        .filter(|r| matches!(r.status, PhotoStatus::Error(_)))
        .collect();
    for r in &failed {
        if let PhotoStatus::Error(cause) = &r.status {
            errln!("{}: {cause}", r.path.display());
        }
    }
    let faceless = records
        .iter()
        .filter(|r| r.status == PhotoStatus::Ok && !r.has_face())
        .count();
    let samples = Samples::from_records(&records, min_images);
    anyhow::ensure!(
        samples.classes.len() >= 2,
        "need at least 2 persons with {min_images}+ photos with a face; found {}",
        samples.classes.len()
    );
    let (train_rows, test_rows) = eval::split(&samples, rule, seed);
    if let Some(path) = &args.export_split {
        export_split(path, &records, &samples, &train_rows, &test_rows)?;
    }
    let stop = AtomicBool::new(false);
    let held_out = classify::train(&samples.subset(&train_rows), &settings, &fingerprint, &stop)?;
    let test_eval = eval::evaluate(&held_out.model, &samples, &test_rows);
    // Photos of persons left out of the model: real strangers to it.
    let in_model: std::collections::HashSet<usize> = samples.origin.iter().copied().collect();
    let outsiders: Vec<&[f32]> = records
        .iter()
        .enumerate()
        .filter(|(i, _)| !in_model.contains(i))
        .filter_map(|(_, r)| classify::face_of(r).map(|f| f.embedding.as_slice()))
        .collect();
    let outsider_unknown = (!outsiders.is_empty()).then(|| {
        outsiders
            .iter()
            .filter(|x| held_out.model.predict(x).unknown)
            .count() as f64
            / outsiders.len() as f64
    });

    let mut full = classify::train(&samples, &settings, &fingerprint, &stop)?;
    full.model.held_out_accuracy = test_eval.accuracy;
    let model_path = model_file::path_in(&model_dir(cli, args.state_dir.as_deref()));
    full.model.save(&model_path)?;

    if args.json {
        let doc = json!({
            "accuracy": test_eval.accuracy,
            "classes": samples.classes.len(),
            "train_photos": train_rows.len(),
            "test_photos": test_rows.len(),
            "seconds": held_out.seconds,
            "per_class": test_eval.per_class,
            "confused": test_eval.confused,
            "unknown_rate": test_eval.unknown_rate,
            "outsiders": {"photos": outsiders.len(), "unknown_rate": outsider_unknown},
            "skipped": {"failed": failed.len(), "no_face": faceless},
            "model": {
                "path": model_path,
                "photos": full.model.photos,
                "cv_accuracy": full.model.cv_accuracy,
                "threshold": full.model.threshold,
                "seconds": full.seconds,
            },
        });
        println!("{}", serde_json::to_string(&doc)?);
    } else {
        print_report(
            &samples,
            &train_rows,
            &test_rows,
            &test_eval,
            held_out.seconds,
            min_images,
        );
        if let Some(rate) = outsider_unknown {
            outln!(
                "open set: {:.1}% of {} photos of persons not in the model came back unknown",
                100.0 * rate,
                outsiders.len()
            );
        }
        outln!(
            "model: {} persons, {} photos, cross-validated accuracy {}, unknown below {:.3}; fitted in {:.2} s, saved to {}",
            full.model.classes.len(),
            full.model.photos,
            percent(full.model.cv_accuracy),
            full.model.threshold,
            full.seconds,
            model_path.display()
        );
    }
    if faceless > 0 || !failed.is_empty() {
        errln!(
            "skipped {} photo(s) without a face and {} that failed",
            faceless,
            failed.len()
        );
    }
    Ok(if failed.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Failures
    })
}

fn percent(v: Option<f64>) -> String {
    v.map(|v| format!("{:.2}%", 100.0 * v))
        .unwrap_or_else(|| "n/a".into())
}

fn print_report(
    samples: &Samples,
    train: &[usize],
    test: &[usize],
    e: &Evaluation,
    seconds: f64,
    min: usize,
) {
    outln!(
        "{} persons with {min}+ photos: {} training photos, {} held out",
        samples.classes.len(),
        train.len(),
        test.len()
    );
    let correct = e
        .accuracy
        .map(|a| (a * e.photos as f64).round() as usize)
        .unwrap_or(0);
    outln!(
        "held-out accuracy {} ({correct}/{}), {} called unknown; training took {seconds:.3} s",
        percent(e.accuracy),
        e.photos,
        percent(e.unknown_rate)
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
