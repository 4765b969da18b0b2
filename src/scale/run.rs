//! The synthetic dataset written as a real workspace and store, and the
//! live stages timed on it through the same calls the front ends make:
//! the store's records, `Store::analyse` (the pair memo empty, then
//! filled), the report and its JSON, `Analysis::update`, the classifier's
//! `train`. The photo files are absent, so nothing here scans: the store
//! is opened and read directly.

use super::synth::Synth;
use crate::analysis::{Analysis, Change, Report, Settings};
use crate::classify::eval;
use crate::classify::{ClassifyError, FitCache, Samples, TrainSettings, train, train_cached};
use crate::pipeline::Face;
use crate::records::{PhotoRecord, PhotoStatus};
use crate::session::{Session, SessionError};
use crate::store::{FileRow, Store, StoredPhoto};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// The workspace file `bench scale` writes.
pub const WORKSPACE: &str = "workspace.yaml";
/// Photos written per store transaction.
const CHUNK: usize = 50_000;
/// The size every synthetic photo claims, with its one face in the middle.
const SIDE: u32 = 250;

/// Writes `dir/workspace.yaml` over an empty `dir/dataset` (the photo
/// files are absent) and returns the file.
pub fn write_workspace(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir.join("dataset"))?;
    let file = dir.join(WORKSPACE);
    let text = "# Written by `facecurate bench scale`: a synthetic dataset whose\n\
                # photo files are absent; only the store holds its faces.\n\
                dataset: dataset\nstate_dir: facecurate-state\n";
    std::fs::write(&file, text)?;
    Ok(file)
}

/// Photo `i` of `synth` as the pipeline would have stored it: one face,
/// no thumb, a content hash made from its path.
pub fn stored_photo(synth: &Synth, i: usize) -> StoredPhoto {
    let path = synth.path(i);
    let person = synth.folders[synth.photos[i].folder as usize].clone();
    let hash = blake3::hash(path.as_bytes()).to_hex().to_string();
    StoredPhoto {
        file: FileRow {
            person,
            size: 20_000,
            mtime_ns: 0,
            hash: Some(hash),
            error: None,
        },
        path,
        width: SIDE,
        height: SIDE,
        content_error: None,
        faces: vec![face(synth.photos[i].vector.clone())],
    }
}

fn face(embedding: Vec<f32>) -> Face {
    let (lo, hi) = (SIDE as f32 * 0.3, SIDE as f32 * 0.7);
    Face {
        bbox: [lo, lo, hi - lo, hi - lo],
        landmarks: [[lo, lo], [hi, lo], [125.0, 125.0], [lo, hi], [hi, hi]],
        score: 0.95,
        embedding,
        thumb: Vec::new(),
    }
}

/// Photo `i` of `synth` as a record, e.g. to add it again under `path`.
pub fn record(synth: &Synth, i: usize, path: &str, person: &str) -> PhotoRecord {
    record_of_vector(synth.photos[i].vector.clone(), path, person)
}

/// A synthetic photo with face vector `embedding` filed at `path`.
pub fn record_of_vector(embedding: Vec<f32>, path: &str, person: &str) -> PhotoRecord {
    PhotoRecord {
        path: PathBuf::from(path),
        person: person.to_string(),
        hash: blake3::hash(path.as_bytes()).to_hex().to_string(),
        width: SIDE,
        height: SIDE,
        status: PhotoStatus::Ok,
        faces: vec![face(embedding)],
        reviewed: false,
        not_duplicate_of: Vec::new(),
    }
}

/// Writes every photo of `synth` into `store`, [`CHUNK`] per transaction.
pub fn fill_store(store: &mut Store, synth: &Synth) -> Result<(), SessionError> {
    for start in (0..synth.photos.len()).step_by(CHUNK) {
        let end = (start + CHUNK).min(synth.photos.len());
        let photos: Vec<StoredPhoto> = (start..end).map(|i| stored_photo(synth, i)).collect();
        store.put_photos(&photos)?;
    }
    Ok(())
}

/// One analysis of the store as `report --json` makes it.
pub struct Analysed {
    pub analysis: Analysis,
    pub report: Report,
    /// Reading the records, the analysis (memo read and saved back) and the report.
    pub analysis_s: f64,
    /// Serialising the report as `report --json` prints it.
    pub json_s: f64,
    pub json_bytes: usize,
}

/// The store's records analysed under `settings`, reusing and saving back
/// the store's pair memo, then the report and its JSON.
pub fn analyse(
    session: &Session,
    store: &Store,
    settings: &Settings,
) -> Result<Analysed, SessionError> {
    let start = Instant::now();
    let (records, _inbox) = session.split_inbox(store.records()?);
    // Memo failures only cost time, as in `Session::review_store`.
    let (analysis, _problems) = store.analyse(records, settings.clone());
    let report = analysis.report();
    let analysis_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let json_bytes = json_size(&report)?;
    Ok(Analysed {
        analysis,
        report,
        analysis_s,
        json_s: start.elapsed().as_secs_f64(),
        json_bytes,
    })
}

/// Bytes written, nothing kept.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size of `report`'s JSON, made as `report --json` makes it (written
/// out as it goes, never held whole: at a million photos the text is
/// 437 MB, which the CLI's memory does not hold either).
fn json_size(report: &Report) -> Result<usize, SessionError> {
    let mut counted = Counted(0);
    serde_json::to_writer(&mut counted, report)
        .map_err(|e| SessionError::Message(e.to_string()))?;
    Ok(counted.0)
}

/// `report --json` twice as the CLI makes it ([`Session::report_store`]):
/// the first analyses with the pair memo and saved search the cold run left
/// and saves its report; the second finds nothing changed and reads that
/// report back without reading the records. Their seconds (the report and
/// its JSON included), and the JSON's seconds and bytes.
pub fn report_twice(
    session: &Session,
    store: &Store,
    settings: &Settings,
) -> Result<(f64, f64, (f64, usize)), SessionError> {
    let mut times = [0.0; 2];
    let mut json = (0.0, 0);
    for time in &mut times {
        let start = Instant::now();
        let (report, _inbox) = session.report_store(store, settings.clone())?;
        let json_start = Instant::now();
        let bytes = json_size(&report)?;
        json = (json_start.elapsed().as_secs_f64(), bytes);
        *time = start.elapsed().as_secs_f64();
    }
    Ok((times[0], times[1], json))
}

/// Milliseconds of each one-photo [`Analysis::update`], and of a rename
/// (every photo of one folder moved to a new name in one update).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct UpdateTimes {
    pub move_ms: f64,
    pub delete_ms: f64,
    pub add_ms: f64,
    pub rename_ms: f64,
    pub rename_photos: usize,
}

impl UpdateTimes {
    /// The slowest of move, delete and add.
    pub fn max_ms(&self) -> f64 {
        self.move_ms.max(self.delete_ms).max(self.add_ms)
    }
}

fn timed_update(analysis: &mut Analysis, changes: Vec<Change>) -> f64 {
    let start = Instant::now();
    analysis.update(changes);
    start.elapsed().as_secs_f64() * 1e3
}

/// Moves, deletes and adds one photo, then renames the largest folder;
/// each a separate update, timed.
pub fn time_updates(analysis: &mut Analysis, synth: &Synth) -> UpdateTimes {
    let members = synth.members();
    let mut by_size: Vec<usize> = (0..members.len()).collect();
    by_size.sort_by_key(|&f| (std::cmp::Reverse(members[f].len()), f));
    let (big, next) = (by_size[0], by_size.get(1).copied().unwrap_or(by_size[0]));
    let (a, b) = (members[big][0], members[big][1 % members[big].len()]);
    let to_person = synth.folders[next].clone();
    let moved = Change::Moved {
        from: PathBuf::from(synth.path(a)),
        to: PathBuf::from(format!("{to_person}/{}", synth.photos[a].name)),
        person: to_person,
    };
    let move_ms = timed_update(analysis, vec![moved]);
    // The deleted photo comes back under a new name, with the vector the
    // analysis held for it (the bench has let go of its own copies).
    let deleted = PathBuf::from(synth.path(b));
    let vector = analysis.vector_of(&deleted).map(<[f32]>::to_vec);
    let delete_ms = timed_update(analysis, vec![Change::Removed(deleted)]);
    let person = synth.folders[next].clone();
    let path = format!("{person}/bench_added.jpg");
    let added = record_of_vector(vector.unwrap_or_default(), &path, &person);
    let add_ms = timed_update(analysis, vec![Change::Added(added)]);
    let (old, new) = (
        &synth.folders[big],
        format!("{}_renamed", synth.folders[big]),
    );
    let renames: Vec<Change> = members[big][2.min(members[big].len())..]
        .iter()
        .map(|&i| Change::Moved {
            from: PathBuf::from(format!("{old}/{}", synth.photos[i].name)),
            to: PathBuf::from(format!("{new}/{}", synth.photos[i].name)),
            person: new.clone(),
        })
        .collect();
    let rename_photos = renames.len();
    let rename_ms = timed_update(analysis, renames);
    UpdateTimes {
        move_ms,
        delete_ms,
        add_ms,
        rename_ms,
        rename_photos,
    }
}

/// Every photo of `synth` as the store would give it back (for timing the
/// classifier without writing a store: `bench scale --only-classifier`).
pub fn records(synth: &Synth) -> Vec<PhotoRecord> {
    (0..synth.photos.len())
        .map(|i| {
            let person = &synth.folders[synth.photos[i].folder as usize];
            record(synth, i, &synth.path(i), person)
        })
        .collect()
}

/// The classifier trained on persons with at least `min_photos`, then
/// trained again after one photo changed person.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrainTimes {
    pub train_s: f64,
    pub retrain_s: f64,
    /// Per-person fits the retrain ran (the rest came from the cache).
    pub refitted: usize,
    pub classes: usize,
    pub samples: usize,
    /// "kernel" (the exact SVM) or "linear" (dual coordinate descent).
    pub model: &'static str,
    pub cv_accuracy: Option<f64>,
}

/// Times [`train_cached`] over `records` (persons with at least
/// `min_photos`) from an empty fit cache, then again, with the cache the
/// first run filled, after the first learned photo moved to another learned
/// person: the retrain a front end runs after a move.
pub fn time_training(
    mut records: Vec<PhotoRecord>,
    min_photos: usize,
    settings: &TrainSettings,
) -> Result<TrainTimes, ClassifyError> {
    let stop = AtomicBool::new(false);
    let mut cache = FitCache::default();
    let start = Instant::now();
    let samples = Samples::from_records(&records, min_photos);
    let first = train_cached(&samples, settings, "bench-scale", &stop, &mut cache)?;
    let train_s = start.elapsed().as_secs_f64();
    let (classes, count) = (samples.classes.len(), samples.len());
    drop(first);
    if let Some((moved, other)) = relabel_pair(&records, &samples) {
        records[moved].person = other;
    }
    let start = Instant::now();
    let samples = Samples::from_records(&records, min_photos);
    let again = train_cached(&samples, settings, "bench-scale", &stop, &mut cache)?;
    let retrain_s = start.elapsed().as_secs_f64();
    Ok(TrainTimes {
        train_s,
        retrain_s,
        refitted: again.refitted,
        classes,
        samples: count,
        model: if count > settings.linear_above {
            "linear"
        } else {
            "kernel"
        },
        cv_accuracy: again.model.cv_accuracy,
    })
}

/// A held-out evaluation: the classifier trained on all but a seeded 20%
/// of each learned person's photos and scored on those ([`eval::evaluate`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct HeldOut {
    pub accuracy: Option<f64>,
    /// Share of the test photos it called unknown.
    pub unknown_rate: Option<f64>,
    pub test_photos: usize,
    pub train_s: f64,
}

pub fn held_out(
    records: &[PhotoRecord],
    min_photos: usize,
    settings: &TrainSettings,
    seed: u64,
) -> Result<HeldOut, ClassifyError> {
    let samples = Samples::from_records(records, min_photos);
    let (train_rows, test_rows) = eval::split(&samples, eval::Split::TestFraction(0.2), seed);
    let start = Instant::now();
    let stop = AtomicBool::new(false);
    let trained = train(&samples.subset(&train_rows), settings, "bench-scale", &stop)?;
    let train_s = start.elapsed().as_secs_f64();
    let result = eval::evaluate(&trained.model, &samples, &test_rows);
    Ok(HeldOut {
        accuracy: result.accuracy,
        unknown_rate: result.unknown_rate,
        test_photos: result.photos,
        train_s,
    })
}

/// A learned photo and another learned person to move it to.
fn relabel_pair(records: &[PhotoRecord], samples: &Samples) -> Option<(usize, String)> {
    let first = records
        .iter()
        .position(|r| samples.classes.contains(&r.person))?;
    let other = samples
        .classes
        .iter()
        .find(|c| **c != records[first].person)?;
    Some((first, other.clone()))
}

/// The process's peak resident memory (VmHWM), in MB; none off Linux.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The peak since the last call (or the start), then a new peak begun: the
/// kernel sets the high-water mark back to the current resident size
/// (`/proc/self/clear_refs`, Linux 4.0 on). Where that cannot be written
/// each answer is the process's peak so far, so the largest answer is the
/// process's peak either way. Before the new peak begins, the memory the
/// finished stage freed is handed back to the system: the allocator keeps
/// freed pages for reuse, so each stage's peak also counted what earlier
/// stages left behind (1–2 GB at a million faces), which the stage's own
/// process (`report`, `open`) would not hold.
pub fn stage_peak_rss_mb() -> Option<f64> {
    let peak = peak_rss_mb();
    give_back_freed_memory();
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    peak
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn give_back_freed_memory() {
    unsafe extern "C" {
        fn malloc_trim(pad: usize) -> std::ffi::c_int;
    }
    // SAFETY: glibc's malloc_trim takes no pointers and only returns free
    // heap pages to the system; it may be called at any time.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn give_back_freed_memory() {}
