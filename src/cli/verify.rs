//! `facecurate verify --pairs PAIRS.txt --root DIR`: facenet's
//! `validate_on_lfw.py` — accuracy ± std over folds, validation rate at
//! FAR = 0.001, AUC, EER and the chosen threshold. Photos without a face are
//! listed and their pairs scored as wrong answers (see `lfw::protocol`).

use super::facenet_setup::{ModelChoice, Models, models};
use super::global::GlobalArgs;
use super::outcome::Outcome;
use anyhow::{Context, Result};
use facecurate::facenet::{Engine, pool};
use facecurate::lfw::{self, PairSide, Scored};
use indicatif::ProgressBar;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// LFW pair file: a header line, then `name n1 n2` (same) or `name1 n1 name2 n2` (different).
    #[arg(long)]
    pub pairs: PathBuf,
    /// Folder with the photos as `<name>/<name>_NNNN.jpg` (other extensions are found too).
    #[arg(long)]
    pub root: PathBuf,
    /// Number of folds (threshold chosen on all but one, tested on it).
    #[arg(long, default_value_t = 10)]
    pub folds: usize,
    /// Also embed each face mirrored and join the two embeddings (facenet's --use_flipped_images).
    #[arg(long)]
    pub flip: bool,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelChoice,
}

/// Each photo the pairs name, resolved under the root (or why not).
type Sides = BTreeMap<PairSide, Result<PathBuf, String>>;
/// Each side's main-face embedding (or why there is none).
type Vectors = BTreeMap<PairSide, Result<Vec<f32>, String>>;

pub fn run(cli: &GlobalArgs, args: &VerifyArgs) -> Result<Outcome> {
    let parsed = lfw::read_pairs(&args.pairs)
        .with_context(|| format!("cannot read the pair file {}", args.pairs.display()))?;
    for line in &parsed.skipped {
        errln!("{line} (skipped)");
    }
    anyhow::ensure!(
        !parsed.pairs.is_empty(),
        "{}: no pairs found",
        args.pairs.display()
    );
    // Each photo is embedded once, however many pairs name it.
    let mut sides = Sides::new();
    for p in &parsed.pairs {
        for side in [&p.first, &p.second] {
            sides
                .entry(side.clone())
                .or_insert_with(|| lfw::resolve_photo(&args.root, side));
        }
    }
    let m = models(cli, &args.model)?;
    let start = std::time::Instant::now();
    let (vectors, embedded) = embed(&m, &sides, args.flip)?;
    let seconds = start.elapsed().as_secs_f64();
    let missing = missing_photos(&sides, &vectors, &args.root);
    let scored = score(&parsed.pairs, &vectors);
    let report = lfw::evaluate(&scored, args.folds)?;
    let same = scored.iter().filter(|s| s.same).count();
    let run = Run {
        report: &report,
        same,
        missing: &missing,
        models: &m,
        flip: args.flip,
        seconds,
    };
    if args.json {
        print_json(&run)?;
    } else {
        print_text(&run);
    }
    errln!(
        "{embedded} photos embedded in {seconds:.1} s ({:.1} photos/s)",
        embedded as f64 / seconds.max(1e-9)
    );
    Ok(if missing.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Failures
    })
}

/// Embeds the main face of every side that resolved to a photo, with a
/// progress bar; also how many photos were run.
fn embed(m: &Models, sides: &Sides, flip: bool) -> Result<(Vectors, usize)> {
    let found: Vec<(PairSide, PathBuf)> = sides
        .iter()
        .filter_map(|(s, r)| r.as_ref().ok().map(|p| (s.clone(), p.clone())))
        .collect();
    let config = &m.ready.config;
    let bar = ProgressBar::new(found.len() as u64);
    bar.set_style(super::progress::bar_style());
    let mut vectors = Vectors::new();
    pool::run_per_item(
        &found,
        config.workers,
        || {
            Engine::open(
                &m.ready.runtime,
                &m.files,
                m.detector,
                &m.spec,
                config.intra_threads,
            )
        },
        |engine, (_, path)| {
            engine
                .photo_main_face(path, flip)
                .map_err(|e| e.to_string())
        },
        |_, message| Err(format!("internal error: {message}")),
        &AtomicBool::new(false),
        |i, result| {
            bar.inc(1);
            let outcome = match result {
                Ok(Some(face)) => Ok(face.embedding),
                Ok(None) => Err("no face found".to_string()),
                Err(e) => Err(e),
            };
            vectors.insert(found[i].0.clone(), outcome);
        },
    )?;
    bar.finish_and_clear();
    Ok((vectors, found.len()))
}

/// Every photo without a usable face, as (path, cause).
fn missing_photos(sides: &Sides, vectors: &Vectors, root: &Path) -> Vec<(String, String)> {
    let mut missing = Vec::new();
    for (side, resolved) in sides {
        let cause = match resolved {
            Err(cause) => Some(cause.clone()),
            Ok(_) => match vectors.get(side) {
                Some(Ok(_)) => None,
                Some(Err(cause)) => Some(cause.clone()),
                None => Some("not processed".to_string()),
            },
        };
        if let Some(cause) = cause {
            let path = resolved.clone().unwrap_or_else(|_| root.join(side.stem()));
            missing.push((path.display().to_string(), cause));
        }
    }
    missing
}

/// Each pair with the squared distance of its two faces, when both have one.
fn score(pairs: &[lfw::Pair], vectors: &Vectors) -> Vec<Scored> {
    let vector = |s: &PairSide| vectors.get(s).and_then(|r| r.as_ref().ok());
    pairs
        .iter()
        .map(|p| Scored {
            same: p.same,
            squared_distance: match (vector(&p.first), vector(&p.second)) {
                (Some(a), Some(b)) => Some(
                    a.iter()
                        .zip(b)
                        .map(|(x, y)| f64::from(x - y).powi(2))
                        .sum::<f64>(),
                ),
                _ => None,
            },
        })
        .collect()
}

/// What a verification run found, for printing.
struct Run<'a> {
    report: &'a lfw::Report,
    same: usize,
    missing: &'a [(String, String)],
    models: &'a Models,
    flip: bool,
    seconds: f64,
}

fn print_json(run: &Run) -> Result<()> {
    let (report, m) = (run.report, run.models);
    let missing_json: Vec<_> = run
        .missing
        .iter()
        .map(|(path, cause)| serde_json::json!({"path": path, "cause": cause}))
        .collect();
    let doc = serde_json::json!({
        "pairs": report.pairs,
        "same_pairs": run.same,
        "folds": report.folds,
        "accuracy": report.accuracy,
        "accuracy_std": report.accuracy_std,
        "val_at_far": report.val_at_far,
        "val_std": report.val_std,
        "far": report.far,
        "far_target": report.far_target,
        "auc": report.auc,
        "eer": report.eer,
        "threshold": report.threshold_distance(),
        "threshold_cosine": report.threshold_cosine(),
        "threshold_squared": report.threshold_squared,
        "missing": report.missing,
        "missing_photos": missing_json,
        "embedder": m.spec.name,
        "detector": m.detector.to_string(),
        "flip": run.flip,
        "seconds": run.seconds,
    });
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(())
}

fn print_text(run: &Run) {
    let (report, m, same) = (run.report, run.models, run.same);
    outln!(
        "Pairs: {} ({same} same, {} different), {} folds; embedder {}, detector {}{}",
        report.pairs,
        report.pairs - same,
        report.folds,
        m.spec.name,
        m.detector,
        if run.flip {
            ", with mirrored faces"
        } else {
            ""
        }
    );
    outln!(
        "Accuracy: {:.5}+-{:.5}",
        report.accuracy,
        report.accuracy_std
    );
    outln!(
        "Validation rate: {:.5}+-{:.5} @ FAR={:.5}",
        report.val_at_far,
        report.val_std,
        report.far
    );
    outln!("Area Under Curve (AUC): {:.3}", report.auc);
    outln!("Equal Error Rate (EER): {:.3}", report.eer);
    outln!(
        "Threshold: distance {:.3} (cosine {:.3}; squared distance {:.3}), mean over folds; same person below it",
        report.threshold_distance(),
        report.threshold_cosine(),
        report.threshold_squared
    );
    if report.missing > 0 {
        outln!(
            "Missing: {} pair(s) scored as wrong answers, {} photo(s) without a usable face:",
            report.missing,
            run.missing.len()
        );
        for (path, cause) in run.missing {
            outln!("  {path}: {cause}");
        }
    }
}
