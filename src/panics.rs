//! Panics made visible. A panic is a bug, but a bug in the middle of a
//! million-photo scan must not be silent: a worker that panics on one
//! photo turns into that photo's error (named, with the panic's message),
//! and a panic in a data-parallel loop fails the whole run loudly instead
//! of leaving a hole in results that callers zip by position.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The text a panic was raised with.
pub fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with no message".to_string()
    }
}

/// Runs `f`, turning a panic into `Err(message)`. For work whose failure
/// belongs to one item (a photo, a request) and whose state is not shared.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|p| format!("internal error (a bug): {}", message(&*p)))
}

/// Joins every handle of a scoped fan-out in order; when any panicked, the
/// first panic is raised again on the caller's thread once all are joined,
/// so no result is ever missing or out of place.
pub fn join_all<T>(handles: Vec<std::thread::ScopedJoinHandle<'_, T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(handles.len());
    let mut panicked = None;
    for h in handles {
        match h.join() {
            Ok(v) => out.push(v),
            Err(p) => {
                panicked.get_or_insert(p);
            }
        }
    }
    if let Some(p) = panicked {
        std::panic::resume_unwind(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        let r: Result<(), String> = catch(|| panic!("photo {} broke", 7));
        assert_eq!(r, Err("internal error (a bug): photo 7 broke".to_string()));
        assert_eq!(catch(|| 3), Ok(3));
    }

    #[test]
    fn a_panicking_fan_out_fails_the_caller() {
        let r = std::panic::catch_unwind(|| {
            std::thread::scope(|s| {
                let handles = (0..4)
                    .map(|i| s.spawn(move || if i == 2 { panic!("chunk 2") } else { i }))
                    .collect();
                join_all(handles)
            })
        });
        let p = r.expect_err("the panic reaches the caller");
        assert!(message(&*p).contains("chunk 2"));
        let ok = std::thread::scope(|s| join_all((0..4).map(|i| s.spawn(move || i)).collect()));
        assert_eq!(ok, vec![0, 1, 2, 3]);
    }
}
