//! Sharded scans and their merge, for datasets one machine cannot embed in
//! time: each worker of a cluster job opens the same workspace on shared
//! storage and scans its shard into `shards/<N>/<I>.sqlite` in the state
//! folder; one merge then makes the workspace's store exactly what a single
//! scan would have made. Every shard is checked (present, finished, same
//! fingerprint) before the workspace's store is touched.

use super::error::SessionError;
use super::open::Session;
use crate::dataset::{ScanOutcome, Shard};
use crate::store::{Merged, Store, meta_keys};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

impl Session {
    /// Scans the person folders of `shard` into its shard store, resuming
    /// what an earlier run of the same shard committed. The store is marked
    /// finished only when the whole shard was scanned.
    pub fn scan_shard(
        &self,
        shard: Shard,
        stop: &AtomicBool,
    ) -> Result<(Store, ScanOutcome), SessionError> {
        let path = self.ws.shard_store_path(shard.index, shard.count);
        self.mark_shard(&mut self.store_at(&path, false)?, shard, false)?;
        let (mut store, outcome) = self.scan_into(&path, Some(shard), stop)?;
        // Marked again: a damaged store met mid-scan is replaced by a new one.
        self.mark_shard(&mut store, shard, !outcome.stopped)?;
        Ok((store, outcome))
    }

    fn mark_shard(&self, store: &mut Store, shard: Shard, done: bool) -> Result<(), SessionError> {
        store.set_meta(meta_keys::SHARD, Some(&shard.to_string()))?;
        store.set_meta(meta_keys::FINGERPRINT, Some(&self.fingerprint))?;
        store.set_meta(meta_keys::COMPLETE, done.then_some("yes"))?;
        Ok(())
    }

    /// Merges the `count` shard stores (the only count present when
    /// `None`) into the workspace's store, after checking every one.
    pub fn merge_shards(&self, count: Option<u32>) -> Result<Merged, SessionError> {
        let count = match count {
            Some(count) => count,
            None => self.only_shard_count()?,
        };
        let paths: Vec<PathBuf> = (0..count)
            .map(|i| self.ws.shard_store_path(i, count))
            .collect();
        let missing: Vec<String> = (0..count)
            .filter(|&i| !paths[i as usize].exists())
            .map(|i| format!("{i}/{count}"))
            .collect();
        if !missing.is_empty() {
            return Err(SessionError::Message(format!(
                "{}: no store for shard {}; run `facecurate scan --shard I/{count}` for each before merging",
                self.ws.shards_dir().join(count.to_string()).display(),
                missing.join(", ")
            )));
        }
        for (index, path) in (0..count).zip(&paths) {
            self.check_shard(path, Shard { index, count })?;
        }
        let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        Ok(self.store(false)?.merge_shards(&refs)?)
    }

    /// Refuses a shard store that is not `shard`, not finished, or made
    /// under another fingerprint (other models or settings).
    fn check_shard(&self, path: &Path, shard: Shard) -> Result<(), SessionError> {
        let store = Store::open(path, &self.fingerprint)?;
        let refuse = |why: String| {
            Err(SessionError::Message(format!(
                "{}: {why}; run `facecurate scan --shard {shard}` with this workspace, then merge again",
                path.display()
            )))
        };
        match store.meta(meta_keys::FINGERPRINT)? {
            None => return refuse("not a shard store (it records no fingerprint)".into()),
            Some(theirs) if theirs != self.fingerprint => {
                return refuse(format!(
                    "made with fingerprint {theirs}, but this workspace's is {} (other models or settings)",
                    self.fingerprint
                ));
            }
            Some(_) => {}
        }
        let holds = store.meta(meta_keys::SHARD)?.unwrap_or_default();
        if holds != shard.to_string() {
            return refuse(format!("holds shard `{holds}`, not {shard}"));
        }
        if store.meta(meta_keys::COMPLETE)?.as_deref() != Some("yes") {
            return refuse("its scan did not finish".into());
        }
        Ok(())
    }

    /// The one shard count with stores in the state folder.
    fn only_shard_count(&self) -> Result<u32, SessionError> {
        let dir = self.ws.shards_dir();
        let mut counts: Vec<u32> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.file_name().to_str()?.parse().ok())
                    .filter(|&n: &u32| n > 0)
                    .collect()
            })
            .unwrap_or_default();
        counts.sort_unstable();
        match counts.as_slice() {
            [count] => Ok(*count),
            [] => Err(SessionError::Message(format!(
                "{}: no shard stores; run `facecurate scan --shard I/N` for every I first",
                dir.display()
            ))),
            several => Err(SessionError::Message(format!(
                "{}: shard stores for several shard counts ({}); say which with --shards N",
                dir.display(),
                several
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}
