//! Shard stores and their merge. Each worker of a cluster job scans its
//! share of the dataset into a store of its own (one SQLite writer per
//! file, so workers never wait on each other's locks on shared storage).
//! A shard store records in `meta` which shard it holds, its fingerprint
//! and whether its scan finished; the merge checks all of that before it
//! touches the workspace's store, then copies the rows across with SQLite's
//! `ATTACH`, which moves pages without decoding a vector.

use super::error::StoreError;
use super::open::Store;
use rusqlite::{OptionalExtension, params};
use std::path::Path;

/// The `meta` keys a shard store carries.
pub mod keys {
    /// `I/N`.
    pub const SHARD: &str = "shard";
    /// The pipeline fingerprint the shard was scanned under.
    pub const FINGERPRINT: &str = "fingerprint";
    /// Present (as "yes") once a scan of the whole shard finished.
    pub const COMPLETE: &str = "complete";
}

/// What a merge copied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Merged {
    pub shards: usize,
    pub photos: usize,
    pub faces: usize,
}

impl Store {
    /// The value of `key` in the store's `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Sets `key` (or removes it, for `None`).
    pub fn set_meta(&mut self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        let done = match value {
            Some(v) => self.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![key, v],
            ),
            None => self.conn.execute("DELETE FROM meta WHERE key = ?1", [key]),
        };
        done.map(|_| ()).map_err(|e| self.err(e))
    }

    /// Makes this store hold exactly the photos of `shards` (checked shard
    /// stores covering the whole dataset): every path row is replaced by
    /// the shards', their contents and faces under this fingerprint are
    /// added, and content nothing points at any more is dropped. The user's
    /// own marks (reviewed photos, pairs that are not duplicates, the pair
    /// memo) are kept: they are keyed by content. One transaction per shard;
    /// a merge cut short is made whole by running it again.
    pub fn merge_shards(&mut self, shards: &[&Path]) -> Result<Merged, StoreError> {
        let mut merged = Merged::default();
        for (i, shard) in shards.iter().enumerate() {
            let (photos, faces) = self.merge_one(shard, i == 0)?;
            merged.shards += 1;
            merged.photos += photos;
            merged.faces += faces;
        }
        self.collect_garbage()?;
        Ok(merged)
    }

    fn merge_one(&mut self, shard: &Path, first: bool) -> Result<(usize, usize), StoreError> {
        let shard_text = shard.to_string_lossy().to_string();
        self.conn
            .execute("ATTACH DATABASE ?1 AS shard", [&shard_text])
            .map_err(|e| self.err(e))?;
        let copied = self.copy_attached(first);
        let detached = self
            .conn
            .execute_batch("DETACH DATABASE shard")
            .map_err(|e| self.err(e));
        let copied = copied?;
        detached?;
        Ok(copied)
    }

    /// Copies the attached shard's rows in one transaction; the workspace's
    /// path rows go first when `replace_files`.
    fn copy_attached(&mut self, replace_files: bool) -> Result<(usize, usize), StoreError> {
        let fp = self.fingerprint.clone();
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&err)?;
        if replace_files {
            tx.execute("DELETE FROM main.files", []).map_err(&err)?;
        }
        let photos = tx
            .execute(
                "INSERT OR REPLACE INTO main.files (path, person, size, mtime_ns, hash, error)
                 SELECT path, person, size, mtime_ns, hash, error FROM shard.files",
                [],
            )
            .map_err(&err)?;
        tx.execute(
            "INSERT OR IGNORE INTO main.content (hash, fingerprint, width, height, error)
             SELECT hash, fingerprint, width, height, error FROM shard.content WHERE fingerprint = ?1",
            [&fp],
        )
        .map_err(&err)?;
        let faces = tx
            .execute(
                "INSERT OR IGNORE INTO main.faces (hash, fingerprint, idx, bbox, landmarks, score, embedding, thumb)
                 SELECT hash, fingerprint, idx, bbox, landmarks, score, embedding, thumb
                 FROM shard.faces WHERE fingerprint = ?1 ORDER BY hash, idx",
                [&fp],
            )
            .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok((photos, faces))
    }
}
