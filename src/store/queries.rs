//! The rows scans compare against, a face row's fields, and the reviewed
//! marks (records are read in `read_records.rs`, writing is
//! [`super::batch`]). Vectors are stored as
//! little-endian f32 BLOBs so loading the whole dataset is one sequential
//! read with no parsing.

use super::error::StoreError;
use super::open::Store;
use crate::pipeline::Face;
use rusqlite::OptionalExtension;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

/// What the store knows about one path of the dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub person: String,
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// BLAKE3 hex; `None` when the file could not be read.
    pub hash: Option<String>,
    /// Why it could not be read.
    pub error: Option<String>,
}

/// What [`Store::set_reviewed`] marks: a photo's content, or whatever
/// content is at a path now.
#[derive(Debug, Clone, Copy)]
pub enum Reviewed<'a> {
    Hash(&'a str),
    Path(&'a Path),
}

fn blob_to_f32s(blob: &[u8]) -> Vec<f32> {
    blob.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl Store {
    /// A `faces` row's index in its photo and the face (columns 1 to 6).
    pub(super) fn indexed_face(&self, row: &rusqlite::Row) -> Result<(i64, Face), StoreError> {
        let get = |i| row.get_ref(i).and_then(|v| Ok(v.as_blob()?));
        let idx: i64 = row.get(1).map_err(|e| self.err(e))?;
        let bbox = blob_to_f32s(get(2).map_err(|e| self.err(e))?);
        let marks = blob_to_f32s(get(3).map_err(|e| self.err(e))?);
        let mut landmarks = [[0.0f32; 2]; 5];
        for (i, p) in marks.chunks_exact(2).take(5).enumerate() {
            landmarks[i] = [p[0], p[1]];
        }
        let face = Face {
            bbox: [0, 1, 2, 3].map(|i| bbox.get(i).copied().unwrap_or(0.0)),
            landmarks,
            score: row.get::<_, f64>(4).map_err(|e| self.err(e))? as f32,
            embedding: blob_to_f32s(get(5).map_err(|e| self.err(e))?),
            thumb: get(6).map_err(|e| self.err(e))?.to_vec(),
        };
        Ok((idx, face))
    }

    /// Readable paths whose content has not been through the pipeline under
    /// this fingerprint yet.
    pub fn pending(&self) -> Result<usize, StoreError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM files f WHERE f.hash IS NOT NULL AND NOT EXISTS
                 (SELECT 1 FROM content c WHERE c.hash = f.hash AND c.fingerprint = ?1)",
                [&self.fingerprint],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as usize)
            .map_err(|e| self.err(e))
    }

    /// Number of photo paths in the store.
    pub fn count_files(&self) -> Result<usize, StoreError> {
        self.conn
            .query_row("SELECT count(*) FROM files", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.err(e))
    }

    /// Each folder with how many photo paths it holds, in name order: one
    /// pass over the person index, so a front end can list the persons
    /// before the records are read and analysed.
    pub fn person_counts(&self) -> Result<Vec<(String, usize)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT person, count(*) FROM files GROUP BY person ORDER BY person")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The rows of every path, or of the paths filed under `persons`.
    pub fn file_rows(
        &self,
        persons: Option<&BTreeSet<String>>,
    ) -> Result<HashMap<String, FileRow>, StoreError> {
        let mut out = HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT path, person, size, mtime_ns, hash, error FROM files")
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let person: String = row.get(1).map_err(|e| self.err(e))?;
            if persons.is_some_and(|p| !p.contains(&person)) {
                continue;
            }
            let file = FileRow {
                person,
                size: row.get::<_, i64>(2).map_err(|e| self.err(e))? as u64,
                mtime_ns: row.get(3).map_err(|e| self.err(e))?,
                hash: row.get(4).map_err(|e| self.err(e))?,
                error: row.get(5).map_err(|e| self.err(e))?,
            };
            out.insert(row.get(0).map_err(|e| self.err(e))?, file);
        }
        Ok(out)
    }

    /// The paths that hold content `hash`.
    pub fn paths_with_hash(&self, hash: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT path FROM files WHERE hash = ?1")
            .map_err(|e| self.err(e))?;
        let paths = stmt
            .query_map([hash], |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<String>, _>>()
            .map_err(|e| self.err(e))?;
        Ok(paths)
    }

    /// Hashes whose content is stored under this fingerprint.
    pub fn processed_hashes(&self) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT hash FROM content WHERE fingerprint = ?1")
            .map_err(|e| self.err(e))?;
        let hashes = stmt
            .query_map([&self.fingerprint], |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<Result<HashSet<String>, _>>()
            .map_err(|e| self.err(e))?;
        Ok(hashes)
    }

    /// Marks (or unmarks) a photo as reviewed. By path, the mark goes to the
    /// content at that path now. Returns how many marks changed.
    pub fn set_reviewed(&self, target: Reviewed<'_>, reviewed: bool) -> Result<usize, StoreError> {
        let hash = match target {
            Reviewed::Hash(h) => Some(h.to_string()),
            Reviewed::Path(p) => {
                let key = crate::pathkey::key_of(p).unwrap_or_default();
                self.conn
                    .query_row("SELECT hash FROM files WHERE path = ?1", [key], |r| {
                        r.get::<_, Option<String>>(0)
                    })
                    .optional()
                    .map_err(|e| self.err(e))?
                    .flatten()
            }
        };
        let Some(hash) = hash else {
            return Ok(0);
        };
        let sql = if reviewed {
            "INSERT OR IGNORE INTO reviewed (hash) VALUES (?1)"
        } else {
            "DELETE FROM reviewed WHERE hash = ?1"
        };
        self.conn.execute(sql, [hash]).map_err(|e| self.err(e))
    }
}
