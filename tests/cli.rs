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

/// A small dataset of three persons with a photo filed under the wrong
/// person, a byte-for-byte copy under another name, a photo of the sky and
/// a truncated file.
fn planted_dataset(root: &std::path::Path) -> (String, String, String) {
    for person in ["madonna", "elton_john", "ben_afflek"] {
        let folder = root.join(person);
        std::fs::create_dir_all(&folder).expect("person folder");
        for photo in person_photos(person) {
            let photo = std::path::Path::new(&photo);
            std::fs::copy(photo, folder.join(photo.file_name().expect("name"))).expect("copy");
        }
    }
    let elton = photos_under(&root.join("elton_john"));
    let misfiled = root
        .join("madonna")
        .join(elton[2].file_name().expect("name"));
    std::fs::rename(&elton[2], &misfiled).expect("move");
    let ben = photos_under(&root.join("ben_afflek"));
    let copy = root.join("madonna/copy_of_ben.jpg");
    std::fs::copy(&ben[0], &copy).expect("copy");
    image::RgbImage::from_pixel(96, 96, image::Rgb([120, 160, 220]))
        .save(root.join("elton_john/sky.png"))
        .expect("write");
    std::fs::write(
        root.join("ben_afflek/broken.jpg"),
        b"\xFF\xD8\xFF\xE0 cut off",
    )
    .expect("write");
    let rel = |p: &std::path::Path| {
        p.strip_prefix(root)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/")
    };
    (rel(&misfiled), rel(&ben[0]), rel(&copy))
}

#[test]
fn report_json_names_the_problems_and_lint_gates_on_their_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("photos");
    let (misfiled, original, copy) = planted_dataset(&root);
    let root_arg = root.to_str().expect("utf-8");

    let (code, stdout, stderr) = facecurate(&["report", "--json", root_arg]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let photos = doc["photos"].as_array().expect("photos");
    let photo = |path: &str| {
        photos
            .iter()
            .find(|p| p["path"] == path)
            .unwrap_or_else(|| panic!("{path} not in {photos:?}"))
    };
    let flags = |path: &str| -> Vec<String> {
        photo(path)["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .filter_map(|f| f.as_str().map(str::to_owned))
            .collect()
    };
    for key in [
        "path",
        "person",
        "flags",
        "score",
        "suggested_person",
        "margin",
    ] {
        assert!(
            photos[0].get(key).is_some(),
            "photo lacks {key}: {}",
            photos[0]
        );
    }
    // The misfiled photo is the worst and names its true person.
    assert_eq!(photos[0]["path"], misfiled.as_str(), "{}", photos[0]);
    assert!(flags(&misfiled).contains(&"mislabel".to_string()));
    assert_eq!(photo(&misfiled)["suggested_person"], "elton_john");
    assert!(photo(&misfiled)["margin"].as_f64().expect("margin") > 0.0);
    // A suggestion is a move the evidence supports: only on a mislabel
    // with a positive margin; the look-alike of any other photo is
    // `nearest_person`, never a suggestion.
    for p in photos {
        if !p["suggested_person"].is_null() {
            let path = p["path"].as_str().unwrap_or("");
            assert!(flags(path).contains(&"mislabel".to_string()), "{p}");
            assert!(p["margin"].as_f64().is_some_and(|m| m > 0.0), "{p}");
        }
    }
    assert_eq!(photo(&misfiled)["nearest_person"], "elton_john");
    assert!(flags("elton_john/sky.png").contains(&"no_face".to_string()));
    assert!(flags(&copy).contains(&"duplicate".to_string()));
    let broken = photo("ben_afflek/broken.jpg");
    assert!(flags("ben_afflek/broken.jpg").contains(&"error".to_string()));
    let cause = broken["error"].as_str().expect("the cause");
    assert!(!cause.is_empty(), "{broken}");
    let exact = doc["duplicates"]
        .as_array()
        .expect("duplicates")
        .iter()
        .find(|d| {
            (d["a"] == original.as_str() && d["b"] == copy.as_str())
                || (d["a"] == copy.as_str() && d["b"] == original.as_str())
        })
        .expect("the copy is paired with its original");
    assert_eq!(exact["kind"], "exact");
    let persons = doc["persons"].as_array().expect("persons");
    assert_eq!(persons.len(), 3);
    assert!(
        persons
            .iter()
            .all(|p| p["name"].is_string() && p["photos"].is_u64())
    );

    let (code, stdout, stderr) = facecurate(&["lint", root_arg]);
    assert_eq!(code, 1, "problems and none allowed: exit 1\n{stderr}");
    assert!(
        stdout.contains(&misfiled) && stdout.contains("mislabel"),
        "{stdout}"
    );
    let problems: usize = stderr
        .split_whitespace()
        .skip_while(|w| *w != "lint:")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("problem count in {stderr}"));
    assert!(problems >= 3, "{stderr}");
    let allowed = problems.to_string();
    let (code, _, stderr) = facecurate(&["lint", "--max-flags", &allowed, root_arg]);
    assert_eq!(code, 0, "as many problems as allowed: exit 0\n{stderr}");
}
