//! The command line as scripts use it: JSON shapes and exit codes.

mod common;

use common::{photos_under, setup};
use std::process::Command;

fn facecurate(args: &[&str]) -> (i32, String, String) {
    setup(); // models fetched once for the whole test binary
    let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(["--device", "cpu"])
        .args(args)
        .output()
        .expect("run facecurate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn person_photos(person: &str) -> Vec<String> {
    photos_under(&setup().celeb5.join("train").join(person))
        .iter()
        .map(|p| p.to_string_lossy().to_string())
        .collect()
}

#[test]
fn compare_json_has_the_distance_and_cosine_matrices() {
    let madonna = person_photos("madonna");
    let elton = person_photos("elton_john");
    let (code, stdout, stderr) =
        facecurate(&["compare", "--json", &madonna[0], &madonna[1], &elton[0]]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(doc["images"].as_array().map(Vec::len), Some(3));
    assert_eq!(doc["images"][0]["faces"], 1);
    let d = |i: usize, j: usize| doc["distance"][i][j].as_f64().expect("number");
    let c = |i: usize, j: usize| doc["cosine"][i][j].as_f64().expect("number");
    assert!(d(0, 0).abs() < 1e-5);
    assert!(
        d(0, 1) < d(0, 2),
        "same person closer: {} vs {}",
        d(0, 1),
        d(0, 2)
    );
    assert!(
        (d(0, 2) - (2.0 - 2.0 * c(0, 2)).sqrt()).abs() < 1e-3,
        "distance matches cosine on unit vectors"
    );
}

#[test]
fn compare_names_photos_without_a_face_and_fails_with_fewer_than_two_faces() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sky = dir.path().join("sky.png");
    image::RgbImage::from_pixel(64, 64, image::Rgb([120, 160, 220]))
        .save(&sky)
        .expect("write");
    let madonna = person_photos("madonna");
    let (code, stdout, _) = facecurate(&[
        "compare",
        "--json",
        &madonna[0],
        sky.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 1, "one face only: exit 1");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(doc["images"][1]["faces"], 0);
    assert!(
        doc["distance"][0][1].is_null(),
        "no distance for a photo without a face"
    );
}

#[test]
fn embed_reports_bad_files_by_name_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let madonna = person_photos("madonna");
    std::fs::copy(&madonna[0], dir.path().join("good.jpg")).expect("copy");
    std::fs::write(
        dir.path().join("broken.jpg"),
        b"\xFF\xD8\xFF\xE0 not really",
    )
    .expect("write");
    let (code, stdout, _) = facecurate(&["embed", "--json", dir.path().to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(doc["photos"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        doc["photos"][0]["faces"][0]["embedding"]
            .as_array()
            .map(Vec::len),
        Some(128)
    );
    let failed = doc["failed"][0]["path"].as_str().expect("failed path");
    assert!(failed.ends_with("broken.jpg"));
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = facecurate(&["compare", "only-one.jpg"]);
    assert_eq!(code, 2, "{stderr}");
}
