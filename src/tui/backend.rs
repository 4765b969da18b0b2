//! The live backend behind the UI, a thin adapter over the library
//! [`Session`]: the session's watcher keeps the store in step with the
//! folder, its retrainer keeps the classifier current, and its journaled
//! edits carry out the user's changes. This file only turns the session's
//! events into the UI's messages and decides when to refresh the view.

use super::Backend;
use super::data::{glance_view, inbox_rows, view_of_report};
use super::person_maps;
use super::state::model::{ClassifierView, Progress, RecallRow};
use super::state::update::{Effect, Msg};
use crossbeam_channel::Sender;
use facecurate::analysis::Settings;
use facecurate::dataset::{DatasetEvent, Watcher};
use facecurate::ops::{Change, OpError, Ops};
use facecurate::session::{ClassifierEvent, Event, Retrainer, Session, SessionError};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub struct LiveBackend {
    session: Session,
    /// The workspace's analysis thresholds, read once at start.
    settings: Settings,
    provider: String,
    watcher: Option<Watcher>,
    retrainer: Option<Retrainer>,
}

impl LiveBackend {
    pub fn new(session: Session, provider: String) -> LiveBackend {
        LiveBackend {
            session,
            settings: Settings::default(),
            provider,
            watcher: None,
            retrainer: None,
        }
    }

    /// Finishes an edit a crash interrupted (the journal rolls it forward)
    /// before anything is shown, and says so.
    fn recover(&self, tx: &Sender<Msg>) {
        match self.session.recover() {
            Ok(lines) if lines.is_empty() => {}
            Ok(lines) => {
                let _ = tx.send(Msg::Done(lines.join("; ")));
            }
            Err(e) => {
                let _ = tx.send(Msg::Failed(e.to_string()));
            }
        }
    }
}

/// The view of the store's records and their analysis (the store's
/// registered pairs reused and saved back, so a fresh view after an edit
/// costs little more than reading the store); a panic in the analysis is
/// reported instead of ending the thread that refreshes the view.
fn send_view(session: &Session, settings: &Settings, tx: &Sender<Msg>) {
    let view = || -> Result<Msg, SessionError> {
        let settings = settings.clone();
        let store = session.store(false)?;
        // The inbox is never a person: the analysis does not see it.
        let (records, state) = store.snapshot()?;
        let (records, inbox) = session.split_inbox(records);
        let (report, faces) = session.review_with_faces(&store, records, state, settings)?;
        let root = &session.workspace().dataset;
        let mut view = view_of_report(root, &faces, report);
        view.inbox = inbox_rows(&session.inbox_predictions(&inbox, None));
        // The first frame does not wait for the maps: they follow.
        let wanted = person_maps::wanted(&view);
        let _ = tx.send(Msg::Data(view));
        Ok(Msg::Maps(person_maps::maps(&faces, &wanted)))
    };
    let msg = match facecurate::panics::catch(view) {
        Ok(Ok(msg)) => msg,
        Ok(Err(e)) => Msg::Failed(e.to_string()),
        Err(message) => Msg::Failed(format!("analysis: {message}")),
    };
    let _ = tx.send(msg);
}

/// The persons' folders with their photo counts, before the records load
/// and the analysis runs (tens of seconds at a million photos); the full
/// view replaces it. A store that cannot be read is left to `send_view` to
/// report, once.
fn send_glance(session: &Session, tx: &Sender<Msg>) {
    let counts = session
        .store(false)
        .and_then(|store| session.person_counts(&store));
    if let Some(counts) = counts.ok().filter(|c| !c.is_empty()) {
        let _ = tx.send(Msg::Data(glance_view(&session.workspace().dataset, counts)));
    }
}

/// Turns the session's events into the UI's messages: scan progress with
/// its rate and ETA, the classifier's state, notes and warnings. Dataset
/// changes are handed on to the refresher.
struct Relay {
    tx: Sender<Msg>,
    provider: String,
    started: Instant,
    classifier: Mutex<ClassifierView>,
    changes: Sender<DatasetEvent>,
    /// Predicts the inbox again after each retrain (its events unheard, so
    /// it never feeds back into this relay).
    inbox: Session,
}

impl Relay {
    fn relay(&self, event: Event) {
        let msg = match event {
            // Diagnostics go to the log (stderr is redirected while the UI runs).
            Event::Log(line) => {
                eprintln!("facecurate: {line}");
                return;
            }
            Event::Note(text) => Msg::Done(text),
            Event::Warning(text) => Msg::Failed(text),
            Event::Progress(p) => self.progress(p.done, p.total, p.faces),
            Event::Dataset(event) => {
                let _ = self.changes.send(event);
                return;
            }
            Event::Classifier(event) => {
                let trained = matches!(event, ClassifierEvent::Trained(_));
                let _ = self.tx.send(Msg::Classifier(self.classifier(event)));
                if trained {
                    self.predict_inbox();
                }
                return;
            }
        };
        let _ = self.tx.send(msg);
    }

    /// Every label change retrains; the new model's answers on the inbox
    /// follow here, off the UI thread.
    fn predict_inbox(&self) {
        let store = match self.inbox.store(false) {
            Ok(store) => store,
            Err(e) => {
                let _ = self.tx.send(Msg::Failed(format!("inbox: {e}")));
                return;
            }
        };
        match store.records() {
            Ok(records) => {
                let (_, inbox) = self.inbox.split_inbox(records);
                let rows = inbox_rows(&self.inbox.inbox_predictions(&inbox, None));
                let _ = self.tx.send(Msg::Inbox(rows));
            }
            Err(e) => {
                let _ = self.tx.send(Msg::Failed(format!("inbox: {e}")));
            }
        }
    }

    fn progress(&self, done: usize, total: usize, faces: usize) -> Msg {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = done as f64 / secs;
        Msg::Progress(Progress {
            done,
            total,
            failed: 0,
            faces_per_s: faces as f64 / secs,
            eta_s: (rate > 0.0).then(|| total.saturating_sub(done) as f64 / rate),
            provider: self.provider.clone(),
            activity: None,
        })
    }

    fn classifier(&self, event: ClassifierEvent) -> ClassifierView {
        let Ok(mut v) = self.classifier.lock() else {
            return ClassifierView::default();
        };
        v.training = matches!(event, ClassifierEvent::Training);
        match event {
            ClassifierEvent::Training => {}
            ClassifierEvent::Trained(r) => {
                v.state = None;
                v.previous_accuracy = v.accuracy;
                v.accuracy = r.accuracy;
                v.classes = r.classes;
                v.confused = r
                    .confused
                    .into_iter()
                    .map(|c| (c.person, c.taken_for, c.count))
                    .collect();
                v.recall = r
                    .per_class
                    .into_iter()
                    .filter(|c| c.photos > 0)
                    .map(|c| RecallRow {
                        person: c.person,
                        photos: c.photos,
                        recall: c.recall,
                    })
                    .collect();
                v.seconds = Some(r.seconds);
                v.refits = Some((r.refitted, r.reused));
                v.history.extend(r.accuracy);
            }
            ClassifierEvent::TooSmall(why) => {
                v.accuracy = None;
                v.classes = 0;
                v.confused.clear();
                v.recall.clear();
                v.state = Some(why);
            }
            ClassifierEvent::Failed(e) => {
                let _ = self.tx.send(Msg::Failed(format!("classifier: {e}")));
            }
        }
        v.clone()
    }
}

/// Refreshes the view as the watcher reports, coalescing a burst of events
/// into one refresh, and asks for a retrain whenever labels changed.
fn refresh_on_changes(
    session: Session,
    settings: Settings,
    retrainer: Retrainer,
    relay: Arc<Relay>,
    changes: crossbeam_channel::Receiver<DatasetEvent>,
) {
    let tx = relay.tx.clone();
    while let Ok(first) = changes.recv() {
        let mut refresh = false;
        for event in std::iter::once(first).chain(changes.try_iter()) {
            match event {
                DatasetEvent::Progress(p) => {
                    let _ = tx.send(relay.progress(p.done, p.total, p.faces));
                    // Show photos as they are embedded, not only at the end.
                    refresh |= p.done % 200 == 0;
                }
                DatasetEvent::Scanned { summary, changes } => {
                    if !changes.is_empty() || summary.photos > 0 {
                        retrainer.request();
                    }
                    // A finished scan: its count, no rate and no ETA.
                    let _ = tx.send(Msg::Progress(Progress {
                        done: summary.photos,
                        total: summary.photos,
                        provider: relay.provider.clone(),
                        ..Progress::default()
                    }));
                    refresh = true;
                }
                DatasetEvent::Changed(changes) => {
                    // New inbox photos change no label: predicted, not retrained for.
                    if !session.only_inbox(&changes) {
                        retrainer.request();
                    }
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
            send_view(&session, &settings, &tx);
        }
    }
}

impl Backend for LiveBackend {
    fn start(&mut self, tx: &Sender<Msg>) {
        let (changes_tx, changes) = crossbeam_channel::unbounded();
        let relay = Arc::new(Relay {
            tx: tx.clone(),
            provider: self.provider.clone(),
            started: Instant::now(),
            classifier: Mutex::new(ClassifierView::default()),
            changes: changes_tx,
            inbox: self.session.with_sink(facecurate::session::quiet()),
        });
        let to_relay = Arc::clone(&relay);
        self.session = self
            .session
            .with_sink(Arc::new(move |event| to_relay.relay(event)));
        self.recover(tx);
        // A bad `analysis:` section is said once and the defaults used.
        self.settings = self.session.settings().unwrap_or_else(|e| {
            let _ = tx.send(Msg::Failed(e.to_string()));
            Settings::default()
        });
        // What the store already knows shows at once, its folders first;
        // the scan then catches up.
        send_glance(&self.session, tx);
        send_view(&self.session, &self.settings, tx);
        let retrainer = Retrainer::new(&self.session);
        self.retrainer = Some(retrainer.clone());
        match self.session.watch(true, false) {
            Ok(w) => self.watcher = Some(w),
            Err(e) => {
                let _ = tx.send(Msg::Failed(e.to_string()));
                return;
            }
        }
        let (session, settings) = (self.session.clone(), self.settings.clone());
        std::thread::spawn(move || {
            refresh_on_changes(session, settings, retrainer, relay, changes)
        });
    }

    fn apply(&mut self, effect: Effect, tx: &Sender<Msg>) {
        let root = self.session.workspace().dataset.clone();
        let result = self
            .session
            .edit(|ops| apply(ops, &root, effect))
            .map(|(text, recovered)| {
                if recovered.is_empty() {
                    text
                } else {
                    format!("{}; {text}", recovered.join("; "))
                }
            });
        match result {
            Ok(text) => {
                // Every change of labels (and the retrain key) retrains in the background.
                if let Some(r) = &self.retrainer {
                    r.request();
                }
                let _ = tx.send(Msg::Done(text));
            }
            Err(e) => {
                let _ = tx.send(Msg::Failed(e.to_string()));
            }
        }
        send_view(&self.session, &self.settings, tx);
    }
}

/// Carries out one of the UI's effects; the text says what was done.
pub(super) fn apply(
    ops: &mut Ops<'_>,
    root: &std::path::Path,
    effect: Effect,
) -> Result<String, EditError> {
    let described = |c: Result<Change, OpError>| c.map(|c| c.description);
    let or_nothing = |c: Result<Option<Change>, OpError>, what: &str| {
        c.map(|c| c.map_or_else(|| format!("nothing to {what}"), |c| c.description))
    };
    Ok(match effect {
        Effect::Move { photo, to } => described(ops.mv(&[root.join(&photo)], &to, true)),
        // Several photos in one journal entry: one undo puts them all back.
        Effect::MoveAll { photos, to } => {
            let paths: Vec<_> = photos.iter().map(|p| root.join(p)).collect();
            described(ops.mv(&paths, &to, true))
        }
        Effect::Delete { photo } => described(ops.rm(&[root.join(&photo)])),
        Effect::Reviewed { photo } => described(ops.ok(&[root.join(&photo)])),
        Effect::NotDuplicate { a, b } => {
            described(ops.not_duplicate(&root.join(&a), &root.join(&b)))
        }
        Effect::Undo => or_nothing(ops.undo(), "undo"),
        Effect::Redo => or_nothing(ops.redo(), "redo"),
        Effect::Retrain => Ok("retraining the classifier".into()),
    }?)
}

/// An edit's failure: opening the session's store and journal, or the edit.
#[derive(Debug, thiserror::Error)]
pub(super) enum EditError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Op(#[from] OpError),
}
