//! Whether a file the watcher saw change is complete enough to read: a
//! photo being copied in must not be hashed and embedded half-written (it
//! would be reported broken, then re-read).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// A file seen while still changing.
pub(super) struct Waiting {
    size: u64,
    mtime: Option<SystemTime>,
    since: Instant,
    /// When to look at it again.
    pub due: Instant,
}

/// True when `path` has held still long enough to read: its mtime is at
/// least `settle` old, or (for clocks that disagree, e.g. network file
/// systems) its size and mtime have not changed for `settle`.
pub(super) fn settled(
    waiting: &mut HashMap<PathBuf, Waiting>,
    settle: Duration,
    path: &Path,
    meta: &std::fs::Metadata,
) -> bool {
    let now = Instant::now();
    let mtime = meta.modified().ok();
    let age = mtime.and_then(|m| SystemTime::now().duration_since(m).ok());
    if age.is_some_and(|a| a >= settle) {
        waiting.remove(path);
        return true;
    }
    if let Some(w) = waiting.get(path)
        && w.size == meta.len()
        && w.mtime == mtime
    {
        if now.duration_since(w.since) >= settle {
            waiting.remove(path);
            return true;
        }
        return false;
    }
    let wait = age.map(|a| settle.saturating_sub(a)).unwrap_or(settle);
    waiting.insert(
        path.to_path_buf(),
        Waiting {
            size: meta.len(),
            mtime,
            since: now,
            due: now + wait + Duration::from_millis(10),
        },
    );
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_is_read_only_once_it_holds_still() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jpg");
        // Generous, so a loaded test machine pausing the thread between a
        // write and its check cannot make the file look settled.
        let settle = Duration::from_secs(1);
        let mut waiting = HashMap::new();
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(b"part").unwrap();
        let meta = || std::fs::metadata(&path).unwrap();
        assert!(
            !settled(&mut waiting, settle, &path, &meta()),
            "just written"
        );
        std::thread::sleep(Duration::from_millis(150));
        file.write_all(b"more").unwrap();
        assert!(
            !settled(&mut waiting, settle, &path, &meta()),
            "still growing"
        );
        std::thread::sleep(Duration::from_millis(1100));
        assert!(
            settled(&mut waiting, settle, &path, &meta()),
            "held still for the settle time"
        );
        assert!(waiting.is_empty());
    }

    #[test]
    fn an_old_file_is_read_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jpg");
        std::fs::write(&path, b"x").unwrap();
        let old = SystemTime::now() - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let mut waiting = HashMap::new();
        assert!(settled(
            &mut waiting,
            Duration::from_secs(5),
            &path,
            &std::fs::metadata(&path).unwrap()
        ));
    }
}
