//! `facecurate report [--json]` and `facecurate lint [--max-flags N]`: the
//! curation analysis over the workspace's dataset (the store is brought up
//! to date first, which is instant when nothing changed), or over any
//! dataset folder given on the command line (processed without a store).

use super::{Cli, Outcome, setup};
use anyhow::{Context, Result};
use facecurate::analysis::{Analysis, Flag, Report, Settings};
use facecurate::records::PhotoRecord;
use facecurate::shown::escape;
use facecurate::store::Store;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Print one JSON document: {"photos":[…],"duplicates":[…],"persons":[…]}.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub source: AnalysisSource,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Problems allowed before the exit status is 1.
    #[arg(long, default_value_t = 0)]
    pub max_flags: usize,
    #[command(flatten)]
    pub source: AnalysisSource,
}

/// What `report` and `lint` analyse, and with which thresholds.
#[derive(Debug, clap::Args)]
pub struct AnalysisSource {
    /// A dataset folder to analyse without a workspace (default: the workspace's dataset).
    pub dataset: Option<PathBuf>,
    /// Analysis thresholds as JSON (the keys of `analysis::Settings`).
    #[arg(long)]
    pub settings: Option<PathBuf>,
    /// Development: build records from an `embed --json` dump of DATASET
    /// instead of running the pipeline.
    #[arg(long, hide = true)]
    pub records_json: Option<PathBuf>,
}

/// The records of a dataset folder, straight from the pipeline (no store).
pub fn load_records(cli: &Cli, dataset: &Path) -> Result<Vec<PhotoRecord>> {
    setup::folder_records(&setup::ready(cli)?, dataset)
}

fn settings(cli: &Cli, path: Option<&Path>, dataset: Option<&Path>) -> Result<Settings> {
    let Some(path) = path else {
        if dataset.is_none() {
            let ws = super::workspace::load(cli)?;
            let (settings, note) = facecurate::analysis::embedder_scale::workspace_settings(&ws)?;
            if let Some(note) = note {
                errln!("facecurate: {note}");
            }
            return Ok(settings);
        }
        return Ok(Settings::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{}: invalid analysis settings", path.display()))
}

/// The workspace's records, after an incremental scan.
pub fn workspace_records(cli: &Cli) -> Result<Vec<PhotoRecord>> {
    Ok(scanned_store(cli)?.records()?)
}

/// The workspace's store, brought up to date with its dataset folder.
fn scanned_store(cli: &Cli) -> Result<Store> {
    use super::workspace;
    let ws = workspace::load(cli)?;
    let fingerprint = workspace::fingerprint(&ws)?;
    let mut engine = workspace::lazy_engine(cli, &ws);
    let stop = workspace::stop_on_ctrl_c();
    let mut store = workspace::open_store(&ws, &fingerprint, false)?;
    let mut bar = super::scan::Bar::new();
    let outcome =
        facecurate::dataset::scan(&mut store, &ws.dataset, &mut engine, &stop, &mut |p| {
            bar.update(p)
        })?;
    bar.finish();
    anyhow::ensure!(!outcome.stopped, "stopped before the scan finished");
    Ok(store)
}

/// The analysis of the workspace's dataset (its store's registered pairs
/// reused and saved back for the next run) or of a folder given on the
/// command line; also the seconds the analysis itself took.
fn analyse(cli: &Cli, source: &AnalysisSource) -> Result<(Report, f64)> {
    let dataset = source.dataset.as_deref();
    let settings = settings(cli, source.settings.as_deref(), dataset)?;
    let Some(dataset) = dataset else {
        let store = scanned_store(cli)?;
        let records = store.records()?;
        let start = std::time::Instant::now();
        let (analysis, problems) = store.analyse(records, settings);
        let report = analysis.report();
        let seconds = start.elapsed().as_secs_f64();
        for e in problems {
            errln!("facecurate: {e} (remembered duplicate pairs; only costs time)");
        }
        return Ok((report, seconds));
    };
    anyhow::ensure!(
        dataset.is_dir(),
        "{}: not a dataset folder",
        dataset.display()
    );
    let records = match source.records_json.as_deref() {
        Some(dump) => facecurate::records::dump::Dump::read(dump)?.into_dataset_records(dataset),
        None => load_records(cli, dataset)?,
    };
    let start = std::time::Instant::now();
    let report = Analysis::new(records, settings).report();
    Ok((report, start.elapsed().as_secs_f64()))
}

pub fn run(cli: &Cli, args: &ReportArgs) -> Result<Outcome> {
    let (report, seconds) = analyse(cli, &args.source)?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_text(&report);
    }
    errln!(
        "{} photos, {} problems, {} duplicate pairs; analysis {:.2} s",
        report.photos.len(),
        report.problems(),
        report.duplicates.len(),
        seconds
    );
    Ok(Outcome::Ok)
}

pub fn lint(cli: &Cli, args: &LintArgs) -> Result<Outcome> {
    let (report, _) = analyse(cli, &args.source)?;
    let problems = report.problems();
    print_text(&report);
    if problems > args.max_flags {
        errln!(
            "lint: {problems} problems, more than the {} allowed",
            args.max_flags
        );
        Ok(Outcome::Failures)
    } else {
        errln!(
            "lint: {problems} problems (at most {} allowed)",
            args.max_flags
        );
        Ok(Outcome::Ok)
    }
}

/// A flag or duplicate kind as the JSON names it (`multi_face`, `copy`).
fn word<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub fn print_text(report: &Report) {
    for p in report
        .photos
        .iter()
        .filter(|p| p.flags.iter().any(|f| f.is_problem()))
    {
        let flags: Vec<String> = p.flags.iter().map(word).collect();
        let score = p
            .score
            .map(|s| format!("{s:.1}"))
            .unwrap_or_else(|| "-".into());
        // A negative margin means the photo is still nearer its own person:
        // "closer to X by -0.5" would read as the opposite.
        let nearest = match (&p.suggested_person, p.margin) {
            (Some(to), Some(m)) if m > 0.0 => format!("  closer to {} by {m:.2}", escape(to)),
            (Some(to), Some(m)) => format!("  nearest other person {} (margin {m:.2})", escape(to)),
            _ => String::new(),
        };
        let cause = p
            .error
            .as_deref()
            .map(|e| format!("  ({})", escape(e)))
            .unwrap_or_default();
        outln!(
            "{}  [{}]  score {score}{nearest}{cause}",
            escape(&p.path),
            flags.join(", ")
        );
    }
    for d in &report.duplicates {
        let cos = d
            .cosine
            .map(|c| format!("{c:.3}"))
            .unwrap_or_else(|| "-".into());
        outln!(
            "{}: {}  ==  {}  (cosine {cos})",
            word(&d.kind),
            escape(&d.a),
            escape(&d.b)
        );
    }
    for p in report.persons.iter().filter(|p| !p.flags.is_empty()) {
        let flags: Vec<String> = p.flags.iter().map(word).collect();
        let photos = if p.photos == 1 { "photo" } else { "photos" };
        let mut line = format!(
            "person {} ({} {photos}): {}",
            escape(&p.name),
            p.photos,
            flags.join(", ")
        );
        if !p.merge_with.is_empty() {
            let names: Vec<_> = p.merge_with.iter().map(|n| escape(n)).collect();
            line += &format!("; same person as {}", names.join(", "));
        }
        if !p.split_groups.is_empty() {
            let sizes: Vec<String> = p.split_groups.iter().map(|g| g.len().to_string()).collect();
            line += &format!("; groups of {}", sizes.join(" + "));
        }
        outln!("{line}");
    }
    // Informational flags: too many on a real dataset to list one per line.
    let informational: Vec<String> = [Flag::MultiFace, Flag::TinyFace, Flag::LowScore]
        .iter()
        .map(|flag| {
            let n = report
                .photos
                .iter()
                .filter(|p| p.flags.contains(flag))
                .count();
            format!("{n} {}", word(flag))
        })
        .collect();
    outln!(
        "also {} photos (not problems; `report --json` lists them)",
        informational.join(", ")
    );
}
