//! The one stream a session reports through. Front ends differ in where
//! each kind goes (the CLI prints notes on stderr and draws progress bars;
//! the UI puts notes in its status bar and diagnostics in its log), so the
//! session says what kind of thing happened and leaves the rendering to them.

use crate::classify::retrain::Retrained;
use crate::dataset::{DatasetEvent, Progress};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum Event {
    /// A diagnostic: which models and runtime were loaded, provisioning steps.
    Log(String),
    /// Something the person should read (a recovered edit, a tuning hint).
    Note(String),
    /// Something went wrong and the work went on (a store kept aside).
    Warning(String),
    /// How far a scan has come.
    Progress(Progress),
    /// What the watcher saw and did.
    Dataset(DatasetEvent),
    /// The background classifier.
    Classifier(ClassifierEvent),
}

#[derive(Debug, Clone)]
pub enum ClassifierEvent {
    Training,
    Trained(Retrained),
    /// Nothing to train on yet (fewer than two persons with enough photos).
    TooSmall(String),
    Failed(String),
}

/// Where a session's events go; called from whichever thread produced them.
pub type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// A sink that drops everything (tests, and callers that only want results).
pub fn quiet() -> Sink {
    Arc::new(|_| {})
}

/// A sink that keeps the text of the events `keep` picks, for tests that
/// check what a session said.
#[cfg(test)]
pub(crate) fn recording(
    keep: fn(Event) -> Option<String>,
) -> (Sink, Arc<std::sync::Mutex<Vec<String>>>) {
    let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&heard);
    let sink: Sink = Arc::new(move |e| {
        if let Some(text) = keep(e) {
            log.lock().expect("log").push(text);
        }
    });
    (sink, heard)
}

/// The text of a warning, for [`recording`].
#[cfg(test)]
pub(crate) fn warning(e: Event) -> Option<String> {
    match e {
        Event::Warning(w) => Some(w),
        _ => None,
    }
}

/// The text of a log line, for [`recording`].
#[cfg(test)]
pub(crate) fn log_line(e: Event) -> Option<String> {
    match e {
        Event::Log(line) => Some(line),
        _ => None,
    }
}
