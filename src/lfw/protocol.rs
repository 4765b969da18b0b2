//! facenet's `lfw.evaluate` (with `facenet.calculate_roc` and
//! `calculate_val`), on squared Euclidean distances between unit vectors:
//!
//! - accuracy: for each fold, the threshold (grid 0, 0.01, …, 3.99) with the
//!   best accuracy on the other folds is applied to it; mean ± std (numpy's
//!   population std) over folds;
//! - validation rate at FAR = 0.001: per fold, the threshold (grid step
//!   0.001) reaching that false-accept rate on the other folds, by linear
//!   interpolation, applied to it;
//! - AUC (trapezoids) and EER on the ROC of fold-averaged TPR/FPR.
//!
//! One deliberate difference, a trap in facenet: its folds are contiguous
//! runs of the file, which on `pairsDevTrain.txt` (550 same pairs, then 550
//! different) gives folds holding one kind only. Here fold *i* is the *i*-th
//! contiguous run of the same pairs plus the *i*-th run of the different
//! ones. On LFW's `pairs.txt` (10 sets of 300 same then 300 different) that
//! is exactly facenet's folds; on any file, every fold holds both kinds.
//!
//! A pair whose photo had no usable face is counted as a wrong answer at
//! every threshold (a same pair is never accepted, a different pair always
//! is), so it lowers accuracy instead of silently vanishing.

/// One pair's ground truth and squared distance (`None`: a photo of the pair
/// had no face; scored as wrong).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub same: bool,
    pub squared_distance: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub pairs: usize,
    pub folds: usize,
    pub accuracy: f64,
    pub accuracy_std: f64,
    /// Validation rate (true accepts / same pairs) at FAR = `far_target`.
    pub val_at_far: f64,
    pub val_std: f64,
    /// The false-accept rate actually reached on the test folds (mean).
    pub far: f64,
    pub far_target: f64,
    pub auc: f64,
    pub eer: f64,
    /// Mean over folds of the chosen squared-distance threshold.
    pub threshold_squared: f64,
    /// Pairs scored as wrong because a photo had no face.
    pub missing: usize,
}

impl Report {
    /// The chosen threshold as a Euclidean distance between unit vectors.
    pub fn threshold_distance(&self) -> f64 {
        self.threshold_squared.max(0.0).sqrt()
    }

    /// The chosen threshold as a cosine similarity (same person above it).
    pub fn threshold_cosine(&self) -> f64 {
        1.0 - self.threshold_squared / 2.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("at least 2 folds are needed, got {0}")]
    TooFewFolds(usize),
    #[error(
        "{folds} folds need at least {folds} same-person and {folds} different-person pairs; have {same} and {different}"
    )]
    TooFewPairs {
        folds: usize,
        same: usize,
        different: usize,
    },
}

use super::roc::{equal_error_rate, threshold_at_far, trapezoid};

/// FAR target of facenet's validation rate.
pub const FAR_TARGET: f64 = 1e-3;

fn grid(step: f64) -> Vec<f64> {
    let n = (4.0 / step).round() as usize;
    (0..n).map(|i| i as f64 * step).collect()
}

/// Fold of each pair: same pairs and different pairs are each cut into
/// `folds` contiguous runs (sizes as sklearn's `KFold`: the first
/// `n % folds` runs one longer).
pub fn fold_of_each(pairs: &[Scored], folds: usize) -> Vec<usize> {
    let count = |same: bool| pairs.iter().filter(|p| p.same == same).count();
    let run_index = |n: usize, i: usize| -> usize {
        let (base, extra) = (n / folds, n % folds);
        let long = extra * (base + 1);
        if i < long {
            i / (base + 1)
        } else {
            extra + (i - long) / base.max(1)
        }
    };
    let (n_same, n_diff) = (count(true), count(false));
    let (mut i_same, mut i_diff) = (0, 0);
    pairs
        .iter()
        .map(|p| {
            if p.same {
                i_same += 1;
                run_index(n_same, i_same - 1)
            } else {
                i_diff += 1;
                run_index(n_diff, i_diff - 1)
            }
        })
        .collect()
}

/// A pair as the threshold sweeps see it: (squared distance, same person).
type Item = (f64, bool);

/// Distances with missing pairs pushed to the wrong side of any threshold.
fn effective(pairs: &[Scored]) -> Vec<Item> {
    pairs
        .iter()
        .map(|p| {
            let d = p.squared_distance.unwrap_or(if p.same {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            });
            (d, p.same)
        })
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    tn: usize,
    fn_: usize,
}

impl Counts {
    fn at<'a>(threshold: f64, items: impl Iterator<Item = &'a Item>) -> Counts {
        let mut c = Counts::default();
        for &(d, same) in items {
            match (d < threshold, same) {
                (true, true) => c.tp += 1,
                (true, false) => c.fp += 1,
                (false, false) => c.tn += 1,
                (false, true) => c.fn_ += 1,
            }
        }
        c
    }
    fn tpr(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn fpr(&self) -> f64 {
        ratio(self.fp, self.fp + self.tn)
    }
    fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len().max(1) as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Runs the protocol over `pairs` (in file order) with `folds` folds.
pub fn evaluate(pairs: &[Scored], folds: usize) -> Result<Report, ProtocolError> {
    check_sizes(pairs, folds)?;
    let fold = fold_of_each(pairs, folds);
    let items = effective(pairs);
    let roc_grid = grid(0.01);
    let mut tpr = vec![0.0; roc_grid.len()];
    let mut fpr = vec![0.0; roc_grid.len()];
    let mut accuracy = Vec::with_capacity(folds);
    let mut thresholds = Vec::with_capacity(folds);
    let val_grid = grid(0.001);
    let mut val = Vec::with_capacity(folds);
    let mut far = Vec::with_capacity(folds);
    for k in 0..folds {
        let (train, test) = split(&items, &fold, k);
        let chosen = best_threshold(&roc_grid, (&train, &test), folds, &mut tpr, &mut fpr);
        thresholds.push(chosen);
        accuracy.push(Counts::at(chosen, test.iter()).accuracy());

        let far_train: Vec<f64> = val_grid
            .iter()
            .map(|&t| Counts::at(t, train.iter()).fpr())
            .collect();
        let t = threshold_at_far(&val_grid, &far_train, FAR_TARGET);
        let c = Counts::at(t, test.iter());
        val.push(c.tpr());
        far.push(c.fpr());
    }
    let (accuracy, accuracy_std) = mean_std(&accuracy);
    let (val_at_far, val_std) = mean_std(&val);
    let (far, _) = mean_std(&far);
    let (threshold_squared, _) = mean_std(&thresholds);
    Ok(Report {
        pairs: pairs.len(),
        folds,
        accuracy,
        accuracy_std,
        val_at_far,
        val_std,
        far,
        far_target: FAR_TARGET,
        auc: trapezoid(&fpr, &tpr),
        eer: equal_error_rate(&fpr, &tpr),
        threshold_squared,
        missing: pairs
            .iter()
            .filter(|p| p.squared_distance.is_none())
            .count(),
    })
}

/// Every fold needs a same and a different pair, so there must be at
/// least two folds and as many pairs of each kind.
fn check_sizes(pairs: &[Scored], folds: usize) -> Result<(), ProtocolError> {
    if folds < 2 {
        return Err(ProtocolError::TooFewFolds(folds));
    }
    let same = pairs.iter().filter(|p| p.same).count();
    let different = pairs.len() - same;
    if same < folds || different < folds {
        return Err(ProtocolError::TooFewPairs {
            folds,
            same,
            different,
        });
    }
    Ok(())
}

/// The items outside fold `k` (to train on) and those in it (to test).
fn split(items: &[Item], fold: &[usize], k: usize) -> (Vec<Item>, Vec<Item>) {
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (item, &f) in items.iter().zip(fold) {
        if f == k {
            test.push(*item);
        } else {
            train.push(*item);
        }
    }
    (train, test)
}

/// The grid threshold most accurate on `train`, while adding this fold's
/// share of the test ROC to `tpr` and `fpr`. Like numpy's argmax, it keeps
/// the first (smallest) threshold among equals.
fn best_threshold(
    grid: &[f64],
    (train, test): (&[Item], &[Item]),
    folds: usize,
    tpr: &mut [f64],
    fpr: &mut [f64],
) -> f64 {
    let mut best = (0usize, f64::NEG_INFINITY);
    for (i, &t) in grid.iter().enumerate() {
        let acc = Counts::at(t, train.iter()).accuracy();
        if acc > best.1 {
            best = (i, acc);
        }
        let c = Counts::at(t, test.iter());
        tpr[i] += c.tpr() / folds as f64;
        fpr[i] += c.fpr() / folds as f64;
    }
    grid[best.0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(same: bool, d: f64) -> Scored {
        Scored {
            same,
            squared_distance: Some(d),
        }
    }

    #[test]
    fn folds_hold_both_kinds_even_when_the_file_is_sorted() {
        let mut pairs: Vec<Scored> = (0..23).map(|_| pair(true, 0.5)).collect();
        pairs.extend((0..20).map(|_| pair(false, 2.0)));
        let fold = fold_of_each(&pairs, 10);
        for k in 0..10 {
            let kinds: Vec<bool> = pairs
                .iter()
                .zip(&fold)
                .filter(|(_, f)| **f == k)
                .map(|(p, _)| p.same)
                .collect();
            assert!(kinds.contains(&true) && kinds.contains(&false), "fold {k}");
        }
        // sklearn sizes: 23 same pairs -> 3,3,3,2,... ; runs are contiguous.
        assert_eq!(&fold[..4], &[0, 0, 0, 1]);
        assert_eq!(fold[22], 9);
    }

    #[test]
    fn separable_pairs_score_perfectly() {
        let mut pairs = Vec::new();
        // Every fold (5 pairs of each kind) holds every distance, so the
        // smallest-threshold rule cannot misjudge a fold's extreme pair.
        for i in 0..50 {
            pairs.push(pair(true, 0.2 + (i % 5) as f64 * 0.1));
            pairs.push(pair(false, 2.0 + (i % 5) as f64 * 0.1));
        }
        let r = evaluate(&pairs, 10).unwrap();
        assert_eq!(r.accuracy, 1.0);
        assert_eq!(r.accuracy_std, 0.0);
        assert!((r.auc - 1.0).abs() < 1e-9, "{}", r.auc);
        assert!(r.eer < 1e-9, "{}", r.eer);
        assert_eq!(r.val_at_far, 1.0);
        // The first grid step above the largest same distance (0.6).
        assert!(
            (r.threshold_squared - 0.61).abs() < 1e-9,
            "{}",
            r.threshold_squared
        );
        assert!((r.threshold_cosine() - (1.0 - r.threshold_squared / 2.0)).abs() < 1e-12);
    }

    #[test]
    fn a_pair_without_face_counts_as_wrong() {
        let mut pairs = Vec::new();
        // Every fold (5 pairs of each kind) holds every distance, so the
        // smallest-threshold rule cannot misjudge a fold's extreme pair.
        for i in 0..50 {
            pairs.push(pair(true, 0.2 + (i % 5) as f64 * 0.1));
            pairs.push(pair(false, 2.0 + (i % 5) as f64 * 0.1));
        }
        pairs[0].squared_distance = None;
        pairs[1].squared_distance = None;
        let r = evaluate(&pairs, 10).unwrap();
        assert_eq!(r.missing, 2);
        assert!((r.accuracy - 0.98).abs() < 1e-9, "{}", r.accuracy);
    }

    #[test]
    fn too_few_pairs_is_an_error() {
        let pairs = vec![pair(true, 0.1), pair(false, 3.0)];
        assert!(matches!(
            evaluate(&pairs, 10),
            Err(ProtocolError::TooFewPairs { .. })
        ));
        assert!(matches!(
            evaluate(&pairs, 1),
            Err(ProtocolError::TooFewFolds(1))
        ));
    }

    /// Numbers from facenet's own evaluation code on the same distances
    /// (`bench/lfw_protocol_reference.py`'s functions, stratified folds).
    #[test]
    fn matches_facenets_evaluation_code() {
        let mut pairs: Vec<Scored> = (0..103)
            .map(|i| pair(true, 0.8 + 0.6 * (i as f64 * 0.7).sin()))
            .collect();
        pairs.extend((0..97).map(|i| pair(false, 1.9 + 0.7 * (i as f64 * 1.3).cos())));
        let r = evaluate(&pairs, 10).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(r.accuracy, 0.8457518796992481), "{}", r.accuracy);
        assert!(
            close(r.accuracy_std, 0.047922835562529194),
            "{}",
            r.accuracy_std
        );
        assert!(close(r.val_at_far, 0.6781818181818181), "{}", r.val_at_far);
        assert!(close(r.val_std, 0.06633249580710801), "{}", r.val_std);
        assert!(close(r.far, 0.01111111111111111), "{}", r.far);
        assert!(close(r.auc, 0.9443868686868687), "{}", r.auc);
        assert!((r.eer - 0.15774703557308103).abs() < 1e-6, "{}", r.eer);
        assert!(close(r.threshold_squared, 1.389), "{}", r.threshold_squared);
        // Two missing pairs, always wrong: a forced false accept also puts
        // FAR = 0.001 out of reach in the folds that train on it.
        pairs[5].squared_distance = None;
        pairs[150].squared_distance = None;
        let r = evaluate(&pairs, 10).unwrap();
        assert!(close(r.accuracy, 0.8359899749373433), "{}", r.accuracy);
        assert!(close(r.val_at_far, 0.07), "{}", r.val_at_far);
        assert_eq!(r.missing, 2);
    }
}
