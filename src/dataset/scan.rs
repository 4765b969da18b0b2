//! Bringing the store in line with the dataset folder, for the whole
//! dataset (`facecurate scan`) or a few person folders (the watcher).
//!
//! Cheap checks first: a path whose size and mtime match its row is skipped
//! without reading it; everything else is hashed, and only content never
//! processed under the current fingerprint goes through the pipeline. Moves
//! and renames are a hash seen under a new path, so they never re-embed.
//! Results are committed in small batches as they arrive, so a scan that is
//! stopped (Ctrl-C) or killed loses at most the last second of work and the
//! next one resumes.

use super::batches::embed;
use super::engine::LazyEngine;
use super::{Changes, list_person};
use crate::pathkey::path_of;
use crate::records::{DatasetEntry, hash_file, list_dataset};
use crate::store::{FileRow, Store, StoreError};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

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

/// Which part of the dataset to reconcile.
#[derive(Debug, Clone)]
pub enum Scope {
    All,
    Persons(BTreeSet<String>),
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

/// Scans the whole dataset at `root`. `progress` is called from this thread.
pub fn scan(
    store: &mut Store,
    root: &Path,
    engine: &mut LazyEngine,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ScanOutcome, ScanError> {
    reconcile(
        store,
        root,
        &Scope::All,
        engine,
        stop,
        progress,
        &mut |_, _| true,
    )
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

fn mtime_ns(meta: &Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// Reconciles `scope`. `stable(path, meta)` may defer a file that is still
/// being written (the watcher's check); a deferred file is neither read nor
/// removed.
pub(crate) fn reconcile(
    store: &mut Store,
    root: &Path,
    scope: &Scope,
    engine: &mut LazyEngine,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
    stable: &mut dyn FnMut(&Path, &Metadata) -> bool,
) -> Result<ScanOutcome, ScanError> {
    let start = Instant::now();
    let mut out = ScanOutcome::default();
    let mut warn = |w: String| out.warnings.push(w);
    let (entries, persons): (Vec<DatasetEntry>, Option<&BTreeSet<String>>) = match scope {
        Scope::All => {
            if std::fs::read_dir(root).is_err() {
                return Err(ScanError::Dataset(root.to_path_buf()));
            }
            (list_dataset(root, &mut warn), None)
        }
        Scope::Persons(ps) => (
            ps.iter()
                .flat_map(|p| list_person(root, p, &mut warn))
                .collect(),
            Some(ps),
        ),
    };
    let known = store.file_rows(persons)?;
    let processed = store.processed_hashes()?;

    // Stat everything; keep aside what must be hashed.
    let mut present: HashSet<String> = HashSet::with_capacity(entries.len());
    let mut to_hash: Vec<(String, DatasetEntry, u64, i64)> = Vec::new();
    let mut ready: Vec<Pending> = Vec::new();
    let mut to_embed: Vec<Pending> = Vec::new();
    for entry in entries {
        let abs = root.join(&entry.path);
        let key = match crate::pathkey::key_of(&entry.path) {
            Ok(key) => key,
            Err(e) => {
                out.warnings.push(format!("{e}; skipped"));
                continue;
            }
        };
        let meta = match std::fs::metadata(&abs) {
            Ok(meta) => meta,
            Err(e) => {
                out.warnings.push(format!(
                    "{}: cannot read file information: {e}",
                    abs.display()
                ));
                continue;
            }
        };
        present.insert(key.clone());
        let (size, mtime) = (meta.len(), mtime_ns(&meta));
        if let Some(row) = known
            .get(&key)
            .filter(|r| r.size == size && r.mtime_ns == mtime)
        {
            match &row.hash {
                Some(h) if !processed.contains(h) => to_embed.push(Pending {
                    key,
                    row: row.clone(),
                    kind: Kind::Same,
                    moved_from: None,
                }),
                _ => {}
            }
            continue;
        }
        if !stable(&abs, &meta) {
            out.deferred.push(abs);
            continue;
        }
        to_hash.push((key, entry, size, mtime));
    }

    let mut removed: HashMap<String, Vec<String>> = HashMap::new();
    let mut removed_keys: Vec<&String> = known.keys().filter(|k| !present.contains(*k)).collect();
    removed_keys.sort();
    for key in &removed_keys {
        if let Some(h) = &known[*key].hash {
            removed.entry(h.clone()).or_default().push((*key).clone());
        }
    }

    let mut vanished: Vec<String> = Vec::new();
    let total = to_hash.len();
    for (done, (key, entry, size, mtime)) in to_hash.into_iter().enumerate() {
        if stop.load(Ordering::Relaxed) {
            // Unhashed files are simply not recorded yet; the next scan sees them.
            break;
        }
        progress(&Progress {
            phase: Phase::Hashing,
            done,
            total,
            faces: 0,
        });
        let mut row = FileRow {
            person: entry.person,
            size,
            mtime_ns: mtime,
            hash: None,
            error: None,
        };
        match hash_file(&root.join(&entry.path)) {
            Ok(h) => row.hash = Some(h),
            Err(e) => row.error = Some(format!("cannot read file: {e}")),
        }
        let before = known.get(&key).map(|r| r.hash.clone());
        let mut moved_from = None;
        let kind = match (&before, &row.hash) {
            (Some(old), new) if old == new => Kind::Same,
            (Some(_), _) => Kind::Changed,
            (None, Some(h)) => {
                let from = match removed.get_mut(h).and_then(|keys| keys.pop()) {
                    Some(from) => Some(from),
                    // The watcher may hear of a move's arrival before its
                    // departure: the origin is then outside this scope.
                    None if persons.is_some() => {
                        let origin = vanished_origin(store, root, h, &known, &vanished)?;
                        vanished.extend(origin.clone());
                        origin
                    }
                    None => None,
                };
                moved_from = from;
                if moved_from.is_some() {
                    Kind::Moved
                } else {
                    Kind::New
                }
            }
            (None, None) => Kind::New,
        };
        let pending = Pending {
            key,
            row,
            kind,
            moved_from,
        };
        match &pending.row.hash {
            Some(h) if !processed.contains(h) => to_embed.push(pending),
            _ => ready.push(pending),
        }
    }

    // Removals and everything not needing the pipeline, in one commit.
    let batch = store.batch()?;
    for key in removed_keys.iter().copied().chain(&vanished) {
        batch.remove_file(key)?;
    }
    for p in &ready {
        batch.put_file(&p.key, &p.row)?;
    }
    batch.commit()?;
    let moved_away: HashSet<&str> = ready
        .iter()
        .chain(&to_embed)
        .filter_map(|p| p.moved_from.as_deref())
        .collect();
    for key in removed_keys
        .iter()
        .filter(|k| !moved_away.contains(k.as_str()))
    {
        out.changes.removed.push(path_of(key));
        out.changes.touch(&path_of(key));
        if let Some(h) = &known[*key].hash {
            out.hashes.insert(path_of(key), h.clone());
        }
    }
    // Moves whose content must be embedded are reported once written.
    for p in &ready {
        report(&mut out, p, None);
    }

    embed(store, root, engine, stop, progress, to_embed, &mut out)?;
    out.stopped |= stop.load(Ordering::Relaxed);

    // An empty listing of a non-empty store is more likely an unmounted
    // drive than a deleted dataset: keep the embeddings in case it returns.
    let emptied = present.is_empty() && !known.is_empty();
    if emptied {
        out.warnings.push(format!(
            "{}: no photos found; {} photos left the store, their embeddings are kept until a scan finds photos again",
            root.display(),
            known.len()
        ));
    }
    if matches!(scope, Scope::All) && !out.stopped && !emptied {
        store.collect_garbage()?;
    }
    let c = &out.changes;
    out.summary.photos = store.count_files()?;
    out.summary.new = c.added.len();
    out.summary.changed = c.changed.len();
    out.summary.moved = c.moved.len();
    out.summary.removed = c.removed.len();
    out.summary.failed = c.failed.len();
    out.summary.seconds = start.elapsed().as_secs_f64();
    Ok(out)
}

/// A path outside the reconciled persons that holds `hash` in the store but
/// is gone from disk: where a photo that just appeared was moved from.
fn vanished_origin(
    store: &Store,
    root: &Path,
    hash: &str,
    known: &HashMap<String, FileRow>,
    claimed: &[String],
) -> Result<Option<String>, StoreError> {
    Ok(store.paths_with_hash(hash)?.into_iter().find(|p| {
        !known.contains_key(p) && !claimed.contains(p) && !crate::pathkey::join(root, p).exists()
    }))
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
