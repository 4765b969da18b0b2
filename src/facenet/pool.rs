//! Work spread over threads that each own their state (ONNX sessions are
//! used through `&mut`), with results handed back on the caller's thread in
//! completion order — the shape `pipeline::run` has, for any job.

use std::sync::atomic::{AtomicBool, Ordering};

/// Runs `work(state, &items[i])` for every item on `workers` threads, each
/// with a state from `make`, and calls `on_result(i, result)` on the calling
/// thread as results arrive. Setting `stop` ends the run after the items in
/// flight. States are all built before any work starts, so a failure to
/// build one (a model that does not load) is returned before any result.
pub fn run<T, S, R, E>(
    items: &[T],
    workers: usize,
    make: impl Fn() -> Result<S, E>,
    work: impl Fn(&mut S, &T) -> R + Sync,
    stop: &AtomicBool,
    mut on_result: impl FnMut(usize, R),
) -> Result<(), E>
where
    T: Sync,
    S: Send,
    R: Send,
{
    let workers = workers.clamp(1, items.len().max(1));
    let mut states = Vec::with_capacity(workers);
    for _ in 0..workers {
        states.push(make()?);
    }
    let (job_tx, job_rx) = crossbeam_channel::bounded::<usize>(workers * 4);
    let (res_tx, res_rx) = crossbeam_channel::unbounded::<(usize, R)>();
    std::thread::scope(|scope| {
        for mut state in states {
            let job_rx = job_rx.clone();
            let res_tx = res_tx.clone();
            let work = &work;
            scope.spawn(move || {
                for i in job_rx {
                    if res_tx.send((i, work(&mut state, &items[i]))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(res_tx);
        drop(job_rx);
        scope.spawn(move || {
            for i in 0..items.len() {
                if stop.load(Ordering::Relaxed) || job_tx.send(i).is_err() {
                    break;
                }
            }
        });
        for (i, result) in res_rx {
            on_result(i, result);
        }
    });
    Ok(())
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
}
