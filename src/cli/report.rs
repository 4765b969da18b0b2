//! `facecurate report [--json] [--html DIR]` and `facecurate lint [--max-flags N]`: the
//! curation analysis over the workspace's dataset (the store is brought up
//! to date first, which is instant when nothing changed), or over any
//! dataset folder given on the command line (processed without a store).

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use super::setup;
use anyhow::{Context, Result};
use facecurate::analysis::{Flag, Report, Settings};
use facecurate::html::{Confusions, Limits, PageInput};
use facecurate::inbox::InboxPhoto;
use facecurate::records::PhotoRecord;
use facecurate::session::Session;
use facecurate::shown::escape;
use facecurate::store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Print one JSON document: {"photos":[…],"duplicates":[…],"persons":[…],"inbox":[…]}.
    #[arg(long)]
    pub json: bool,
    /// Write a self-contained page, DIR/index.html, to hand to a teammate
    /// (pictures embedded, no JavaScript); it replaces the text listing.
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
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

/// A report and what `--html` needs besides it.
struct Analysed {
    report: Report,
    /// Seconds the analysis itself took.
    seconds: f64,
    /// The dataset folder the report's paths are relative to.
    root: PathBuf,
    /// The saved classifier's confusions, or why there are none (it is
    /// asked only for `--html`).
    classifier: Result<Confusions, String>,
    /// The inbox's photos with the classifier's predictions.
    inbox: Vec<InboxPhoto>,
}

/// The analysis of the workspace's dataset (its store brought up to date
/// first, its registered pairs reused and saved back for the next run) or
/// of a folder given on the command line; with `html`, also the saved
/// classifier's answers on the same records.
fn analyse(cli: &GlobalArgs, source: &AnalysisSource, html: bool) -> Result<Analysed> {
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
        return store_analysed(&session, &store, settings, html);
    };
    anyhow::ensure!(
        dataset.is_dir(),
        "{}: not a dataset folder",
        dataset.display()
    );
    let (records, inbox) = session.split_inbox(setup::folder_records(&session, dataset)?);
    let inbox = session.inbox_predictions(&inbox, None);
    let classifier = classifier_confusions(&session, &records, html);
    let (report, seconds) = session.review_records(records, settings);
    Ok(Analysed {
        report,
        seconds,
        root: dataset.to_path_buf(),
        classifier,
        inbox,
    })
}

/// The report of the workspace's store ([`Session::report_store`]: the
/// saved one when nothing changed); `--html` reads every record, for the
/// classifier's table.
fn store_analysed(
    session: &Session,
    store: &Store,
    settings: Settings,
    html: bool,
) -> Result<Analysed> {
    let start = std::time::Instant::now();
    let (report, inbox, classifier) = if html {
        let (records, state) = store.snapshot()?;
        let (records, inbox) = session.split_inbox(records);
        let classifier = classifier_confusions(session, &records, html);
        let (report, _) = session.review_store(store, records, state, settings);
        (report, inbox, classifier)
    } else {
        let (report, inbox) = session.report_store(store, settings)?;
        (report, inbox, Err("not asked for".to_string()))
    };
    Ok(Analysed {
        report,
        seconds: start.elapsed().as_secs_f64(),
        root: session.workspace().dataset.clone(),
        classifier,
        inbox: session.inbox_predictions(&inbox, None),
    })
}

/// What the session's saved classifier makes of the labels, if the page
/// wants it and there is one for this embedder.
fn classifier_confusions(
    session: &Session,
    records: &[PhotoRecord],
    wanted: bool,
) -> Result<Confusions, String> {
    if !wanted {
        return Err("not asked for".into());
    }
    let saved = facecurate::classify::model_file::path_in(&session.classifier_dir(None));
    if !saved.exists() {
        return Err("none is trained here yet; `facecurate train` makes one".into());
    }
    let (model, _) = session.classifier(None).map_err(|e| e.to_string())?;
    Ok(Confusions::from_classifier(&model, records))
}

pub fn run(cli: &GlobalArgs, args: &ReportArgs) -> Result<Outcome> {
    let analysed = analyse(cli, &args.source, args.html.is_some())?;
    let report = &analysed.report;
    if args.json {
        // The inbox sits beside the analysis's report, which never sees it.
        let mut doc = serde_json::to_value(report)?;
        if let Some(map) = doc.as_object_mut() {
            map.insert("inbox".into(), serde_json::to_value(&analysed.inbox)?);
        }
        // Straight into stdout: a large report is not built as a string first.
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        serde_json::to_writer(&mut out, &doc)?;
        writeln!(out)?;
        out.flush()?;
        // The process ends next: freeing a tree of one map per photo only
        // costs time (a tenth of a warm report at 13k photos).
        std::mem::forget(doc);
    } else if args.html.is_none() {
        print_text(report);
        super::inbox::print(&analysed.inbox);
    }
    errln!(
        "{} photos, {} problems, {} duplicate pairs; analysis {:.2} s",
        report.photos.len(),
        report.problems(),
        report.duplicates.len(),
        analysed.seconds
    );
    if let Some(dir) = &args.html {
        write_html(dir, analysed)?;
    }
    Ok(Outcome::Ok)
}

/// Writes the page; without a classifier the confusion table is the
/// analysis's nearest-person evidence, and the page says why.
fn write_html(dir: &Path, analysed: Analysed) -> Result<()> {
    let report = &analysed.report;
    let confusions = analysed
        .classifier
        .unwrap_or_else(|why| Confusions::from_report(report, why));
    let root = std::fs::canonicalize(&analysed.root).unwrap_or(analysed.root);
    let title = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = PageInput {
        report,
        root: &root,
        title: &title,
        confusions: &confusions,
    };
    let (path, bytes) = facecurate::html::write(dir, &input, &Limits::default())?;
    errln!("wrote {} ({bytes} bytes)", path.display());
    Ok(())
}

pub fn lint(cli: &GlobalArgs, args: &LintArgs) -> Result<Outcome> {
    let report = analyse(cli, &args.source, false)?.report;
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
    for w in &report.warnings {
        outln!("warning: {w}");
    }
}
