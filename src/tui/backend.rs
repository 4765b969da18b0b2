//! The live backend behind the UI: the watcher keeps the store in step with
//! the folder (scanning and embedding on its own threads), every change is
//! turned into a fresh view, and the user's edits go through the journaled
//! label operations.

use super::Backend;
use super::data::view_of_report;
use super::model::{ClassifierView, Progress};
use super::update::{Effect, Msg};
use crossbeam_channel::Sender;
use facecurate::analysis::{Report, Settings};
use facecurate::classify::retrain::{Retrained, retrain};
use facecurate::config::Workspace;
use facecurate::dataset::LazyEngine;
use facecurate::dataset::watch::{DatasetEvent, Watcher};
use facecurate::jobs::{JobOutcome, Jobs};
use facecurate::ops::Ops;
use facecurate::records::PhotoRecord;
use facecurate::store::Store;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type RetrainJobs = Jobs<&'static str, Result<Retrained, String>>;

/// Retraining in the background: debounced, one pending job at a time (a
/// newer request replaces the stale one), cancelled when superseded.
#[derive(Clone)]
struct Retrainer {
    jobs: Arc<RetrainJobs>,
    view: Arc<Mutex<ClassifierView>>,
    ws: Workspace,
    fingerprint: String,
}

impl Retrainer {
    fn new(ws: Workspace, fingerprint: String, tx: Sender<Msg>) -> Retrainer {
        let jobs: Arc<RetrainJobs> = Arc::new(Jobs::new(Duration::from_secs(2)));
        let view = Arc::new(Mutex::new(ClassifierView::default()));
        let (results, shown) = (jobs.results().clone(), Arc::clone(&view));
        std::thread::spawn(move || {
            for result in results {
                let outcome = match result.outcome {
                    JobOutcome::Done(outcome) => outcome,
                    JobOutcome::Cancelled => continue,
                    JobOutcome::Panicked(message) => Err(message),
                };
                let Ok(mut v) = shown.lock() else { return };
                v.training = false;
                match outcome {
                    Ok(r) => {
                        v.previous_accuracy = v.accuracy;
                        v.accuracy = r.accuracy;
                        v.classes = r.classes;
                        v.confused = r
                            .confused
                            .into_iter()
                            .map(|c| (c.person, c.taken_for, c.count))
                            .collect();
                    }
                    Err(e) => {
                        let _ = tx.send(Msg::Failed(format!("classifier: {e}")));
                    }
                }
                if tx.send(Msg::Classifier(v.clone())).is_err() {
                    return;
                }
            }
        });
        Retrainer {
            jobs,
            view,
            ws,
            fingerprint,
        }
    }

    fn request(&self, tx: &Sender<Msg>) {
        if let Ok(mut v) = self.view.lock() {
            v.training = true;
            let _ = tx.send(Msg::Classifier(v.clone()));
        }
        let (ws, fp) = (self.ws.clone(), self.fingerprint.clone());
        self.jobs.submit("retrain", move |stop| {
            let records = Store::open(&ws.store_path(), &fp)
                .and_then(|s| s.records())
                .map_err(|e| e.to_string())?;
            let manifest = facecurate::models::Manifest::builtin().map_err(|e| e.to_string())?;
            let embedder = facecurate::dataset::embedder_identity(&ws, &manifest)?;
            retrain(&records, &ws.classifier_dir(), &embedder, stop).map_err(|e| e.to_string())
        });
    }
}

pub struct LiveBackend {
    ws: Workspace,
    fingerprint: String,
    engine: Option<LazyEngine>,
    watcher: Option<Watcher>,
    provider: String,
    retrainer: Option<Retrainer>,
}

impl LiveBackend {
    pub fn new(
        ws: Workspace,
        fingerprint: String,
        engine: LazyEngine,
        provider: String,
    ) -> LiveBackend {
        LiveBackend {
            ws,
            fingerprint,
            engine: Some(engine),
            watcher: None,
            provider,
            retrainer: None,
        }
    }

    fn send_view(&self, tx: &Sender<Msg>) {
        send_view(&self.ws, &self.fingerprint, tx);
    }

    /// Finishes an edit a crash interrupted (the journal rolls it forward)
    /// before anything is shown, and says so.
    fn recover(&self, tx: &Sender<Msg>) {
        let opened =
            Store::open(&self.ws.store_path(), &self.fingerprint).map_err(|e| e.to_string());
        let recovered = opened.and_then(|mut store| {
            Ops::open(
                &self.ws.dataset,
                &self.ws.journal_dir(),
                &self.ws.trash_dir(),
                &mut store,
            )
            .map(|(_, lines)| lines)
            .map_err(|e| e.to_string())
        });
        match recovered {
            Ok(lines) if lines.is_empty() => {}
            Ok(lines) => {
                let _ = tx.send(Msg::Done(lines.join("; ")));
            }
            Err(e) => {
                let _ = tx.send(Msg::Failed(e));
            }
        }
    }
}

/// [`view`], with a panic in the analysis reported instead of ending the
/// thread that refreshes the view.
fn send_view(ws: &Workspace, fingerprint: &str, tx: &Sender<Msg>) {
    if let Err(message) = facecurate::panics::catch(|| view(ws, fingerprint, tx)) {
        let _ = tx.send(Msg::Failed(format!("analysis: {message}")));
    }
}

fn view(ws: &Workspace, fingerprint: &str, tx: &Sender<Msg>) {
    let settings = match facecurate::analysis::embedder_scale::workspace_settings(ws) {
        Ok((s, note)) => {
            static NOTED: std::sync::Once = std::sync::Once::new();
            if let Some(note) = note {
                NOTED.call_once(|| {
                    let _ = tx.send(Msg::Done(note));
                });
            }
            s
        }
        Err(e) => {
            let _ = tx.send(Msg::Failed(e.to_string()));
            Settings::default()
        }
    };
    match analyse(ws, fingerprint, settings) {
        Ok((records, report)) => {
            let _ = tx.send(Msg::Data(view_of_report(&ws.dataset, &records, report)));
        }
        Err(e) => {
            let _ = tx.send(Msg::Failed(e.to_string()));
        }
    }
}

/// The store's records and their analysis, reusing (and saving back) the
/// store's registered pairs: a fresh view after an edit then costs little
/// more than reading the store.
fn analyse(
    ws: &Workspace,
    fingerprint: &str,
    settings: Settings,
) -> Result<(Vec<PhotoRecord>, Report), facecurate::store::StoreError> {
    let store = Store::open(&ws.store_path(), fingerprint)?;
    let records = store.records()?;
    // A memo that cannot be read or written only costs time.
    let (analysis, _) = store.analyse(records.clone(), settings);
    Ok((records, analysis.report()))
}

impl Backend for LiveBackend {
    fn start(&mut self, tx: &Sender<Msg>) {
        self.recover(tx);
        // What the store already knows shows at once; the scan then catches up.
        self.send_view(tx);
        let retrainer = Retrainer::new(self.ws.clone(), self.fingerprint.clone(), tx.clone());
        self.retrainer = Some(retrainer.clone());
        let Some(engine) = self.engine.take() else {
            return;
        };
        let (ev_tx, ev_rx) = crossbeam_channel::unbounded::<DatasetEvent>();
        match Watcher::start(
            &self.ws.dataset,
            &self.ws.store_path(),
            &self.fingerprint,
            engine,
            self.ws.watch.clone(),
            true,
            ev_tx,
        ) {
            Ok(w) => self.watcher = Some(w),
            Err(e) => {
                let _ = tx.send(Msg::Failed(e.to_string()));
                return;
            }
        }
        let (ws, fp, tx, provider) = (
            self.ws.clone(),
            self.fingerprint.clone(),
            tx.clone(),
            self.provider.clone(),
        );
        std::thread::spawn(move || {
            let started = Instant::now();
            while let Ok(first) = ev_rx.recv() {
                // Coalesce a burst of events into one refresh.
                let mut refresh = false;
                for ev in std::iter::once(first).chain(ev_rx.try_iter()) {
                    match ev {
                        DatasetEvent::Progress(p) => {
                            let secs = started.elapsed().as_secs_f64().max(1e-3);
                            let rate = p.done as f64 / secs;
                            let progress = Progress {
                                done: p.done,
                                total: p.total,
                                failed: 0,
                                faces_per_s: p.faces as f64 / secs,
                                eta_s: (rate > 0.0)
                                    .then(|| p.total.saturating_sub(p.done) as f64 / rate),
                                provider: provider.clone(),
                                activity: None,
                            };
                            if tx.send(Msg::Progress(progress)).is_err() {
                                return;
                            }
                            // Show photos as they are embedded, not only at the end.
                            refresh |= p.done % 200 == 0;
                        }
                        DatasetEvent::Scanned { summary, changes } => {
                            if !changes.is_empty() || summary.photos > 0 {
                                retrainer.request(&tx);
                            }
                            let _ = tx.send(Msg::Progress(Progress {
                                done: summary.photos,
                                total: summary.photos,
                                provider: provider.clone(),
                                ..Progress::default()
                            }));
                            refresh = true;
                        }
                        DatasetEvent::Changed(_) => {
                            retrainer.request(&tx);
                            refresh = true;
                        }
                        DatasetEvent::Warning { message } => {
                            let _ = tx.send(Msg::Failed(message));
                        }
                        DatasetEvent::Stopped { cause } => {
                            let _ = tx.send(Msg::Failed(format!("watching stopped: {cause}")));
                        }
                    }
                }
                if refresh {
                    send_view(&ws, &fp, &tx);
                }
            }
        });
    }

    fn apply(&mut self, effect: Effect, tx: &Sender<Msg>) {
        let result = (|| -> Result<String, String> {
            let mut store =
                Store::open(&self.ws.store_path(), &self.fingerprint).map_err(|e| e.to_string())?;
            let (mut ops, recovered) = Ops::open(
                &self.ws.dataset,
                &self.ws.journal_dir(),
                &self.ws.trash_dir(),
                &mut store,
            )
            .map_err(|e| e.to_string())?;
            let recovered = recovered.join("; ");
            let text = match effect {
                Effect::Move { photo, to } => ops
                    .mv(&[self.ws.dataset.join(&photo)], &to, true)
                    .map(|c| c.description),
                Effect::Delete { photo } => ops
                    .rm(&[self.ws.dataset.join(&photo)])
                    .map(|c| c.description),
                Effect::Reviewed { photo } => ops
                    .ok(&[self.ws.dataset.join(&photo)])
                    .map(|c| c.description),
                Effect::NotDuplicate { a, b } => ops
                    .not_duplicate(&self.ws.dataset.join(&a), &self.ws.dataset.join(&b))
                    .map(|c| c.description),
                Effect::Undo => ops.undo().map(|c| {
                    c.map(|c| c.description)
                        .unwrap_or_else(|| "nothing to undo".into())
                }),
                Effect::Redo => ops.redo().map(|c| {
                    c.map(|c| c.description)
                        .unwrap_or_else(|| "nothing to redo".into())
                }),
                Effect::Retrain => Ok("retraining the classifier".into()),
            }
            .map_err(|e| e.to_string())?;
            Ok(if recovered.is_empty() {
                text
            } else {
                format!("{recovered}; {text}")
            })
        })();
        match result {
            Ok(text) => {
                // Every change of labels (and the retrain key) retrains in the background.
                if let Some(r) = &self.retrainer {
                    r.request(tx);
                }
                let _ = tx.send(Msg::Done(text));
            }
            Err(e) => {
                let _ = tx.send(Msg::Failed(e));
            }
        }
        self.send_view(tx);
    }
}
