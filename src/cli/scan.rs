//! `facecurate scan [--json]`: brings the store in line with the dataset
//! folder, with a progress bar (photos/s, faces/s, ETA). Ctrl-C stops after
//! the photos in flight; the next scan resumes where this one stopped.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use anyhow::Result;
use facecurate::dataset::ScanOutcome;

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Print the summary as JSON: {"photos","new","changed","moved","removed","embedded","failed","seconds"}.
    #[arg(long)]
    pub json: bool,
    /// Scan only shard I of N (0 <= I < N) into its own store under the
    /// state folder, for one worker of a cluster job; `facecurate store
    /// merge` then combines the shards. Person folders are split by a hash
    /// of their name, so adding folders does not move the others.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<facecurate::dataset::Shard>,
}

pub fn run(cli: &GlobalArgs, args: &ScanArgs) -> Result<Outcome> {
    let printer = Printer::default();
    let session = session::open(cli, &printer)?;
    let stop = session::stop_on_ctrl_c();
    let (store, outcome) = match args.shard {
        Some(shard) => session.scan_shard(shard, &stop)?,
        None => session.scan(&stop)?,
    };
    printer.finish();
    if let Some(shard) = args.shard {
        errln!("shard {shard}: {}", store.path().display());
    }
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
