//! The store as the analysis's [`ThumbSource`]: [`Store::records`] leaves
//! every face's thumb out (most of a face's bytes), and the analysis reads
//! the few it needs through a read-only connection of its own, which it
//! can keep for as long as it lives (the TUI's analysis outlives any one
//! query).

use super::error::StoreError;
use super::open::Store;
use crate::analysis::ThumbSource;
use crate::pipeline::THUMB_SIDE;
use rusqlite::{Connection, OpenFlags};
use std::collections::HashSet;
use std::sync::Mutex;

/// Thumbs of one store under one fingerprint.
pub struct StoreThumbs {
    conn: Mutex<Connection>,
    fingerprint: String,
    /// Faces stored without a thumb (imported ones), by (hash, index).
    thumbless: HashSet<(String, usize)>,
}

impl Store {
    /// A source of this store's thumbs for the analysis.
    pub fn thumb_source(&self) -> Result<StoreThumbs, StoreError> {
        let err = |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        };
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(err)?;
        let full = (THUMB_SIDE * THUMB_SIDE) as i64;
        let mut stmt = conn
            .prepare("SELECT hash, idx FROM faces WHERE fingerprint = ?1 AND length(thumb) != ?2")
            .map_err(err)?;
        let thumbless = stmt
            .query_map(rusqlite::params![self.fingerprint, full], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
            })
            .map_err(err)?
            .collect::<Result<HashSet<_>, _>>()
            .map_err(err)?;
        drop(stmt);
        Ok(StoreThumbs {
            conn: Mutex::new(conn),
            fingerprint: self.fingerprint.clone(),
            thumbless,
        })
    }
}

impl ThumbSource for StoreThumbs {
    fn thumbs(&self, faces: &[(String, usize)]) -> Result<Vec<Option<Vec<u8>>>, String> {
        let conn = self
            .conn
            .lock()
            .map_err(|_| "the thumb reader failed earlier".to_string())?;
        let read = || -> rusqlite::Result<Vec<Option<Vec<u8>>>> {
            let mut stmt = conn.prepare_cached(
                "SELECT thumb FROM faces WHERE hash = ?1 AND fingerprint = ?2 AND idx = ?3",
            )?;
            faces
                .iter()
                .map(|(hash, idx)| {
                    let thumb: Option<Vec<u8>> = stmt
                        .query_row(
                            rusqlite::params![hash, self.fingerprint, *idx as i64],
                            |r| r.get::<_, Vec<u8>>(0).map(Some),
                        )
                        .or_else(|e| match e {
                            rusqlite::Error::QueryReturnedNoRows => Ok(None),
                            e => Err(e),
                        })?;
                    Ok(thumb.filter(|t| !t.is_empty()))
                })
                .collect()
        };
        read().map_err(|e| format!("cannot read face thumbs: {}", super::error::describe(&e)))
    }

    fn has_thumb(&self, hash: &str, face: usize) -> bool {
        !self.thumbless.contains(&(hash.to_string(), face))
    }
}
