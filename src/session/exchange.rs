//! Export and import of the workspace's store ([`crate::exchange`]): the
//! store opened read-only for an export (no scan, nothing embedded), and
//! an import checked against the workspace's fingerprint and the length of
//! its embedder's vectors.

use super::error::SessionError;
use super::events::Event;
use super::open::Session;
use crate::exchange::{self, ExportSummary, Format, ImportSummary};
use std::path::Path;

impl Session {
    /// Writes every photo of the store processed under the workspace's
    /// fingerprint to `out`; photos still waiting for a scan are left out,
    /// with a warning.
    pub fn export(&self, format: Format, out: &Path) -> Result<ExportSummary, SessionError> {
        let store = self.store(false)?;
        let pending = store.pending()?;
        if pending > 0 {
            self.emit(Event::Warning(format!(
                "{pending} photos are not processed yet and are left out; `facecurate scan` first to include them"
            )));
        }
        let photos = store.exchange_photos()?;
        Ok(exchange::export(&photos, &self.fingerprint, format, out)?)
    }

    /// Loads the Parquet file `file` into the workspace's store.
    pub fn import(&self, file: &Path) -> Result<ImportSummary, SessionError> {
        let dim = self
            .ws
            .models
            .files(&self.cache(), &self.manifest)
            .ok()
            .map(|m| m.embedder.output_dim);
        let mut store = self.store(false)?;
        Ok(exchange::import(&mut store, file, dim)?)
    }
}
