//! Progress on stderr for the commands: the scan's two-phase bar, the plain
//! bar of the photo commands, and the spinner of provisioning. Each hides
//! itself when stderr is not a terminal.

use facecurate::dataset::Progress;
use facecurate::dataset::scan::Phase;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::{Duration, Instant};

/// The bar of the commands that run photos through the pipeline.
pub fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} ETA {eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A spinner that prints each step of a long wait.
pub fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Renders scan progress: hashing, then embedding with photos/s and faces/s.
pub struct Bar {
    bar: ProgressBar,
    phase: Option<Phase>,
    since: Instant,
}

impl Default for Bar {
    fn default() -> Bar {
        Bar {
            bar: ProgressBar::hidden(),
            phase: None,
            since: Instant::now(),
        }
    }
}

impl Bar {
    pub fn update(&mut self, p: &Progress) {
        if self.phase != Some(p.phase) {
            self.start_phase(p);
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

    fn start_phase(&mut self, p: &Progress) {
        self.bar.finish_and_clear();
        self.bar = ProgressBar::new(p.total as u64);
        let (template, verb) = match p.phase {
            Phase::Hashing => ("{msg:>9} {bar:30} {pos}/{len} ETA {eta}", "hashing"),
            Phase::Embedding => ("{msg} {bar:30} {pos}/{len} ETA {eta}", "embedding"),
        };
        self.bar.set_style(
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        self.bar.set_message(verb);
        self.phase = Some(p.phase);
        self.since = Instant::now();
    }

    /// Prints a line above the bar without tearing it.
    pub fn println(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    /// Clears the bar; the next update starts a fresh one.
    pub fn finish(&mut self) {
        self.bar.finish_and_clear();
        self.phase = None;
    }
}
