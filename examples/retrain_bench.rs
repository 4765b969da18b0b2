//! Retraining time, full versus after one label change, side by side in
//! one run (timings are reported, never asserted).
//!
//!     cargo run --profile test --example retrain_bench -- [EMBED_JSON | PERSONS PHOTOS DIM]
//!
//! Without arguments: synthetic embeddings, 500 persons × 20 photos, 128-D.
//! With `facecurate embed --json` output: those photos. Runs
//! `classify::retrain::retrain` (what the TUI's background retrainer and
//! its fit cache run) four times: cold, unchanged (every fit reused), after
//! moving one photo from the first person with more than 5 photos to the
//! next person (with the fit cache saved by the first runs), and on the
//! moved labels again with every fit forgotten (a full refit on the same
//! folds), then checks that the last two models are equal.

use facecurate::classify::retrain::{MIN_IMAGES, Retrained, retrain, retrain_with};
use facecurate::classify::{ClassifyError, FitCache, Model, fit_cache, model_file};
use facecurate::pipeline::Face;
use facecurate::records::dump::Dump;
use facecurate::records::{PhotoRecord, PhotoStatus};
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let records = match args.as_slice() {
        [path] => Dump::read(Path::new(path))?.into_records(),
        [p, n, d] => synthetic(p.parse()?, n.parse()?, d.parse()?),
        _ => synthetic(500, 20, 128),
    };
    let (cold_dir, fresh_dir) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let cold = run("cold (no fit cache)", &records, cold_dir.path())?;
    run("unchanged labels", &records, cold_dir.path())?;
    let moved = move_one(&records, &cold.classes_seen);
    let after = run("after one move", &moved, cold_dir.path())?;
    let mut folds_only = FitCache::load(&fit_cache::path_in(cold_dir.path()))
        .map_err(|e| anyhow::anyhow!("the fit cache: {e}"))?;
    folds_only.forget_fits();
    let full = run_with(
        "same labels, full refit",
        &moved,
        fresh_dir.path(),
        |r, d, s| retrain_with(r, d, "", s, &mut folds_only),
    )?;
    let same = after.model == full.model;
    println!("model after the move equals the full refit: {same}");
    Ok(())
}

/// What one run left behind.
struct Run {
    model: Model,
    classes_seen: Vec<String>,
}

fn run(what: &str, records: &[PhotoRecord], dir: &Path) -> anyhow::Result<Run> {
    run_with(what, records, dir, |r, d, s| retrain(r, d, "", s))
}

fn run_with(
    what: &str,
    records: &[PhotoRecord],
    dir: &Path,
    mut retrain: impl FnMut(&[PhotoRecord], &Path, &AtomicBool) -> Result<Retrained, ClassifyError>,
) -> anyhow::Result<Run> {
    // Wall time, the fit cache's reading included.
    let start = std::time::Instant::now();
    let r = retrain(records, dir, &AtomicBool::new(false))?;
    let seconds = start.elapsed().as_secs_f64();
    let model = Model::load(&model_file::path_in(dir))?;
    let doc = serde_json::to_value(&r)?;
    println!(
        "{what:<26} {:>8.3} s  persons {}  refitted {}  reused {}  held-out accuracy {:.4}  cv accuracy {:.4}",
        seconds,
        r.classes,
        doc["refitted"],
        doc["reused"],
        r.accuracy.unwrap_or(f64::NAN),
        model.cv_accuracy.unwrap_or(f64::NAN),
    );
    let classes_seen = model.classes.iter().map(|c| c.name.clone()).collect();
    Ok(Run {
        model,
        classes_seen,
    })
}

/// The records with one photo of the first person who can spare one (more
/// than the 5 photos a person needs) filed under the next person (moved to
/// the end, as a rescan would list it).
fn move_one(records: &[PhotoRecord], classes: &[String]) -> Vec<PhotoRecord> {
    let mut out = records.to_vec();
    let usable = |p: &String| {
        records
            .iter()
            .filter(|r| &r.person == p && r.has_face())
            .count()
    };
    let Some(k) = classes.iter().position(|p| usable(p) > MIN_IMAGES) else {
        return out;
    };
    let (a, b) = (&classes[k], &classes[(k + 1) % classes.len()]);
    if let Some(i) = out.iter().position(|r| &r.person == a && r.has_face()) {
        let mut r = out.remove(i);
        let name = r
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        r.path = Path::new(b).join(name);
        r.person = b.clone();
        println!("moving {} from {a} to {b}", r.path.display());
        out.push(r);
    }
    out
}

/// `persons` clusters of `photos` unit vectors in `dim` dimensions, with
/// noise large enough that some photos are confused.
/// Noise amplitude against centres drawn from [-0.5, 0.5) per dimension.
const NOISE: f32 = 2.5;

fn synthetic(persons: usize, photos: usize, dim: usize) -> Vec<PhotoRecord> {
    let mut state = 42u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) as f32 - 0.5
    };
    let mut out = Vec::new();
    for p in 0..persons {
        let centre: Vec<f32> = (0..dim).map(|_| next()).collect();
        for n in 0..photos {
            let v: Vec<f32> = centre.iter().map(|c| c + NOISE * next()).collect();
            let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt();
            out.push(record(
                &format!("person_{p:04}"),
                n,
                v.iter().map(|a| a / norm).collect(),
            ));
        }
    }
    out
}

fn record(person: &str, n: usize, embedding: Vec<f32>) -> PhotoRecord {
    PhotoRecord {
        path: format!("{person}/{person}_{n:04}.jpg").into(),
        person: person.to_string(),
        hash: format!("{person}{n}"),
        width: 200,
        height: 200,
        status: PhotoStatus::Ok,
        faces: vec![Face {
            bbox: [50.0, 50.0, 100.0, 100.0],
            landmarks: [[0.0; 2]; 5],
            score: 0.99,
            embedding,
            thumb: Vec::new(),
        }],
        reviewed: false,
        not_duplicate_of: Vec::new(),
    }
}
