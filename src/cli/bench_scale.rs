//! `facecurate bench scale --faces N --shape DUMP`: the live parts timed on
//! a synthetic dataset of N faces shaped on a real dump (`facecurate::scale`
//! makes it, plants problems and times the library's stages; the headless
//! terminal UI is timed in `bench_scale_tui.rs`). Prints a table, or with
//! `--json` one JSON object on stdout.

use super::bench_scale_figures::{Figures, NOTES, print};
use super::outcome::Outcome;
use anyhow::{Context, Result};
use facecurate::analysis::Settings;
use facecurate::scale::plant::{self, Counts};
use facecurate::scale::{measure, run, synth, truth};
use facecurate::session::{Overrides, Session, quiet};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct ScaleArgs {
    /// Synthetic faces to make (one photo with one face each).
    #[arg(long)]
    pub faces: usize,
    /// An `embed --json` dump whose identities, within-person spread and
    /// folder sizes the faces follow.
    #[arg(long, value_name = "DUMP")]
    pub shape: PathBuf,
    /// Seed of every random draw: the same seed makes the same dataset.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Misfiled photos and copies planted, each this fraction of the faces;
    /// persons split across two folders, this fraction of the persons.
    #[arg(long, default_value_t = 0.005)]
    pub plant_rate: f64,
    /// Write the workspace and store in this empty folder and keep them
    /// (default: a temporary folder, removed at the end).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Random photos whose nearest neighbours are checked against brute force.
    #[arg(long, default_value_t = 1000)]
    pub recall_queries: usize,
    /// The timed classifier learns persons with at least this many photos.
    #[arg(long, default_value_t = 10)]
    pub train_min_photos: usize,
    /// Skip the classifier (train_s and retrain_s are null).
    #[arg(long)]
    pub no_train: bool,
    /// Time the classifier alone: no store is written and nothing else is
    /// measured (the records come straight from the synthetic dataset).
    #[arg(long, conflicts_with = "no_train")]
    pub only_classifier: bool,
    /// With --only-classifier: the classifier learns the shape dump's own
    /// photos instead of synthetic ones (--faces is then ignored).
    #[arg(long, requires = "only_classifier")]
    pub real: bool,
    /// Past this many training photos the linear model is used (default:
    /// the classifier's own setting); 0 forces it, a huge number forbids it.
    #[arg(long, value_name = "PHOTOS")]
    pub linear_above: Option<usize>,
    /// Also score the classifier on a seeded held-out 20% of each learned
    /// person's photos (one more training).
    #[arg(long)]
    pub held_out: bool,
    /// Also write the ground truth here (every vector, every identity's
    /// true centre, each photo's folder, identity and planted kind) for
    /// `bench/planted_oracle.py` to score an oracle ranking against.
    #[arg(long, value_name = "DIR")]
    pub truth: Option<PathBuf>,
    /// Print one JSON object on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
}

fn secs(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// The 99th percentile of `values` (nearest rank); none when empty.
fn p99(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((v.len() as f64) * 0.99).ceil() as usize;
    v.get(rank.saturating_sub(1)).copied()
}

/// The folder to work in: `--dir` (which must hold no store yet) or a
/// temporary one, kept alive by the returned guard.
fn work_dir(args: &ScaleArgs) -> Result<(PathBuf, Option<tempfile::TempDir>)> {
    let Some(dir) = &args.dir else {
        let tmp = tempfile::tempdir().context("cannot make a temporary folder")?;
        return Ok((tmp.path().to_path_buf(), Some(tmp)));
    };
    let used = std::fs::read_dir(dir).map(|mut d| d.next().is_some());
    anyhow::ensure!(
        !matches!(used, Ok(true)),
        "{}: not empty; give an empty or new folder (the cold analysis needs a new store)",
        dir.display()
    );
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    Ok((dir.clone(), None))
}

pub fn run(args: &ScaleArgs) -> Result<Outcome> {
    anyhow::ensure!(args.faces >= 10, "--faces: at least 10");
    anyhow::ensure!(
        (0.0..0.2).contains(&args.plant_rate),
        "--plant-rate: from 0 to 0.2"
    );
    let mut f = Figures {
        map: serde_json::Map::new(),
        notes: Vec::new(),
        echo: args.json,
        peaks: serde_json::Map::new(),
    };
    let (dir, _guard) = work_dir(args)?;
    let _ = run::stage_peak_rss_mb();
    measure_all(args, &dir, &mut f)?;
    f.set_peaks();
    if !args.only_classifier {
        f.notes.extend(NOTES.iter().map(|n| n.to_string()));
    }
    let notes = std::mem::take(&mut f.notes);
    f.set("notes", notes);
    print(args.json, &f)?;
    Ok(Outcome::Ok)
}

fn measure_all(args: &ScaleArgs, dir: &std::path::Path, f: &mut Figures) -> Result<()> {
    if args.real {
        f.set("shape", args.shape.display().to_string());
        f.set("photo_files", "absent");
        f.notes
            .push("the classifier learned the shape dump's own photos (--real)".into());
        let dump = facecurate::records::dump::Dump::read(&args.shape)?;
        return time_classifier(dump.into_records(), args, f);
    }
    let start = Instant::now();
    let shape = synth::Shape::from_dump(&args.shape)?;
    f.set("shape", args.shape.display().to_string());
    f.set("shape_s", secs(start));
    let start = Instant::now();
    let mut synth = synth::generate(&shape, args.faces, args.seed);
    f.set("generate_s", secs(start));
    let start = Instant::now();
    let persons = synth.folders.len();
    let counts = Counts::at(args.plant_rate, args.faces, persons);
    let planted = plant::plant(&mut synth, counts, args.seed)?;
    f.set("plant_s", secs(start));
    if let Some(dir) = &args.truth {
        truth::write(dir, &synth, &planted)
            .with_context(|| format!("writing the truth files in {}", dir.display()))?;
    }
    synth.forget_centres();
    f.set("faces", synth.photos.len());
    f.set(
        "persons",
        synth.folder_sizes().iter().filter(|&&n| n > 0).count(),
    );
    f.set("planted", counts);
    f.set("plant_rate", args.plant_rate);
    f.set("seed", args.seed);
    f.set("photo_files", "absent");
    f.set("shape_centre_cosine", shape.centre_cosine);
    f.set("synth_centre_cosine", synth.centre_cosine());
    if args.only_classifier {
        f.notes
            .push("only the classifier was timed (--only-classifier)".into());
        return time_classifier(run::records(&synth), args, f);
    }
    f.stage_peak("synthetic_faces");
    let session = store_stage(&synth, dir, f)?;
    synth.forget_vectors();
    f.stage_peak("store_write");
    let settings = session.settings()?;
    analysis_stages(&session, &settings, &synth, &planted, args, f)?;
    tui_stage(&session, &settings, f);
    f.stage_peak("tui");
    train_stage(&session, args, f)?;
    f.stage_peak("classifier");
    if args.dir.is_some() {
        f.set("dir", dir.display().to_string());
    }
    Ok(())
}

/// The workspace written and its store filled; the session over it.
fn store_stage(synth: &synth::Synth, dir: &std::path::Path, f: &mut Figures) -> Result<Session> {
    let start = Instant::now();
    let file =
        run::write_workspace(dir).with_context(|| format!("{}: cannot write", dir.display()))?;
    let session = Session::open(&file, Overrides::default(), quiet())?;
    let mut store = session.store(false)?;
    run::fill_store(&mut store, synth)?;
    f.set("store_write_s", secs(start));
    Ok(session)
}

fn analysis_stages(
    session: &Session,
    settings: &Settings,
    synth: &synth::Synth,
    planted: &plant::Planted,
    args: &ScaleArgs,
    f: &mut Figures,
) -> Result<()> {
    let store = session.store(false)?;
    let cold = run::analyse(session, &store, settings)?;
    f.set("analysis_cold_s", cold.analysis_s);
    drop(cold);
    f.stage_peak("analysis_cold");
    let (remembering, warm_s, json) = run::report_twice(session, &store, settings)?;
    f.stage_peak("reports");
    f.set("report_remembering_s", remembering);
    f.set("report_warm_s", warm_s);
    f.set("report_json_s", json.0);
    f.set("report_json_bytes", json.1);
    let mut warm = run::analyse(session, &store, settings)?;
    let k = settings.neighbours;
    let exact = synth.photos.len() <= settings.exact_search_max_faces;
    f.set(
        "search",
        if exact {
            "exact"
        } else {
            "inverted file + NN-descent"
        },
    );
    let start = Instant::now();
    let recall =
        measure::neighbour_recall(&warm.analysis, synth, k, args.recall_queries, args.seed);
    f.set(&format!("neighbour_recall_at_{k}"), recall);
    f.set(
        "neighbour_recall_queries",
        args.recall_queries.min(synth.photos.len()),
    );
    f.set("neighbour_recall_s", secs(start));
    let scored = measure::planted_recall(&warm.report, synth, planted);
    f.set("planted_recall_at_k", scored.misfiled_at_k);
    f.set("planted_recall", &scored);
    let updates = run::time_updates(&mut warm.analysis, synth);
    f.set("update_ms", updates.max_ms());
    f.set("rename_ms", updates.rename_ms);
    f.set("updates", &updates);
    drop(warm);
    f.stage_peak("warm_analysis_and_edits");
    Ok(())
}

#[cfg(feature = "tui")]
fn tui_stage(session: &Session, settings: &Settings, f: &mut Figures) {
    match super::bench_scale_tui::drive(session, settings) {
        Ok(t) => {
            f.set("tui_first_frame_s", t.first_frame_s);
            f.set("tui_full_view_s", t.full_view_s);
            let parts: serde_json::Map<String, Value> = t
                .first_frame_parts
                .iter()
                .map(|(k, v)| (k.to_string(), Value::from(*v)))
                .collect();
            f.set("tui_first_frame_parts", parts);
            f.set("tui_slowest_key", &t.slowest_key);
            f.set("frame_ms_p99", p99(&t.frame_ms));
            f.set("key_ms_p99", p99(&t.key_ms));
            f.set("tui_keys", t.key_ms.len());
            // Each key's milliseconds, in the script's order: which key a
            // slow p99 was.
            let round = |ms: &f64| (ms * 100.0).round() / 100.0;
            f.set("tui_key_ms", t.key_ms.iter().map(round).collect::<Vec<_>>());
        }
        Err(e) => {
            no_tui(f);
            f.notes.push(format!("terminal UI: {e:#}"));
        }
    }
}

#[cfg(not(feature = "tui"))]
fn tui_stage(_: &Session, _: &Settings, f: &mut Figures) {
    no_tui(f);
    f.notes
        .push("terminal UI: built without the `tui` feature".into());
}

fn no_tui(f: &mut Figures) {
    for key in [
        "tui_first_frame_s",
        "tui_full_view_s",
        "frame_ms_p99",
        "key_ms_p99",
    ] {
        f.set(key, Value::Null);
    }
}

fn train_stage(session: &Session, args: &ScaleArgs, f: &mut Figures) -> Result<()> {
    if args.no_train {
        f.set("train_s", Value::Null);
        f.set("retrain_s", Value::Null);
        f.notes.push("classifier: skipped (--no-train)".into());
        return Ok(());
    }
    let store = session.store(false)?;
    let (records, _inbox) = session.split_inbox(store.records()?);
    drop(store);
    time_classifier(records, args, f)
}

fn time_classifier(
    records: Vec<facecurate::records::PhotoRecord>,
    args: &ScaleArgs,
    f: &mut Figures,
) -> Result<()> {
    let mut settings = facecurate::classify::TrainSettings::default();
    if let Some(n) = args.linear_above {
        settings.linear_above = n;
    }
    if args.held_out {
        match run::held_out(&records, args.train_min_photos, &settings, args.seed) {
            Ok(h) => f.set("held_out", h),
            Err(e) => f.notes.push(format!("held-out evaluation: {e}")),
        }
    }
    match run::time_training(records, args.train_min_photos, &settings) {
        Ok(t) => {
            f.set("train_s", t.train_s);
            f.set("retrain_s", t.retrain_s);
            f.set("retrain_refitted", t.refitted);
            f.set("train_classes", t.classes);
            f.set("train_samples", t.samples);
            f.set("train_model", t.model);
            f.set("train_cv_accuracy", t.cv_accuracy);
        }
        Err(e) => {
            f.set("train_s", Value::Null);
            f.set("retrain_s", Value::Null);
            f.notes.push(format!("classifier: {e}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::p99;

    #[test]
    fn p99_is_the_nearest_rank() {
        let v: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(p99(&v), Some(198.0));
        assert_eq!(p99(&[3.0, 1.0]), Some(3.0));
        assert_eq!(p99(&[]), None);
    }
}
