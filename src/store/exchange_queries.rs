//! The store as exchange files carry it ([`crate::exchange`]): each path
//! with its `files` row, what the pipeline made of its content under the
//! store's fingerprint, and its faces, read in one pass; and the same
//! photos written back in one transaction, so an import that fails writes
//! nothing.

use super::error::StoreError;
use super::open::Store;
use super::queries::FileRow;
use super::read_records::Contents;
use crate::pipeline::Face;
use std::collections::HashSet;

/// One path of the store with everything an import needs to rebuild it.
#[derive(Debug, Clone)]
pub struct StoredPhoto {
    /// The store's key: relative to the dataset root, '/'-separated.
    pub path: String,
    pub file: FileRow,
    /// The photo's size in pixels (0 when the file could not be read).
    pub width: u32,
    pub height: u32,
    /// The pipeline's cause when it failed on the content.
    pub content_error: Option<String>,
    /// In index order; empty on a failure or a photo without a face.
    pub faces: Vec<Face>,
}

impl StoredPhoto {
    /// Why the photo has no faces, if it failed: the file's cause, else the
    /// pipeline's.
    pub fn error(&self) -> Option<&str> {
        self.file.error.as_deref().or(self.content_error.as_deref())
    }
}

/// What [`Store::put_photos`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PutSummary {
    /// `files` rows written.
    pub files: usize,
    /// Contents written with their faces.
    pub contents: usize,
    /// Contents already stored under the fingerprint, kept as they were
    /// (with their thumbs).
    pub kept: usize,
}

const PHOTOS: &str = "SELECT path, person, size, mtime_ns, hash, error FROM files ORDER BY path";

impl Store {
    /// Every path whose content went through the pipeline under this
    /// store's fingerprint, and every unreadable one, sorted by path, with
    /// their faces. Paths still waiting for the pipeline are left out
    /// ([`Store::pending`] counts them). Contents are read as
    /// [`Store::records`] reads them (exchange files carry no thumbs:
    /// their pages are not read).
    pub fn exchange_photos(&self) -> Result<Vec<StoredPhoto>, StoreError> {
        self.in_one_state(|| {
            let contents = self.contents(None)?;
            let mut stmt = self.conn.prepare(PHOTOS).map_err(|e| self.err(e))?;
            let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
            let mut out: Vec<StoredPhoto> = Vec::new();
            while let Some(row) = rows.next().map_err(|e| self.err(e))? {
                if let Some(photo) = self.stored_photo(row, &contents)? {
                    out.push(photo);
                }
            }
            Ok(out)
        })
    }

    /// One row of [`PHOTOS`] with its content, or none for a path waiting
    /// for the pipeline.
    fn stored_photo(
        &self,
        row: &rusqlite::Row,
        contents: &Contents,
    ) -> Result<Option<StoredPhoto>, StoreError> {
        let get_err = |e| self.err(e);
        let file_error: Option<String> = row.get(5).map_err(get_err)?;
        let hash: Option<String> = row.get(4).map_err(get_err)?;
        let content = hash.as_deref().and_then(|h| contents.get(h));
        if file_error.is_none() && content.is_none() {
            return Ok(None);
        }
        let file = FileRow {
            person: row.get(1).map_err(get_err)?,
            size: row.get::<_, i64>(2).map_err(get_err)? as u64,
            mtime_ns: row.get(3).map_err(get_err)?,
            hash,
            error: file_error,
        };
        Ok(Some(StoredPhoto {
            path: row.get(0).map_err(get_err)?,
            file,
            width: content.map_or(0, |c| c.width),
            height: content.map_or(0, |c| c.height),
            content_error: content.and_then(|c| c.error.clone()),
            faces: content.map_or_else(Vec::new, |c| {
                c.faces.iter().map(|(_, f)| f.clone()).collect()
            }),
        }))
    }

    /// Writes `photos` in one transaction: each path's `files` row, and
    /// each content not yet stored under the fingerprint with its outcome
    /// and faces. Content already there is kept as it is.
    pub fn put_photos(&mut self, photos: &[StoredPhoto]) -> Result<PutSummary, StoreError> {
        let before = self.processed_hashes()?;
        let batch = self.batch()?;
        let mut summary = PutSummary::default();
        let mut seen: HashSet<&str> = HashSet::new();
        for photo in photos {
            batch.put_file(&photo.path, &photo.file)?;
            summary.files += 1;
            let Some(hash) = photo.file.hash.as_deref() else {
                continue;
            };
            if !seen.insert(hash) {
                continue;
            }
            if before.contains(hash) {
                summary.kept += 1;
                continue;
            }
            let outcome = match &photo.content_error {
                Some(cause) => Err(cause.as_str()),
                None => Ok(photo.faces.as_slice()),
            };
            batch.put_content(hash, photo.width, photo.height, outcome)?;
            summary.contents += 1;
        }
        batch.commit()?;
        Ok(summary)
    }
}
