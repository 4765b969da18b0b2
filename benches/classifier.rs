//! Classifier timings on a real embedding dump (not a test: no data ships
//! with the repo, and timings are reported, never asserted).
//!
//!     facecurate embed --json DATASET > /tmp/embed.json
//!     cargo bench --bench classifier -- /tmp/embed.json [MIN_IMAGES]
//!
//! Reports the fit of a facenet-style split (10 training photos per person),
//! the fit on all photos, and a retraining after one photo moves to another
//! person (through `classify::retrain_job`, as the background job runs it).

use facecurate::classify::{self, Samples, TrainSettings, eval};
use facecurate::pipeline::Face;
use facecurate::records::{PhotoRecord, PhotoStatus};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

fn load(path: &str) -> Vec<PhotoRecord> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let num = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0) as f32;
    let photos = doc["photos"].as_array().cloned().unwrap_or_default();
    photos
        .iter()
        .map(|p| {
            let path = std::path::PathBuf::from(p["path"].as_str().unwrap_or(""));
            let person = path
                .parent()
                .and_then(|d| d.file_name())
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let faces = p["faces"]
                .as_array()
                .map(|fs| {
                    fs.iter()
                        .map(|f| {
                            let b: Vec<f32> = f["bbox"]
                                .as_array()
                                .map(|a| a.iter().map(num).collect())
                                .unwrap_or_default();
                            Face {
                                bbox: [b[0], b[1], b[2], b[3]],
                                landmarks: [[0.0; 2]; 5],
                                score: num(&f["score"]),
                                embedding: f["embedding"]
                                    .as_array()
                                    .map(|a| a.iter().map(num).collect())
                                    .unwrap_or_default(),
                                thumb: Vec::new(),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            PhotoRecord {
                path,
                person,
                hash: String::new(),
                width: p["width"].as_u64().unwrap_or(0) as u32,
                height: p["height"].as_u64().unwrap_or(0) as u32,
                status: PhotoStatus::Ok,
                faces,
                reviewed: false,
                not_duplicate_of: Vec::new(),
            }
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(path) = args.first() else {
        eprintln!("usage: cargo bench --bench classifier -- EMBED_JSON [MIN_IMAGES]");
        return;
    };
    let min_images: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(10);
    let records = load(path);
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
            classify::train(&split, &settings, "", &stop).expect("training");
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
    let full = classify::train(&samples, &settings, "", &stop).expect("training");
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
    let retrained = job(&stop).expect("retraining");
    println!(
        "retrain after moving one photo {a} -> {b}: {:.3} s wall ({:.3} s fitting), accuracy change {:?}",
        t.elapsed().as_secs_f64(),
        retrained.seconds,
        retrained.accuracy_change
    );
}
