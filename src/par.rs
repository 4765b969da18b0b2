//! The one way to run data-parallel work: loops over independent items go
//! through rayon's pool, results come back in the items' order (each in its
//! place, so callers that zip them with their inputs cannot be misaligned),
//! and a panic in any item fails the whole call, raised again on the
//! caller's thread as "what: message". The analysis is such work: a hole in
//! its results would be a wrong report, so it fails loudly instead, and
//! the front ends' existing [`crate::panics::catch`] (TUI, job runner) turn
//! it into a message; the command line prints it and exits with 101.
//!
//! Work whose workers own state that cannot be shared (ONNX sessions are
//! run through `&mut`) goes through [`crate::facenet::pool`] instead.

use rayon::prelude::*;

/// `f` of every item, in the items' order; a panic names the item by `name`.
pub fn map<T, R>(
    items: &[T],
    name: impl Fn(&T) -> String + Sync,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    items
        .par_iter()
        .map(|item| crate::panics::named(|| f(item), || name(item)))
        .collect()
}

/// `f(scratch, i)` for every `i` in `0..n`, in order, each worker run with a
/// scratch state from `init` (buffers a search reuses); a panic names `i`.
pub fn map_with<S, R>(
    n: usize,
    init: impl Fn() -> S + Sync + Send,
    name: impl Fn(usize) -> String + Sync,
    f: impl Fn(&mut S, usize) -> R + Sync,
) -> Vec<R>
where
    R: Send,
{
    (0..n)
        .into_par_iter()
        .map_init(init, |scratch, i| {
            crate::panics::named(|| f(scratch, i), || name(i))
        })
        .collect()
}

/// `f(scratch, i)` for every `i` in `0..n`, in any order, as
/// [`map_with`] but for work that leaves its results itself (each as it is
/// made, where collecting them all first would hold them twice).
pub fn for_each_with<S>(
    n: usize,
    init: impl Fn() -> S + Sync + Send,
    name: impl Fn(usize) -> String + Sync,
    f: impl Fn(&mut S, usize) + Sync,
) {
    (0..n).into_par_iter().for_each_init(init, |scratch, i| {
        crate::panics::named(|| f(scratch, i), || name(i))
    })
}

/// Runs `f` with its parallel loops on at most `threads` threads: rayon's
/// own pool when that is no bigger, else a pool of that size built for the
/// call. The thread count is a tuning knob, so a pool that cannot be built
/// leaves the work on rayon's own.
pub fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    if threads >= rayon::current_num_threads() {
        return f();
    }
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
    {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// Test hook: a panic injected into one item of a parallel path, so that
/// the tests can check what a bug there does. Data-driven, so it touches
/// only the test that feeds the poisoned item: a vector whose first value is
/// [`fault::poison`] of a site, or a photo whose path holds `panic-at-SITE`.
#[cfg(test)]
pub(crate) mod fault {
    /// The parallel paths of the analysis.
    #[derive(Debug, Clone, Copy)]
    pub enum Site {
        Cosines = 1,
        Link,
        Nearest,
        Within,
        Evidence,
        Judge,
    }

    /// A quiet NaN whose payload names `site`: no computation makes one.
    pub fn poison(site: Site) -> f32 {
        f32::from_bits(0x7fc0_0b00 | site as u32)
    }

    /// Panics when `row` is poisoned for `site`.
    pub fn row(site: Site, row: &[f32]) {
        if row.first().map(|x| x.to_bits()) == Some(poison(site).to_bits()) {
            panic!("injected fault at {site:?}");
        }
    }

    /// Panics when `path` holds `panic-at-SITE` (the site in lower case).
    pub fn path(site: Site, path: &std::path::Path) {
        let mark = format!("panic-at-{site:?}").to_lowercase();
        if path.to_string_lossy().contains(&mark) {
            panic!("injected fault on {}", path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panics::message;

    #[test]
    fn results_keep_their_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = map(&items, |i| format!("item {i}"), |&i| i * 2);
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let counted = map_with(
            5_000,
            || 0u32,
            |i| format!("{i}"),
            |calls, i| {
                *calls += 1;
                i
            },
        );
        assert_eq!(counted, (0..5_000).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_item_fails_the_call_and_is_named() {
        let items: Vec<u32> = (0..1_000).collect();
        let r = std::panic::catch_unwind(|| {
            map(
                &items,
                |i| format!("item {i}"),
                |&i| {
                    assert!(i != 617, "item broke");
                    i
                },
            )
        });
        let text = message(&*r.expect_err("the panic reaches the caller"));
        assert!(text.starts_with("item 617: "), "{text}");
        assert!(text.contains("item broke"), "{text}");
        let r = std::panic::catch_unwind(|| {
            map_with(
                300,
                || (),
                |i| format!("row {i}"),
                |_, i| {
                    assert!(i != 5, "row broke");
                },
            )
        });
        assert!(message(&*r.expect_err("raised")).starts_with("row 5: row broke"));
    }

    #[test]
    fn a_smaller_thread_count_runs_on_that_many() {
        let threads = with_threads(1, rayon::current_num_threads);
        assert_eq!(threads, 1);
        let sum: u64 = with_threads(1, || (0..100u64).into_par_iter().sum());
        assert_eq!(sum, 4950);
    }
}
