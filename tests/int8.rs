//! The int8 SFace as a user gets it: `models fetch --with sface_int8`
//! quantizes the pinned fp32 model with the committed activation ranges and
//! checks the result against the sha256 pinned in the manifest (so CI
//! reproduces the pin from its own cache), and `--precision int8` embeds
//! each photo's largest face close to its fp32 vector.

mod common;

use std::path::Path;
use std::process::Command;

fn facecurate(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(args)
        .output()
        .expect("run facecurate")
}

/// The largest face's vector of every photo in an `embed --json` dump.
fn largest_faces(dump: &serde_json::Value) -> Vec<(String, Vec<f64>)> {
    let mut out = Vec::new();
    for photo in dump["photos"].as_array().expect("photos") {
        let area = |f: &serde_json::Value| {
            let b = &f["bbox"];
            b[2].as_f64().unwrap_or(0.0) * b[3].as_f64().unwrap_or(0.0)
        };
        let faces = photo["faces"].as_array().expect("faces");
        if let Some(face) = faces.iter().max_by(|a, b| area(a).total_cmp(&area(b))) {
            let vector = face["embedding"].as_array().expect("embedding");
            let vector = vector.iter().map(|v| v.as_f64().unwrap_or(0.0)).collect();
            out.push((photo["path"].to_string(), vector));
        }
    }
    out
}

fn embed(precision: &str, photos: &[&Path]) -> serde_json::Value {
    let mut args = vec![
        "--device",
        "cpu",
        "--precision",
        precision,
        "embed",
        "--json",
    ];
    args.extend(photos.iter().map(|p| p.to_str().expect("utf-8 path")));
    let out = facecurate(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn int8_sface_is_made_to_its_pinned_sha256_and_embeds_close_to_fp32() {
    common::setup();
    let fetch = facecurate(&["models", "fetch", "--with", "sface_int8"]);
    assert!(
        fetch.status.success(),
        "{}",
        String::from_utf8_lossy(&fetch.stderr)
    );
    let verify = facecurate(&["models", "verify"]);
    let listing = String::from_utf8_lossy(&verify.stdout);
    let line = listing
        .lines()
        .find(|l| l.starts_with("sface_int8"))
        .unwrap_or("");
    assert!(line.contains("ok (sha256 verified)"), "{listing}");

    let celeb5 = common::celeb5();
    let photos: Vec<&Path> = celeb5
        .iter()
        .flat_map(|(_, photos)| photos.iter().take(3).map(|p| p.as_path()))
        .collect();
    let fp32 = largest_faces(&embed("fp32", &photos));
    let int8 = largest_faces(&embed("int8", &photos));
    assert_eq!(fp32.len(), photos.len(), "a face in every sample photo");
    assert_eq!(fp32.len(), int8.len());
    for ((path, a), (_, b)) in fp32.iter().zip(&int8) {
        let cosine: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        assert!(cosine >= 0.95, "{path}: cosine {cosine} to fp32");
        assert!(a != b, "{path}: int8 gave fp32's vector");
    }
}
