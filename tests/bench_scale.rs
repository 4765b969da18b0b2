//! `facecurate bench scale`: the synthetic faces follow the dump they are
//! shaped on, planting plants exactly what the rate says, a seed gives the
//! same dataset, and the command runs the real stages end to end on a
//! small dump made here (no models, no shared data), printing one JSON
//! object whose scores say the analysis finds what was planted.

use facecurate::records::dump::{Dump, DumpFace, DumpPhoto};
use facecurate::scale::plant::{self, Counts};
use facecurate::scale::synth::{self, Shape, Synth};
use facecurate::vector::{dot, normalized};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A standard normal from a tiny seeded generator (xorshift + Box–Muller).
struct Gauss(u64);

impl Gauss {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn next(&mut self) -> f32 {
        let (u, v) = (self.uniform(), self.uniform());
        ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()) as f32
    }
    fn vector(&mut self, dim: usize) -> Vec<f32> {
        normalized(&(0..dim).map(|_| self.next()).collect::<Vec<_>>())
    }
}

/// A dump shaped like a face dataset: 300 persons whose folder sizes fall
/// off as 1/rank (one of 240 photos, most of one to five), each a random
/// centre with photos at cosine about 0.8 from it, 128-d.
fn small_dump() -> Dump {
    let mut g = Gauss(0x5eed);
    let mut photos = Vec::new();
    for person in 0..300usize {
        let centre = g.vector(128);
        let size = (240 / (person + 1)).max(1 + person % 3);
        for k in 0..size {
            let noise = g.vector(128);
            let v: Vec<f32> = centre
                .iter()
                .zip(&noise)
                .map(|(c, n)| 0.8 * c + 0.6 * n)
                .collect();
            photos.push(DumpPhoto {
                path: PathBuf::from(format!("/data/n{person:03}/n{person:03}_{k:04}.jpg")),
                width: 250,
                height: 250,
                faces: vec![DumpFace {
                    bbox: [70.0, 70.0, 110.0, 110.0],
                    landmarks: [[0.0; 2]; 5],
                    score: 0.99,
                    embedding: normalized(&v),
                    thumb: Vec::new(),
                }],
            });
        }
    }
    Dump {
        photos,
        failed: Vec::new(),
        seconds: 0.0,
    }
}

fn write_dump(dir: &Path) -> PathBuf {
    let file = dir.join("dump.json");
    std::fs::write(&file, small_dump().to_json().expect("JSON")).expect("write the dump");
    file
}

fn shape() -> Shape {
    Shape::from_records(&small_dump().into_records()).expect("a shape")
}

#[test]
fn synthetic_faces_follow_the_dumps_statistics() {
    let shape = shape();
    let synth = synth::generate(&shape, 5000, 3);
    assert_eq!(synth.photos.len(), 5000);
    for p in &synth.photos {
        assert_eq!(p.vector.len(), 128);
        assert!(
            (dot(&p.vector, &p.vector) - 1.0).abs() < 1e-4,
            "unit vectors"
        );
    }
    let sizes = synth.folder_sizes();
    let small = sizes.iter().filter(|&&n| n <= 5).count() as f64 / sizes.len() as f64;
    assert!(small > 0.6, "most persons have 1-5 photos: {small}");
    assert!(
        sizes.iter().any(|&n| n >= 100),
        "a long tail: {:?}",
        sizes.iter().max()
    );
    let (real, made) = (shape.centre_cosine.unwrap(), synth.centre_cosine().unwrap());
    assert!(
        (real - made).abs() < 0.05,
        "within-person spread: dump {real}, synthetic {made}"
    );
    // Different persons are far apart, as in the dump (centres ~orthogonal).
    let a = &synth.photos[synth.members()[0][0]].vector;
    let b = &synth.photos[synth.members()[1][0]].vector;
    assert!(dot(a, b) < 0.6, "two persons' photos: {}", dot(a, b));
}

#[test]
fn planting_plants_exactly_the_stated_numbers() {
    let mut synth = synth::generate(&shape(), 3000, 5);
    let before = synth.clone();
    let counts = Counts::at(0.01, 3000, synth.folders.len());
    assert_eq!(counts.misfiled, 30);
    let planted = plant::plant(&mut synth, counts, 5).expect("planted");
    assert_eq!(planted.misfiled.len(), counts.misfiled);
    assert_eq!(planted.copies.len(), counts.copies);
    assert_eq!(planted.splits.len(), counts.splits);
    assert_eq!(planted.misfiled.iter().filter(|m| m.nearest).count(), 15);
    for m in &planted.misfiled {
        assert_eq!(before.photos[m.photo].folder, m.from);
        assert_eq!(synth.photos[m.photo].folder, m.to);
        assert_ne!(m.from, m.to);
    }
    for &(original, copy) in &planted.copies {
        let c = dot(&synth.photos[original].vector, &synth.photos[copy].vector);
        assert!(c > 0.999 && c < 1.0, "a near-identical copy: {c}");
    }
    let mut expected: Vec<usize> = planted.misfiled.iter().map(|m| m.photo).collect();
    expected.extend(planted.copies.iter().map(|c| c.1));
    for &(a, b) in &planted.splits {
        let was_a = |i: &usize| before.photos[*i].folder == a;
        let moved: Vec<usize> = (0..3000)
            .filter(|i| was_a(i) && synth.photos[*i].folder == b)
            .collect();
        let stayed = (0..3000).filter(|i| was_a(i) && synth.photos[*i].folder == a);
        assert!(moved.len() >= 2 && stayed.count() >= 2, "two halves");
        expected.extend(moved);
    }
    expected.sort_unstable();
    let changed: Vec<usize> = (0..3000)
        .filter(|&i| synth.photos[i] != before.photos[i])
        .collect();
    assert_eq!(changed, expected, "only the planted photos change");
}

fn planted(seed: u64) -> (Synth, plant::Planted) {
    let mut synth = synth::generate(&shape(), 1500, seed);
    let counts = Counts::at(0.01, 1500, synth.folders.len());
    let planted = plant::plant(&mut synth, counts, seed).expect("planted");
    (synth, planted)
}

#[test]
fn a_seed_makes_the_same_dataset() {
    assert_eq!(planted(7), planted(7));
    assert_ne!(planted(7).0, planted(8).0);
}

#[test]
fn the_truth_files_hold_every_photo_and_mark_what_was_planted() {
    use facecurate::scale::truth::{self, Kind};
    let (synth, planted) = planted(5);
    let dir = tempfile::tempdir().expect("temp dir");
    truth::write(dir.path(), &synth, &planted).expect("written");
    let (n, dim) = (synth.photos.len(), synth.dim);
    let bytes = |f: &str| std::fs::read(dir.path().join(f)).expect(f);
    assert_eq!(bytes("vectors.f32").len(), n * dim * 4);
    assert_eq!(bytes("centres.f32").len(), synth.centres.len() * dim * 4);
    let folders: Vec<u32> = bytes("folders.u32")
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let kinds = bytes("kinds.u8");
    assert_eq!((folders.len(), kinds.len()), (n, n));
    for m in &planted.misfiled {
        assert_eq!(folders[m.photo], m.to);
        let kind = if m.nearest {
            Kind::MisfiledNearest
        } else {
            Kind::MisfiledRandom
        };
        assert_eq!(kinds[m.photo], kind as u8);
    }
    let copies = kinds.iter().filter(|&&k| k == Kind::Copy as u8).count();
    assert_eq!(copies, planted.copies.len());
    // A photo's own identity centre is nearer than a random other's.
    let photo = &synth.photos[0];
    let own = dot(&photo.vector, &synth.centres[photo.identity as usize]);
    let other = dot(&photo.vector, &synth.centres[photo.identity as usize + 1]);
    assert!(own > other, "{own} vs {other}");
}

fn facecurate(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(args)
        .output()
        .expect("run facecurate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn bench_scale_json_scores_the_planted_problems() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dump = write_dump(tmp.path());
    let work = tmp.path().join("work");
    let truth = tmp.path().join("truth");
    let args = [
        "bench",
        "scale",
        "--faces",
        "2000",
        "--shape",
        dump.to_str().unwrap(),
        "--plant-rate",
        "0.02",
        "--recall-queries",
        "300",
        "--dir",
        work.to_str().unwrap(),
        "--truth",
        truth.to_str().unwrap(),
        "--json",
    ];
    let (code, stdout, stderr) = facecurate(&args);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    for key in [
        "faces",
        "persons",
        "analysis_cold_s",
        "report_warm_s",
        "update_ms",
        "tui_first_frame_s",
        "tui_full_view_s",
        "frame_ms_p99",
        "key_ms_p99",
        "train_s",
        "retrain_s",
        "peak_rss_mb",
        "neighbour_recall_at_32",
        "planted_recall_at_k",
        "seed",
        "planted",
        "notes",
    ] {
        assert!(doc.get(key).is_some(), "{key} missing: {stdout}");
    }
    assert_eq!(doc["faces"], 2000);
    assert_eq!(doc["photo_files"], "absent");
    assert_eq!(doc["planted"]["misfiled"], 40);
    assert_eq!(doc["search"], "exact");
    let number = |key: &str| {
        doc[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key}: {stdout}"))
    };
    assert!(number("neighbour_recall_at_32") >= 0.9, "{stdout}");
    assert!(number("planted_recall_at_k") >= 0.5, "{stdout}");
    assert!(number("train_s") > 0.0 && number("key_ms_p99") > 0.0);
    // The first look comes before the analysed view, never after it.
    assert!(
        number("tui_first_frame_s") <= number("tui_full_view_s"),
        "{stdout}"
    );
    assert!(
        work.join("workspace.yaml").is_file(),
        "--dir keeps the workspace"
    );
    assert!(work.join("facecurate-state/store.sqlite").is_file());
    let vectors = std::fs::metadata(truth.join("vectors.f32")).expect("--truth writes the vectors");
    assert_eq!(vectors.len(), 2000 * 128 * 4);
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(truth.join("truth.json")).expect("truth.json"))
            .expect("truth.json is JSON");
    assert_eq!(meta["misfiled"], 40);
}

#[test]
fn a_bad_dump_is_named_and_bench_dir_still_parses() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\"photos\": 3}").expect("write");
    let args = [
        "bench",
        "scale",
        "--faces",
        "100",
        "--shape",
        bad.to_str().unwrap(),
    ];
    let (code, _, stderr) = facecurate(&args);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad.json") && stderr.contains("embed --json"),
        "{stderr}"
    );
    // `bench DIR` is still the photos/s bench: an empty folder has nothing to measure.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("folder");
    let (code, _, stderr) = facecurate(&["bench", empty.to_str().unwrap(), "--limit", "5"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no photos found to measure"), "{stderr}");
}
