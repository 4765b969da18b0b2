//! The analysis's saved candidate search (see
//! [`crate::analysis::scan_memo`]) in a file beside the store, so that a
//! warm `report` does not repeat the n² cosine scan. The file only saves
//! time: one that is missing, torn or from another version is ignored
//! (and replaced after the next search), never an error for the analysis.

use super::error::StoreError;
use super::open::Store;
use crate::analysis::scan_memo::SavedScan;
use std::io::Write;
use std::path::PathBuf;

impl Store {
    /// `store.sqlite` → `store.search`, in the state folder.
    pub fn saved_scan_path(&self) -> PathBuf {
        self.path.with_extension("search")
    }

    /// The saved search; `None` when there is none. A file that cannot be
    /// read or decoded is an error naming it (the caller only warns).
    pub fn saved_scan(&self) -> Result<Option<SavedScan>, StoreError> {
        let path = self.saved_scan_path();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(StoreError::Io {
                    path,
                    action: "read the saved search",
                    source,
                });
            }
        };
        SavedScan::decode(&bytes)
            .map(Some)
            .map_err(|message| StoreError::Invalid {
                path,
                message: format!("saved search unusable: {message}"),
            })
    }

    /// Replaces the saved search with `scan`, by an atomic rename.
    pub fn save_scan(&self, scan: &SavedScan) -> Result<(), StoreError> {
        let path = self.saved_scan_path();
        let io = |action, source| StoreError::Io {
            path: path.clone(),
            action,
            source,
        };
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        let mut tmp =
            tempfile::NamedTempFile::new_in(dir).map_err(|e| io("create the saved search", e))?;
        tmp.write_all(&scan.encode())
            .map_err(|e| io("write the saved search", e))?;
        tmp.persist(&path)
            .map_err(|e| io("replace the saved search", e.error))?;
        Ok(())
    }
}
