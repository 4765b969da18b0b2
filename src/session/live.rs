//! The session kept live: the watcher keeping the store in step with the
//! folder, its events forwarded into the session's stream, and the
//! classifier retrained in the background whenever labels change — debounced,
//! at most one pending job (a newer request replaces a stale one, and a
//! running one is cancelled when superseded).

use super::error::SessionError;
use super::events::{ClassifierEvent, Event};
use super::open::Session;
use crate::classify::ClassifyError;
use crate::classify::FitCache;
use crate::classify::retrain::Retrained;
use crate::dataset::{DatasetEvent, Watcher};
use crate::jobs::{JobOutcome, Jobs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

impl Session {
    /// Starts watching the dataset (after a full scan when `scan_first`);
    /// what it sees arrives as [`Event::Dataset`]. `poll` forces polling.
    pub fn watch(&self, scan_first: bool, poll: bool) -> Result<Watcher, SessionError> {
        let (tx, rx) = crossbeam_channel::unbounded::<DatasetEvent>();
        let mut settings = self.ws.watch.clone();
        settings.poll |= poll;
        let watcher = Watcher::start(
            &self.ws.dataset,
            &self.ws.store_path(),
            &self.fingerprint,
            self.lazy_engine(),
            settings,
            scan_first,
            tx,
        )?;
        let sink = self.sink.clone();
        // Ends when the watcher stops and drops its sender.
        std::thread::spawn(move || {
            for event in rx {
                sink(Event::Dataset(event));
            }
        });
        Ok(watcher)
    }
}

type RetrainJobs = Jobs<&'static str, Result<Option<Retrained>, String>>;

/// Background retraining of the session's classifier.
#[derive(Clone)]
pub struct Retrainer {
    jobs: Arc<RetrainJobs>,
    session: Session,
    /// Every person's fits from the last run, so that a label change refits
    /// only the persons it touches (loaded from the state folder at first).
    fits: Arc<Mutex<Option<FitCache>>>,
}

impl Retrainer {
    /// Outcomes arrive as [`Event::Classifier`] on the session's sink.
    pub fn new(session: &Session) -> Retrainer {
        let jobs: Arc<RetrainJobs> = Arc::new(Jobs::new(Duration::from_secs(2)));
        let (results, sink) = (jobs.results().clone(), session.sink.clone());
        std::thread::spawn(move || {
            for result in results {
                let event = match result.outcome {
                    JobOutcome::Done(Ok(Some(r))) => ClassifierEvent::Trained(r),
                    JobOutcome::Done(Ok(None)) => ClassifierEvent::TooSmall(
                        "the dataset is too small to train on: it needs 2 persons with enough photos"
                            .to_string(),
                    ),
                    JobOutcome::Done(Err(e)) | JobOutcome::Panicked(e) => {
                        ClassifierEvent::Failed(e)
                    }
                    JobOutcome::Cancelled => continue,
                };
                sink(Event::Classifier(event));
            }
        });
        Retrainer {
            jobs,
            session: session.clone(),
            fits: Arc::default(),
        }
    }

    /// Asks for a retrain soon; says at once that training is under way.
    pub fn request(&self) {
        self.session
            .emit(Event::Classifier(ClassifierEvent::Training));
        let (session, fits) = (self.session.clone(), self.fits.clone());
        self.jobs.submit("retrain", move |stop| {
            let retrained = match fits.lock() {
                Ok(mut held) => session.retrain_cached(stop, &mut held),
                // A run that panicked holding it: start from the saved cache.
                Err(_) => session.retrain(stop),
            };
            // Too few persons is a state of the dataset, not a failure.
            match retrained {
                Ok(r) => Ok(Some(r)),
                Err(SessionError::Classify(ClassifyError::TooFewClasses(_))) => Ok(None),
                Err(e) => Err(e.to_string()),
            }
        });
    }
}
