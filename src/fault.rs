//! Fault injection for the crash and panic tests, off unless its variables
//! are set (nobody sets them by accident; they only make the process die
//! or panic, never do anything else):
//! - `FACECURATE_FAULT_AT=N`: the N-th fault point reached kills the process
//!   with SIGKILL, as a power cut or `kill -9` would. The journal's fault
//!   points sit between an operation's steps, so a test can stop a move
//!   anywhere and check that the next start rolls it forward.
//! - `FACECURATE_FAULT_PANIC=TEXT`: the pipeline panics on every photo whose
//!   path contains TEXT, so a test can check the panic becomes that photo's
//!   error and the run goes on.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

static REACHED: AtomicUsize = AtomicUsize::new(0);

fn kill_at() -> Option<usize> {
    static AT: OnceLock<Option<usize>> = OnceLock::new();
    *AT.get_or_init(|| std::env::var("FACECURATE_FAULT_AT").ok()?.parse().ok())
}

fn panic_text() -> Option<&'static str> {
    static TEXT: OnceLock<Option<String>> = OnceLock::new();
    TEXT.get_or_init(|| {
        std::env::var("FACECURATE_FAULT_PANIC")
            .ok()
            .filter(|t| !t.is_empty())
    })
    .as_deref()
}

/// A place where a crash is survivable and tested.
#[inline]
pub fn point() {
    let Some(at) = kill_at() else { return };
    if REACHED.fetch_add(1, Ordering::SeqCst) + 1 == at {
        let _ = std::process::Command::new("kill")
            .args(["-9", &std::process::id().to_string()])
            .status();
        std::thread::sleep(std::time::Duration::from_secs(10));
    }
}

/// Panics when `path` holds the text of `FACECURATE_FAULT_PANIC`.
#[inline]
pub fn panic_on(path: &std::path::Path) {
    if let Some(text) = panic_text()
        && path
            .as_os_str()
            .as_encoded_bytes()
            .windows(text.len())
            .any(|w| w == text.as_bytes())
    {
        panic!("injected fault on {}", crate::shown::path(path));
    }
}
