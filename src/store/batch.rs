//! Writing scan results in batches: one transaction each, so nothing a
//! batch writes is visible to readers (the TUI) until it commits, and a
//! process killed mid-batch loses only that batch.

use super::error::StoreError;
use super::open::Store;
use super::queries::FileRow;
use crate::pipeline::Face;
use rusqlite::{OptionalExtension, Transaction, params};
use std::path::PathBuf;

fn f32s_to_blob(values: impl IntoIterator<Item = f32>) -> Vec<u8> {
    values.into_iter().flat_map(f32::to_le_bytes).collect()
}

impl Store {
    /// Starts a write batch: nothing is visible to readers until `commit`.
    pub fn batch(&mut self) -> Result<Batch<'_>, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|source| StoreError::Sqlite {
                path: path.clone(),
                source,
            })?;
        Ok(Batch {
            tx,
            fingerprint: &self.fingerprint,
            path,
        })
    }

    /// Drops content no path points at any more, content of other
    /// fingerprints, and review marks of content that is gone. Run after a
    /// full scan, never between the halves of a move. Returns how many
    /// contents went; cheap when there are none.
    pub fn collect_garbage(&mut self) -> Result<usize, StoreError> {
        const GARBAGE: &str = "SELECT hash, fingerprint FROM content c WHERE c.fingerprint <> ?1
             OR NOT EXISTS (SELECT 1 FROM files f WHERE f.hash = c.hash)";
        let any: bool = self
            .conn
            .query_row(
                &format!("SELECT EXISTS ({GARBAGE})"),
                [&self.fingerprint],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        let batch = self.batch()?;
        let mut n = 0;
        if any {
            batch.exec(
                &format!("DELETE FROM faces WHERE (hash, fingerprint) IN ({GARBAGE})"),
                params![batch.fingerprint],
            )?;
            n = batch.exec(
                &format!("DELETE FROM content WHERE (hash, fingerprint) IN ({GARBAGE})"),
                params![batch.fingerprint],
            )?;
        }
        batch.exec(
            "DELETE FROM reviewed WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.hash = reviewed.hash)",
            [],
        )?;
        batch.exec(
            "DELETE FROM not_duplicates WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.hash = a)
                OR NOT EXISTS (SELECT 1 FROM files f WHERE f.hash = b)",
            [],
        )?;
        batch.commit()?;
        Ok(n)
    }
}

/// A write transaction over the store.
pub struct Batch<'a> {
    tx: Transaction<'a>,
    fingerprint: &'a str,
    path: PathBuf,
}

impl Batch<'_> {
    fn exec(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize, StoreError> {
        self.tx.execute(sql, params).map_err(|e| self.err(e))
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Records what is at `path` now. When its content changed, the old
    /// content's review mark goes (unless another path still shows it).
    pub fn put_file(&self, path: &str, row: &FileRow) -> Result<(), StoreError> {
        let old: Option<Option<String>> = self
            .tx
            .query_row("SELECT hash FROM files WHERE path = ?1", [path], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        self.exec(
            "INSERT OR REPLACE INTO files (path, person, size, mtime_ns, hash, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![path, row.person, row.size as i64, row.mtime_ns, row.hash, row.error],
        )?;
        if let Some(Some(old)) = old
            && Some(&old) != row.hash.as_ref()
        {
            self.exec(
                "DELETE FROM reviewed WHERE hash = ?1 AND NOT EXISTS (SELECT 1 FROM files WHERE hash = ?1)",
                [old],
            )?;
        }
        Ok(())
    }

    /// Forgets `path`; its content stays until garbage collection, so a
    /// move seen as delete-then-create never re-embeds.
    pub fn remove_file(&self, path: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM files WHERE path = ?1", [path])
            .map(|_| ())
    }

    /// Stores what the pipeline found in the content `hash`: its faces, or
    /// the cause of its failure.
    pub fn put_content(
        &self,
        hash: &str,
        width: u32,
        height: u32,
        outcome: Result<&[Face], &str>,
    ) -> Result<(), StoreError> {
        let fp = self.fingerprint;
        self.exec(
            "DELETE FROM faces WHERE hash = ?1 AND fingerprint = ?2",
            params![hash, fp],
        )?;
        let error = outcome.err();
        self.exec(
            "INSERT OR REPLACE INTO content (hash, fingerprint, width, height, error) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hash, fp, width, height, error],
        )?;
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO faces (hash, fingerprint, idx, bbox, landmarks, score, embedding, thumb)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(|e| self.err(e))?;
        for (i, face) in outcome.unwrap_or(&[]).iter().enumerate() {
            stmt.execute(params![
                hash,
                fp,
                i as i64,
                f32s_to_blob(face.bbox),
                f32s_to_blob(face.landmarks.iter().flatten().copied()),
                f64::from(face.score),
                f32s_to_blob(face.embedding.iter().copied()),
                face.thumb,
            ])
            .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    pub fn commit(self) -> Result<(), StoreError> {
        let path = self.path;
        self.tx
            .commit()
            .map_err(|source| StoreError::Sqlite { path, source })
    }
}
