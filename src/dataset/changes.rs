//! What a reconciliation changed, in the words the analyses and the TUI
//! use: kept apart from the scan and the watcher, which both produce it, so
//! neither has to reach back into the module that declares them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What one reconciliation changed, as the analyses and the TUI need it.
/// Paths are relative to the dataset root.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Changes {
    /// Photos that were not in the store.
    pub added: Vec<PathBuf>,
    /// Photos whose content changed in place (re-embedded).
    pub changed: Vec<PathBuf>,
    /// Same content under a new path: (from, to). Never re-embedded.
    pub moved: Vec<(PathBuf, PathBuf)>,
    pub removed: Vec<PathBuf>,
    /// Photos that could not be read or processed, with the cause (their
    /// store rows say so too).
    pub failed: Vec<(PathBuf, String)>,
    /// Every person folder touched by any of the above.
    pub persons: BTreeSet<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.changed.is_empty()
            && self.moved.is_empty()
            && self.removed.is_empty()
            && self.failed.is_empty()
    }

    pub(super) fn touch(&mut self, path: &Path) {
        if let Some(person) = person_of(path) {
            self.persons.insert(person);
        }
    }
}

/// The person folder a dataset-relative path is filed under.
pub fn person_of(path: &Path) -> Option<String> {
    let mut parts = path.components();
    let first = crate::pathkey::name_of(parts.next()?.as_os_str()).ok()?;
    parts.next().map(|_| first)
}
