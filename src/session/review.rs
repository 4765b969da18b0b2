//! The curation analysis as the front ends ask for it: the workspace's
//! thresholds (with the embedder's scale), run over the store (reusing and
//! saving back its registered pairs) or over a bare folder run through the
//! pipeline.

use super::error::SessionError;
use super::events::Event;
use super::open::Session;
use crate::analysis::saved_report;
use crate::analysis::{Analysis, Report, Settings};
use crate::records::PhotoRecord;
use crate::records::face_table::FaceTable;
use crate::store::{StateToken, Store, StoreError};
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

    /// The persons' folders with their photo counts, straight from the
    /// store's index and without the inbox: what a front end shows while
    /// the records load and the analysis runs (a fraction of a second at a
    /// million photos, against tens of seconds for the whole view).
    pub fn person_counts(&self, store: &Store) -> Result<Vec<(String, usize)>, SessionError> {
        let mut counts = store.person_counts()?;
        counts.retain(|(person, _)| *person != self.ws.inbox);
        Ok(counts)
    }

    /// The analysis of `records`, read from `store` in state `state` (see
    /// [`Store::snapshot`]), reusing and saving back the store's registered
    /// pairs and search; also the seconds it took. When nothing it depends
    /// on changed since the last one (the store's state, the settings, the
    /// program), the report saved then is the answer.
    /// The records are taken, not copied (a caller that still needs them
    /// clones them). Side files that cannot be read or saved back only cost
    /// time: they are warned about.
    pub fn review_store(
        &self,
        store: &Store,
        records: Vec<PhotoRecord>,
        state: StateToken,
        settings: Settings,
    ) -> (Report, f64) {
        let start = Instant::now();
        let key = self.report_key(store, state, &settings);
        if let Some(report) = key.and_then(|key| self.saved_under(store, &key)) {
            return (report, start.elapsed().as_secs_f64());
        }
        let report = self.analyse_saving(store, records, key, settings);
        (report, start.elapsed().as_secs_f64())
    }

    /// [`Session::review_store`] for a front end that shows the photos
    /// beside their report: their faces come back with it, as a
    /// [`FaceTable`] (half the records' memory at a million photos). When
    /// the saved report answers, the table is made from `records` before
    /// that report is read, so the two are never held whole at once. When
    /// the analysis runs it takes the records (their vectors move into its
    /// own array), and they are read again once it is done: a copy kept
    /// beside it held every face twice, where reading them again takes
    /// seconds beside the analysis's minutes.
    pub fn review_with_faces(
        &self,
        store: &Store,
        mut records: Vec<PhotoRecord>,
        state: StateToken,
        settings: Settings,
    ) -> Result<(Report, FaceTable), SessionError> {
        let key = self.report_key(store, state, &settings);
        if let Some(key) = key.as_ref().filter(|k| store.has_saved_report(k)) {
            let faces = FaceTable::new(records);
            if let Some(report) = self.saved_under(store, key) {
                return Ok((report, faces));
            }
            // Unusable after all (warned about): analysed as if never saved.
            drop(faces);
            records = self.split_inbox(store.records()?).0;
        }
        let report = self.analyse_saving(store, records, key, settings);
        let (records, _inbox) = self.split_inbox(store.records()?);
        Ok((report, FaceTable::new(records)))
    }

    /// The analysis of `records` and its report, saved under `key` when
    /// it was made without trouble.
    fn analyse_saving(
        &self,
        store: &Store,
        records: Vec<PhotoRecord>,
        key: Option<saved_report::InputKey>,
        settings: Settings,
    ) -> Report {
        let (analysis, problems) = store.analyse(records, settings);
        let report = analysis.report();
        // A thumb that could not be read makes this report differ from
        // the next one's: only a report made without trouble is kept.
        let clean = problems.is_empty();
        let saved = match key.filter(|_| clean) {
            Some(key) => store.save_report(&key, &report).err(),
            None => None,
        };
        self.warn_side_files(problems.into_iter().chain(saved));
        report
    }

    /// The report of `store` as `report` gives it, with the inbox's
    /// records: the report saved for this state of the store when there is
    /// one (then only the inbox's records are read), else
    /// [`Session::review_store`] over every record.
    pub fn report_store(
        &self,
        store: &Store,
        settings: Settings,
    ) -> Result<(Report, Vec<PhotoRecord>), SessionError> {
        if let Some(report) = self.saved_review(store, store.state_token()?, &settings) {
            return Ok((report, store.records_of(self.inbox_name())?));
        }
        let (records, state) = store.snapshot()?;
        let (records, inbox) = self.split_inbox(records);
        let (report, _) = self.review_store(store, records, state, settings);
        Ok((report, inbox))
    }

    /// The report saved for the store in state `state` under `settings`,
    /// if there is one: what [`Session::review_store`] would answer, found
    /// without reading the records.
    pub fn saved_review(
        &self,
        store: &Store,
        state: StateToken,
        settings: &Settings,
    ) -> Option<Report> {
        let key = self.report_key(store, state, settings)?;
        self.saved_under(store, &key)
    }

    /// The report saved under `key`; a saved file that cannot be used is
    /// warned about.
    fn saved_under(&self, store: &Store, key: &saved_report::InputKey) -> Option<Report> {
        store.saved_report(key).unwrap_or_else(|e| {
            self.warn_side_files([e]);
            None
        })
    }

    fn report_key(
        &self,
        store: &Store,
        state: StateToken,
        settings: &Settings,
    ) -> Option<saved_report::InputKey> {
        saved_report::input_key(&saved_report::Inputs {
            state: state.0,
            fingerprint: store.fingerprint(),
            inbox: self.inbox_name(),
            settings,
        })
    }

    fn warn_side_files(&self, problems: impl IntoIterator<Item = StoreError>) {
        for e in problems {
            self.emit(Event::Warning(format!(
                "{e} (remembered analysis results; only costs time)"
            )));
        }
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
