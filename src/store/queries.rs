//! Reading the store into [`PhotoRecord`]s and writing scan results in
//! batches. Vectors are stored as little-endian f32 BLOBs so loading the
//! whole dataset is one sequential read with no parsing.

use super::{Store, StoreError};
use crate::pipeline::Face;
use crate::records::{PhotoRecord, PhotoStatus};
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

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

fn f32s_to_blob(values: impl IntoIterator<Item = f32>) -> Vec<u8> {
    values.into_iter().flat_map(f32::to_le_bytes).collect()
}

fn blob_to_f32s(blob: &[u8]) -> Vec<f32> {
    blob.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl Store {
    /// Every photo whose content has been processed under this store's
    /// fingerprint (and every unreadable file), sorted by path, with faces
    /// and embeddings. Photos still waiting for the pipeline are left out;
    /// [`Store::pending`] counts them.
    pub fn records(&self) -> Result<Vec<PhotoRecord>, StoreError> {
        let fp = self.fingerprint.as_str();
        let mut faces: HashMap<String, Vec<(i64, Face)>> = HashMap::new();
        // One sequential pass over the table; faces are put in order per photo below.
        let mut stmt = self
            .conn
            .prepare_cached("SELECT hash, idx, bbox, landmarks, score, embedding, thumb FROM faces WHERE fingerprint = ?1")
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([fp]).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let get = |i| row.get_ref(i).and_then(|v| Ok(v.as_blob()?));
            let hash: String = row.get(0).map_err(|e| self.err(e))?;
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
            faces.entry(hash).or_default().push((idx, face));
        }
        let faces: HashMap<String, Vec<Face>> = faces
            .into_iter()
            .map(|(h, mut v)| {
                v.sort_by_key(|(i, _)| *i);
                (h, v.into_iter().map(|(_, f)| f).collect())
            })
            .collect();
        drop(rows);
        let not_duplicates = self.not_duplicates()?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT f.path, f.person, f.hash, f.error, c.width, c.height, c.error,
                        c.hash IS NOT NULL, r.hash IS NOT NULL
                 FROM files f
                 LEFT JOIN content c ON c.hash = f.hash AND c.fingerprint = ?1
                 LEFT JOIN reviewed r ON r.hash = f.hash
                 ORDER BY f.path",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([fp]).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let file_error: Option<String> = row.get(3).map_err(|e| self.err(e))?;
            let processed: bool = row.get(7).map_err(|e| self.err(e))?;
            if file_error.is_none() && !processed {
                continue;
            }
            let path: String = row.get(0).map_err(|e| self.err(e))?;
            let hash: Option<String> = row.get(2).map_err(|e| self.err(e))?;
            let hash = hash.unwrap_or_default();
            let content_error: Option<String> = row.get(6).map_err(|e| self.err(e))?;
            let status = match file_error.or(content_error) {
                Some(cause) => PhotoStatus::Error(cause),
                None => PhotoStatus::Ok,
            };
            let not_duplicate_of = not_duplicates.get(&hash).cloned().unwrap_or_default();
            out.push(PhotoRecord {
                path: crate::pathkey::path_of(&path),
                person: row.get(1).map_err(|e| self.err(e))?,
                faces: faces.get(&hash).cloned().unwrap_or_default(),
                hash,
                width: row
                    .get::<_, Option<u32>>(4)
                    .map_err(|e| self.err(e))?
                    .unwrap_or(0),
                height: row
                    .get::<_, Option<u32>>(5)
                    .map_err(|e| self.err(e))?
                    .unwrap_or(0),
                status,
                reviewed: row.get(8).map_err(|e| self.err(e))?,
                not_duplicate_of,
            });
        }
        Ok(out)
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
