//! The workspace file as users write it: defaults, paths, ranges, and the
//! line and key every error names.

use super::*;
use crate::pipeline::detect::DetectSettings;
use crate::runtime::Device;
use std::path::PathBuf;

/// A dataset folder and a workspace file path beside it, in a temp dir.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let file = dir.path().join("workspace.yaml");
    (dir, file)
}

fn invalid(text: &str) -> (Option<u64>, Option<String>, String) {
    let (_dir, file) = setup();
    invalid_at(text, &file)
}

/// The line, key and message of the error `text` gets as the workspace `file`.
pub(super) fn invalid_at(text: &str, file: &Path) -> (Option<u64>, Option<String>, String) {
    match Workspace::parse(text, file) {
        Err(ConfigError::Invalid {
            line, key, message, ..
        }) => (line, key, message),
        other => panic!("expected an Invalid error, got {other:?}"),
    }
}

#[test]
fn the_template_parses_to_the_defaults() {
    let (dir, file) = setup();
    let ws = Workspace::parse(&template("data"), &file).unwrap();
    assert_eq!(ws.dataset, dir.path().join("data"));
    assert_eq!(ws.state_dir, dir.path().join(DEFAULT_STATE_DIR));
    assert_eq!(ws.device, Device::Auto);
    assert_eq!(ws.precision, Precision::Auto);
    assert_eq!(ws.workers, None);
    assert_eq!(ws.threads, 1);
    assert_eq!(ws.detect, DetectSettings::default());
    assert_eq!(ws.watch, WatchSettings::default());
    assert_eq!(ws.inbox, DEFAULT_INBOX);
    assert_eq!(ws.models.detector, "yunet");
    assert_eq!(ws.models.cache, None);
    assert_eq!(
        ws.store_path(),
        dir.path().join("facecurate-state/store.sqlite")
    );
}

#[test]
fn the_repository_example_is_the_template() {
    let example = include_str!("../../workspace.yaml");
    assert_eq!(example, template(EXAMPLE_DATASET));
}

#[test]
fn only_dataset_is_required() {
    let (dir, file) = setup();
    let ws = Workspace::parse("dataset: data\nworkers: 3\n", &file).unwrap();
    assert_eq!(ws.dataset, dir.path().join("data"));
    assert_eq!(ws.workers, Some(3));
    let (_, key, message) = invalid("workers: 2\n");
    assert!(message.contains("dataset"), "{key:?} {message}");
}

#[test]
fn unknown_keys_name_the_key_the_line_and_what_is_allowed() {
    let (line, key, message) = invalid("dataset: data\ndetect:\n  score_treshold: 0.5\n");
    assert_eq!(line, Some(3));
    assert_eq!(key.as_deref(), Some("detect.score_treshold"));
    assert!(
        message.contains("score_treshold") && message.contains("score_threshold"),
        "{message}"
    );

    let (line, _, message) = invalid("dataset: data\ncolour: blue\n");
    eprintln!(
        "{}",
        ConfigError::Invalid {
            path: "w.yaml".into(),
            line,
            key: None,
            message: message.clone()
        }
    );
    assert_eq!(line, Some(2));
    assert!(
        message.contains("colour") && message.contains("state_dir"),
        "{message}"
    );
}

#[test]
fn bad_values_name_the_key_the_line_and_what_is_allowed() {
    let (line, key, message) = invalid("dataset: data\ndevice: gpu\n");
    assert_eq!((line, key.as_deref()), (Some(2), Some("device")));
    assert!(
        message.contains("gpu") && message.contains("cuda"),
        "{message}"
    );

    let (line, key, message) = invalid("dataset: data\n\ndetect:\n  nms_threshold: 1.5\n");
    assert_eq!(
        (line, key.as_deref()),
        (Some(4), Some("detect.nms_threshold"))
    );
    assert!(
        message.contains("1.5") && message.contains("at most 1"),
        "{message}"
    );

    let (line, key, message) = invalid("dataset: data\nworkers: many\n");
    assert_eq!((line, key.as_deref()), (Some(2), Some("workers")));
    assert!(message.contains("auto"), "{message}");

    let (line, key, message) = invalid("dataset: data\nmodels:\n  detector: sface\n");
    assert_eq!((line, key.as_deref()), (Some(3), Some("models.detector")));
    assert!(message.contains("yunet"), "{message}");
}

#[test]
fn a_missing_dataset_folder_is_reported_at_its_line() {
    let (line, key, message) = invalid("# comment\ndataset: nowhere\n");
    assert_eq!((line, key.as_deref()), (Some(2), Some("dataset")));
    assert!(message.contains("nowhere"), "{message}");
}

#[test]
fn the_state_folder_may_not_be_inside_the_dataset() {
    let (line, key, message) = invalid("dataset: data\nstate_dir: data/.state\n");
    assert_eq!((line, key.as_deref()), (Some(2), Some("state_dir")));
    assert!(message.contains("inside the dataset"), "{message}");
    let (dir, file) = setup();
    let ws = Workspace::parse("dataset: data\nstate_dir: ../elsewhere/state\n", &file).unwrap();
    assert_eq!(
        ws.state_dir,
        dir.path().parent().unwrap().join("elsewhere/state")
    );
}

#[test]
fn owned_sections_are_handed_to_their_owner_with_lines() {
    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Analysis {
        k: u32,
    }
    let (_dir, file) = setup();
    let ws = Workspace::parse("dataset: data\nanalysis:\n  k: 5\nclassifier: {}\n", &file).unwrap();
    assert_eq!(
        ws.section::<Analysis>("analysis").unwrap(),
        Some(Analysis { k: 5 })
    );
    let bad = Workspace::parse("dataset: data\nanalysis:\n  k: 5\n  j: 1\n", &file).unwrap();
    match bad.section::<Analysis>("analysis") {
        Err(ConfigError::Invalid { line, message, .. }) => {
            assert_eq!(line, Some(4));
            assert!(message.contains('j'), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ws.section::<Analysis>("nothing").unwrap(), None);
    let (line, key, _) = invalid("dataset: data\nanalysis: 3\n");
    assert_eq!((line, key.as_deref()), (Some(2), Some("analysis")));
}

#[test]
fn odd_dataset_paths_survive_the_template() {
    let (dir, file) = setup();
    let odd = dir.path().join("it's: 1");
    std::fs::create_dir(&odd).unwrap();
    let ws = Workspace::parse(&template(&odd.to_string_lossy()), &file).unwrap();
    assert_eq!(ws.dataset, odd);
}

#[test]
fn the_inbox_is_one_visible_folder_name() {
    let (_dir, file) = setup();
    let ws = Workspace::parse("dataset: data\ninbox: new photos\n", &file).unwrap();
    assert_eq!(ws.inbox, "new photos");
    for bad in ["''", ".hidden", "a/b", "'a\\b'"] {
        let (line, key, message) = invalid(&format!("dataset: data\ninbox: {bad}\n"));
        assert_eq!((line, key.as_deref()), (Some(2), Some("inbox")), "{bad}");
        assert!(message.contains("allowed:"), "{message}");
    }
}

#[test]
fn precision_is_documented_parsed_and_resolved() {
    let documented = template("data");
    assert!(documented.contains("\nprecision: auto\n"), "{documented}");
    let (_dir, file) = setup();
    for (written, want) in [("fp32", Precision::Fp32), ("int8", Precision::Int8)] {
        let text = format!("dataset: data\nprecision: {written}\n");
        let ws = Workspace::parse(&text, &file).unwrap();
        assert_eq!((ws.precision, ws.models.precision), (want, want));
    }
    let ws = Workspace::parse("dataset: data\n", &file).unwrap();
    assert_eq!(ws.precision, Precision::Auto, "auto unless asked");
    let host = crate::config::Host::detect();
    let want = Precision::Auto.resolve(ws.device, host);
    assert_eq!(ws.models.precision, want, "auto resolved on this host");
    let ws = Workspace::parse("dataset: data\nprecision: auto\ndevice: cuda\n", &file).unwrap();
    assert_eq!(ws.models.precision, Precision::Fp32, "auto is fp32 on CUDA");
    // The command line's --precision and --device win.
    let ws = Workspace::parse("dataset: data\nprecision: int8\n", &file).unwrap();
    let flagged = ws.clone().with_precision(Some(Precision::Fp32), None);
    assert_eq!(flagged.models.precision, Precision::Fp32);
    let auto = Workspace::parse("dataset: data\nprecision: auto\n", &file).unwrap();
    let cuda = auto.with_precision(None, Some(Device::Cuda));
    assert_eq!(cuda.models.precision, Precision::Fp32);
    let (line, key, message) = invalid("dataset: data\nprecision: fp16\n");
    assert_eq!((line, key.as_deref()), (Some(2), Some("precision")));
    assert!(message.contains("fp16"), "{message}");
}

#[test]
fn the_fingerprint_covers_the_precision() {
    let (_dir, file) = setup();
    let manifest = crate::models::Manifest::builtin().unwrap();
    let at = |p: &str| {
        let ws = Workspace::parse(&format!("dataset: data\nprecision: {p}\n"), &file).unwrap();
        let files = ws
            .models
            .files(&crate::models::Cache::new("/c".into()), &manifest);
        let model = files.unwrap().embedder.model;
        let fp = crate::dataset::workspace_fingerprint(&ws, &manifest).unwrap();
        let id = crate::dataset::embedder_identity(&ws, &manifest).unwrap();
        (model, fp, id)
    };
    let (fp32, int8) = (at("fp32"), at("int8"));
    assert_eq!(
        fp32.0,
        std::path::Path::new("/c/models/sface_2021dec_fp32.onnx")
    );
    assert_eq!(
        int8.0,
        std::path::Path::new("/c/models/sface_2021dec_int8_stem_fp32.onnx")
    );
    assert_ne!(fp32.1, int8.1);
    assert_ne!(fp32.2, int8.2);
    // fp32 keeps the identity SFace always had: existing stores stay valid.
    assert_eq!(fp32.2, manifest.get("sface").unwrap().sha256);
    assert_eq!(int8.2, manifest.get("sface_int8").unwrap().sha256);
}
