//! Deciding, file by file, what a reconciliation does with each path: the
//! stat pass that settles unchanged files without reading them, and the
//! hashing that tells an edit from a new photo and a new photo from a move.

use super::outcome::{Kind, Pending, Phase, Progress, ScanOutcome};
use crate::records::{DatasetEntry, hash_file};
use crate::store::{FileRow, Store, StoreError};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

fn mtime_ns(meta: &Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// What every step of one reconciliation reads: the store's rows for the
/// scope and the contents already processed under the current fingerprint.
pub(super) struct Known<'a> {
    pub(super) root: &'a Path,
    pub(super) rows: HashMap<String, FileRow>,
    pub(super) processed: HashSet<String>,
    /// The persons reconciled; `None` for the whole dataset.
    pub(super) persons: Option<&'a BTreeSet<String>>,
}

/// A file whose size or mtime differs from its row, to be read and hashed.
pub(super) struct ToHash {
    pub(super) key: String,
    pub(super) entry: DatasetEntry,
    pub(super) size: u64,
    pub(super) mtime: i64,
}

/// The rows a reconciliation writes, sorted by what they need first.
#[derive(Default)]
pub(super) struct Sorted {
    /// Written as they are, with the removals.
    pub(super) ready: Vec<Pending>,
    /// Written once the pipeline has run on their content.
    pub(super) to_embed: Vec<Pending>,
    /// Paths outside the scope found to be where a move started.
    pub(super) vanished: Vec<String>,
}

/// Stats every entry and returns the keys present and the files to hash. A
/// file whose size and mtime match its row is not read (only queued for the
/// pipeline if its content never went through it); `stable` may defer one.
pub(super) fn survey(
    known: &Known,
    entries: Vec<DatasetEntry>,
    stable: &mut dyn FnMut(&Path, &Metadata) -> bool,
    sorted: &mut Sorted,
    out: &mut ScanOutcome,
) -> (HashSet<String>, Vec<ToHash>) {
    let mut present: HashSet<String> = HashSet::with_capacity(entries.len());
    let mut to_hash = Vec::new();
    // The `stat`s are most of a warm survey's time, and independent.
    let stats: Vec<(PathBuf, Stat)> = entries
        .par_iter()
        .map(|entry| {
            let abs = known.root.join(&entry.path);
            let stat = stat(entry, &abs);
            (abs, stat)
        })
        .collect();
    for (entry, (abs, stat)) in entries.into_iter().zip(stats) {
        let (key, meta) = match stat {
            Ok(found) => found,
            Err(warning) => {
                out.warnings.push(warning);
                continue;
            }
        };
        present.insert(key.clone());
        let (size, mtime) = (meta.len(), mtime_ns(&meta));
        if let Some(row) = known
            .rows
            .get(&key)
            .filter(|r| r.size == size && r.mtime_ns == mtime)
        {
            if row
                .hash
                .as_ref()
                .is_some_and(|h| !known.processed.contains(h))
            {
                sorted.to_embed.push(Pending {
                    key,
                    row: row.clone(),
                    kind: Kind::Same,
                    moved_from: None,
                });
            }
            continue;
        }
        if !stable(&abs, &meta) {
            out.deferred.push(abs);
            continue;
        }
        to_hash.push(ToHash {
            key,
            entry,
            size,
            mtime,
        });
    }
    (present, to_hash)
}

/// An entry's store key and file information, or a warning saying why the
/// entry is skipped.
type Stat = Result<(String, Metadata), String>;

fn stat(entry: &DatasetEntry, abs: &Path) -> Stat {
    let key = crate::pathkey::key_of(&entry.path).map_err(|e| format!("{e}; skipped"))?;
    std::fs::metadata(abs)
        .map(|meta| (key, meta))
        .map_err(|e| format!("{}: cannot read file information: {e}", abs.display()))
}

/// Hashes the files the survey set aside, in order, and sorts each by
/// whether its content still needs the pipeline.
pub(super) fn hash_all(
    store: &Store,
    known: &Known,
    to_hash: Vec<ToHash>,
    removed: &mut HashMap<String, Vec<String>>,
    sorted: &mut Sorted,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), StoreError> {
    let total = to_hash.len();
    for (done, file) in to_hash.into_iter().enumerate() {
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
            person: file.entry.person,
            size: file.size,
            mtime_ns: file.mtime,
            hash: None,
            error: None,
        };
        match hash_file(&known.root.join(&file.entry.path)) {
            Ok(h) => row.hash = Some(h),
            Err(e) => row.error = Some(format!("cannot read file: {e}")),
        }
        let (kind, moved_from) = kind_of(store, known, &file.key, &row, removed, sorted)?;
        let pending = Pending {
            key: file.key,
            row,
            kind,
            moved_from,
        };
        match &pending.row.hash {
            Some(h) if !known.processed.contains(h) => sorted.to_embed.push(pending),
            _ => sorted.ready.push(pending),
        }
    }
    Ok(())
}

/// How a freshly hashed path differs from its row, and for a move, the key
/// it came from (claimed, so no other path is its move too).
fn kind_of(
    store: &Store,
    known: &Known,
    key: &str,
    row: &FileRow,
    removed: &mut HashMap<String, Vec<String>>,
    sorted: &mut Sorted,
) -> Result<(Kind, Option<String>), StoreError> {
    let hash = match (known.rows.get(key).map(|r| &r.hash), &row.hash) {
        (Some(old), new) if old == new => return Ok((Kind::Same, None)),
        (Some(_), _) => return Ok((Kind::Changed, None)),
        (None, None) => return Ok((Kind::New, None)),
        (None, Some(h)) => h,
    };
    let from = match removed.get_mut(hash).and_then(|keys| keys.pop()) {
        Some(from) => Some(from),
        // The watcher may hear of a move's arrival before its
        // departure: the origin is then outside this scope.
        None if known.persons.is_some() => {
            let origin = vanished_origin(store, known.root, hash, &known.rows, &sorted.vanished)?;
            sorted.vanished.extend(origin.clone());
            origin
        }
        None => None,
    };
    let kind = if from.is_some() {
        Kind::Moved
    } else {
        Kind::New
    };
    Ok((kind, from))
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
