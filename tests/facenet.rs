//! FaceNet (20170512-110547, converted at fetch time) through MTCNN and
//! facenet's crop, on the fetched 5-celebrity photos: distances keep
//! facenet's meaning, same person under about 1.0.

mod common;

use common::{person_of, photos_under, setup};
use facecurate::facenet::engine::{DetectorFiles, Engine};
use facecurate::facenet::mtcnn::MtcnnFiles;
use facecurate::facenet::{DetectorKind, EmbedderSpec, pool};
use facecurate::models::Manifest;
use facecurate::pipeline::embed::distance;
use std::sync::atomic::AtomicBool;

#[test]
fn facenet_distances_separate_identities_around_one() {
    let s = setup();
    let manifest = Manifest::builtin().expect("manifest");
    let names = ["facenet", "mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet"];
    if !common::facenet_models(&names) {
        return;
    }
    let file = |n: &str| s.cache.path_of(&manifest.get(n).expect("listed").file);
    let files = DetectorFiles {
        yunet: s.config.models.detector.files()[0].to_path_buf(),
        mtcnn: Some(MtcnnFiles {
            pnet: file(names[1]),
            rnet: file(names[2]),
            onet: file(names[3]),
        }),
    };
    let spec = EmbedderSpec::facenet(file("facenet"));
    let photos = photos_under(&s.celeb5);
    let mut items = Vec::new();
    pool::run(
        &photos,
        2,
        || Engine::open(&s.runtime, &files, DetectorKind::Mtcnn, &spec, 1),
        |engine, path| engine.photo_main_face(path, false),
        &AtomicBool::new(false),
        |i, r| {
            if let Ok(Some(face)) = r {
                items.push((person_of(&photos[i]), face.embedding));
            }
        },
    )
    .expect("FaceNet loads");
    assert!(
        items.len() as f64 >= 0.97 * photos.len() as f64,
        "{} faces",
        items.len()
    );
    assert_eq!(items[0].1.len(), 128);
    let mut pairs = Vec::new();
    for i in 0..items.len() {
        for j in i + 1..items.len() {
            pairs.push((items[i].0 == items[j].0, distance(&items[i].1, &items[j].1)));
        }
    }
    let median = |same: bool| {
        let mut v: Vec<f32> = pairs.iter().filter(|p| p.0 == same).map(|p| p.1).collect();
        v.sort_by(f32::total_cmp);
        v[v.len() / 2]
    };
    let (same, diff) = (median(true), median(false));
    let mut best = (0.0f64, 0.0f32);
    for t in (50..150).map(|k| k as f32 / 100.0) {
        let correct = pairs.iter().filter(|(s, d)| (*d < t) == *s).count();
        let acc = correct as f64 / pairs.len() as f64;
        if acc > best.0 {
            best = (acc, t);
        }
    }
    eprintln!(
        "FaceNet on {} faces: median distance same {same:.3}, different {diff:.3}; best threshold {:.2} gives {:.2}% of pairs right",
        items.len(),
        best.1,
        best.0 * 100.0
    );
    assert!(same < 1.0 && diff > 1.1, "same {same}, different {diff}");
    assert!(best.0 >= 0.93, "pair accuracy {}", best.0);
    assert!((0.8..=1.3).contains(&best.1), "threshold {}", best.1);
}
