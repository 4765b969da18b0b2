//! An embedder declared in workspace.yaml runs the whole workspace pipeline:
//! the SFace file declared with SFace's parameters gives the built-in's
//! vectors (in a scan, into the store), a wrong declaration fails at load
//! naming the declared and the actual value, and the store's fingerprint
//! follows the declaration.

mod common;

use common::{photos_under, process, setup};
use facecurate::config::Workspace;
use facecurate::dataset::{self, Engine, LazyEngine, scan};
use facecurate::models::Manifest;
use facecurate::pipeline::Worker;
use facecurate::store::Store;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// SFace's own parameters, written out as a user would declare them.
fn workspace_text(model: &Path, size: u32, output_dim: usize) -> String {
    format!(
        "dataset: dataset
models:
  embedder: mine
  embedders:
    mine:
      model: {}
      width: {size}
      height: {size}
      layout: nchw
      channels: rgb
      normalize: {{kind: mean_std, mean: [0, 0, 0], std: [1, 1, 1]}}
      alignment:
        kind: landmarks
        template: [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]]
      output_dim: {output_dim}
      detector: yunet
",
        model.display()
    )
}

fn sface_file() -> PathBuf {
    setup().config.models.embedder.model.clone()
}

/// A workspace in `dir` over `photos_per_person` photos of each celebrity.
fn workspace(dir: &Path, size: u32, output_dim: usize, photos_per_person: usize) -> Workspace {
    common::dataset(dir, photos_per_person);
    let file = dir.join("workspace.yaml");
    std::fs::write(&file, workspace_text(&sface_file(), size, output_dim)).unwrap();
    Workspace::load(&file).expect("the declaration is valid")
}

fn config_of(ws: &Workspace) -> facecurate::pipeline::PipelineConfig {
    let s = setup();
    let manifest = Manifest::builtin().unwrap();
    let mut config = s.config.clone();
    config.models = ws.models.files(&s.cache, &manifest).expect("files");
    config
}

#[test]
fn the_sface_file_declared_as_mine_scans_into_the_store_with_sface_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), 112, 128, 2);
    assert_eq!(ws.models.embedder, "mine");
    let manifest = Manifest::builtin().unwrap();
    let fingerprint = dataset::workspace_fingerprint(&ws, &manifest).unwrap();
    assert_ne!(
        fingerprint,
        common::fingerprint(),
        "a declared embedder is not the built-in"
    );

    let mut store = Store::open(&ws.store_path(), &fingerprint).unwrap();
    let engine = Engine::new(setup().runtime.clone(), config_of(&ws));
    let mut engine = LazyEngine::ready(engine);
    let outcome = scan(
        &mut store,
        &ws.dataset,
        &mut engine,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .expect("scan");
    assert_eq!((outcome.summary.photos, outcome.summary.failed), (10, 0));

    let paths = photos_under(&ws.dataset);
    let builtin: HashMap<PathBuf, Vec<Vec<f32>>> = paths
        .iter()
        .zip(process(&paths))
        .map(|(p, r)| {
            let faces = r.expect("processed").faces;
            let rel = p.strip_prefix(&ws.dataset).unwrap().to_path_buf();
            (rel, faces.into_iter().map(|f| f.embedding).collect())
        })
        .collect();
    let records = store.records().unwrap();
    assert_eq!(records.len(), 10);
    for r in &records {
        let want = &builtin[&r.path];
        assert_eq!(r.faces.len(), want.len(), "{}", r.path.display());
        assert!(!r.faces.is_empty());
        for (face, v) in r.faces.iter().zip(want) {
            assert_eq!(face.embedding.len(), 128);
            let diff = face
                .embedding
                .iter()
                .zip(v)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            assert!(diff < 1e-5, "{}: max difference {diff}", r.path.display());
            let faces = [(r.hash.clone(), 0)];
            let thumbs =
                facecurate::analysis::ThumbSource::thumbs(&store.thumb_source().unwrap(), &faces)
                    .unwrap();
            assert_eq!(
                thumbs[0].as_ref().map(Vec::len),
                Some(64 * 64),
                "the thumb is kept"
            );
        }
    }
}

#[test]
fn the_fingerprint_follows_the_declaration_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), 112, 128, 0);
    let manifest = Manifest::builtin().unwrap();
    let fp = |text: &str| {
        let ws = Workspace::parse(text, &ws.file).expect("valid");
        dataset::workspace_fingerprint(&ws, &manifest).unwrap()
    };
    let base = workspace_text(&sface_file(), 112, 128);
    let same = fp(&base);
    assert_eq!(
        same,
        dataset::workspace_fingerprint(&ws, &manifest).unwrap()
    );
    assert_ne!(same, fp(&base.replace("channels: rgb", "channels: bgr")));
    // The same content under another path and name is the same pipeline.
    let copy = dir.path().join("copy.onnx");
    std::fs::copy(sface_file(), &copy).unwrap();
    let moved = workspace_text(&copy, 112, 128).replace("mine", "other");
    assert_eq!(same, fp(&moved));
    // Other content under the declared path re-embeds.
    let mut bytes = std::fs::read(&copy).unwrap();
    bytes.push(0);
    std::fs::write(&copy, bytes).unwrap();
    assert_ne!(same, fp(&moved));
}

fn open_error(ws: &Workspace) -> String {
    match Worker::new(&setup().runtime, &config_of(ws)) {
        Ok(_) => panic!("a wrong declaration should not load"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_wrong_declaration_fails_at_load_naming_declared_and_actual() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), 112, 512, 0);
    let e = open_error(&ws);
    eprintln!("{e}");
    let file = sface_file().display().to_string();
    assert!(e.contains("`mine`") && e.contains(&file), "{e}");
    assert!(e.contains("output_dim 512") && e.contains("128"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let text = workspace_text(&sface_file(), 160, 128).replace(
        "[[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]]",
        "[[50, 70], [110, 70], [80, 95], [55, 125], [105, 125]]",
    );
    common::dataset(dir.path(), 0);
    let file = dir.path().join("workspace.yaml");
    std::fs::write(&file, text).unwrap();
    let ws = Workspace::load(&file).expect("valid on its own");
    let e = open_error(&ws);
    eprintln!("{e}");
    assert!(e.contains("112x112") && e.contains("160x160"), "{e}");
}
