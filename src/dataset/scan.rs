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
use super::listing::list_person;
use super::outcome::report;
pub use super::outcome::{Phase, Progress, ScanError, ScanOutcome, ScanSummary};
use super::shard::Shard;
use super::triage::{Known, Sorted, hash_all, survey};
use crate::pathkey::path_of;
use crate::records::{DatasetEntry, list_dataset};
use crate::store::{FileRow, Store, StoreError};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::Metadata;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Which part of the dataset to reconcile.
#[derive(Debug, Clone)]
pub enum Scope {
    All,
    Persons(BTreeSet<String>),
    /// The person folders one worker of a cluster job embeds.
    Shard(Shard),
}

/// Scans the whole dataset at `root`. `progress` is called from this thread.
pub fn scan(
    store: &mut Store,
    root: &Path,
    engine: &mut LazyEngine,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ScanOutcome, ScanError> {
    scan_part(store, root, None, engine, stop, progress)
}

/// Scans the whole dataset, or only the person folders of `shard` (into
/// that shard's own store).
pub fn scan_part(
    store: &mut Store,
    root: &Path,
    shard: Option<Shard>,
    engine: &mut LazyEngine,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ScanOutcome, ScanError> {
    let scope = shard.map_or(Scope::All, Scope::Shard);
    reconcile(store, root, &scope, engine, stop, progress, &mut |_, _| {
        true
    })
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
    let (entries, persons) = list(root, scope, &mut out.warnings)?;
    let known = Known {
        root,
        rows: store.file_rows(persons)?,
        processed: store.processed_hashes()?,
        persons,
    };
    let mut sorted = Sorted::default();
    let (present, to_hash) = survey(&known, entries, stable, &mut sorted, &mut out);
    let (removed_keys, mut removed) = removals(&known.rows, &present);
    hash_all(
        store,
        &known,
        to_hash,
        &mut removed,
        &mut sorted,
        stop,
        progress,
    )?;
    commit_ready(store, &removed_keys, &sorted)?;
    report_ready(&mut out, &known.rows, &removed_keys, &sorted);
    embed(
        store,
        root,
        engine,
        stop,
        progress,
        sorted.to_embed,
        &mut out,
    )?;
    out.stopped |= stop.load(Ordering::Relaxed);

    // An empty listing of a non-empty store is more likely an unmounted
    // drive than a deleted dataset: keep the embeddings in case it returns.
    let emptied = present.is_empty() && !known.rows.is_empty();
    if emptied {
        out.warnings.push(format!(
            "{}: no photos found; {} photos left the store, their embeddings are kept until a scan finds photos again",
            root.display(),
            known.rows.len()
        ));
    }
    if matches!(scope, Scope::All | Scope::Shard(_)) && !out.stopped && !emptied {
        store.collect_garbage()?;
    }
    summarize(store, start, out)
}

/// The dataset entries in `scope`, and the persons it is limited to.
fn list<'s>(
    root: &Path,
    scope: &'s Scope,
    warnings: &mut Vec<String>,
) -> Result<(Vec<DatasetEntry>, Option<&'s BTreeSet<String>>), ScanError> {
    let mut warn = |w: String| warnings.push(w);
    Ok(match scope {
        Scope::All | Scope::Shard(_) => {
            if std::fs::read_dir(root).is_err() {
                return Err(ScanError::Dataset(root.to_path_buf()));
            }
            let mut entries = list_dataset(root, &mut warn);
            if let Scope::Shard(shard) = scope {
                entries.retain(|e| shard.holds(&e.person));
            }
            (entries, None)
        }
        Scope::Persons(ps) => (
            ps.iter()
                .flat_map(|p| list_person(root, p, &mut warn))
                .collect(),
            Some(ps),
        ),
    })
}

/// The keys of the store gone from disk, sorted, and the same grouped by
/// content hash: a path that appears with that content is a move.
fn removals<'k>(
    rows: &'k HashMap<String, FileRow>,
    present: &HashSet<String>,
) -> (Vec<&'k String>, HashMap<String, Vec<String>>) {
    let mut keys: Vec<&String> = rows.keys().filter(|k| !present.contains(*k)).collect();
    keys.sort();
    let mut by_hash: HashMap<String, Vec<String>> = HashMap::new();
    for key in &keys {
        if let Some(h) = &rows[*key].hash {
            by_hash.entry(h.clone()).or_default().push((*key).clone());
        }
    }
    (keys, by_hash)
}

/// Removals and everything not needing the pipeline, in one commit.
fn commit_ready(
    store: &mut Store,
    removed_keys: &[&String],
    sorted: &Sorted,
) -> Result<(), StoreError> {
    let batch = store.batch()?;
    for key in removed_keys.iter().copied().chain(&sorted.vanished) {
        batch.remove_file(key)?;
    }
    for p in &sorted.ready {
        batch.put_file(&p.key, &p.row)?;
    }
    batch.commit()
}

/// Reports the removed paths no move started from, then the rows written
/// without the pipeline. Moves whose content must be embedded are reported
/// once written.
fn report_ready(
    out: &mut ScanOutcome,
    rows: &HashMap<String, FileRow>,
    removed_keys: &[&String],
    sorted: &Sorted,
) {
    let moved_away: HashSet<&str> = sorted
        .ready
        .iter()
        .chain(&sorted.to_embed)
        .filter_map(|p| p.moved_from.as_deref())
        .collect();
    for key in removed_keys
        .iter()
        .filter(|k| !moved_away.contains(k.as_str()))
    {
        out.changes.removed.push(path_of(key));
        out.changes.touch(&path_of(key));
        if let Some(h) = &rows[*key].hash {
            out.hashes.insert(path_of(key), h.clone());
        }
    }
    for p in &sorted.ready {
        report(out, p, None);
    }
}

/// The outcome with its summary counted from the changes and the store.
fn summarize(
    store: &Store,
    start: Instant,
    mut out: ScanOutcome,
) -> Result<ScanOutcome, ScanError> {
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
