//! The batched path a GPU uses (`--batch N`: YuNet over a whole batch on one
//! zero-padded canvas, SFace over all the batch's faces), run here through
//! the CPU provider with batches of several photos of different sizes: it
//! must find the faces the per-photo path finds, boxes within IoU 0.95, and
//! embed them to vectors of the same person.

mod common;

use facecurate::facenet::engine::{open_batched, open_model};
use facecurate::pipeline::detect::Detection;
use facecurate::pipeline::{PhotoResult, decode};
use std::path::PathBuf;

/// Photos of several sizes and aspect ratios, the group photo among them.
fn mixed_photos() -> Vec<PathBuf> {
    let s = common::setup();
    let mut photos = common::photos_under(&s.celeb5.join("val"));
    photos.truncate(14);
    photos.push(s.group.join("t1.jpg"));
    photos.extend(
        common::photos_under(&s.celeb5.join("train"))
            .into_iter()
            .take(9),
    );
    photos
}

/// Pairs each face of `a` that clears the threshold by a margin with the
/// best-overlapping face of `b`; returns the IoUs (0.0 where none overlaps).
fn matched_ious(a: &[Detection], b: &[Detection], threshold: f32) -> Vec<f32> {
    a.iter()
        .filter(|d| d.score >= threshold + 0.05)
        .map(|d| b.iter().map(|e| d.iou(e)).fold(0.0, f32::max))
        .collect()
}

#[test]
fn a_batch_of_photos_of_different_sizes_finds_the_per_photo_faces() {
    let s = common::setup();
    let model = &s.config.models.detector;
    let settings = s.config.detect;
    let mut single = open_model(&s.runtime, model, settings, 1).expect("per-photo YuNet");
    let mut batched = open_batched(&s.runtime, model, settings, 1).expect("batched YuNet");
    let images: Vec<_> = mixed_photos()
        .iter()
        .map(|p| decode::decode_file(p).expect("sample photo decodes"))
        .collect();
    let sizes: std::collections::BTreeSet<_> = images.iter().map(|i| i.dimensions()).collect();
    assert!(sizes.len() >= 5, "the batches mix sizes: {sizes:?}");
    let (mut faces, mut worst) = (0, 1.0f32);
    for chunk in images.chunks(5) {
        let refs: Vec<_> = chunk.iter().collect();
        let together = batched.detect_batch(&refs).expect("batched detection");
        assert_eq!(together.len(), chunk.len());
        for (image, batch_faces) in chunk.iter().zip(&together) {
            let alone = single.detect(image).expect("per-photo detection");
            let forward = matched_ious(&alone, batch_faces, settings.score_threshold);
            let backward = matched_ious(batch_faces, &alone, settings.score_threshold);
            for iou in forward.iter().chain(&backward) {
                worst = worst.min(*iou);
            }
            faces += forward.len();
        }
    }
    assert!(faces >= 25, "only {faces} faces to compare");
    assert!(
        worst >= 0.95,
        "a face moved or went missing in the batch: IoU {worst}"
    );
}

fn run(batch: usize, paths: &[PathBuf]) -> Vec<PhotoResult> {
    let mut config = common::setup().config.clone();
    config.batch = batch;
    common::process_with(&config, paths)
}

#[test]
fn the_batched_pipeline_embeds_the_same_faces_and_fails_only_the_bad_photo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("truncated.jpg");
    std::fs::write(&bad, b"\xFF\xD8\xFF\xE0 not really a jpeg").expect("write");
    let mut paths = mixed_photos();
    paths.insert(3, bad.clone());
    let alone = run(1, &paths);
    let together = run(4, &paths);
    let mut compared = 0;
    for (path, (a, b)) in paths.iter().zip(alone.iter().zip(&together)) {
        match (a, b) {
            (Err(_), Err(e)) => assert_eq!(&e.path, &bad, "only the bad photo fails"),
            (Ok(a), Ok(b)) => {
                for face in a.faces.iter().filter(|f| f.score >= 0.65) {
                    let twin = b.faces.iter().max_by(|x, y| {
                        iou(&face.bbox, &x.bbox).total_cmp(&iou(&face.bbox, &y.bbox))
                    });
                    let twin =
                        twin.unwrap_or_else(|| panic!("{}: a face is missing", path.display()));
                    assert!(iou(&face.bbox, &twin.bbox) >= 0.95, "{}", path.display());
                    let cosine =
                        facecurate::pipeline::embed::cosine(&face.embedding, &twin.embedding);
                    // The wider padding moves landmarks by a fraction of a
                    // pixel near the canvas edge: the same person, not the
                    // same bits (0.977 was the lowest on these photos).
                    assert!(cosine >= 0.95, "{}: cosine {cosine}", path.display());
                    compared += 1;
                }
            }
            _ => panic!("{}: answered differently in a batch", path.display()),
        }
    }
    assert!(compared >= 25, "only {compared} faces compared");
}

fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let det = |bbox: &[f32; 4]| Detection {
        bbox: *bbox,
        landmarks: [[0.0; 2]; 5],
        score: 1.0,
    };
    det(a).iou(&det(b))
}
