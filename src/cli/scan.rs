//! `facecurate scan [--json]`: brings the store in line with the dataset
//! folder, with a progress bar (photos/s, faces/s, ETA). Ctrl-C stops after
//! the photos in flight; the next scan resumes where this one stopped.

use super::{Cli, Outcome, workspace};
use anyhow::Result;
use facecurate::dataset::scan::Phase;
use facecurate::dataset::{self, Progress, ScanError, ScanOutcome};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Print the summary as JSON: {"photos","new","changed","moved","removed","embedded","failed","seconds"}.
    #[arg(long)]
    pub json: bool,
}

/// Renders scan progress on stderr (hidden when stderr is not a terminal).
pub struct Bar {
    bar: ProgressBar,
    phase: Option<Phase>,
    since: Instant,
}

impl Bar {
    pub fn new() -> Bar {
        Bar {
            bar: ProgressBar::hidden(),
            phase: None,
            since: Instant::now(),
        }
    }

    pub fn update(&mut self, p: &Progress) {
        if self.phase != Some(p.phase) {
            self.bar.finish_and_clear();
            self.bar = ProgressBar::new(p.total as u64);
            let (template, verb) = match p.phase {
                Phase::Hashing => ("{msg:>9} {bar:30} {pos}/{len} ETA {eta}", "hashing"),
                Phase::Embedding => ("{msg} {bar:30} {pos}/{len} ETA {eta}", "embedding"),
            };
            self.bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            self.bar.set_message(verb);
            self.phase = Some(p.phase);
            self.since = Instant::now();
        }
        self.bar.set_position(p.done as u64);
        if p.phase == Phase::Embedding {
            let secs = self.since.elapsed().as_secs_f64().max(1e-3);
            self.bar.set_message(format!(
                "embedding {:.1} photos/s {:.1} faces/s",
                p.done as f64 / secs,
                p.faces as f64 / secs
            ));
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

pub fn run(cli: &Cli, args: &ScanArgs) -> Result<Outcome> {
    let ws = workspace::load(cli)?;
    let fingerprint = workspace::fingerprint(&ws)?;
    let mut engine = workspace::lazy_engine(cli, &ws);
    let stop = workspace::stop_on_ctrl_c();
    // Opening reads only the header (a warm scan must not read the whole
    // store); damage met during the scan makes a checked reopen, which keeps
    // the damaged store aside, and the scan starts over.
    let mut check = false;
    let outcome = loop {
        let mut store = workspace::open_store(&ws, &fingerprint, check)?;
        let mut bar = Bar::new();
        let outcome = dataset::scan(&mut store, &ws.dataset, &mut engine, &stop, &mut |p| {
            bar.update(p)
        });
        bar.finish();
        match outcome {
            Err(ScanError::Store(e)) if e.is_corrupt() && !check => {
                errln!("facecurate: {e}; checking the store");
                check = true;
            }
            other => break other?,
        }
    };
    report(&outcome, args.json)?;
    Ok(if outcome.stopped || outcome.summary.failed > 0 {
        Outcome::Failures
    } else {
        Outcome::Ok
    })
}

fn report(outcome: &ScanOutcome, json: bool) -> Result<()> {
    for w in &outcome.warnings {
        errln!("{w}");
    }
    for (path, cause) in &outcome.changes.failed {
        errln!("{}: {cause}", path.display());
    }
    let s = &outcome.summary;
    if json {
        println!("{}", serde_json::to_string(s)?);
    }
    errln!("{}", summary_line(s));
    if outcome.stopped {
        errln!(
            "facecurate: scan stopped early; what was embedded is kept, run `facecurate scan` again to finish"
        );
    }
    Ok(())
}

/// One line for a scan's counts (`scan`, and `watch` after its first scan).
pub fn summary_line(s: &facecurate::dataset::ScanSummary) -> String {
    format!(
        "{} photos: {} new, {} changed, {} moved, {} removed; {} embedded, {} failed in {:.2} s",
        s.photos, s.new, s.changed, s.moved, s.removed, s.embedded, s.failed, s.seconds
    )
}
