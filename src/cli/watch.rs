//! `facecurate watch [--poll] [--json]`: scans, then keeps the store in step
//! with the dataset folder and prints each change until Ctrl-C.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use anyhow::Result;
use facecurate::dataset::{Changes, DatasetEvent};
use std::sync::atomic::Ordering;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// Poll the folder instead of using change notifications (network file systems).
    #[arg(long)]
    pub poll: bool,
    /// Print one JSON object per event.
    #[arg(long)]
    pub json: bool,
    /// Skip the full scan at start (changes made meanwhile are then not seen).
    #[arg(long)]
    pub no_scan: bool,
}

pub fn run(cli: &GlobalArgs, args: &WatchArgs) -> Result<Outcome> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let session = session::open(cli, &Printer::watching(tx))?;
    let stop = session::stop_on_ctrl_c();
    let watcher = session.watch(!args.no_scan, args.poll)?;
    errln!(
        "facecurate: watching {}{} (Ctrl-C to stop)",
        session.workspace().dataset.display(),
        if args.poll || session.workspace().watch.poll {
            " by polling"
        } else {
            ""
        }
    );
    let mut failed = false;
    while !stop.load(Ordering::Relaxed) {
        let event = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(event) => event,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => continue,
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        };
        if args.json {
            println!("{}", serde_json::to_string(&event)?);
        }
        if !show(&event, args.json) {
            failed = true;
            break;
        }
    }
    watcher.stop();
    Ok(if failed {
        Outcome::Failures
    } else {
        Outcome::Ok
    })
}

/// Prints one event (the changes only when not printing JSON); false when
/// watching has stopped.
fn show(event: &DatasetEvent, json: bool) -> bool {
    match event {
        DatasetEvent::Progress(_) => {}
        DatasetEvent::Scanned { summary, .. } => {
            errln!("scanned: {}", super::scan::summary_line(summary))
        }
        DatasetEvent::Changed(c) if !json => print_changes(c),
        DatasetEvent::Changed(_) => {}
        DatasetEvent::Warning { message } => errln!("{message}"),
        DatasetEvent::Stopped { cause } => {
            errln!("facecurate: watching stopped: {cause}");
            return false;
        }
    }
    true
}

fn print_changes(c: &Changes) {
    for p in &c.added {
        outln!("added    {}", p.display());
    }
    for p in &c.changed {
        outln!("changed  {}", p.display());
    }
    for (from, to) in &c.moved {
        outln!("moved    {} -> {}", from.display(), to.display());
    }
    for p in &c.removed {
        outln!("removed  {}", p.display());
    }
    for (p, cause) in &c.failed {
        outln!("failed   {}: {cause}", p.display());
    }
}
