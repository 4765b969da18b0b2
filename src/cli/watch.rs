//! `facecurate watch [--poll] [--json]`: scans, then keeps the store in step
//! with the dataset folder and prints each change until Ctrl-C.

use super::scan::Bar;
use super::{Cli, Outcome, workspace};
use anyhow::Result;
use facecurate::dataset::{Changes, DatasetEvent, Watcher};
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

pub fn run(cli: &Cli, args: &WatchArgs) -> Result<Outcome> {
    let ws = workspace::load(cli)?;
    let fingerprint = workspace::fingerprint(&ws)?;
    let mut settings = ws.watch.clone();
    settings.poll |= args.poll;
    let (tx, rx) = crossbeam_channel::unbounded();
    let engine = workspace::lazy_engine(cli, &ws);
    let stop = workspace::stop_on_ctrl_c();
    let watcher = Watcher::start(
        &ws.dataset,
        &ws.store_path(),
        &fingerprint,
        engine,
        settings,
        !args.no_scan,
        tx,
    )?;
    errln!(
        "facecurate: watching {}{} (Ctrl-C to stop)",
        ws.dataset.display(),
        if args.poll || ws.watch.poll {
            " by polling"
        } else {
            ""
        }
    );
    let mut bar = Bar::new();
    let mut failed = false;
    while !stop.load(Ordering::Relaxed) {
        let event = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(event) => event,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => continue,
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        };
        if let DatasetEvent::Progress(p) = &event {
            bar.update(p);
            continue;
        }
        bar.finish();
        bar = Bar::new();
        if args.json {
            println!("{}", serde_json::to_string(&event)?);
        }
        match event {
            DatasetEvent::Progress(_) => {}
            DatasetEvent::Scanned { summary: s, .. } => {
                errln!("scanned: {}", super::scan::summary_line(&s))
            }
            DatasetEvent::Changed(c) => {
                if !args.json {
                    print_changes(&c);
                }
            }
            DatasetEvent::Warning { message } => errln!("{message}"),
            DatasetEvent::Stopped { cause } => {
                errln!("facecurate: watching stopped: {cause}");
                failed = true;
                break;
            }
        }
    }
    watcher.stop();
    Ok(if failed {
        Outcome::Failures
    } else {
        Outcome::Ok
    })
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
