//! The `models:` section: declared embedders and detectors, and the errors
//! a bad declaration gets (line, key, what is allowed).

use super::*;
use crate::facenet::spec::{Alignment, Layout, Normalize};
use crate::facenet::{DetectorKind, DetectorModel};
use std::path::PathBuf;

/// A dataset folder, a model file `models/m.onnx` and a workspace path.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::create_dir(dir.path().join("models")).unwrap();
    std::fs::write(dir.path().join("models/m.onnx"), b"not really onnx").unwrap();
    let file = dir.path().join("workspace.yaml");
    (dir, file)
}

const DECLARED: &str = "dataset: data
models:
  embedder: vggface2
  embedders:
    vggface2:
      model: models/m.onnx
      width: 160
      height: 160
      layout: nhwc
      channels: bgr
      normalize: {kind: prewhiten}
      alignment: {kind: box, margin: 32}
      output_dim: 512
      detector: mtcnn
  detectors:
    my-yunet: {family: yunet, model: models/m.onnx}
";

fn invalid(text: &str) -> (Option<u64>, Option<String>, String) {
    let (_dir, file) = setup();
    super::tests::invalid_at(text, &file)
}

#[test]
fn a_declared_embedder_is_read_with_its_path_resolved() {
    let (dir, file) = setup();
    let ws = Workspace::parse(DECLARED, &file).unwrap();
    assert_eq!(ws.models.embedder, "vggface2");
    // No detector named: the one the embedder declares it expects.
    assert_eq!(ws.models.detector, "mtcnn");
    let spec = ws.models.declared_embedder().expect("declared");
    assert_eq!(spec.name, "vggface2");
    assert_eq!(spec.model, dir.path().join("models/m.onnx"));
    assert_eq!((spec.width, spec.height, spec.output_dim), (160, 160, 512));
    assert_eq!(spec.layout, Layout::Nhwc);
    assert_eq!(spec.normalize, Normalize::Prewhiten);
    assert_eq!(spec.alignment, Alignment::Box { margin: 32.0 });
    assert_eq!(
        ws.models.detectors.get("my-yunet"),
        Some(&DetectorModel::Yunet(dir.path().join("models/m.onnx")))
    );
    assert_eq!(
        ws.models.manifest_names(),
        crate::config::MTCNN_NAMES.to_vec()
    );

    let named = DECLARED.replace(
        "  embedder: vggface2\n",
        "  embedder: vggface2\n  detector: my-yunet\n",
    );
    let ws = Workspace::parse(&named, &file).unwrap();
    assert_eq!(
        ws.models.declared_detector().map(|d| d.kind()),
        Some(DetectorKind::Yunet)
    );
    assert!(ws.models.manifest_names().is_empty());
}

#[test]
fn builtin_facenet_takes_mtcnn_and_detector_stages_are_not_detectors() {
    let (_dir, file) = setup();
    let ws = Workspace::parse("dataset: data\nmodels:\n  embedder: facenet\n", &file).unwrap();
    assert_eq!(
        (ws.models.detector.as_str(), ws.models.embedder.as_str()),
        ("mtcnn", "facenet")
    );
    let (line, key, message) = invalid("dataset: data\nmodels:\n  detector: mtcnn-pnet\n");
    assert_eq!((line, key.as_deref()), (Some(3), Some("models.detector")));
    assert!(message.contains("`yunet`, `mtcnn`"), "{message}");
}

#[test]
fn bad_declarations_name_the_line_the_key_and_what_is_allowed() {
    let (line, key, message) = invalid(&DECLARED.replace("width: 160", "width: 0"));
    assert_eq!(
        (line, key.as_deref()),
        (Some(7), Some("models.embedders.vggface2.width"))
    );
    assert!(
        message.contains("0x160") && message.contains("8 to 2048"),
        "{message}"
    );

    let (line, key, message) = invalid(&DECLARED.replace("output_dim: 512", "output_dim: 0"));
    assert_eq!(
        (line, key.as_deref()),
        (Some(13), Some("models.embedders.vggface2.output_dim"))
    );
    assert!(message.contains("at least 1"), "{message}");

    let (line, key, message) =
        invalid(&DECLARED.replace("      channels: bgr\n", "      colour: bgr\n"));
    assert_eq!(line, Some(10));
    assert_eq!(key.as_deref(), Some("models.embedders.vggface2.colour"));
    assert!(message.contains("channels"), "{message}");

    let four = "alignment: {kind: landmarks, template: [[1, 1], [9, 1], [5, 5], [2, 9]]}";
    let (line, key, message) =
        invalid(&DECLARED.replace("alignment: {kind: box, margin: 32}", four));
    assert_eq!(line, Some(12));
    assert!(
        key.as_deref()
            .unwrap_or("")
            .starts_with("models.embedders.vggface2.alignment"),
        "{key:?}"
    );
    assert!(message.contains('5'), "{message}");

    let (line, key, message) = invalid(&DECLARED.replace(
        "model: models/m.onnx\n      width",
        "model: models/gone.onnx\n      width",
    ));
    assert_eq!(
        (line, key.as_deref()),
        (Some(6), Some("models.embedders.vggface2.model"))
    );
    assert!(
        message.contains("gone.onnx") && message.contains("not a file"),
        "{message}"
    );

    let (line, key, message) = invalid(&DECLARED.replace("family: yunet", "family: retinaface"));
    assert_eq!(line, Some(16));
    assert_eq!(key.as_deref(), Some("models.detectors.my-yunet.family"));
    assert!(
        message.contains("yunet") && message.contains("mtcnn"),
        "{message}"
    );

    let (line, key, message) = invalid(&DECLARED.replace("embedder: vggface2", "embedder: vgg"));
    assert_eq!((line, key.as_deref()), (Some(3), Some("models.embedder")));
    assert!(
        message.contains("`sface`, `facenet`, `vggface2`"),
        "{message}"
    );

    let (_, key, message) = invalid(
        &DECLARED
            .replace("    vggface2:\n", "    sface:\n")
            .replace("embedder: vggface2", "embedder: sface"),
    );
    assert_eq!(key.as_deref(), Some("models.embedders.sface"));
    assert!(message.contains("built-in"), "{message}");
}

#[test]
fn a_standalone_spec_file_reads_relative_to_itself() {
    let (dir, _) = setup();
    let path = dir.path().join("vgg.yaml");
    let body = "model: models/m.onnx\nwidth: 160\nheight: 160\nnormalize: {kind: mean_std, mean: [127.5, 127.5, 127.5], std: [128, 128, 128]}\nalignment: {kind: box, margin: 32}\noutput_dim: 512\n";
    std::fs::write(&path, body).unwrap();
    let spec = load_embedder_spec(&path).unwrap();
    assert_eq!(spec.name, "vgg");
    assert_eq!(spec.model, dir.path().join("models/m.onnx"));
    std::fs::write(&path, body.replace("height: 160", "height: 4")).unwrap();
    match load_embedder_spec(&path) {
        Err(ConfigError::Invalid { line, key, .. }) => {
            assert_eq!((line, key.as_deref()), (Some(3), Some("height")));
        }
        other => panic!("{other:?}"),
    }
}
