//! The fit cache against fits from scratch: after a move only the two
//! persons it touches refit, and the result is the very model a full refit
//! on the same folds gives; adding a photo refits everybody; a bad cache
//! file is ignored.

use super::*;
use crate::classify::samples::Samples;
use crate::classify::train::{TrainSettings, Trained, train, train_cached};
use std::sync::atomic::AtomicBool;

/// `persons` noisy clusters of `per_person` photos in 16-D, deterministic.
fn photos(persons: usize, per_person: usize) -> Vec<(String, Vec<f32>)> {
    let mut state = 7u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) as f32 - 0.5
    };
    let centres: Vec<Vec<f32>> = (0..persons)
        .map(|_| (0..16).map(|_| 2.0 * next()).collect())
        .collect();
    let mut out = Vec::new();
    for _ in 0..per_person {
        for (k, c) in centres.iter().enumerate() {
            let x = c.iter().map(|v| v + 0.8 * next()).collect();
            out.push((format!("p{k:02}-0"), x));
        }
    }
    out
}

fn samples(photos: &[(String, Vec<f32>)]) -> Samples {
    let items = photos
        .iter()
        .enumerate()
        .map(|(i, (p, x))| (i, p.as_str(), x.as_slice()));
    Samples::from_labelled(items, 2)
}

fn settings() -> TrainSettings {
    TrainSettings {
        threads: 2,
        ..TrainSettings::default()
    }
}

fn fit(s: &Samples, cache: &mut FitCache) -> Trained {
    train_cached(s, &settings(), "", &AtomicBool::new(false), cache).expect("trains")
}

fn assert_same(s: &Samples, a: &Trained, b: &Trained) {
    assert_eq!(a.model, b.model, "the saved models differ");
    assert_eq!(a.evals, b.evals, "the fold models or sigmoids differ");
    for i in 0..s.len() {
        assert_eq!(
            a.oos_probabilities(s, i),
            b.oos_probabilities(s, i),
            "the out-of-sample values of sample {i} differ"
        );
    }
}

#[test]
fn a_move_refits_two_persons_and_equals_a_full_refit() {
    let mut data = photos(8, 10);
    let mut cache = FitCache::default();
    let first = fit(&samples(&data), &mut cache);
    assert_eq!((first.refitted, first.reused), (8, 0));
    let mut folds_only = cache.clone();
    folds_only.forget_fits();
    // Move one photo of p03 to p05 (and shuffle the records' order too).
    let moved = data
        .iter()
        .position(|(p, _)| p.starts_with("p03"))
        .expect("p03");
    data[moved].0 = "p05-0".into();
    data.reverse();
    let s = samples(&data);
    let again = fit(&s, &mut cache);
    assert_eq!((again.refitted, again.reused), (2, 6));
    let scratch = fit(&s, &mut folds_only);
    assert_eq!((scratch.refitted, scratch.reused), (8, 0));
    assert_same(&s, &again, &scratch);
    // From nothing, folds are dealt afresh: a valid model, not the same one.
    let fresh = train(&s, &settings(), "", &AtomicBool::new(false)).expect("trains");
    assert_eq!(fresh.model.classes.len(), 8);
}

/// The move test over more persons than a tally keeps (so the tallies are
/// updated, not redone), by the kernel SVM or the linear model. Here every
/// person's linear problem holds every photo (the background alone is
/// larger), so a move changes everybody's neighbours' photos and the
/// linear model may refit all of them; the result must still be a full
/// refit's.
fn move_equals_full_refit(linear_above: usize) {
    let settings = TrainSettings {
        linear_above,
        ..settings()
    };
    let run = |s: &Samples, cache: &mut FitCache| {
        train_cached(s, &settings, "", &AtomicBool::new(false), cache).expect("trains")
    };
    let mut data = photos(14, 9);
    let mut cache = FitCache::default();
    let first = run(&samples(&data), &mut cache);
    assert_eq!((first.refitted, first.reused), (14, 0));
    for (from, to) in [("p03", "p11-0"), ("p11", "p00-0"), ("p07", "p03-0")] {
        let mut folds_only = cache.clone();
        folds_only.forget_fits();
        // The last photo of the person: never one moved before (moving
        // that back would meet its old fits in the cache, rightly).
        let moved = data.iter().rposition(|(p, _)| p.starts_with(from));
        data[moved.expect("a photo to move")].0 = to.into();
        let s = samples(&data);
        let again = run(&s, &mut cache);
        match linear_above {
            0 => assert_eq!(again.refitted + again.reused, 14),
            _ => assert_eq!((again.refitted, again.reused), (2, 12)),
        }
        let scratch = run(&s, &mut folds_only);
        assert_eq!(scratch.refitted, 14);
        assert_same(&s, &again, &scratch);
        // Nothing changed: nothing is fitted, and the same model comes back.
        let same = run(&s, &mut cache);
        assert_eq!((same.refitted, same.reused), (0, 14));
        assert_same(&s, &same, &scratch);
    }
}

#[test]
fn moves_among_many_persons_equal_a_full_refit() {
    move_equals_full_refit(usize::MAX);
}

#[test]
fn the_linear_model_after_moves_equals_a_full_refit() {
    let trained = train(
        &samples(&photos(14, 9)),
        &TrainSettings {
            linear_above: 0,
            ..settings()
        },
        "",
        &AtomicBool::new(false),
    )
    .expect("trains");
    assert!(
        trained
            .model
            .classes
            .iter()
            .all(|c| matches!(c.decision, Decision::Linear { .. })),
        "the linear model was used"
    );
    move_equals_full_refit(0);
}

#[test]
fn adding_a_photo_refits_everybody() {
    let mut data = photos(5, 8);
    let mut cache = FitCache::default();
    fit(&samples(&data), &mut cache);
    let mut extra = data[0].clone();
    extra.1[0] += 0.25;
    data.push(extra);
    let again = fit(&samples(&data), &mut cache);
    assert_eq!((again.refitted, again.reused), (5, 0));
}

#[test]
fn a_saved_cache_reloads_exactly_and_old_entries_are_pruned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = path_in(dir.path());
    let mut data = photos(6, 8);
    let mut cache = FitCache::default();
    fit(&samples(&data), &mut cache);
    cache.prune();
    cache.save(&path).expect("saves");
    let mut folds_only = cache.clone();
    folds_only.forget_fits();
    data[0].0 = "p01-0".into();
    let s = samples(&data);
    let mut loaded = FitCache::load(&path).expect("loads");
    let again = fit(&s, &mut loaded);
    assert_eq!((again.refitted, again.reused), (2, 4));
    let scratch = fit(&s, &mut folds_only);
    assert_same(&s, &again, &scratch);
    assert_eq!(loaded.len(), 8, "old and new fits of the moved pair");
    loaded.prune();
    assert_eq!(loaded.len(), 6, "only this run's fits are kept");
}

#[test]
fn a_corrupt_or_foreign_cache_file_is_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = path_in(dir.path());
    assert!(
        FitCache::load(&path)
            .expect("no file is no cache")
            .is_empty()
    );
    for text in [
        "{\"format\": \"facecurate-fit-c",
        "{\"format\": \"facecurate-classifier\", \"version\": 1, \"entries\": []}",
        "[1, 2, 3]",
    ] {
        std::fs::write(&path, text).expect("writes");
        assert!(FitCache::load(&path).is_err(), "{text}");
        assert!(FitCache::load_or_empty(&path).is_empty());
    }
    // An entry of the wrong shape is a miss, not a crash.
    let s = samples(&photos(3, 6));
    let mut cache = FitCache::default();
    fit(&s, &mut cache);
    let bad = ClassFits {
        full: Decision::Linear {
            w: vec![1.0; 3],
            b: 0.0,
        },
        folds: vec![None; 3],
        platt: None,
    };
    let keys: Vec<String> = cache.entries.keys().cloned().collect();
    keys.into_iter().for_each(|k| cache.insert(k, bad.clone()));
    let again = fit(&s, &mut cache);
    assert_eq!((again.refitted, again.reused), (3, 0));
}

#[test]
fn the_held_out_split_is_stratified_and_survives_a_move() {
    let mut data = photos(6, 10);
    let mut cache = FitCache::default();
    let (train_rows, test_rows) = cache.held_out(&samples(&data), 0.2);
    let s = samples(&data);
    for k in 0..6 {
        let held = test_rows.iter().filter(|&&r| s.labels[r] == k).count();
        assert_eq!(held, 2, "person {k}");
    }
    data[3].0 = "p04-0".into();
    assert_eq!(
        cache.held_out(&samples(&data), 0.2),
        (train_rows, test_rows)
    );
}

/// A record of `person` whose only face has `embedding`.
fn record(person: &str, n: usize, embedding: Vec<f32>) -> crate::records::PhotoRecord {
    crate::records::PhotoRecord {
        path: format!("{person}/{n:04}.jpg").into(),
        person: person.to_string(),
        hash: format!("{person}{n}"),
        width: 200,
        height: 200,
        status: crate::records::PhotoStatus::Ok,
        faces: vec![crate::pipeline::Face {
            bbox: [50.0, 50.0, 100.0, 100.0],
            landmarks: [[0.0; 2]; 5],
            score: 0.99,
            embedding,
            thumb: Vec::new(),
        }],
        reviewed: false,
        not_duplicate_of: Vec::new(),
    }
}

#[test]
fn retrain_reuses_the_saved_cache_after_a_move() {
    use crate::classify::retrain::retrain;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut records: Vec<_> = photos(6, 8)
        .into_iter()
        .enumerate()
        .map(|(n, (p, x))| record(&p, n, x))
        .collect();
    let stop = AtomicBool::new(false);
    let first = retrain(&records, dir.path(), "", &stop).expect("retrains");
    assert_eq!((first.refitted, first.reused), (12, 0));
    records[0].person = "p02-0".into();
    let again = retrain(&records, dir.path(), "", &stop).expect("retrains");
    // Two persons in the full fit, and in the evaluation's unless the moved
    // photo is held out of it.
    assert!(matches!(again.refitted, 2 | 4), "{}", again.refitted);
    assert_eq!(again.refitted + again.reused, 12);
    std::fs::write(path_in(dir.path()), "not json").expect("writes");
    let corrupt = retrain(&records, dir.path(), "", &stop).expect("a bad cache is ignored");
    assert_eq!((corrupt.refitted, corrupt.reused), (12, 0));
}
