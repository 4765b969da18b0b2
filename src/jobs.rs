//! Background work that follows the user's edits, such as retraining the
//! classifier whenever labels change.
//!
//! Edits come in bursts, and only the latest state matters: requests are
//! debounced (a job starts once no newer request of its kind has come for
//! the debounce time), there is at most one pending job per kind (a newer
//! request replaces the stale one, which never runs), and a newer request
//! also cancels the running job of its kind, whose result would be stale.
//! Jobs get a stop flag to check between steps; results arrive on a
//! crossbeam channel. Jobs of different kinds run side by side.

use crossbeam_channel::{Receiver, Sender};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

type Work<T> = Box<dyn FnOnce(&AtomicBool) -> T + Send>;

/// How a job ended.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome<T> {
    Done(T),
    /// Stopped by [`Jobs::cancel`] or by a newer request of its kind; what it
    /// returned, if anything, is dropped.
    Cancelled,
    /// The job panicked (a bug); the message says where. Its kind runs
    /// again on the next request.
    Panicked(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct JobResult<K, T> {
    pub kind: K,
    /// The id [`Jobs::submit`] returned.
    pub id: u64,
    pub outcome: JobOutcome<T>,
}

struct Pending<T> {
    id: u64,
    due: Instant,
    work: Work<T>,
}

struct State<K, T> {
    pending: HashMap<K, Pending<T>>,
    running: HashMap<K, (u64, Arc<AtomicBool>)>,
    threads: Vec<JoinHandle<()>>,
    next_id: u64,
    shutdown: bool,
}

struct Shared<K, T> {
    state: Mutex<State<K, T>>,
    wake: Condvar,
    debounce: Duration,
    results: Sender<JobResult<K, T>>,
}

impl<K, T> Shared<K, T> {
    /// A panicking job must not take the scheduler down with it.
    fn lock(&self) -> MutexGuard<'_, State<K, T>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A debounced, cancellable background job runner.
pub struct Jobs<K, T> {
    shared: Arc<Shared<K, T>>,
    results: Receiver<JobResult<K, T>>,
    scheduler: Option<JoinHandle<()>>,
}

impl<K, T> Jobs<K, T>
where
    K: Eq + Hash + Clone + Send + 'static,
    T: Send + 'static,
{
    pub fn new(debounce: Duration) -> Jobs<K, T> {
        let (tx, rx) = crossbeam_channel::unbounded();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                pending: HashMap::new(),
                running: HashMap::new(),
                threads: Vec::new(),
                next_id: 0,
                shutdown: false,
            }),
            wake: Condvar::new(),
            debounce,
            results: tx,
        });
        let for_thread = Arc::clone(&shared);
        let scheduler = std::thread::spawn(move || schedule(&for_thread));
        Jobs {
            shared,
            results: rx,
            scheduler: Some(scheduler),
        }
    }

    /// Asks for `work` to run once the debounce time has passed without a
    /// newer request of `kind`. Replaces the pending job of that kind and
    /// cancels its running one. Returns the job's id.
    pub fn submit(&self, kind: K, work: impl FnOnce(&AtomicBool) -> T + Send + 'static) -> u64 {
        let mut state = self.shared.lock();
        state.next_id += 1;
        let id = state.next_id;
        if let Some((_, stop)) = state.running.get(&kind) {
            stop.store(true, Ordering::Relaxed);
        }
        let due = Instant::now() + self.shared.debounce;
        state.pending.insert(
            kind,
            Pending {
                id,
                due,
                work: Box::new(work),
            },
        );
        self.shared.wake.notify_all();
        id
    }

    /// Drops the pending job of `kind` and stops its running one.
    pub fn cancel(&self, kind: &K) {
        let mut state = self.shared.lock();
        state.pending.remove(kind);
        if let Some((_, stop)) = state.running.get(kind) {
            stop.store(true, Ordering::Relaxed);
        }
        self.shared.wake.notify_all();
    }

    /// Where finished and cancelled jobs report.
    pub fn results(&self) -> &Receiver<JobResult<K, T>> {
        &self.results
    }

    /// No job pending or running.
    pub fn is_idle(&self) -> bool {
        let state = self.shared.lock();
        state.pending.is_empty() && state.running.is_empty()
    }
}

impl<K, T> Drop for Jobs<K, T> {
    /// Drops pending jobs, stops running ones and waits for them.
    fn drop(&mut self) {
        {
            let mut state = self.shared.lock();
            state.shutdown = true;
            state.pending.clear();
            for (_, stop) in state.running.values() {
                stop.store(true, Ordering::Relaxed);
            }
            self.shared.wake.notify_all();
        }
        if let Some(handle) = self.scheduler.take() {
            let _ = handle.join();
        }
    }
}

fn schedule<K, T>(shared: &Arc<Shared<K, T>>)
where
    K: Eq + Hash + Clone + Send + 'static,
    T: Send + 'static,
{
    let mut state = shared.lock();
    loop {
        if state.shutdown {
            let threads = std::mem::take(&mut state.threads);
            drop(state);
            for t in threads {
                let _ = t.join();
            }
            return;
        }
        let now = Instant::now();
        let ready: Vec<K> = state
            .pending
            .iter()
            .filter(|(k, p)| p.due <= now && !state.running.contains_key(*k))
            .map(|(k, _)| k.clone())
            .collect();
        for kind in ready {
            let Some(job) = state.pending.remove(&kind) else {
                continue;
            };
            let stop = Arc::new(AtomicBool::new(false));
            state
                .running
                .insert(kind.clone(), (job.id, Arc::clone(&stop)));
            let shared = Arc::clone(shared);
            state.threads.push(std::thread::spawn(move || {
                run_job(&shared, kind, job, &stop)
            }));
        }
        state.threads.retain(|t| !t.is_finished());
        let next_due = state
            .pending
            .iter()
            .filter(|(k, _)| !state.running.contains_key(*k))
            .map(|(_, p)| p.due)
            .min();
        state = match next_due {
            Some(due) => {
                let wait = due.saturating_duration_since(Instant::now());
                shared
                    .wake
                    .wait_timeout(state, wait)
                    .map(|(s, _)| s)
                    .unwrap_or_else(|p| p.into_inner().0)
            }
            None => shared.wake.wait(state).unwrap_or_else(|p| p.into_inner()),
        };
    }
}

fn run_job<K, T>(shared: &Shared<K, T>, kind: K, job: Pending<T>, stop: &AtomicBool)
where
    K: Eq + Hash + Clone,
{
    let outcome = match crate::panics::catch(|| (job.work)(stop)) {
        Err(message) => JobOutcome::Panicked(message),
        Ok(_) if stop.load(Ordering::Relaxed) => JobOutcome::Cancelled,
        Ok(output) => JobOutcome::Done(output),
    };
    let mut state = shared.lock();
    if state
        .running
        .get(&kind)
        .is_some_and(|(id, _)| *id == job.id)
    {
        state.running.remove(&kind);
    }
    // Sent under the lock, so a caller that sees the result also sees the
    // job gone from `running`.
    let _ = shared.results.send(JobResult {
        kind,
        id: job.id,
        outcome,
    });
    shared.wake.notify_all();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    const WAIT: Duration = Duration::from_secs(10);

    #[test]
    fn newer_request_replaces_the_pending_one() {
        // The wait before a job starts is long enough that the second
        // request always arrives within it, even on a loaded machine.
        let jobs: Jobs<&str, u32> = Jobs::new(Duration::from_secs(1));
        let ran = Arc::new(AtomicUsize::new(0));
        let r1 = Arc::clone(&ran);
        let first = jobs.submit("retrain", move |_| {
            r1.fetch_add(1, Ordering::SeqCst);
            1
        });
        let second = jobs.submit("retrain", |_| 2);
        let result = jobs.results().recv_timeout(WAIT).expect("a result");
        assert_eq!(result.id, second);
        assert_ne!(result.id, first);
        assert_eq!(result.outcome, JobOutcome::Done(2));
        assert!(
            jobs.results()
                .recv_timeout(Duration::from_millis(300))
                .is_err()
        );
        assert_eq!(ran.load(Ordering::SeqCst), 0, "the stale job never ran");
        assert!(jobs.is_idle());
    }

    /// A job that runs until stopped, telling when it has started.
    fn until_stopped(started: Sender<()>) -> impl FnOnce(&AtomicBool) -> u32 + Send + 'static {
        move |stop| {
            let _ = started.send(());
            let deadline = Instant::now() + WAIT;
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
            7
        }
    }

    #[test]
    fn cancel_stops_the_running_job() {
        let jobs: Jobs<&str, u32> = Jobs::new(Duration::ZERO);
        let (tx, rx) = crossbeam_channel::unbounded();
        let id = jobs.submit("retrain", until_stopped(tx));
        rx.recv_timeout(WAIT).expect("started");
        jobs.cancel(&"retrain");
        let result = jobs.results().recv_timeout(WAIT).expect("a result");
        assert_eq!((result.id, result.outcome), (id, JobOutcome::Cancelled));
    }

    #[test]
    fn newer_request_cancels_the_running_one_then_runs() {
        let jobs: Jobs<&str, u32> = Jobs::new(Duration::ZERO);
        let (tx, rx) = crossbeam_channel::unbounded();
        let first = jobs.submit("retrain", until_stopped(tx));
        rx.recv_timeout(WAIT).expect("started");
        let second = jobs.submit("retrain", |_| 3);
        let a = jobs.results().recv_timeout(WAIT).expect("first result");
        let b = jobs.results().recv_timeout(WAIT).expect("second result");
        assert_eq!((a.id, a.outcome), (first, JobOutcome::Cancelled));
        assert_eq!((b.id, b.outcome), (second, JobOutcome::Done(3)));
    }

    #[test]
    fn kinds_do_not_replace_each_other() {
        let jobs: Jobs<&str, u32> = Jobs::new(Duration::from_millis(20));
        jobs.submit("retrain", |_| 1);
        jobs.submit("analyse", |_| 2);
        let mut got: Vec<(&str, JobOutcome<u32>)> = (0..2)
            .map(|_| {
                let r = jobs.results().recv_timeout(WAIT).expect("a result");
                (r.kind, r.outcome)
            })
            .collect();
        got.sort_by_key(|g| g.0);
        assert_eq!(
            got,
            vec![
                ("analyse", JobOutcome::Done(2)),
                ("retrain", JobOutcome::Done(1))
            ]
        );
    }
}
