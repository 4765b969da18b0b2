//! Running the pipeline over the contents a scan found new, once per
//! distinct content, and committing results in small batches as they arrive
//! so a stopped or killed scan keeps what it did.

use super::engine::LazyEngine;
use super::scan::{Pending, Phase, Progress, ScanError, ScanOutcome, report};
use crate::pipeline::PhotoResult;
use crate::store::{Store, StoreError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Commit after this many results or this long, whichever comes first.
const COMMIT_EVERY: usize = 64;
const COMMIT_AFTER: Duration = Duration::from_secs(1);

/// Runs the pipeline once per distinct content and commits results in batches.
pub(super) fn embed(
    store: &mut Store,
    root: &Path,
    engine: &mut LazyEngine,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
    to_embed: Vec<Pending>,
    out: &mut ScanOutcome,
) -> Result<(), ScanError> {
    if to_embed.is_empty() {
        return Ok(());
    }
    let mut groups: Vec<(String, Vec<Pending>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for p in to_embed {
        let h = p.row.hash.clone().unwrap_or_default();
        let i = *index.entry(h.clone()).or_insert_with(|| {
            groups.push((h, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(p);
    }
    if stop.load(Ordering::Relaxed) {
        out.stopped = true;
        return Ok(());
    }
    let paths: Vec<PathBuf> = groups
        .iter()
        .map(|(_, ps)| crate::pathkey::join(root, &ps[0].key))
        .collect();
    let engine = engine.get().map_err(ScanError::Engine)?;
    // A store error or the caller's stop halts the pipeline feeder.
    let halt = AtomicBool::new(stop.load(Ordering::Relaxed));
    let mut failure: Option<StoreError> = None;
    let mut buffer: Vec<(usize, PhotoResult)> = Vec::new();
    let mut last_commit = Instant::now();
    let (mut done, mut faces) = (0usize, 0usize);
    let total = paths.len();
    let mut flush = |buffer: &mut Vec<(usize, PhotoResult)>, out: &mut ScanOutcome| {
        let batch = store.batch()?;
        let mut written = Vec::new();
        for (i, result) in buffer.drain(..) {
            let (hash, members) = &groups[i];
            let failure = match &result {
                Ok(photo) => {
                    batch.put_content(hash, photo.width, photo.height, Ok(&photo.faces))?;
                    None
                }
                Err(e) => {
                    let cause = e.cause.to_string();
                    batch.put_content(hash, 0, 0, Err(&cause))?;
                    Some(cause)
                }
            };
            for p in members {
                batch.put_file(&p.key, &p.row)?;
            }
            written.push((i, failure));
        }
        batch.commit()?;
        out.summary.embedded += written.len();
        for (i, failure) in written {
            for p in &groups[i].1 {
                report(out, p, failure.as_deref());
            }
        }
        Ok::<(), StoreError>(())
    };
    let run = engine.run(&paths, &halt, |i, result| {
        if stop.load(Ordering::Relaxed) {
            halt.store(true, Ordering::Relaxed);
        }
        if failure.is_some() {
            return;
        }
        done += 1;
        faces += result.as_ref().map(|p| p.faces.len()).unwrap_or(0);
        buffer.push((i, result));
        if buffer.len() >= COMMIT_EVERY || last_commit.elapsed() >= COMMIT_AFTER {
            if let Err(e) = flush(&mut buffer, out) {
                failure = Some(e);
                halt.store(true, Ordering::Relaxed);
            }
            last_commit = Instant::now();
        }
        progress(&Progress {
            phase: Phase::Embedding,
            done,
            total,
            faces,
        });
    });
    if failure.is_none() {
        flush(&mut buffer, out)?;
    }
    if let Some(e) = failure {
        return Err(e.into());
    }
    run.map_err(|e| ScanError::Engine(e.to_string()))?;
    out.stopped = done < total || stop.load(Ordering::Relaxed);
    Ok(())
}
