//! `facecurate classify PATH...`: who is in each face, according to the saved
//! model, with `unknown` for faces of nobody it knows. Photos inside a folder
//! named after a known person are scored, by name, as a labelled test set.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::photos::collect_photos;
use super::session::{self, Printer};
use anyhow::Result;
use facecurate::classify::{self, Model, Prediction};
use facecurate::pipeline::{PhotoError, PhotoResult};
use facecurate::session::Session;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    /// Photos or folders (searched recursively).
    #[arg(required_unless_present = "inbox")]
    pub paths: Vec<PathBuf>,
    /// The workspace's inbox instead of PATHs: each photo's prediction
    /// from the store, as `report --json` lists it under "inbox".
    #[arg(long, conflicts_with = "paths")]
    pub inbox: bool,
    /// Folder holding the model `facecurate train` saved.
    /// [default: the workspace's classifier folder, else ./facecurate-state]
    #[arg(long)]
    pub state_dir: Option<PathBuf>,
    /// Print one JSON document: {"predictions":[…],"accuracy":…}.
    #[arg(long)]
    pub json: bool,
}

/// The person folder a photo sits in, when the model knows that person.
fn label_of<'a>(path: &Path, model: &'a Model) -> Option<&'a str> {
    let folder = path.parent()?.file_name()?.to_str()?;
    model.class_names().into_iter().find(|n| *n == folder)
}

struct Scored {
    path: PathBuf,
    face: usize,
    main: bool,
    prediction: Prediction,
}

pub fn run(cli: &GlobalArgs, args: &ClassifyArgs) -> Result<Outcome> {
    if args.inbox {
        return inbox(cli, args);
    }
    let session = session::workspace_or_bare(cli, &Printer::default())?;
    // The model must come from this session's embedder, and the photos go
    // through the same detector and embedder.
    let (model, model_path) = session.classifier(args.state_dir.as_deref())?;
    let photos = collect_photos(&args.paths);
    let (scored, failed, faceless) = score(&session, &model, &photos)?;
    let summary = Summary::of(&scored, &model);
    if args.json {
        print_json(&scored, &failed, &summary, &model_path)?;
    } else {
        print_text(&scored, &failed, &summary);
    }
    errln!(
        "{} photos, {} faces, {} without a face, {} failed (model: {})",
        photos.len(),
        scored.len(),
        faceless,
        failed.len(),
        model_path.display()
    );
    Ok(if failed.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Failures
    })
}

/// The workspace's inbox, its store brought up to date, with the saved
/// classifier's predictions.
fn inbox(cli: &GlobalArgs, args: &ClassifyArgs) -> Result<Outcome> {
    let printer = Printer::default();
    let session = session::open(cli, &printer)?;
    let store = session.scanned_store(&session::stop_on_ctrl_c())?;
    printer.finish();
    let (_, inbox) = session.split_inbox(store.records()?);
    let predictions = session.inbox_predictions(&inbox, args.state_dir.as_deref());
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&json!({ "inbox": predictions }))?
        );
    } else {
        super::inbox::print(&predictions);
    }
    let unknown = predictions.iter().filter(|p| p.unknown).count();
    errln!(
        "{} inbox photos: {} with a person to file under, {unknown} unknown",
        predictions.len(),
        predictions.len() - unknown
    );
    Ok(Outcome::Ok)
}

/// Every face of `photos` with the model's prediction; the photos that
/// failed; how many had no face.
fn score(
    session: &Session,
    model: &Model,
    photos: &[PathBuf],
) -> Result<(Vec<Scored>, Vec<PhotoError>, usize)> {
    let mut results: Vec<Option<PhotoResult>> = vec![None; photos.len()];
    let bar = indicatif::ProgressBar::new(photos.len() as u64);
    bar.set_style(super::progress::bar_style());
    session.embed_photos(photos, &AtomicBool::new(false), |i, r| {
        bar.inc(1);
        results[i] = Some(r);
    })?;
    bar.finish_and_clear();
    let (mut scored, mut failed, mut faceless) = (Vec::new(), Vec::new(), 0);
    for result in results.into_iter().flatten() {
        match result {
            Ok(photo) => {
                let main = classify::main_face(&photo.faces, photo.width, photo.height);
                faceless += usize::from(main.is_none());
                for (i, face) in photo.faces.iter().enumerate() {
                    scored.push(Scored {
                        path: photo.path.clone(),
                        face: i,
                        main: main == Some(i),
                        prediction: model.predict(&face.embedding),
                    });
                }
            }
            Err(e) => failed.push(e),
        }
    }
    Ok((scored, failed, faceless))
}

/// Accuracy by person name over each labelled photo's main face.
struct Summary {
    labelled: usize,
    accuracy: Option<f64>,
    labelled_unknown: Option<f64>,
}

impl Summary {
    fn of(scored: &[Scored], model: &Model) -> Summary {
        let labelled: Vec<(&Scored, &str)> = scored
            .iter()
            .filter(|s| s.main)
            .filter_map(|s| label_of(&s.path, model).map(|l| (s, l)))
            .collect();
        let ratio = |n: usize, d: usize| (d > 0).then(|| n as f64 / d as f64);
        let accuracy = ratio(
            labelled
                .iter()
                .filter(|(s, l)| s.prediction.person == *l)
                .count(),
            labelled.len(),
        );
        let labelled_unknown = ratio(
            labelled
                .iter()
                .filter(|(s, _)| s.prediction.unknown)
                .count(),
            labelled.len(),
        );
        Summary {
            labelled: labelled.len(),
            accuracy,
            labelled_unknown,
        }
    }
}

fn print_json(
    scored: &[Scored],
    failed: &[PhotoError],
    summary: &Summary,
    model_path: &Path,
) -> Result<()> {
    let predictions: Vec<_> = scored
        .iter()
        .map(|s| {
            json!({
                "path": s.path, "face": s.face, "person": s.prediction.person,
                "probability": s.prediction.probability, "top": s.prediction.top, "unknown": s.prediction.unknown,
            })
        })
        .collect();
    let failed_json: Vec<_> = failed
        .iter()
        .map(|e| json!({"path": e.path, "error": e.cause.to_string()}))
        .collect();
    let doc = json!({
        "predictions": predictions, "accuracy": summary.accuracy, "labelled_photos": summary.labelled,
        "labelled_unknown_rate": summary.labelled_unknown, "failed": failed_json, "model": model_path,
    });
    println!("{}", serde_json::to_string(&doc)?);
    Ok(())
}

fn print_text(scored: &[Scored], failed: &[PhotoError], summary: &Summary) {
    for s in scored {
        let p = &s.prediction;
        let others: Vec<String> = p
            .top
            .iter()
            .skip(1)
            .map(|c| format!("{} {:.2}", c.person, c.probability))
            .collect();
        let who = if p.unknown {
            format!("unknown (closest: {} {:.2})", p.person, p.probability)
        } else {
            format!("{} {:.2}", p.person, p.probability)
        };
        outln!(
            "{} [face {}]: {who}; then {}",
            s.path.display(),
            s.face,
            others.join(", ")
        );
    }
    for e in failed {
        errln!("{e}");
    }
    if let Some(a) = summary.accuracy {
        outln!(
            "accuracy by person name: {:.2}% of {} labelled photos ({:.1}% of them called unknown)",
            100.0 * a,
            summary.labelled,
            100.0 * summary.labelled_unknown.unwrap_or(0.0)
        );
    }
}
