//! The curation analysis as the front ends ask for it: the workspace's
//! thresholds (with the embedder's scale), run over the store (reusing and
//! saving back its registered pairs) or over a bare folder run through the
//! pipeline.

use super::error::SessionError;
use super::events::Event;
use super::open::Session;
use crate::analysis::{Analysis, Report, Settings};
use crate::records::PhotoRecord;
use crate::store::Store;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

impl Session {
    /// The workspace's analysis thresholds; when the embedder is not the
    /// one they were measured on, a note says which to tune.
    pub fn settings(&self) -> Result<Settings, SessionError> {
        let (settings, note) = crate::analysis::embedder_scale::workspace_settings(&self.ws)?;
        if let Some(note) = note {
            self.emit(Event::Note(note));
        }
        Ok(settings)
    }

    /// The analysis of `records`, read from `store`, reusing and saving back
    /// the store's registered pairs; also the seconds it took. The records
    /// are taken, not copied (a caller that still needs them clones them).
    /// Pairs that cannot be read or saved back only cost time: they are
    /// warned about.
    pub fn review_store(
        &self,
        store: &Store,
        records: Vec<PhotoRecord>,
        settings: Settings,
    ) -> (Report, f64) {
        let start = Instant::now();
        let (analysis, problems) = store.analyse(records, settings);
        let report = analysis.report();
        let seconds = start.elapsed().as_secs_f64();
        for e in problems {
            self.emit(Event::Warning(format!(
                "{e} (remembered analysis results; only costs time)"
            )));
        }
        (report, seconds)
    }

    /// Every photo of `folder` run through the session's pipeline, without
    /// a store; `on_progress(done, total)`.
    pub fn folder_records(
        &self,
        folder: &Path,
        stop: &AtomicBool,
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<PhotoRecord>, SessionError> {
        let p = self.pipeline()?;
        crate::records::from_pipeline(&p.runtime, &p.config, folder, stop, on_progress)
            .map_err(|e| SessionError::Message(e.to_string()))
    }

    /// The analysis of records from anywhere (a folder, a dump), with the
    /// seconds it took.
    pub fn review_records(&self, records: Vec<PhotoRecord>, settings: Settings) -> (Report, f64) {
        let start = Instant::now();
        let report = Analysis::new(records, settings).report();
        (report, start.elapsed().as_secs_f64())
    }
}
