//! Shared test fixtures: the fetched 5-celebrity photos laid out as a
//! dataset in a temporary folder, and a CPU pipeline engine.
#![allow(dead_code)]

use facecurate::dataset::{self, Engine};
use facecurate::models::{Cache, Manifest, fetch};
use facecurate::pipeline::detect::DetectSettings;
use facecurate::pipeline::{ModelFiles, PipelineConfig};
use facecurate::runtime::{self, Device};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The 5-celebrity photos (train and val), fetched through the library,
/// grouped by person and sorted.
pub fn celeb5() -> Vec<(String, Vec<PathBuf>)> {
    let cache = Cache::default_location();
    let manifest = Manifest::builtin().unwrap();
    fetch::ensure(&cache, &manifest, &["celeb5"], &mut |l| eprintln!("{l}")).unwrap();
    let root = cache.path_of(&manifest.get("celeb5").unwrap().file);
    let mut persons: std::collections::BTreeMap<String, Vec<PathBuf>> = Default::default();
    for split in ["train", "val"] {
        for person in std::fs::read_dir(root.join(split)).unwrap().flatten() {
            let name = person.file_name().to_string_lossy().to_string();
            for photo in std::fs::read_dir(person.path()).unwrap().flatten() {
                persons.entry(name.clone()).or_default().push(photo.path());
            }
        }
    }
    persons
        .into_iter()
        .map(|(k, mut v)| {
            v.sort();
            (k, v)
        })
        .collect()
}

/// Copies up to `per_person` photos of every celebrity into `dir/<person>/`
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

/// A CPU engine with `workers` single-threaded workers.
pub fn engine(workers: usize) -> Engine {
    let cache = Cache::default_location();
    let manifest = Manifest::builtin().unwrap();
    fetch::ensure(
        &cache,
        &manifest,
        &fetch::default_names(&manifest),
        &mut |l| eprintln!("{l}"),
    )
    .unwrap();
    let rt = runtime::init(&runtime::library_path(&cache, &manifest), Device::Cpu).unwrap();
    let file = |n: &str| cache.path_of(&manifest.get(n).unwrap().file);
    let models = ModelFiles {
        detector: file("yunet"),
        embedder: file("sface"),
    };
    let mut config = PipelineConfig::for_cores(models, workers);
    config.workers = workers;
    Engine::new(rt, config)
}

/// The fingerprint of the default pipeline.
pub fn fingerprint() -> String {
    fingerprint_with(&DetectSettings::default())
}

pub fn fingerprint_with(detect: &DetectSettings) -> String {
    let manifest = Manifest::builtin().unwrap();
    let sha = |n: &str| manifest.get(n).unwrap().sha256.clone();
    dataset::fingerprint(&sha("yunet"), &sha("sface"), detect)
}

/// Waits (polling) until `ok()` holds or `limit` passes; returns whether it held.
pub fn wait_until(limit: Duration, mut ok: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    ok()
}
