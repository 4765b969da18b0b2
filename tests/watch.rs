//! The watcher as the TUI relies on it: photos copied in (one written
//! slowly), renamed, moved between persons, deleted, and a new person folder
//! all reach the store, and the events say which photos and persons.

mod common;

use common::wait_until;
use crossbeam_channel::Receiver;
use facecurate::dataset::{Changes, DatasetEvent, Watcher};
use facecurate::records::PhotoRecord;
use facecurate::store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the test waits for the store to show a change: a deadline for
/// waiting, not a speed requirement.
const DEADLINE: Duration = Duration::from_secs(10);

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    db: PathBuf,
    watcher: Option<Watcher>,
    rx: Receiver<DatasetEvent>,
    events: Vec<DatasetEvent>,
    /// Spare photos to copy in.
    spare: Vec<PathBuf>,
}

impl Fixture {
    fn start(poll: bool) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = common::dataset(dir.path(), 2);
        let spare: Vec<PathBuf> = common::celeb5()
            .into_iter()
            .flat_map(|(_, p)| p.into_iter().skip(2))
            .collect();
        let db = dir.path().join("state/store.sqlite");
        let (tx, rx) = crossbeam_channel::unbounded();
        let watcher = common::quick_watch(&root, &db, poll, tx);
        let mut f = Fixture {
            _dir: dir,
            root,
            db,
            watcher: Some(watcher),
            rx,
            events: Vec::new(),
            spare,
        };
        // The initial scan is not under test: give it all the time it needs.
        assert!(wait_until(Duration::from_secs(120), || {
            f.drain();
            f.events
                .iter()
                .any(|e| matches!(e, DatasetEvent::Scanned { .. }))
        }));
        f
    }

    fn drain(&mut self) {
        self.events.extend(self.rx.try_iter());
    }

    fn records(&self) -> Vec<PhotoRecord> {
        Store::open(&self.db, &common::fingerprint())
            .unwrap()
            .records()
            .unwrap()
    }

    fn find(&self, path: &str) -> Option<PhotoRecord> {
        self.records()
            .into_iter()
            .find(|r| r.path == Path::new(path))
    }

    /// Waits until the store shows `ok`, draining events meanwhile.
    fn expect(&mut self, what: &str, mut ok: impl FnMut(&Fixture) -> bool) {
        let held = wait_until(DEADLINE, || {
            self.drain();
            ok(self)
        });
        assert!(
            held,
            "the store did not show: {what}; events: {:#?}",
            self.events
        );
    }

    /// Whether some change event reported `from` moved to `to`.
    fn reported_move(&self, from: &str, to: &str) -> bool {
        let pair = (PathBuf::from(from), PathBuf::from(to));
        self.changes().iter().any(|c| c.moved.contains(&pair))
    }

    /// Whether the events reported `from` moved to `to`: as one move, or,
    /// when the two halves landed in separate batches, as a removal plus an
    /// addition.
    fn reported_relocation(&self, from: &str, to: &str) -> bool {
        self.reported_move(from, to)
            || (self.reported(from, |c| &c.removed) && self.reported(to, |c| &c.added))
    }

    /// Whether some change event lists `path` in the part `part` picks.
    fn reported(&self, path: &str, part: impl Fn(&Changes) -> &Vec<PathBuf>) -> bool {
        let path = Path::new(path);
        self.changes()
            .iter()
            .any(|c| part(c).iter().any(|p| p == path))
    }

    fn changes(&self) -> Vec<&Changes> {
        self.events
            .iter()
            .filter_map(|e| match e {
                DatasetEvent::Changed(c) => Some(c),
                _ => None,
            })
            .collect()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(w) = self.watcher.take() {
            w.stop();
        }
    }
}

#[test]
fn the_store_follows_copies_slow_writes_renames_moves_and_deletions() {
    let mut f = Fixture::start(false);
    assert_eq!(f.records().len(), 10);

    // Copied in.
    std::fs::copy(&f.spare[0], f.root.join("madonna/new.jpg")).unwrap();
    f.expect("a copied photo with its faces", |f| {
        f.find("madonna/new.jpg").is_some_and(|r| r.has_face())
    });
    let hash = f.find("madonna/new.jpg").unwrap().hash;

    // Written slowly in chunks: read only once complete, never reported broken.
    let bytes = std::fs::read(&f.spare[1]).unwrap();
    let mut file = std::fs::File::create(f.root.join("elton_john/slow.jpg")).unwrap();
    for chunk in bytes.chunks(bytes.len() / 5 + 1) {
        file.write_all(chunk).unwrap();
        file.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }
    drop(file);
    f.expect("the slowly written photo, complete", |f| {
        f.find("elton_john/slow.jpg").is_some_and(|r| r.has_face())
    });
    assert!(
        f.changes().iter().all(|c| c.failed.is_empty()),
        "a half-written photo was read: {:#?}",
        f.events
    );

    // Renamed in place, then moved to another person: same content, no re-embedding.
    std::fs::rename(
        f.root.join("madonna/new.jpg"),
        f.root.join("madonna/renamed.jpg"),
    )
    .unwrap();
    f.expect("the rename, and its event", |f| {
        f.find("madonna/new.jpg").is_none()
            && f.find("madonna/renamed.jpg").is_some()
            && f.reported_move("madonna/new.jpg", "madonna/renamed.jpg")
    });
    std::fs::rename(
        f.root.join("madonna/renamed.jpg"),
        f.root.join("ben_afflek/moved.jpg"),
    )
    .unwrap();
    // The store commits a batch before its event is sent, so both are
    // waited for. The store is checked by hash: the moved photo keeps its
    // content and is not re-embedded however its events were batched.
    f.expect("the move between persons, and its event", |f| {
        f.find("madonna/renamed.jpg").is_none()
            && f.find("ben_afflek/moved.jpg")
                .is_some_and(|r| r.person == "ben_afflek" && r.hash == hash)
            && f.reported_relocation("madonna/renamed.jpg", "ben_afflek/moved.jpg")
    });
    if let Some(moved_event) = f
        .changes()
        .into_iter()
        .find(|c| !c.moved.is_empty() && c.persons.contains("ben_afflek"))
    {
        assert!(moved_event.persons.contains("madonna"));
    }

    // Deleted.
    std::fs::remove_file(f.root.join("ben_afflek/moved.jpg")).unwrap();
    f.expect("the deletion", |f| f.find("ben_afflek/moved.jpg").is_none());

    // A new folder is a new person.
    std::fs::create_dir(f.root.join("New_Person")).unwrap();
    std::fs::copy(&f.spare[2], f.root.join("New_Person/a.jpg")).unwrap();
    f.expect("the new person, and its event", |f| {
        f.find("New_Person/a.jpg")
            .is_some_and(|r| r.person == "New_Person")
            && f.changes().iter().any(|c| c.persons.contains("New_Person"))
    });
    assert_eq!(f.records().len(), 12);
}

#[test]
fn polling_sees_copies_and_deletions() {
    let mut f = Fixture::start(true);
    std::fs::copy(&f.spare[0], f.root.join("madonna/polled.jpg")).unwrap();
    f.expect("a copied photo", |f| {
        f.find("madonna/polled.jpg").is_some_and(|r| r.has_face())
    });
    std::fs::remove_file(f.root.join("madonna/madonna_000.jpg")).unwrap();
    f.expect("the deletion", |f| {
        f.find("madonna/madonna_000.jpg").is_none()
    });
}
