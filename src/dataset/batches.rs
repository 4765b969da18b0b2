//! Running the pipeline over the contents a scan found new, once per
//! distinct content, and committing results in small batches as they arrive
//! so a stopped or killed scan keeps what it did.

use super::engine::LazyEngine;
use super::outcome::{Pending, Phase, Progress, ScanError, ScanOutcome, report};
use crate::pipeline::PhotoResult;
use crate::store::{Store, StoreError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Commit after this many results or this long, whichever comes first.
const COMMIT_EVERY: usize = 64;
const COMMIT_AFTER: Duration = Duration::from_secs(1);

/// Paths sharing one content hash, run through the pipeline once.
type Group = (String, Vec<Pending>);

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
    let groups = by_content(to_embed);
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
    let mut batches = Batches {
        store,
        groups,
        buffer: Vec::new(),
        last_commit: Instant::now(),
        failure: None,
    };
    let (mut done, mut faces) = (0usize, 0usize);
    let total = paths.len();
    let run = engine.run(&paths, &halt, |i, result| {
        if stop.load(Ordering::Relaxed) {
            halt.store(true, Ordering::Relaxed);
        }
        if batches.failure.is_some() {
            return;
        }
        done += 1;
        faces += result.as_ref().map(|p| p.faces.len()).unwrap_or(0);
        batches.take(i, result, out, &halt);
        progress(&Progress {
            phase: Phase::Embedding,
            done,
            total,
            faces,
        });
    });
    match batches.failure.take() {
        Some(e) => return Err(e.into()),
        None => batches.flush(out)?,
    }
    run.map_err(|e| ScanError::Engine(e.to_string()))?;
    out.stopped = done < total || stop.load(Ordering::Relaxed);
    Ok(())
}

/// The pending rows grouped by content hash, in order of first appearance.
fn by_content(to_embed: Vec<Pending>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for p in to_embed {
        let h = p.row.hash.clone().unwrap_or_default();
        let i = *index.entry(h.clone()).or_insert_with(|| {
            groups.push((h, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(p);
    }
    groups
}

/// Pipeline results waiting for their commit.
struct Batches<'s> {
    store: &'s mut Store,
    groups: Vec<Group>,
    /// Results by index into `groups`.
    buffer: Vec<(usize, PhotoResult)>,
    last_commit: Instant,
    /// The commit that failed; nothing is taken after it.
    failure: Option<StoreError>,
}

impl Batches<'_> {
    /// Buffers one result, committing when the batch is full or old
    /// enough; a failed commit halts the pipeline.
    fn take(&mut self, i: usize, result: PhotoResult, out: &mut ScanOutcome, halt: &AtomicBool) {
        self.buffer.push((i, result));
        if self.buffer.len() >= COMMIT_EVERY || self.last_commit.elapsed() >= COMMIT_AFTER {
            if let Err(e) = self.flush(out) {
                self.failure = Some(e);
                halt.store(true, Ordering::Relaxed);
            }
            self.last_commit = Instant::now();
        }
    }

    /// Commits the buffered results with the rows of every path sharing
    /// each content, then reports those paths.
    fn flush(&mut self, out: &mut ScanOutcome) -> Result<(), StoreError> {
        let batch = self.store.batch()?;
        let mut written = Vec::new();
        for (i, result) in self.buffer.drain(..) {
            let (hash, members) = &self.groups[i];
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
            for p in &self.groups[i].1 {
                report(out, p, failure.as_deref());
            }
        }
        Ok(())
    }
}
