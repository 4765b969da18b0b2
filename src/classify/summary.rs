//! What cross-validation says about every photo, kept per photo in a few
//! numbers and updated for the persons whose fits changed.
//!
//! The cross-validated accuracy and the unknown threshold need, per photo,
//! its own person's out-of-sample probability, the best two probabilities
//! over all persons and their sum. Computing them afresh costs a decision
//! value per photo and person (34,810 × 1,154 at 100k synthetic faces, 333k
//! × 12k at 1M) on every retrain, although a move changes two persons'
//! fits. So each photo keeps a [`Tally`]: the sum in fixed point (integer
//! addition is exact and order-free, so taking one person's old share out
//! and putting the new one in gives the very sum a full pass gives) and its
//! best few persons, which stay the exact top of the list as long as one
//! entry survives below the persons that changed; a photo whose list runs
//! short is tallied again in full. The result is what a full pass over the
//! same fits computes, bit for bit.

use super::model_file::{Decision, KernelKind};
use super::platt::Sigmoid;
use crate::vector::dot_fast;
use rayon::prelude::*;

/// One person's part in the out-of-sample probabilities: a model per fold
/// (None: the fold had none) and the sigmoid that maps its values.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassEval {
    pub folds: Vec<Option<Decision>>,
    pub sigmoid: Sigmoid,
}

impl ClassEval {
    /// The out-of-sample probability of a photo `x` of fold `fold`; None
    /// when that fold had no model.
    pub fn probability(&self, kernel: KernelKind, x: &[f32], fold: usize) -> Option<f64> {
        let value = match self.folds.get(fold)?.as_ref()? {
            // Persons × photos of these per full tally: the AVX2 product
            // (its rounding is far below what a probability shows).
            Decision::Linear { w, b } => f64::from(dot_fast(w, x)) + b,
            d => d.value(kernel, x),
        };
        // Below e⁻⁴⁰ (4·10⁻¹⁸) a probability counts as 0: it could not move
        // a sum kept to 2⁻⁵², and nearly every pair of a photo and a far
        // person is spared its exponential.
        let z = self.sigmoid.a * value + self.sigmoid.b;
        Some(match z > 40.0 {
            true => 0.0,
            false => self.sigmoid.probability(value),
        })
    }
}

/// Fixed-point scale of the sums: 2⁵² (probabilities are at most 1, so a
/// u128 holds any number of persons).
const SCALE: f64 = 4_503_599_627_370_496.0;
/// Persons a tally keeps; two are needed, the rest spare full passes.
const KEEP: usize = 8;

/// Photos tallied together ([`Photos::tally_block`]).
const BLOCK: usize = 128;

fn empty() -> Tally {
    Tally {
        sum: 0,
        top: Vec::with_capacity(KEEP + 1),
    }
}

fn fixed(p: f64) -> u128 {
    // Through u64 (2⁵² fits): a float to u128 is a slow library call.
    u128::from((p * SCALE).round() as u64)
}

/// One photo's out-of-sample probabilities, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    sum: u128,
    /// The best persons, best first (ties: lower index first); the exact
    /// top of all persons' probabilities, at least two long when there are.
    top: Vec<(f64, u32)>,
}

/// Whether `a` ranks before `b`.
fn before(a: (f64, u32), b: (f64, u32)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

impl Tally {
    /// Sum of the probabilities of every person.
    pub fn total(&self) -> f64 {
        self.sum as f64 / SCALE
    }

    /// The sum without person probability `p` (one of its terms).
    pub fn total_without(&self, p: f64) -> f64 {
        self.sum.saturating_sub(fixed(p)) as f64 / SCALE
    }

    /// The best person and its probability.
    pub fn best(&self) -> Option<(f64, u32)> {
        self.top.first().copied()
    }

    /// The best person other than `k`.
    pub fn best_but(&self, k: u32) -> Option<(f64, u32)> {
        self.top.iter().copied().find(|e| e.1 != k)
    }

    fn insert(&mut self, e: (f64, u32), complete: bool) {
        if !complete && self.top.len() >= KEEP && self.top.last().is_some_and(|&l| !before(e, l)) {
            return;
        }
        let at = self.top.iter().position(|&t| before(e, t));
        match at {
            Some(i) => self.top.insert(i, e),
            None if complete || self.top.len() < KEEP => self.top.push(e),
            None => return,
        }
        self.top.truncate(KEEP);
    }
}

/// A photo and its fold, as the tallies see it.
pub struct Photos<'a> {
    pub x: &'a [Vec<f32>],
    pub fold_of: &'a [usize],
    pub kernel: KernelKind,
}

impl Photos<'_> {
    fn p(&self, c: &ClassEval, i: usize) -> f64 {
        c.probability(self.kernel, &self.x[i], self.fold_of[i])
            .unwrap_or(0.0)
    }

    /// Photo `i`'s tally over every person.
    fn tally(&self, classes: &[ClassEval], i: usize) -> Tally {
        let mut t = [empty()];
        self.tally_block(classes, i, &mut t);
        let [t] = t;
        t
    }

    /// The tallies of the photos from `first` on, one per slot of `out`:
    /// person by person across the block, so that each person's weights are
    /// read once per block rather than once per photo (with 12k persons
    /// they are megabytes, far beyond the caches).
    fn tally_block(&self, classes: &[ClassEval], first: usize, out: &mut [Tally]) {
        let complete = classes.len() <= KEEP;
        for (k, c) in classes.iter().enumerate() {
            for (j, t) in out.iter_mut().enumerate() {
                let p = self.p(c, first + j);
                t.sum += fixed(p);
                t.insert((p, k as u32), complete);
            }
        }
    }

    /// Every photo's tally, afresh.
    pub fn tally_all(&self, classes: &[ClassEval]) -> Vec<Tally> {
        let mut tallies = vec![empty(); self.x.len()];
        tallies
            .par_chunks_mut(BLOCK)
            .enumerate()
            .for_each(|(b, out)| self.tally_block(classes, b * BLOCK, out));
        tallies
    }

    /// `tallies`, made under the persons `old`, brought to `new` (the same
    /// number of persons) by redoing only the persons that differ.
    pub fn update(&self, tallies: &mut [Tally], old: &[ClassEval], new: &[ClassEval]) {
        let moved: Vec<bool> = old.par_iter().zip(new).map(|(a, b)| a != b).collect();
        let changed: Vec<usize> = (0..new.len()).filter(|&k| moved[k]).collect();
        if changed.is_empty() {
            return;
        }
        tallies.par_iter_mut().enumerate().for_each(|(i, t)| {
            for &k in &changed {
                t.sum = t.sum + fixed(self.p(&new[k], i)) - fixed(self.p(&old[k], i));
            }
            // What is left is the exact top of the unchanged persons.
            t.top.retain(|e| !moved[e.1 as usize]);
            let complete = new.len() <= KEEP;
            let floor = t.top.last().copied();
            for &k in &changed {
                let e = (self.p(&new[k], i), k as u32);
                // Below the last kept entry it may rank under persons the
                // list no longer holds: it is left out.
                if complete || floor.is_some_and(|f| before(e, f)) {
                    t.insert(e, true);
                }
            }
            if t.top.len() < 2.min(new.len()) {
                *t = self.tally(new, i);
            }
        });
    }
}
