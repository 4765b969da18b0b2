//! Files the analysis keeps beside the store to save time on the next run:
//! the candidate search ([`crate::analysis::scan_memo`]) and the finished
//! report ([`crate::analysis::saved_report`]). They only save time: one
//! that is missing, torn or from another version is ignored (and replaced
//! after the next analysis), never an error for the analysis. Each is
//! replaced whole by an atomic rename, so a reader never sees half of one.

use super::error::StoreError;
use super::open::Store;
use crate::analysis::Report;
use crate::analysis::saved_report::{self, InputKey};
use crate::analysis::scan_memo::{SavedScan, ScanToSave};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

impl Store {
    /// `store.sqlite` → `store.search`, in the state folder.
    pub fn saved_scan_path(&self) -> PathBuf {
        self.path.with_extension("search")
    }

    /// `store.sqlite` → `store.report`, in the state folder.
    pub fn saved_report_path(&self) -> PathBuf {
        self.path.with_extension("report")
    }

    /// The saved search; `None` when there is none. A file that cannot be
    /// read or decoded is an error naming it (the caller only warns).
    pub fn saved_scan(&self) -> Result<Option<SavedScan>, StoreError> {
        let path = self.saved_scan_path();
        let Some(file) = open_side_file(&path, "read the saved search")? else {
            return Ok(None);
        };
        SavedScan::read_from(file)
            .map(Some)
            .map_err(|message| StoreError::Invalid {
                path,
                message: format!("saved search unusable: {message}"),
            })
    }

    /// Replaces the saved search with `scan`.
    pub fn save_scan(&self, scan: &ScanToSave) -> Result<(), StoreError> {
        replace_side_file(&self.saved_scan_path(), |w| scan.write_to(w))
    }

    /// The saved report when it was computed from inputs with digest `key`;
    /// `None` when there is none or it was computed from others. A file
    /// that cannot be read or decoded is an error naming it.
    pub fn saved_report(&self, key: &InputKey) -> Result<Option<Report>, StoreError> {
        let path = self.saved_report_path();
        let Some(file) = open_side_file(&path, "read the saved report")? else {
            return Ok(None);
        };
        saved_report::read_from(file, key).map_err(|message| StoreError::Invalid {
            path,
            message: format!("saved report unusable: {message}"),
        })
    }

    /// Whether a saved report computed from inputs with digest `key` is
    /// there, judged by its header alone: [`Store::saved_report`] may still
    /// find it torn.
    pub fn has_saved_report(&self, key: &InputKey) -> bool {
        File::open(self.saved_report_path()).is_ok_and(|file| saved_report::saved_for(file, key))
    }

    /// Replaces the saved report with `report`, computed from inputs with
    /// digest `key`.
    pub fn save_report(&self, key: &InputKey, report: &Report) -> Result<(), StoreError> {
        replace_side_file(&self.saved_report_path(), |w| {
            saved_report::write_to(key, report, w)
        })
    }
}

/// The file opened for reading; `None` when it does not exist.
fn open_side_file(path: &Path, action: &'static str) -> Result<Option<File>, StoreError> {
    match File::open(path) {
        Ok(file) => Ok(Some(file)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }),
    }
}

/// What `write` writes, put beside `path` and renamed over it.
fn replace_side_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), StoreError> {
    let io = |action, source| StoreError::Io {
        path: path.to_path_buf(),
        action,
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| io("create a temporary file beside", e))?;
    write(tmp.as_file_mut()).map_err(|e| io("write", e))?;
    tmp.persist(path).map_err(|e| io("replace", e.error))?;
    Ok(())
}
