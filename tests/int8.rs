//! The int8 SFace as a user gets it: `models fetch --with sface_int8`
//! quantizes the pinned fp32 model with the committed activation ranges and
//! checks the result against the sha256 pinned in the manifest (so CI
//! reproduces the pin from its own cache), and `--precision int8` embeds
//! every face, background faces of the group photo too, close to its fp32
//! vector.

mod common;

use std::path::Path;
use std::process::Command;

fn facecurate(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(args)
        .output()
        .expect("run facecurate")
}

/// Every face's vector of every photo in an `embed --json` dump, labelled
/// by photo and face index (both precisions share the detector, so the
/// faces come in the same order).
fn every_face(dump: &serde_json::Value) -> Vec<(String, Vec<f64>)> {
    let mut out = Vec::new();
    for photo in dump["photos"].as_array().expect("photos") {
        for (i, face) in photo["faces"].as_array().expect("faces").iter().enumerate() {
            let vector = face["embedding"].as_array().expect("embedding");
            let vector = vector.iter().map(|v| v.as_f64().unwrap_or(0.0)).collect();
            out.push((format!("{} face {i}", photo["path"]), vector));
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
    let group = common::setup().group.join("t1.jpg");
    let mut photos: Vec<&Path> = celeb5
        .iter()
        .flat_map(|(_, photos)| photos.iter().take(4).map(|p| p.as_path()))
        .collect();
    photos.push(&group);
    let fp32 = every_face(&embed("fp32", &photos));
    let int8 = every_face(&embed("int8", &photos));
    assert!(fp32.len() > photos.len(), "the group photo's faces are in");
    assert_eq!(fp32.len(), int8.len(), "the same faces");
    for ((face, a), (_, b)) in fp32.iter().zip(&int8) {
        let cosine: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        assert!(cosine >= 0.95, "{face}: cosine {cosine} to fp32");
        assert!(a != b, "{face}: int8 gave fp32's vector");
    }
}
