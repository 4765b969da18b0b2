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

/// Runs `f`; a panic in it is raised again as "`name()`: message", so that
/// a panic in one item of a parallel loop says which item it was. Raised
/// with `panic!` (not `resume_unwind`) so the panic hook prints the named
/// message too: on the command line that is all the user sees.
pub fn named<T>(f: impl FnOnce() -> T, name: impl FnOnce() -> String) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(p) => panic!("{}: {}", name(), message(&*p)),
    }
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
    fn a_named_panic_says_what_broke() {
        let r = std::panic::catch_unwind(|| {
            named(
                || panic!("index {} out of range", 9),
                || "photo a.jpg".into(),
            )
        });
        let p = r.expect_err("the panic goes on");
        assert_eq!(message(&*p), "photo a.jpg: index 9 out of range");
        assert_eq!(named(|| 5, || unreachable!("named only on a panic")), 5);
    }
}
