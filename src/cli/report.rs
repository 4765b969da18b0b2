//! `facecurate report [--json]` and `facecurate lint [--max-flags N]`: the
//! curation analysis over the workspace's dataset (the store is brought up
//! to date first, which is instant when nothing changed), or over any
//! dataset folder given on the command line (processed without a store).

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use super::setup;
use anyhow::{Context, Result};
use facecurate::analysis::{Flag, Report, Settings};
use facecurate::shown::escape;
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
}

/// Analysis thresholds from a `--settings` file.
fn settings_file(path: &Path) -> Result<Settings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{}: invalid analysis settings", path.display()))
}

/// The analysis of the workspace's dataset (its store brought up to date
/// first, its registered pairs reused and saved back for the next run) or
/// of a folder given on the command line; also the seconds the analysis
/// itself took.
fn analyse(cli: &GlobalArgs, source: &AnalysisSource) -> Result<(Report, f64)> {
    let printer = Printer::default();
    let session = match source.dataset {
        Some(_) => session::workspace_or_bare(cli, &printer)?,
        None => session::open(cli, &printer)?,
    };
    let settings = match source.settings.as_deref() {
        Some(path) => settings_file(path)?,
        None => session.settings()?,
    };
    let Some(dataset) = source.dataset.as_deref() else {
        let store = session.scanned_store(&session::stop_on_ctrl_c())?;
        printer.finish();
        let records = store.records()?;
        return Ok(session.review_store(&store, records, settings));
    };
    anyhow::ensure!(
        dataset.is_dir(),
        "{}: not a dataset folder",
        dataset.display()
    );
    let records = setup::folder_records(&session, dataset)?;
    Ok(session.review_records(records, settings))
}

pub fn run(cli: &GlobalArgs, args: &ReportArgs) -> Result<Outcome> {
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

pub fn lint(cli: &GlobalArgs, args: &LintArgs) -> Result<Outcome> {
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
        let nearest = match (&p.suggested_person, &p.nearest_person, p.margin) {
            (Some(to), _, Some(m)) => format!("  move to {} (closer by {m:.2})", escape(to)),
            (None, Some(near), Some(m)) => {
                format!("  nearest other person {} (margin {m:.2})", escape(near))
            }
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
