//! A workspace that declares the FaceNet embedder, used from the command
//! line: `train` learns from the workspace's store and `classify` embeds
//! new photos with the same workspace models, so the saved model is
//! accepted and names held-out photos of the same people. A workspace with
//! another embedder over the same state refuses that model. `embed
//! --embedder facenet` names the models it runs and needs no others.

mod common;

use common::{person_of, photos_under, setup};
use std::path::Path;
use std::process::{Command, Output};

fn facecurate(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .arg("-w")
        .arg(workspace)
        .args(args)
        .output()
        .expect("run facecurate")
}

fn json_of(args: &[&str], out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn a_facenet_workspace_trains_and_classifies_with_facenet() {
    let celeb5 = &setup().celeb5;
    if !common::facenet_models(&["facenet", "mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for photo in photos_under(&celeb5.join("train")) {
        let person = dir.path().join("dataset").join(person_of(&photo));
        std::fs::create_dir_all(&person).expect("person folder");
        let name = photo.file_name().expect("file name");
        std::fs::copy(&photo, person.join(name)).expect("copy photo");
    }
    let facenet = dir.path().join("facenet.yaml");
    let text = "dataset: dataset\nstate_dir: state\nmodels:\n  embedder: facenet\n";
    std::fs::write(&facenet, text).expect("workspace file");

    let args = ["train", "--min-images", "5", "--json"];
    let trained = json_of(&args, &facecurate(&facenet, &args));
    assert_eq!(trained["classes"], 5, "{trained}");

    let val = celeb5.join("val");
    let args = ["classify", val.to_str().expect("utf-8 path"), "--json"];
    let classified = json_of(&args, &facecurate(&facenet, &args));
    let accuracy = classified["accuracy"]
        .as_f64()
        .expect("an accuracy by name");
    assert!(accuracy >= 0.9, "FaceNet accuracy by name {accuracy}");
    assert!(
        classified["labelled_photos"].as_u64() >= Some(20),
        "{classified}"
    );

    // The same state under SFace: the FaceNet model is refused, not misused.
    let sface = dir.path().join("sface.yaml");
    std::fs::write(&sface, "dataset: dataset\nstate_dir: state\n").expect("workspace file");
    let out = facecurate(&sface, &["classify", val.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("another embedder"), "{stderr}");
}

#[test]
fn embed_names_the_models_it_runs_not_the_workspace_ones() {
    let celeb5 = &setup().celeb5;
    if !common::facenet_models(&["facenet", "mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet"]) {
        return;
    }
    let photo = photos_under(&celeb5.join("val"))
        .into_iter()
        .next()
        .expect("a photo");
    let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(["embed", "--embedder", "facenet", "--json"])
        .arg(&photo)
        .output()
        .expect("run facecurate");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let dump = json_of(&["embed"], &out);
    let faces = dump["photos"][0]["faces"].as_array().map_or(0, Vec::len);
    assert_eq!(faces, 1, "{stderr}");
    assert!(stderr.contains("mtcnn + facenet"), "{stderr}");
    assert!(!stderr.contains("sface"), "{stderr}");
}

/// A machine that holds FaceNet's models and no other embeds with them:
/// `embed --embedder facenet` fetches none of the workspace's models.
#[test]
fn embed_with_facenet_needs_only_facenet_models() {
    let names = ["facenet", "mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet"];
    let celeb5 = &setup().celeb5;
    if !common::facenet_models(&names) {
        return;
    }
    let manifest = facecurate::models::Manifest::builtin().expect("manifest");
    let own = tempfile::tempdir().expect("temp dir");
    let cache = facecurate::models::Cache::new(own.path().to_path_buf());
    let file = |name: &str| manifest.get(name).expect("listed").file.clone();
    for name in names.iter().copied().chain(["onnxruntime"]) {
        let to = cache.path_of(&file(name));
        std::fs::create_dir_all(to.parent().expect("a folder")).expect("cache folder");
        std::fs::copy(setup().cache.path_of(&file(name)), &to).expect("copy artifact");
    }
    let photo = photos_under(&celeb5.join("val"))
        .into_iter()
        .next()
        .expect("a photo");
    let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .env("FACECURATE_CACHE", own.path())
        .args(["embed", "--embedder", "facenet", "--json"])
        .arg(&photo)
        .output()
        .expect("run facecurate");
    let dump = json_of(&["embed"], &out);
    assert_eq!(dump["photos"][0]["faces"].as_array().map_or(0, Vec::len), 1);
    for name in ["yunet", "sface", "sface_int8"] {
        let path = cache.path_of(&file(name));
        assert!(!path.exists(), "{} was fetched", path.display());
    }
}
