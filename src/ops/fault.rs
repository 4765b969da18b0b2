//! Fault injection for the crash tests, compiled only into tests: when
//! `FACECURATE_FAULT_AT=N` is set, the N-th fault point reached kills the
//! process with SIGKILL, as a power cut or `kill -9` would.

#[cfg(test)]
static REACHED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A place where a crash is survivable and tested.
#[inline]
pub fn point() {
    #[cfg(test)]
    {
        let n = REACHED.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        if std::env::var("FACECURATE_FAULT_AT")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            == Some(n)
        {
            let _ = std::process::Command::new("kill")
                .args(["-9", &std::process::id().to_string()])
                .status();
            std::thread::sleep(std::time::Duration::from_secs(10));
        }
    }
}
