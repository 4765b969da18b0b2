//! The watcher keeps one store connection open for as long as the UI runs,
//! and the file under it can be deleted, replaced or truncated meanwhile (a
//! user cleaning the state folder, a full disk, a sync tool). SQLite would
//! go on writing into a deleted file while every new reader finds an empty
//! one, or fail on every query of a truncated one. The guard notices either,
//! closes the old connection, reopens the store (keeping a damaged file
//! aside) and lets the watcher rebuild it from the dataset folder, saying so.

use crate::store::{Store, StoreError};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often the store file is looked at.
const EVERY: Duration = Duration::from_millis(500);
/// A store that fails again this soon after a rebuild is not rebuilt again.
const REBUILD_AT_MOST_EVERY: Duration = Duration::from_secs(10);
/// SQLite's header is 100 bytes: a shorter file is no database.
const HEADER: u64 = 100;

pub(super) struct StoreGuard {
    path: PathBuf,
    fingerprint: String,
    identity: Option<(u64, u64)>,
    looked: Instant,
    rebuilt: Option<Instant>,
}

fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

impl StoreGuard {
    pub fn new(store: &Store) -> StoreGuard {
        StoreGuard {
            path: store.path().to_path_buf(),
            fingerprint: store.fingerprint().to_string(),
            identity: identity(store.path()),
            looked: Instant::now(),
            rebuilt: None,
        }
    }

    /// Why the file at the store's path is no longer the store that is open
    /// (looked at most every half second), if it is not.
    pub fn damage(&mut self) -> Option<String> {
        if self.looked.elapsed() < EVERY {
            return None;
        }
        self.looked = Instant::now();
        match std::fs::metadata(&self.path) {
            Err(_) => Some("the store file was deleted".into()),
            Ok(m) if Some((m.dev(), m.ino())) != self.identity => {
                Some("the store file was replaced".into())
            }
            Ok(m) if m.len() < HEADER => {
                Some(format!("the store file was truncated to {} bytes", m.len()))
            }
            Ok(_) => None,
        }
    }

    /// True when a store error may be damage worth one rebuild.
    pub fn may_rebuild(&self, e: &StoreError) -> bool {
        let recent = self
            .rebuilt
            .is_some_and(|t| t.elapsed() < REBUILD_AT_MOST_EVERY);
        !recent && matches!(e, StoreError::Sqlite { .. })
    }

    /// Closes `store` and opens it again from its path, checking every page
    /// and keeping a damaged file aside. Returns what to tell the user.
    pub fn reopen(&mut self, store: &mut Store, why: &str) -> Result<String, StoreError> {
        // The old connection closes before the path is opened again: on
        // close SQLite removes the -wal and -shm files by name, which must
        // not be the new store's.
        let old = std::mem::replace(store, Store::placeholder(&self.fingerprint)?);
        drop(old);
        *store = Store::open_checked(&self.path, &self.fingerprint)?;
        self.identity = identity(&self.path);
        self.rebuilt = Some(Instant::now());
        let aside = store
            .recovery()
            .map(|r| format!(" (the damaged file is kept as {})", r.kept_aside.display()))
            .unwrap_or_default();
        Ok(format!(
            "{}: {why}; rebuilding it from the dataset folder{aside}",
            self.path.display()
        ))
    }
}
