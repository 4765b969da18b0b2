//! Bringing the store in line with the dataset folder: the store opened
//! (kept aside and restarted when unusable), the scan run with its progress
//! on the session's stream, and a scan that meets damage retried once on a
//! checked store.

use super::error::SessionError;
use super::events::Event;
use super::open::Session;
use crate::dataset::{self, ScanError, ScanOutcome, Shard};
use crate::store::Store;
use std::path::Path;
use std::sync::atomic::AtomicBool;

impl Session {
    /// The workspace's store, reading every page first when `check`; an
    /// unusable one is kept aside (with a warning) and a new one started.
    pub fn store(&self, check: bool) -> Result<Store, SessionError> {
        self.store_at(&self.ws.store_path(), check)
    }

    /// The store at `path` (the workspace's or a shard's), as [`Session::store`].
    pub(super) fn store_at(&self, path: &Path, check: bool) -> Result<Store, SessionError> {
        let store = if check {
            Store::open_checked(path, &self.fingerprint)?
        } else {
            Store::open(path, &self.fingerprint)?
        };
        if let Some(r) = store.recovery() {
            self.emit(Event::Warning(format!(
                "{}: {}; kept it aside as {} and started a new store",
                path.display(),
                r.reason,
                r.kept_aside.display()
            )));
        }
        Ok(store)
    }

    /// Scans with the session's engine (loaded only if a photo needs it),
    /// reporting progress; `stop` ends it after the photos in flight (the
    /// next scan resumes).
    pub fn scan(&self, stop: &AtomicBool) -> Result<(Store, ScanOutcome), SessionError> {
        self.scan_into(&self.ws.store_path(), None, stop)
    }

    /// Scans the whole dataset, or only `shard`, into the store at `path`.
    pub(super) fn scan_into(
        &self,
        path: &Path,
        shard: Option<Shard>,
        stop: &AtomicBool,
    ) -> Result<(Store, ScanOutcome), SessionError> {
        let mut engine = self.lazy_engine();
        // Opening reads only the header (a warm scan must not read the whole
        // store); damage met during the scan makes a checked reopen, which
        // keeps the damaged store aside, and the scan starts over.
        let mut check = false;
        loop {
            let mut store = self.store_at(path, check)?;
            let root = &self.ws.dataset;
            let progress = &mut |p: &dataset::Progress| self.emit(Event::Progress(p.clone()));
            let outcome = dataset::scan_part(&mut store, root, shard, &mut engine, stop, progress);
            match outcome {
                Err(ScanError::Store(e)) if e.is_corrupt() && !check => {
                    self.emit(Event::Warning(format!("{e}; checking the store")));
                    check = true;
                }
                Err(e) => return Err(e.into()),
                Ok(outcome) => return Ok((store, outcome)),
            }
        }
    }

    /// The store after a complete scan; a stopped scan is an error.
    pub fn scanned_store(&self, stop: &AtomicBool) -> Result<Store, SessionError> {
        let (store, outcome) = self.scan(stop)?;
        for w in &outcome.warnings {
            self.emit(Event::Warning(w.clone()));
        }
        if outcome.stopped {
            return Err(SessionError::Stopped);
        }
        Ok(store)
    }
}
