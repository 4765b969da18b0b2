//! What a reconciliation reports and the rows it writes on the way: shared
//! by the scan that decides what changed and the batches that embed the new
//! content, so the two need not import each other.

use super::changes::Changes;
use crate::pathkey::path_of;
use crate::store::{FileRow, StoreError};
use std::collections::HashMap;
use std::path::PathBuf;

/// The numbers `facecurate scan --json` prints.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ScanSummary {
    /// Photos in the store after the scan.
    pub photos: usize,
    pub new: usize,
    pub changed: usize,
    pub moved: usize,
    pub removed: usize,
    /// Distinct contents run through the pipeline.
    pub embedded: usize,
    /// Photos that could not be read or processed.
    pub failed: usize,
    pub seconds: f64,
}

/// Which stage a scan is in, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Reading new or changed files to hash them.
    Hashing,
    /// Running the pipeline on content not processed yet.
    Embedding,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Progress {
    pub phase: Phase,
    pub done: usize,
    pub total: usize,
    /// Faces found so far in this scan.
    pub faces: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}: the dataset folder cannot be read", .0.display())]
    Dataset(PathBuf),
    #[error("cannot start the face pipeline: {0}")]
    Engine(String),
}

#[derive(Debug, Clone, Default)]
pub struct ScanOutcome {
    pub summary: ScanSummary,
    pub changes: Changes,
    /// Folders or files that could not be listed or stat'ed (each names the
    /// path and cause); the scan went on without them.
    pub warnings: Vec<String>,
    /// Set when `stop` ended the scan early; the next scan resumes.
    pub stopped: bool,
    /// Files left for later because they were still being written.
    pub deferred: Vec<PathBuf>,
    /// Content hashes of the added and removed paths, so the watcher can
    /// pair the halves of a move it hears of in separate batches.
    pub hashes: HashMap<PathBuf, String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Same,
    New,
    Changed,
    Moved,
}

/// A path to write: its row, and how it differs from what the store had.
pub(super) struct Pending {
    pub key: String,
    pub row: FileRow,
    pub kind: Kind,
    pub moved_from: Option<String>,
}

/// Adds one written path to the outcome. `failure` is the pipeline's cause.
pub(super) fn report(out: &mut ScanOutcome, p: &Pending, failure: Option<&str>) {
    let path = path_of(&p.key);
    match p.kind {
        Kind::Same => {}
        Kind::New => {
            out.changes.added.push(path.clone());
            if let Some(h) = &p.row.hash {
                out.hashes.insert(path.clone(), h.clone());
            }
        }
        Kind::Changed => out.changes.changed.push(path.clone()),
        Kind::Moved => {
            let from = path_of(p.moved_from.as_deref().unwrap_or_default());
            out.changes.touch(&from);
            out.changes.moved.push((from, path.clone()));
        }
    }
    let cause = p.row.error.as_deref().or(failure);
    if let Some(cause) = cause {
        out.changes.failed.push((path.clone(), cause.to_string()));
    }
    if p.kind != Kind::Same || cause.is_some() {
        out.changes.touch(&path);
    }
}
