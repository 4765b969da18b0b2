//! `facecurate verify` on an LFW-layout copy of the fetched 5-celebrity
//! photos: the protocol's numbers come out, and photos without a face or
//! missing files are reported and scored, never dropped.

mod common;

use common::{photos_under, setup};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// Lays the celeb5 photos out as `<root>/<Person>/<Person>_NNNN.jpg` and
/// writes a pair file: consecutive photos of a person as same pairs, photo
/// k of one person with photo k of the next as different pairs. Returns
/// the pair file's path.
fn lfw_layout(root: &Path) -> std::path::PathBuf {
    let celeb5 = &setup().celeb5;
    let mut persons: Vec<(String, usize)> = Vec::new();
    for entry in std::fs::read_dir(celeb5.join("train"))
        .expect("list")
        .flatten()
    {
        let person = entry.file_name().to_string_lossy().to_string();
        let mut photos = photos_under(&entry.path());
        photos.extend(photos_under(&celeb5.join("val").join(&person)));
        std::fs::create_dir_all(root.join(&person)).expect("mkdir");
        for (k, photo) in photos.iter().enumerate() {
            let name = format!("{person}/{person}_{:04}.jpg", k + 1);
            std::fs::copy(photo, root.join(name)).expect("copy");
        }
        persons.push((person, photos.len()));
    }
    persons.sort();
    let (mut same, mut diff) = (String::new(), String::new());
    for (i, (person, n)) in persons.iter().enumerate() {
        for k in (1..*n).step_by(2) {
            writeln!(same, "{person}\t{k}\t{}", k + 1).expect("write");
        }
        let (other, m) = &persons[(i + 1) % persons.len()];
        for k in 1..=(*n).min(*m) / 2 {
            writeln!(diff, "{person}\t{k}\t{other}\t{}", k + 2).expect("write");
        }
    }
    // A photo without a face (found although it is a .png) and a photo
    // that does not exist.
    image::RgbImage::from_pixel(120, 120, image::Rgb([90, 140, 200]))
        .save(root.join("madonna/madonna_0090.png"))
        .expect("write sky");
    writeln!(same, "madonna\t1\t90").expect("write");
    writeln!(same, "madonna\t2\t91").expect("write");
    let pairs = root.join("pairs.txt");
    std::fs::write(&pairs, format!("10 30\n{same}{diff}")).expect("write pairs");
    pairs
}

fn verify(pairs: &Path, root: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(["--device", "cpu", "verify", "--json", "--pairs"])
        .arg(pairs)
        .arg("--root")
        .arg(root)
        .args(extra)
        .output()
        .expect("run facecurate");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("verify prints JSON ({e}); stderr: {stderr}"));
    (out.status.code().unwrap_or(-1), doc, stderr)
}

#[test]
fn verify_scores_the_pairs_and_reports_photos_without_a_face() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pairs = lfw_layout(dir.path());
    for extra in [&[][..], &["--flip"][..]] {
        let (code, doc, stderr) = verify(&pairs, dir.path(), extra);
        assert_eq!(code, 1, "missing photos make exit code 1; {stderr}");
        let n = doc["pairs"].as_u64().expect("pairs");
        assert!(n >= 100, "{n} pairs");
        let accuracy = doc["accuracy"].as_f64().expect("accuracy");
        eprintln!("{extra:?}: {doc}");
        assert!(accuracy >= 0.9, "accuracy {accuracy} {extra:?}");
        // Both broken pairs are wrong answers, so perfection is impossible.
        assert!(accuracy < 1.0 - 1.0 / n as f64, "accuracy {accuracy}");
        assert_eq!(doc["missing"], 2);
        let missing = doc["missing_photos"].as_array().expect("list");
        assert_eq!(missing.len(), 2, "{missing:?}");
        let causes: Vec<String> = missing
            .iter()
            .map(|m| format!("{} {}", m["path"], m["cause"]))
            .collect();
        assert!(
            causes
                .iter()
                .any(|c| c.contains("madonna_0090.png") && c.contains("no face")),
            "{causes:?}"
        );
        assert!(
            causes.iter().any(|c| c.contains("madonna_0091")),
            "{causes:?}"
        );
        for key in ["accuracy_std", "val_at_far", "auc", "eer", "threshold"] {
            assert!(doc[key].is_number(), "{key} in {doc}");
        }
        let t = doc["threshold"].as_f64().expect("threshold");
        let c = doc["threshold_cosine"].as_f64().expect("cosine");
        assert!((c - (1.0 - t * t / 2.0)).abs() < 1e-6, "{t} vs {c}");
    }
}

#[test]
fn an_unreadable_pair_file_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args([
            "verify",
            "--pairs",
            "/nonexistent/pairs.txt",
            "--root",
            "/tmp",
        ])
        .output()
        .expect("run facecurate");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/pairs.txt"));
}
