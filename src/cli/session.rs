//! From the command line to a library [`Session`]: `-w FILE` and the
//! `--device/--workers/--threads` overrides, and a sink that renders the
//! session's events on stderr (notes and warnings as lines, scan progress
//! as a bar). Watch events can be handed to the command instead.

use super::global::GlobalArgs;
use super::progress::Bar;
use anyhow::Result;
use crossbeam_channel::Sender;
use facecurate::dataset::DatasetEvent;
use facecurate::session::{Event, Overrides, Session, Sink};
use std::sync::{Arc, Mutex};

fn overrides(cli: &GlobalArgs) -> Overrides {
    Overrides {
        device: cli.device,
        workers: cli.workers,
        threads: cli.threads,
        precision: cli.precision,
        batch: cli.batch.map(usize::from),
    }
}

/// Renders a session's events for one command.
#[derive(Clone, Default)]
pub struct Printer {
    bar: Arc<Mutex<Bar>>,
    watch: Option<Sender<DatasetEvent>>,
}

impl Printer {
    /// A printer that hands watch events to `events` instead of dropping them.
    pub fn watching(events: Sender<DatasetEvent>) -> Printer {
        Printer {
            watch: Some(events),
            ..Printer::default()
        }
    }

    pub fn sink(&self) -> Sink {
        let printer = self.clone();
        Arc::new(move |event| printer.show(event))
    }

    fn show(&self, event: Event) {
        let Ok(mut bar) = self.bar.lock() else {
            return;
        };
        match event {
            Event::Log(line) | Event::Note(line) | Event::Warning(line) => {
                bar.println(&format!(
                    "facecurate: {}",
                    facecurate::shown::escape_text(&line)
                ));
            }
            Event::Progress(p) => bar.update(&p),
            Event::Dataset(DatasetEvent::Progress(p)) => bar.update(&p),
            Event::Dataset(other) => {
                bar.finish();
                if let Some(tx) = &self.watch {
                    let _ = tx.send(other);
                }
            }
            Event::Classifier(_) => {}
        }
    }

    /// Clears the progress bar (before the command prints its results).
    pub fn finish(&self) {
        if let Ok(mut bar) = self.bar.lock() {
            bar.finish();
        }
    }
}

/// The workspace `-w` names; it must exist.
pub fn open(cli: &GlobalArgs, printer: &Printer) -> Result<Session> {
    open_file(cli, &cli.workspace, printer)
}

/// The workspace in `file`, with the command line's overrides.
pub fn open_file(cli: &GlobalArgs, file: &std::path::Path, printer: &Printer) -> Result<Session> {
    Ok(Session::open(file, overrides(cli), printer.sink())?)
}

/// The built-in models and defaults, whatever workspace is around: for the
/// photo tools (`compare`, `embed`, `verify`, `detect`, `align`, `bench`,
/// `demo`), which take their models on the command line.
pub fn bare(cli: &GlobalArgs, printer: &Printer) -> Result<Session> {
    Ok(Session::bare(
        &cli.workspace,
        overrides(cli),
        printer.sink(),
    )?)
}

/// For commands that use a workspace when there is one (`classify`, and
/// `report`/`train` on a folder): `-w FILE` must open; without `-w`, a
/// `./workspace.yaml` that opens is used, one that does not is named and
/// passed over, and none means the built-in defaults.
pub fn workspace_or_bare(cli: &GlobalArgs, printer: &Printer) -> Result<Session> {
    let given = cli.workspace != std::path::Path::new(facecurate::config::DEFAULT_WORKSPACE);
    if given {
        return open(cli, printer);
    }
    if !cli.workspace.exists() {
        return bare(cli, printer);
    }
    match open(cli, printer) {
        Ok(session) => Ok(session),
        Err(e) => {
            errln!(
                "facecurate: {}: {}; using the built-in models",
                cli.workspace.display(),
                super::outcome::error_text(&e)
            );
            bare(cli, printer)
        }
    }
}

/// Ctrl-C sets the returned flag so work ends cleanly after the photos in
/// flight; a second Ctrl-C quits at once.
pub fn stop_on_ctrl_c() -> Arc<std::sync::atomic::AtomicBool> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let stop = Arc::new(AtomicBool::new(false));
    let mut signals = match signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT]) {
        Ok(signals) => signals,
        Err(e) => {
            errln!("facecurate: Ctrl-C will not stop cleanly: {e}");
            return stop;
        }
    };
    let flag = Arc::clone(&stop);
    std::thread::spawn(move || {
        for _ in signals.forever() {
            if flag.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            errln!("\nfacecurate: stopping after the photos in flight (Ctrl-C again to quit now)");
        }
    });
    stop
}
