//! Classifier timings on a real embedding dump (not a test: no data ships
//! with the repo, and timings are reported, never asserted).
//!
//!     facecurate embed --json DATASET > /tmp/embed.json
//!     cargo bench --bench classifier -- /tmp/embed.json [MIN_IMAGES]
//!
//! Reports the fit of a facenet-style split (10 training photos per person),
//! the fit on all photos, and a retraining after one photo moves to another
//! person (through `classify::retrain_job`, a fit from scratch). The
//! retrain the TUI runs, with its fit cache, full versus after one move:
//! `examples/retrain_bench.rs`.

use facecurate::classify::{self, Samples, TrainSettings, eval};
use facecurate::records::dump::Dump;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(path) = args.first() else {
        eprintln!("usage: cargo bench --bench classifier -- EMBED_JSON [MIN_IMAGES]");
        return Ok(());
    };
    let min_images: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(10);
    let records = Dump::read(std::path::Path::new(path))?.into_records();
    let samples = Samples::from_records(&records, min_images);
    println!(
        "{} persons with {min_images}+ photos, {} photos",
        samples.classes.len(),
        samples.len()
    );
    let stop = AtomicBool::new(false);
    let (train_rows, _) = eval::split(&samples, eval::Split::TrainPerClass(10), 666);
    let split = samples.subset(&train_rows);
    for threads in [1, 2] {
        let settings = TrainSettings {
            threads,
            ..TrainSettings::default()
        };
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            classify::train(&split, &settings, "", &stop)?;
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        println!(
            "split fit ({} photos), {threads} thread(s): median {:.4} s, min {:.4} s",
            split.len(),
            times[2],
            times[0]
        );
    }
    let settings = TrainSettings::default();
    let t = Instant::now();
    let full = classify::train(&samples, &settings, "", &stop)?;
    println!(
        "full fit ({} photos): {:.3} s, cv accuracy {:?}",
        samples.len(),
        t.elapsed().as_secs_f64(),
        full.model.cv_accuracy
    );
    // Move one photo of the first person to the second, then retrain.
    let mut moved = records.clone();
    let (a, b) = (samples.classes[0].clone(), samples.classes[1].clone());
    if let Some(r) = moved.iter_mut().find(|r| r.person == a) {
        r.person = b.clone();
    }
    let job = classify::retrain_job(
        moved,
        min_images,
        settings,
        String::new(),
        Some(&full.model),
    );
    let t = Instant::now();
    let retrained = job(&stop)?;
    println!(
        "retrain after moving one photo {a} -> {b}: {:.3} s wall ({:.3} s fitting), accuracy change {:?}",
        t.elapsed().as_secs_f64(),
        retrained.seconds,
        retrained.accuracy_change
    );
    Ok(())
}
