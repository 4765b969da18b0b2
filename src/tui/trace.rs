//! An opt-in timing trace of the UI loop (`FACECURATE_TRACE=FILE`), so the
//! responsiveness targets (a frame in 16 ms, a key shown within 50 ms while
//! a scan runs) can be measured on a real terminal instead of guessed.
//! `bench/tui_trace_summary.py` turns the file into percentiles.
//!
//! One tab-separated line per event: `kind  at_ms  duration_ms  detail`,
//! where `at_ms` counts from the UI's start and `kind` is
//! - `update`: time spent in `update` for one drained batch of messages
//!   (`detail` = messages in the batch),
//! - `data`: time in `update` for one fresh view (`detail` = its photos),
//! - `render`: time building the frame in `view::render`, and `frame`: the
//!   whole `terminal.draw` (render, diff, write to the terminal); `detail` =
//!   the screen and the photos in the view,
//! - `key`: from the key's arrival (right after the terminal read) to the
//!   end of the first draw that reflects it (`detail` = the key).

use super::state::app::App;
use crossbeam_channel::{Receiver, Sender};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

pub const ENV: &str = "FACECURATE_TRACE";

/// The writing end, owned by the UI thread.
pub struct Trace {
    out: BufWriter<File>,
    start: Instant,
    /// Arrival times from the terminal reader, in the order its keys were sent.
    arrivals: Receiver<Instant>,
    /// Keys handled since the last draw: (arrival, label).
    pending: Vec<(Instant, String)>,
}

/// The terminal reader's end: stamps each key as it arrives.
#[derive(Clone)]
pub struct Stamps(Sender<Instant>);

impl Stamps {
    pub fn key_arrived(&self) {
        let _ = self.0.send(Instant::now());
    }
}

impl Trace {
    /// Opens the trace named by `FACECURATE_TRACE`, if set. A file that
    /// cannot be created is reported (the UI runs untraced).
    pub fn from_env() -> Option<(Trace, Stamps)> {
        let path = std::env::var_os(ENV).filter(|p| !p.is_empty())?;
        match Trace::create(Path::new(&path)) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!(
                    "facecurate: {}: cannot write the trace ({ENV}): {e}",
                    Path::new(&path).display()
                );
                None
            }
        }
    }

    pub fn create(path: &Path) -> std::io::Result<(Trace, Stamps)> {
        let mut out = BufWriter::new(File::create(path)?);
        writeln!(out, "kind\tat_ms\tduration_ms\tdetail")?;
        let (tx, rx) = crossbeam_channel::unbounded();
        Ok((
            Trace {
                out,
                start: Instant::now(),
                arrivals: rx,
                pending: Vec::new(),
            },
            Stamps(tx),
        ))
    }

    fn line(&mut self, kind: &str, at: Instant, took: Duration, detail: &str) {
        let at_ms = at.saturating_duration_since(self.start).as_secs_f64() * 1e3;
        // A failed trace write must not take the UI down; the file is only a measurement.
        let _ = writeln!(
            self.out,
            "{kind}\t{at_ms:.3}\t{:.3}\t{detail}",
            took.as_secs_f64() * 1e3
        );
    }

    /// A key message is about to be handled: pairs it with its arrival stamp.
    pub fn key(&mut self, label: String) {
        let arrived = self.arrivals.try_recv().unwrap_or_else(|_| Instant::now());
        self.pending.push((arrived, label));
    }

    pub fn data(&mut self, started: Instant, photos: usize) {
        self.line("data", started, started.elapsed(), &photos.to_string());
    }

    pub fn update(&mut self, started: Instant, messages: usize) {
        self.line("update", started, started.elapsed(), &messages.to_string());
    }

    /// A draw that began at `started` just ended (`rendered` of it spent
    /// building the frame, the rest writing it out): every key handled since
    /// the previous draw is now on screen.
    pub fn frame(&mut self, started: Instant, rendered: Duration, app: &App) {
        let ended = Instant::now();
        let detail = format!("{} {}", app.screen.title(), app.data.photos.len());
        self.line("render", started, rendered, &detail);
        self.line("frame", started, ended - started, &detail);
        for (arrived, label) in std::mem::take(&mut self.pending) {
            self.line("key", arrived, ended - arrived, &label);
        }
    }
}

impl Drop for Trace {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}
