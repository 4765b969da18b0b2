//! Embedders declared by a spec: the built-in SFace spec reproduces the
//! pipeline's embeddings, and wrong declarations fail at load with a message
//! naming what disagrees.

mod common;

use common::{photos_under, process, setup};
use facecurate::facenet::embedder::SpecEmbedder;
use facecurate::facenet::spec::{EmbedderSpec, Layout};
use facecurate::pipeline::detect::Detection;

fn sface_spec() -> EmbedderSpec {
    setup().config.models.embedder.clone()
}

#[test]
fn the_sface_spec_reproduces_the_pipeline_embeddings() {
    let s = setup();
    let photos: Vec<_> = photos_under(&s.celeb5.join("val/madonna"));
    let results = process(&photos);
    let mut embedder = SpecEmbedder::open(&s.runtime, &sface_spec(), 1).expect("opens");
    let image = facecurate::pipeline::decode::decode_file(&photos[0]).expect("decodes");
    let photo = results[0].as_ref().expect("processed");
    let face = &photo.faces[0];
    let detection = Detection {
        bbox: face.bbox,
        landmarks: face.landmarks,
        score: face.score,
    };
    let crop = embedder.crop(&image, &detection).expect("crop");
    assert_eq!(crop.dimensions(), (112, 112));
    let v = embedder.embed(&[crop]).expect("embeds").remove(0);
    let max_diff = v
        .iter()
        .zip(&face.embedding)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(max_diff < 1e-5, "max difference {max_diff}");
}

fn load_error(spec: EmbedderSpec) -> String {
    match SpecEmbedder::open(&setup().runtime, &spec, 1) {
        Ok(_) => panic!("{spec:?} should not load"),
        Err(e) => {
            eprintln!("load error: {e}");
            e.to_string()
        }
    }
}

#[test]
fn wrong_declarations_are_caught_at_load() {
    let mut spec = sface_spec();
    spec.width = 160;
    spec.height = 160;
    let e = load_error(spec);
    assert!(
        e.contains("sface") && e.contains("112") && e.contains("160x160"),
        "{e}"
    );

    let mut spec = sface_spec();
    spec.output_dim = 512;
    let e = load_error(spec);
    assert!(e.contains("128") && e.contains("512"), "{e}");

    let mut spec = sface_spec();
    spec.layout = Layout::Nhwc;
    let e = load_error(spec);
    assert!(e.contains("nhwc"), "{e}");

    let mut spec = sface_spec();
    spec.model = "/nonexistent/model.onnx".into();
    let e = load_error(spec);
    assert!(e.contains("/nonexistent/model.onnx"), "{e}");

    let mut spec = sface_spec();
    spec.output_dim = 0;
    assert!(load_error(spec).contains("output_dim"));
}
