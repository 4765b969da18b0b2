//! One person's fits by the linear solver ([`super::dcd`]), for training
//! sets past [`super::settings::TrainSettings::linear_above`] photos.
//!
//! One-vs-rest over every photo costs persons × photos inner products per
//! pass (12k × 333k at 1M synthetic faces), too much even with shrinking.
//! So a person is fitted against the photos that can bend their hyperplane:
//! their own, those of the [`super::nearest::NEIGHBOURS`] persons whose
//! centroids are nearest to theirs, and a fixed background of [`BACKGROUND`] photos (the
//! first by key, a draw independent of the labels) that keeps the model
//! from answering "yes" to faces far from everybody it was fitted against.
//! The other photos are not in the problem at all. The price is honest and
//! measured: the held-out evaluation still scores every person's model on
//! every test photo. Like the kernel fits, the result depends only on
//! these rows, which are theirs and the folds — what the fit cache keys.

use super::class_fit::own_sigmoid;
use super::dcd;
use super::error::ClassifyError;
use super::fit_cache::ClassFits;
use super::model_file::{Decision, KernelKind};
use super::samples::Samples;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Photos every person is fitted against besides their neighbours'.
pub const BACKGROUND: usize = 1024;

pub struct LinearFitter<'a> {
    samples: &'a Samples,
    c: f64,
    folds: usize,
    fold_of: Vec<usize>,
    /// Each person's rows, and a digest of them.
    by_class: Vec<Vec<usize>>,
    digests: Vec<[u8; 32]>,
    neighbours: Vec<Vec<u32>>,
    stop: &'a AtomicBool,
}

impl<'a> LinearFitter<'a> {
    pub fn new(
        samples: &'a Samples,
        c: f64,
        fold_of: Vec<usize>,
        folds: usize,
        neighbours: Vec<Vec<u32>>,
        stop: &'a AtomicBool,
    ) -> LinearFitter<'a> {
        let mut by_class = vec![Vec::new(); samples.classes.len()];
        for (r, &l) in samples.labels.iter().enumerate() {
            by_class[l].push(r);
        }
        let digests = by_class
            .par_iter()
            .map(|rows: &Vec<usize>| {
                let bytes: Vec<u8> = rows
                    .iter()
                    .flat_map(|&r| (r as u64).to_le_bytes())
                    .collect();
                *blake3::hash(&bytes).as_bytes()
            })
            .collect();
        LinearFitter {
            samples,
            c,
            folds,
            fold_of,
            by_class,
            digests,
            neighbours,
            stop,
        }
    }

    /// A digest of which rows person `k`'s problem holds and which are
    /// theirs ([`LinearFitter::rows`] follows from it): the background's
    /// size, their photos and each neighbour's, in order.
    pub fn problem(&self, k: usize) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        h.update(&(BACKGROUND.min(self.samples.len()) as u64).to_le_bytes());
        h.update(&self.digests[k]);
        for &j in &self.neighbours[k] {
            h.update(&j.to_le_bytes());
            h.update(&self.digests[j as usize]);
        }
        *h.finalize().as_bytes()
    }

    /// The rows of person `k`'s problem, sorted.
    pub fn rows(&self, k: usize) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..BACKGROUND.min(self.samples.len())).collect();
        rows.extend(&self.by_class[k]);
        for &j in &self.neighbours[k] {
            rows.extend(&self.by_class[j as usize]);
        }
        rows.sort_unstable();
        rows.dedup();
        rows
    }

    /// Person `k`'s fits on their rows: on all of them, then per fold
    /// (started from the full fit's dual weights), and their sigmoid from
    /// the out-of-sample values of those rows.
    pub fn fit(&self, k: usize) -> Result<ClassFits, ClassifyError> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(ClassifyError::Cancelled);
        }
        let (x, labels) = (&self.samples.embeddings, &self.samples.labels);
        let rows = self.rows(k);
        let y: Vec<f64> = rows
            .iter()
            .map(|&r| if labels[r] == k { 1.0 } else { -1.0 })
            .collect();
        let full = dcd::solve(x, &rows, &y, self.c, None);
        let folds: Vec<Option<Decision>> = (0..self.folds)
            .map(|f| {
                let keep: Vec<usize> = (0..rows.len())
                    .filter(|&i| self.fold_of[rows[i]] != f)
                    .collect();
                let fy: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
                if !fy.contains(&1.0) || !fy.contains(&-1.0) {
                    return None;
                }
                let fr: Vec<usize> = keep.iter().map(|&i| rows[i]).collect();
                let warm: Vec<f64> = keep.iter().map(|&i| full.alpha[i]).collect();
                Some(decision(&dcd::solve(x, &fr, &fy, self.c, Some(&warm)).w))
            })
            .collect();
        let oos: Vec<Option<f64>> = rows
            .iter()
            .map(|&r| {
                let d = folds.get(self.fold_of[r])?.as_ref()?;
                Some(d.value(KernelKind::Linear, &x[r]))
            })
            .collect();
        let row_labels: Vec<usize> = rows.iter().map(|&r| labels[r]).collect();
        Ok(ClassFits {
            full: decision(&full.w),
            platt: own_sigmoid(&oos, &row_labels, k),
            folds,
        })
    }
}

fn decision(w: &[f64]) -> Decision {
    let d = w.len() - 1;
    Decision::Linear {
        w: w[..d].iter().map(|v| *v as f32).collect(),
        b: w[d],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::eval::{self, Split, SplitMix};

    /// `persons` tight clusters of `per_person` photos on the unit sphere in
    /// 32-D around random centres.
    fn clusters(persons: usize, per_person: usize, seed: u64) -> Samples {
        let mut rng = SplitMix::new(seed);
        let mut unit = || (rng.next_u64() >> 11) as f32 / (1u64 << 53) as f32 - 0.5;
        let centres: Vec<Vec<f32>> = (0..persons)
            .map(|_| (0..32).map(|_| unit()).collect())
            .collect();
        let mut items = Vec::new();
        for (k, c) in centres.iter().enumerate() {
            for _ in 0..per_person {
                let v: Vec<f32> = c.iter().map(|x| x + 0.08 * unit()).collect();
                items.push((k, format!("p{k:03}"), crate::vector::normalized(&v)));
            }
        }
        Samples::from_labelled(
            items.iter().map(|(i, p, v)| (*i, p.as_str(), v.as_slice())),
            2,
        )
    }

    #[test]
    fn the_linear_model_names_held_out_photos_of_separated_persons() {
        let samples = clusters(60, 12, 5);
        let (train_rows, test_rows) = eval::split(&samples, Split::TestFraction(0.25), 9);
        let settings = crate::classify::TrainSettings {
            linear_above: 0,
            threads: 2,
            ..Default::default()
        };
        let stop = AtomicBool::new(false);
        let trained = crate::classify::train(&samples.subset(&train_rows), &settings, "", &stop)
            .expect("trains");
        let result = eval::evaluate(&trained.model, &samples, &test_rows);
        assert_eq!(result.accuracy, Some(1.0), "{:?}", result.confused);
        assert!(
            result.unknown_rate.is_some_and(|u| u < 0.1),
            "{:?}",
            result.unknown_rate
        );
    }
}
