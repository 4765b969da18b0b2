//! Live watching: the store follows the dataset folder as the user copies,
//! renames, moves and deletes photos, and every change goes out as a
//! [`DatasetEvent`] on a crossbeam channel once the store shows it.
//!
//! Notifications (or polling, for network file systems) only say which
//! person folders to look at again; the same reconciliation as a scan then
//! decides what changed, so a move between persons is recognised by hash
//! and never re-embedded. A file is read only once its size and mtime have
//! held still for `settle`, so a photo being copied in is not read
//! half-written. An overflowed event queue or a watcher error triggers a
//! full rescan, because events may have been lost.

use super::changes::{Changes, person_of};
use super::engine::LazyEngine;
use super::outcome::{Progress, ScanError, ScanSummary};
use super::scan::{Scope, reconcile};
use super::settle::{Waiting, settled};
use super::store_guard::StoreGuard;
use super::watch_moves::pair_moves;
use crate::config::WatchSettings;
use crate::store::{Store, StoreError};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer_opt};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the watcher tells its subscribers.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DatasetEvent {
    /// Progress of a full scan (at start, or after lost events).
    Progress(Progress),
    /// A full scan finished; `changes` lists what it found different.
    Scanned {
        summary: ScanSummary,
        changes: Changes,
    },
    /// Photos changed in the folder; the store already shows it.
    Changed(Changes),
    /// Something could not be read or watched; watching goes on.
    Warning { message: String },
    /// Watching ended because the store failed.
    Stopped { cause: String },
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}: cannot watch the dataset folder: {cause}", path.display())]
    Notify { path: PathBuf, cause: String },
}

/// A running watcher; dropping it (or [`Watcher::stop`]) ends it.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    _debouncer: Box<dyn Send>,
}

impl Watcher {
    /// Watches `root`, keeping the store at `store_path` (under
    /// `fingerprint`) in step and sending events on `events`. With
    /// `initial_scan`, a full scan runs first (reported as `Progress` and
    /// `Scanned`), so nothing that changed while no one watched is missed.
    pub fn start(
        root: &Path,
        store_path: &Path,
        fingerprint: &str,
        engine: LazyEngine,
        settings: WatchSettings,
        initial_scan: bool,
        events: Sender<DatasetEvent>,
    ) -> Result<Watcher, WatchError> {
        let root = crate::config::absolute(root);
        let store = Store::open(store_path, fingerprint)?;
        if let Some(r) = store.recovery() {
            let _ = events.send(DatasetEvent::Warning {
                message: format!(
                    "{}: {}; kept aside as {} and rebuilt",
                    store_path.display(),
                    r.reason,
                    r.kept_aside.display()
                ),
            });
        }
        let (tx, rx) = crossbeam_channel::unbounded::<DebounceEventResult>();
        let debouncer = debouncer(&root, &settings, tx)?;
        let stop = Arc::new(AtomicBool::new(false));
        let mut state = State {
            root,
            guard: StoreGuard::new(&store),
            store,
            engine,
            settle: settings.settle,
            events,
            stop: stop.clone(),
            waiting: HashMap::new(),
            departed: Vec::new(),
        };
        let thread = std::thread::Builder::new()
            .name("facecurate-watch".into())
            .spawn(move || state.run(rx, initial_scan))
            .map_err(|e| WatchError::Notify {
                path: PathBuf::new(),
                cause: format!("cannot start the watcher thread: {e}"),
            })?;
        Ok(Watcher {
            stop,
            thread: Some(thread),
            _debouncer: debouncer,
        })
    }

    /// Stops watching (a scan in progress ends after the photos in flight,
    /// its results committed) and waits for the thread.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Change notifications for everything under `root`, debounced and sent
/// on `tx`; polled on network file systems, where notifications never come.
fn debouncer(
    root: &Path,
    settings: &WatchSettings,
    tx: Sender<DebounceEventResult>,
) -> Result<Box<dyn Send>, WatchError> {
    let notify_err = |e: notify::Error| WatchError::Notify {
        path: root.to_path_buf(),
        cause: e.to_string(),
    };
    let handler = move |r: DebounceEventResult| {
        let _ = tx.send(r);
    };
    if settings.poll {
        let config = notify::Config::default().with_poll_interval(settings.poll_interval);
        let mut d = new_debouncer_opt::<_, notify::PollWatcher, _>(
            settings.debounce,
            None,
            handler,
            notify_debouncer_full::NoCache,
            config,
        )
        .map_err(notify_err)?;
        d.watch(root, RecursiveMode::Recursive)
            .map_err(notify_err)?;
        Ok(Box::new(d))
    } else {
        let mut d = new_debouncer_opt::<_, notify::RecommendedWatcher, _>(
            settings.debounce,
            None,
            handler,
            notify_debouncer_full::RecommendedCache::new(),
            notify::Config::default(),
        )
        .map_err(notify_err)?;
        d.watch(root, RecursiveMode::Recursive)
            .map_err(notify_err)?;
        Ok(Box::new(d))
    }
}

struct State {
    root: PathBuf,
    store: Store,
    guard: StoreGuard,
    engine: LazyEngine,
    settle: Duration,
    events: Sender<DatasetEvent>,
    stop: Arc<AtomicBool>,
    waiting: HashMap<PathBuf, Waiting>,
    /// Recently removed paths and their content, to recognise a move whose
    /// arrival is heard of after its departure.
    departed: Vec<(PathBuf, String, Instant)>,
}

impl State {
    fn send(&self, event: DatasetEvent) -> bool {
        if self.events.send(event).is_err() {
            // Nobody listens any more.
            self.stop.store(true, Ordering::Relaxed);
            return false;
        }
        true
    }

    fn run(&mut self, rx: Receiver<DebounceEventResult>, initial_scan: bool) {
        let mut rescan = initial_scan;
        let mut dirty: BTreeSet<String> = BTreeSet::new();
        while !self.stop.load(Ordering::Relaxed) {
            if let Some(why) = self.guard.damage() {
                if !self.rebuild(&why) {
                    return;
                }
                rescan = true;
            }
            if rescan {
                rescan = false;
                dirty.clear();
                if !self.full_scan() {
                    return;
                }
                continue;
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(first) => {
                    for result in std::iter::once(first).chain(rx.try_iter()) {
                        rescan |= self.note(result, &mut dirty);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            let now = Instant::now();
            for (path, w) in self.waiting.iter_mut().filter(|(_, w)| w.due <= now) {
                w.due = now + self.settle;
                if let Some(p) = path.strip_prefix(&self.root).ok().and_then(person_of) {
                    dirty.insert(p);
                }
            }
            if !rescan && !dirty.is_empty() && !self.update(std::mem::take(&mut dirty)) {
                return;
            }
        }
    }

    /// Adds the persons an event batch touches; true when a rescan is needed.
    fn note(&self, result: DebounceEventResult, dirty: &mut BTreeSet<String>) -> bool {
        match result {
            Ok(events) => {
                let mut rescan = false;
                for event in events {
                    rescan |= event.need_rescan();
                    for path in &event.paths {
                        let Ok(rel) = path.strip_prefix(&self.root) else {
                            continue;
                        };
                        let first = rel.components().next();
                        match first.and_then(|c| crate::pathkey::name_of(c.as_os_str()).ok()) {
                            Some(person) if !person.starts_with('.') => {
                                dirty.insert(person);
                            }
                            _ => {}
                        }
                    }
                }
                rescan
            }
            Err(errors) => {
                for e in errors {
                    self.send(DatasetEvent::Warning {
                        message: format!("watching {}: {e}; rescanning", self.root.display()),
                    });
                }
                true
            }
        }
    }

    fn full_scan(&mut self) -> bool {
        let events = self.events.clone();
        let mut progress = |p: &Progress| {
            let _ = events.send(DatasetEvent::Progress(p.clone()));
        };
        let stop = self.stop.clone();
        let outcome = reconcile(
            &mut self.store,
            &self.root,
            &Scope::All,
            &mut self.engine,
            &stop,
            &mut progress,
            &mut |_, _| true,
        );
        self.waiting.clear();
        match outcome {
            Ok(o) => {
                for w in o.warnings {
                    self.send(DatasetEvent::Warning { message: w });
                }
                self.send(DatasetEvent::Scanned {
                    summary: o.summary,
                    changes: o.changes,
                })
            }
            Err(e) => self.fail(e),
        }
    }

    fn update(&mut self, persons: BTreeSet<String>) -> bool {
        let settle = self.settle;
        let waiting = &mut self.waiting;
        let mut stable =
            |path: &Path, meta: &std::fs::Metadata| settled(waiting, settle, path, meta);
        let stop = self.stop.clone();
        let outcome = reconcile(
            &mut self.store,
            &self.root,
            &Scope::Persons(persons.clone()),
            &mut self.engine,
            &stop,
            &mut |_| {},
            &mut stable,
        );
        match outcome {
            Ok(o) => {
                // Forget waiting files of these persons that vanished.
                let root = &self.root;
                self.waiting.retain(|path, _| {
                    let person = path.strip_prefix(root).ok().and_then(person_of);
                    o.deferred.contains(path) || !person.is_some_and(|p| persons.contains(&p))
                });
                for w in o.warnings {
                    self.send(DatasetEvent::Warning { message: w });
                }
                let mut changes = o.changes;
                pair_moves(&mut self.departed, &mut changes, &o.hashes);
                changes.is_empty() || self.send(DatasetEvent::Changed(changes))
            }
            Err(e) => self.fail(e),
        }
    }

    /// Reopens a store damaged under the watcher and rescans into it;
    /// false (after saying why) when it cannot be reopened.
    fn rebuild(&mut self, why: &str) -> bool {
        match self.guard.reopen(&mut self.store, why) {
            Ok(message) => self.send(DatasetEvent::Warning { message }) && self.full_scan(),
            Err(e) => {
                self.send(DatasetEvent::Stopped {
                    cause: format!("{why}, and it cannot be opened again: {e}"),
                });
                false
            }
        }
    }

    /// Reports a failed reconciliation: the pipeline failing to start is a
    /// warning (the store is still right about everything else); a store
    /// that fails is rebuilt once, and failing again ends watching.
    fn fail(&mut self, e: ScanError) -> bool {
        match e {
            ScanError::Engine(_) | ScanError::Dataset(_) => self.send(DatasetEvent::Warning {
                message: e.to_string(),
            }),
            ScanError::Store(e) if self.guard.may_rebuild(&e) => {
                self.rebuild(&format!("the store failed ({e})"))
            }
            other => {
                self.send(DatasetEvent::Stopped {
                    cause: other.to_string(),
                });
                false
            }
        }
    }
}
