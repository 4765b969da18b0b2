//! The one worker pool for work whose workers own state: ort's
//! `Session::run` takes `&mut self`, so each worker thread keeps its own
//! ONNX sessions, and items are handed out one at a time (one photo can
//! cost ten times another). Results come back on the caller's thread, with
//! their item's index, in completion order. The face pipeline
//! ([`crate::pipeline::run`]), the facenet commands and `facecurate bench`
//! all run through it. Loops without per-worker state use [`crate::par`].
//!
//! A panic in a worker is caught where it happens and never loses an item
//! silently: [`run_caught`] makes it that item's result (a photo that
//! crashed the pipeline is reported with its path, the others go on);
//! [`run`] and [`run_states`] stop handing out items and, once those in
//! flight are done, fail the whole run with a panic naming the item.

use std::sync::atomic::{AtomicBool, Ordering};

/// Runs `work(state, &items[i])` for every item on `workers` threads, each
/// with a state from `make`, and calls `on_result(i, result)` on the calling
/// thread as results arrive. Setting `stop` ends the run after the items in
/// flight. States are all built before any work starts, so a failure to
/// build one (a model that does not load) is returned before any result.
/// A panic in `work` fails the run (see [`run_states`]).
pub fn run<T, S, R, E>(
    items: &[T],
    workers: usize,
    make: impl Fn() -> Result<S, E>,
    work: impl Fn(&mut S, &T) -> R + Sync,
    stop: &AtomicBool,
    on_result: impl FnMut(usize, R),
) -> Result<(), E>
where
    T: Sync,
    S: Send,
    R: Send,
{
    run_states(
        items,
        states(items.len(), workers, make)?,
        work,
        stop,
        on_result,
    );
    Ok(())
}

/// [`run`] for per-photo work: a panic on one item becomes that item's
/// result, `on_panic(item, message)`, and the others go on (see
/// [`run_caught`]).
pub fn run_per_item<T, S, R, E>(
    items: &[T],
    workers: usize,
    make: impl Fn() -> Result<S, E>,
    work: impl Fn(&mut S, &T) -> R + Sync,
    on_panic: impl Fn(&T, String) -> R,
    stop: &AtomicBool,
    on_result: impl FnMut(usize, R),
) -> Result<(), E>
where
    T: Sync,
    S: Send,
    R: Send,
{
    let states = states(items.len(), workers, make)?;
    run_caught(items, states, work, on_panic, stop, on_result);
    Ok(())
}

/// The states of a run's workers: `workers` of them, but no more than there
/// are items (and at least one).
pub fn states<S, E>(
    items: usize,
    workers: usize,
    make: impl Fn() -> Result<S, E>,
) -> Result<Vec<S>, E> {
    (0..workers.clamp(1, items.max(1)))
        .map(|_| make())
        .collect()
}

/// [`run`] on states already built, one worker thread each (so that a
/// benchmark times the work, not the loading). A panic in `work` stops the
/// run: no further items are handed out, the results of those in flight are
/// still delivered, then the caller's thread panics with "worker panicked on
/// item I of N: message".
pub fn run_states<T, S, R>(
    items: &[T],
    states: Vec<S>,
    work: impl Fn(&mut S, &T) -> R + Sync,
    stop: &AtomicBool,
    mut on_result: impl FnMut(usize, R),
) where
    T: Sync,
    S: Send,
    R: Send,
{
    let halt = AtomicBool::new(false);
    let mut panicked = None;
    drive(
        items,
        states,
        &work,
        stop,
        &halt,
        |i, outcome| match outcome {
            Ok(result) => on_result(i, result),
            Err(cause) => {
                halt.store(true, Ordering::Relaxed);
                panicked.get_or_insert((i, cause));
            }
        },
    );
    if let Some((i, cause)) = panicked {
        panic!("worker panicked on item {i} of {}: {cause}", items.len());
    }
}

/// [`run_states`], except that a panic in `work` becomes that item's result,
/// `on_panic(item, message)`, and the run goes on. For per-item work whose
/// failure is the item's own: a photo, not the whole dataset.
pub fn run_caught<T, S, R>(
    items: &[T],
    states: Vec<S>,
    work: impl Fn(&mut S, &T) -> R + Sync,
    on_panic: impl Fn(&T, String) -> R,
    stop: &AtomicBool,
    mut on_result: impl FnMut(usize, R),
) where
    T: Sync,
    S: Send,
    R: Send,
{
    let halt = AtomicBool::new(false);
    drive(items, states, &work, stop, &halt, |i, outcome| {
        on_result(
            i,
            outcome.unwrap_or_else(|cause| on_panic(&items[i], cause)),
        );
    });
}

/// The pool itself: a feeder thread hands out indices until the items run
/// out or `stop` or `halt` is set; each worker answers every index it takes
/// with its result or its panic's message.
fn drive<T, S, R>(
    items: &[T],
    states: Vec<S>,
    work: &(impl Fn(&mut S, &T) -> R + Sync),
    stop: &AtomicBool,
    halt: &AtomicBool,
    mut on_outcome: impl FnMut(usize, Result<R, String>),
) where
    T: Sync,
    S: Send,
    R: Send,
{
    let workers = states.len().max(1);
    let (job_tx, job_rx) = crossbeam_channel::bounded::<usize>(workers * 4);
    let (res_tx, res_rx) = crossbeam_channel::unbounded::<(usize, Result<R, String>)>();
    std::thread::scope(|scope| {
        for mut state in states {
            let (job_rx, res_tx) = (job_rx.clone(), res_tx.clone());
            scope.spawn(move || {
                for i in job_rx {
                    let outcome = crate::panics::catch(|| work(&mut state, &items[i]));
                    if res_tx.send((i, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((res_tx, job_rx));
        scope.spawn(move || {
            for i in 0..items.len() {
                let halted = stop.load(Ordering::Relaxed) || halt.load(Ordering::Relaxed);
                if halted || job_tx.send(i).is_err() {
                    break;
                }
            }
        });
        for (i, outcome) in res_rx {
            on_outcome(i, outcome);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_answered_once_with_its_index() {
        let items: Vec<u32> = (0..100).collect();
        let mut seen = vec![0u32; 100];
        run(
            &items,
            3,
            || Ok::<_, ()>(0u32),
            |count, x| {
                *count += 1;
                x * 2
            },
            &AtomicBool::new(false),
            |i, r| {
                assert_eq!(r, i as u32 * 2);
                seen[i] += 1;
            },
        )
        .unwrap();
        assert!(seen.iter().all(|&n| n == 1));
    }

    #[test]
    fn a_state_that_cannot_be_built_fails_the_run() {
        let r = run(
            &[1],
            2,
            || Err::<(), _>("no model"),
            |_, x| *x,
            &AtomicBool::new(false),
            |_, _: i32| {},
        );
        assert_eq!(r, Err("no model"));
    }

    /// Per-item work where item 37 panics (as the pipeline does on a photo
    /// that hits a bug).
    fn work(_: &mut (), x: &u32) -> Result<u32, String> {
        assert!(*x != 37, "bug on {x}");
        Ok(x * 2)
    }

    #[test]
    fn a_caught_panic_is_its_items_result_and_the_others_are_right() {
        let items: Vec<u32> = (0..100).collect();
        let mut got: Vec<Option<Result<u32, String>>> = vec![None; 100];
        run_caught(
            &items,
            vec![(), (), ()],
            work,
            |x, cause| Err(format!("item {x}: {cause}")),
            &AtomicBool::new(false),
            |i, r| got[i] = Some(r),
        );
        for (i, r) in got.into_iter().enumerate() {
            match r.expect("every item answered") {
                Ok(v) => assert_eq!(v, i as u32 * 2),
                Err(e) => {
                    assert_eq!(i, 37);
                    assert!(
                        e.contains("item 37: internal error (a bug): bug on 37"),
                        "{e}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_panic_fails_a_run_that_does_not_catch_it_naming_the_item() {
        let items: Vec<u32> = (0..100).collect();
        let mut delivered = Vec::new();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_states(
                &items,
                vec![(), ()],
                work,
                &AtomicBool::new(false),
                |i, r| {
                    delivered.push((i, r));
                },
            )
        }));
        let text = crate::panics::message(&*r.expect_err("the run fails"));
        assert!(
            text.starts_with("worker panicked on item 37 of 100: "),
            "{text}"
        );
        assert!(text.contains("bug on 37"), "{text}");
        // What was delivered before the failure is right and in its place.
        assert!(delivered.iter().all(|(i, r)| *r == Ok(*i as u32 * 2)));
    }
}
