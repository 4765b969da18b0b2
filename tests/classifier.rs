//! The person classifier on real photos (the fetched 5-celebrity set) and
//! its model file: what a user relies on when training, classifying and
//! letting the tool retrain in the background.

mod common;

use facecurate::classify::{
    self, ClassifyError, KernelKind, Model, OosSettings, Samples, TrainSettings, eval, model_file,
};
use facecurate::models::{Cache, Manifest, fetch};
use facecurate::pipeline::{ModelFiles, PipelineConfig};
use facecurate::records::{self, PhotoRecord};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

struct Celeb5 {
    root: PathBuf,
    train: Vec<PhotoRecord>,
    val: Vec<PhotoRecord>,
    embedder: String,
}

/// The 5-celebrity train/val photos through the pipeline, once per run.
fn celeb5() -> &'static Celeb5 {
    static DATA: OnceLock<Celeb5> = OnceLock::new();
    DATA.get_or_init(|| {
        let cache = Cache::default_location();
        let manifest = Manifest::builtin().expect("manifest");
        let mut names = fetch::default_names(&manifest);
        names.push("celeb5");
        fetch::ensure(&cache, &manifest, &names, &mut |line| eprintln!("{line}")).expect("fetch");
        let file = |n: &str| cache.path_of(&manifest.get(n).expect("listed").file);
        let runtime = facecurate::runtime::init(
            &facecurate::runtime::library_path(&cache, &manifest),
            facecurate::runtime::Device::Cpu,
        )
        .expect("ONNX Runtime");
        let config =
            PipelineConfig::for_cores(ModelFiles::builtin(file("yunet"), file("sface")), 2);
        let root = file("celeb5");
        let run = |dir: &Path| {
            records::from_pipeline(
                &runtime,
                &config,
                dir,
                &AtomicBool::new(false),
                &mut |_, _| {},
            )
            .expect("pipeline")
        };
        Celeb5 {
            train: run(&root.join("train")),
            val: run(&root.join("val")),
            root,
            embedder: manifest.get("sface").expect("sface").sha256.clone(),
        }
    })
}

fn fit(records: &[PhotoRecord]) -> Model {
    let samples = Samples::from_records(records, 2);
    classify::train(
        &samples,
        &TrainSettings::default(),
        &celeb5().embedder,
        &AtomicBool::new(false),
    )
    .expect("training")
    .model
}

#[test]
fn val_accuracy_is_at_least_95_percent() {
    let data = celeb5();
    let model = fit(&data.train);
    assert_eq!(model.classes.len(), 5);
    let val = Samples::from_records(&data.val, 1);
    assert!(val.len() >= 20, "most val photos have a face");
    let all: Vec<usize> = (0..val.len()).collect();
    let e = eval::evaluate(&model, &val, &all);
    let accuracy = e.accuracy.expect("val photos");
    eprintln!(
        "celeb5 val accuracy {accuracy:.3}, unknown rate {:?}",
        e.unknown_rate
    );
    assert!(accuracy >= 0.95, "val accuracy {accuracy}");
}

#[test]
fn persons_held_out_of_training_come_back_unknown() {
    let data = celeb5();
    let persons: Vec<String> = Samples::from_records(&data.train, 2).classes;
    let (mut unknown, mut total) = (0, 0);
    for held_out in &persons {
        let kept: Vec<PhotoRecord> = data
            .train
            .iter()
            .filter(|r| &r.person != held_out)
            .cloned()
            .collect();
        let model = fit(&kept);
        for r in data
            .train
            .iter()
            .chain(&data.val)
            .filter(|r| &r.person == held_out)
        {
            if let Some(face) = classify::face_of(r) {
                total += 1;
                unknown += usize::from(model.predict(&face.embedding).unknown);
            }
        }
    }
    let rate = unknown as f64 / total as f64;
    eprintln!("held-out persons: {unknown}/{total} unknown ({rate:.3})");
    assert!(rate >= 0.8, "only {rate} of strangers came back unknown");
}

#[test]
fn out_of_sample_probabilities_expose_a_planted_mislabel() {
    let data = celeb5();
    let mut records = data.train.clone();
    let planted = records
        .iter()
        .position(|r| r.person == "madonna" && classify::face_of(r).is_some())
        .expect("a madonna photo");
    records[planted].person = "elton_john".into();
    let oos = classify::out_of_sample_probabilities(
        &records,
        &OosSettings::default(),
        &AtomicBool::new(false),
    )
    .expect("cross-validation");
    assert_eq!(oos.photos.len(), records.len(), "aligned with the records");
    let photo = oos.photos[planted]
        .as_ref()
        .expect("an estimate for the planted photo");
    assert_eq!(oos.classes[photo.label], "elton_john");
    assert!(photo.self_confidence() < 0.5, "{photo:?}");
    let suspects = oos.likely_mislabels();
    let found = suspects
        .iter()
        .find(|s| s.record == planted)
        .expect("flagged");
    assert_eq!(found.likely, "madonna");
    assert!(oos.accuracy.expect("accuracy") > 0.9);
}

#[test]
fn retraining_states_the_accuracy_change_and_can_be_cancelled() {
    let data = celeb5();
    let previous = fit(&data.train);
    let mut moved = data.train.clone();
    let i = moved
        .iter()
        .position(|r| r.person == "madonna")
        .expect("a madonna photo");
    moved[i].person = "mindy_kaling".into();
    let job = classify::retrain_job(
        moved.clone(),
        2,
        TrainSettings::default(),
        data.embedder.clone(),
        Some(&previous),
    );
    let done = job(&AtomicBool::new(false)).expect("retrained");
    assert_eq!(done.previous_accuracy, previous.cv_accuracy);
    let change = done.accuracy_change.expect("both accuracies known");
    assert!(
        (change - (done.accuracy.unwrap_or(0.0) - previous.cv_accuracy.unwrap_or(0.0))).abs()
            < 1e-12
    );
    let job = classify::retrain_job(
        moved,
        2,
        TrainSettings::default(),
        data.embedder.clone(),
        Some(&previous),
    );
    assert!(matches!(
        job(&AtomicBool::new(true)),
        Err(ClassifyError::Cancelled)
    ));
}

/// Three well separated synthetic persons in 16 dimensions.
fn synthetic_model(kernel: KernelKind) -> (Model, Samples) {
    let mut state = 5u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) as f32 - 0.5
    };
    let mut items: Vec<(usize, String, Vec<f32>)> = Vec::new();
    for person in 0..3 {
        for _ in 0..12 {
            let mut v: Vec<f32> = (0..16).map(|_| 0.3 * next()).collect();
            v[person] += 1.0;
            let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
            items.push((
                items.len(),
                format!("p{person}"),
                v.iter().map(|a| a / n).collect(),
            ));
        }
    }
    let samples = Samples::from_labelled(
        items.iter().map(|(i, p, v)| (*i, p.as_str(), v.as_slice())),
        2,
    );
    let settings = TrainSettings {
        kernel,
        ..TrainSettings::default()
    };
    let model = classify::train(&samples, &settings, "abc123", &AtomicBool::new(false))
        .expect("training")
        .model;
    (model, samples)
}

#[test]
fn saved_model_loads_back_and_answers_the_same() {
    let dir = tempfile::tempdir().expect("tempdir");
    for kernel in [KernelKind::Linear, KernelKind::Rbf { gamma: 1.0 }] {
        let (model, samples) = synthetic_model(kernel);
        let path = model_file::path_in(dir.path());
        model.save(&path).expect("save");
        let loaded = Model::load(&path).expect("load");
        assert_eq!(loaded.class_names(), model.class_names());
        assert!((loaded.threshold - model.threshold).abs() < 1e-12);
        for x in &samples.embeddings {
            let (a, b) = (model.predict(x), loaded.predict(x));
            assert_eq!((a.person, a.unknown), (b.person, b.unknown));
            assert!((a.probability - b.probability).abs() < 1e-9);
        }
        let all: Vec<usize> = (0..samples.len()).collect();
        assert_eq!(eval::evaluate(&loaded, &samples, &all).accuracy, Some(1.0));
    }
}

#[test]
fn corrupt_or_foreign_model_files_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (model, _) = synthetic_model(KernelKind::Linear);
    let path = model_file::path_in(dir.path());
    model.save(&path).expect("save");
    let good = std::fs::read_to_string(&path).expect("read");
    let doc: serde_json::Value = serde_json::from_str(&good).expect("json");
    let mut wrong_dim = doc.clone();
    wrong_dim["model"]["dim"] = 17.into();
    let mut nan = doc.clone();
    nan["model"]["classes"][0]["decision"]["w"][0] = serde_json::Value::Null;
    let mut version = doc.clone();
    version["version"] = 99.into();
    let mut format = doc.clone();
    format["format"] = "pickle".into();
    let mut one_class = doc.clone();
    one_class["model"]["classes"] = serde_json::json!([doc["model"]["classes"][0]]);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good.as_bytes()[..good.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("binary garbage", vec![0x80, 0x04, 0x95, 0xff, 0x00]),
        ("wrong length", wrong_dim.to_string().into_bytes()),
        ("non-number weight", nan.to_string().into_bytes()),
        ("future version", version.to_string().into_bytes()),
        ("foreign format", format.to_string().into_bytes()),
        ("one person", one_class.to_string().into_bytes()),
    ];
    for (what, bytes) in cases {
        std::fs::write(&path, bytes).expect("write");
        match Model::load(&path) {
            Err(e @ ClassifyError::ModelFile { .. }) => {
                assert!(
                    e.to_string().contains(&path.display().to_string()),
                    "{what}: {e}"
                )
            }
            other => panic!("{what}: expected a model file error, got {other:?}"),
        }
    }
    let missing = dir.path().join("none.json");
    assert!(matches!(
        Model::load(&missing),
        Err(ClassifyError::ModelFile { .. })
    ));
}

#[test]
fn a_model_from_another_embedder_is_refused() {
    let (model, _) = synthetic_model(KernelKind::Linear);
    let path = Path::new("state/classifier.json");
    assert!(model.check_embedder(path, "ABC123").is_ok());
    let err = model.check_embedder(path, "def456").expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("another embedder") && message.contains("state/classifier.json"),
        "{message}"
    );
}

#[test]
fn cli_trains_then_classifies_a_labelled_folder_by_name() {
    let data = celeb5();
    let state = tempfile::tempdir().expect("tempdir");
    let run = common::facecurate_json;
    let state_dir = state.path().to_str().expect("utf-8 path");
    let train_dir = data.root.join("train");
    let trained = run(&[
        "train",
        train_dir.to_str().expect("utf-8"),
        "--min-images",
        "5",
        "--state-dir",
        state_dir,
        "--json",
    ]);
    assert_eq!(trained["classes"], 5);
    let val_dir = data.root.join("val");
    let classified = run(&[
        "classify",
        val_dir.to_str().expect("utf-8"),
        "--state-dir",
        state_dir,
        "--json",
    ]);
    let accuracy = classified["accuracy"]
        .as_f64()
        .expect("labelled folder gives an accuracy");
    assert!(accuracy >= 0.95, "{accuracy}");
    let first = &classified["predictions"][0];
    assert_eq!(first["top"].as_array().map(Vec::len), Some(3));

    // The same state folder with a damaged model: a clear error, exit 2.
    std::fs::write(model_file::path_in(state.path()), b"{\"format\":").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args([
            "classify",
            val_dir.to_str().expect("utf-8"),
            "--state-dir",
            state_dir,
        ])
        .output()
        .expect("run facecurate");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("classifier.json"));
}
