//! One binary (one-vs-rest) SVM, solved on a working set.
//!
//! linfa builds the full n×n kernel matrix of whatever it is given, pair by
//! pair, which makes a fit on a few thousand photos take seconds; one-vs-rest
//! needs one per person and fold. But a person's SVM only depends on the few
//! photos of others that come close to them: every other photo lies beyond
//! the margin and has a zero dual weight. So each fit starts from the
//! person's photos plus the others most like them, then adds every photo
//! that breaks the margin (violates the optimality conditions) and solves
//! again, until none does: the exact solution of the full problem. The
//! rounds run on the screening solver ([`super::screen`]); linfa then fits
//! the kept model once on the set found, under the same check.

pub(super) use super::binary::{BinaryFit, BinarySettings};
use super::error::ClassifyError;
use super::linfa_fit::fit_exact;
use super::model_file::{Decision, KernelKind};
use super::screen::{self, GramCache};

/// Margin slack accepted before a photo outside the working set counts as
/// violating; the same order as the solver's own stopping tolerance.
const KKT_TOLERANCE: f64 = 1e-3;
/// The same for screening, tighter so that linfa rarely finds more.
const SCREEN_TOLERANCE: f64 = 1e-3;
/// Photos of each side in a working set built from scratch.
const FIRST_POSITIVES: usize = 24;
const FIRST_NEGATIVES: usize = 32;
/// Rounds that drop the non-support vectors before adding violators; after
/// that the set only grows, which guarantees the end.
const SHRINK_ROUNDS: usize = 20;
/// Violators added per refit.
const MAX_ADDED: usize = 16;

/// Who solves the problem once screening has found its working set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// linfa fits the model: for every model that is kept.
    Linfa,
    /// The screening solution itself (the same problem, solved to a tighter
    /// tolerance): for throwaway cross-validation models.
    Screened,
}

/// Fits "positive vs the rest" on the samples `rows` of `x`. None when the
/// rows hold no positive or no negative (nothing to separate). `hint`: a fit
/// of a similar problem (the same person on more photos), whose support
/// vectors and dual weights start this one; like `cache` (kernel values of
/// this person's problems), it only changes the speed, never the result.
pub fn fit_binary(
    x: &[Vec<f32>],
    rows: &[usize],
    positive: &dyn Fn(usize) -> bool,
    settings: BinarySettings,
    hint: Option<&BinaryFit>,
    cache: &mut GramCache,
    finish: Finish,
) -> Result<Option<BinaryFit>, ClassifyError> {
    let (pos, neg): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&r| positive(r));
    if pos.is_empty() || neg.is_empty() {
        return Ok(None);
    }
    let mut allowed = vec![false; x.len()];
    rows.iter().for_each(|&r| allowed[r] = true);
    let mut alpha = vec![0.0f64; x.len()];
    let start = first_set(x, (&pos, &neg), positive, &allowed, hint, &mut alpha);
    let (kernel, c) = (settings.kernel, settings.c);
    let norms = cache.norms(x, rows);
    let problem = Problem {
        x,
        allowed: &allowed,
        rows,
        positive,
        kernel,
        norms: &norms,
    };
    let screened = decompose(&problem, start, SCREEN_TOLERANCE, &mut |ws| {
        let fit = screen::solve(x, ws, positive, kernel, c, cache, &alpha);
        // Rows leaving the set have zero weight, so the next start is feasible.
        ws.iter().for_each(|&r| alpha[r] = 0.0);
        fit.support
            .iter()
            .zip(&fit.dual)
            .for_each(|(&r, &a)| alpha[r] = a);
        Ok(fit)
    })?;
    if finish == Finish::Screened {
        return Ok(Some(screened));
    }
    // linfa fits the model on what screening found; the same check proves
    // it optimal for every row, or grows the set until it is.
    let mut start = screened.support;
    start.extend(pos.first().into_iter().chain(neg.first()));
    decompose(&problem, start, KKT_TOLERANCE, &mut |ws| {
        fit_exact(x, ws, positive, settings)
    })
    .map(Some)
}

/// The working set a fit starts from, its dual weights set in `alpha`: the
/// hint's support vectors, or, when they miss a side, the person's least
/// typical photos and the others' most person-like ones (the likely
/// support vectors).
fn first_set(
    x: &[Vec<f32>],
    (pos, neg): (&[usize], &[usize]),
    positive: &dyn Fn(usize) -> bool,
    allowed: &[bool],
    hint: Option<&BinaryFit>,
    alpha: &mut [f64],
) -> Vec<usize> {
    let mut start: Vec<usize> = Vec::new();
    if let Some(h) = hint {
        for (&r, &a) in h.support.iter().zip(&h.dual) {
            if allowed[r] {
                start.push(r);
                alpha[r] = a;
            }
        }
        screen::rebalance(alpha, positive, &start);
    }
    if !start.iter().any(|&r| positive(r)) || start.iter().all(|&r| positive(r)) {
        start.iter().for_each(|&r| alpha[r] = 0.0);
        let centroid = mean(x, pos);
        let mut p: Vec<(f64, usize)> = pos.iter().map(|&r| (dot(&centroid, &x[r]), r)).collect();
        p.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut n: Vec<(f64, usize)> = neg.iter().map(|&r| (dot(&centroid, &x[r]), r)).collect();
        n.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        start.extend(
            p.iter()
                .take(FIRST_POSITIVES)
                .chain(n.iter().take(FIRST_NEGATIVES))
                .map(|p| p.1),
        );
    }
    start
}

/// One binary problem: the rows it is posed on and how to score them.
struct Problem<'a> {
    x: &'a [Vec<f32>],
    /// Indexed by row of `x`: whether the problem includes it.
    allowed: &'a [bool],
    rows: &'a [usize],
    positive: &'a dyn Fn(usize) -> bool,
    kernel: KernelKind,
    norms: &'a [f64],
}

/// The rows a solve runs on, in the order they joined.
struct WorkingSet {
    in_set: Vec<bool>,
    rows: Vec<usize>,
}

impl WorkingSet {
    fn add(&mut self, allowed: &[bool], r: usize) {
        if allowed[r] && !self.in_set[r] {
            self.in_set[r] = true;
            self.rows.push(r);
        }
    }
}

/// Osuna's decomposition: solve on a working set, then check every other
/// row; rows that break their margin join the set (the worst first) and the
/// non-support vectors leave it, until no row breaks its margin, when the
/// solution is optimal for all `rows`.
fn decompose(
    p: &Problem,
    start: Vec<usize>,
    tolerance: f64,
    solve: &mut dyn FnMut(&[usize]) -> Result<BinaryFit, ClassifyError>,
) -> Result<BinaryFit, ClassifyError> {
    let mut set = WorkingSet {
        in_set: vec![false; p.x.len()],
        rows: Vec::new(),
    };
    for r in start {
        set.add(p.allowed, r);
    }
    // A lower bound of each row's margin under the latest solution. Between
    // two hyperplanes a margin moves by at most |Δw|·|x| + |Δb|, so most rows
    // need no new inner product to be known safe.
    let mut bound = vec![f64::NAN; p.x.len()];
    let mut previous: Option<(Vec<f32>, f64)> = None;
    for round in 0.. {
        let fit = solve(&set.rows)?;
        set.rows.iter().for_each(|&r| bound[r] = f64::NAN);
        let drift = drift(&fit.decision, &previous);
        let mut violators = p.violators(&fit, &set.in_set, &mut bound, drift, tolerance);
        previous = match &fit.decision {
            Decision::Linear { w, b } => Some((w.clone(), *b)),
            Decision::Kernel { .. } => None,
        };
        if violators.is_empty() {
            return Ok(fit);
        }
        // Adding them all would grow the set with photos the refit puts
        // back beyond the margin.
        violators.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        if round < SHRINK_ROUNDS {
            for &r in &set.rows {
                set.in_set[r] = false;
            }
            set.rows.clear();
            for &r in &fit.support {
                set.add(p.allowed, r);
            }
        }
        for &(_, r) in violators.iter().take(MAX_ADDED) {
            set.add(p.allowed, r);
        }
    }
    unreachable!("the rounds loop only ends by returning")
}

/// How far a linear solution moved from the previous one: |Δw| and |Δb|.
/// None for kernel solutions, or the first.
fn drift(decision: &Decision, previous: &Option<(Vec<f32>, f64)>) -> Option<(f64, f64)> {
    match (decision, previous) {
        (Decision::Linear { w, b }, Some((pw, pb))) => {
            let dw: f64 = w
                .iter()
                .zip(pw)
                .map(|(a, c)| f64::from(a - c).powi(2))
                .sum();
            Some((dw.sqrt(), (b - pb).abs()))
        }
        _ => None,
    }
}

impl Problem<'_> {
    /// The rows outside the set whose margin under `fit` falls short of 1
    /// by more than `tolerance`, with that margin. `bound` keeps each row's
    /// margin, or its lower bound after `drift`, which spares most rows
    /// their inner product.
    fn violators(
        &self,
        fit: &BinaryFit,
        in_set: &[bool],
        bound: &mut [f64],
        drift: Option<(f64, f64)>,
        tolerance: f64,
    ) -> Vec<(f64, usize)> {
        let mut violators = Vec::new();
        for &r in self.rows.iter().filter(|&&r| !in_set[r]) {
            if let Some((dw, db)) = drift {
                let lower = bound[r] - (dw * self.norms[r] + db);
                if lower >= 1.0 - tolerance {
                    bound[r] = lower;
                    continue;
                }
            }
            let y = if (self.positive)(r) { 1.0 } else { -1.0 };
            let margin = y * fit.decision.value(self.kernel, &self.x[r]);
            bound[r] = margin;
            if margin < 1.0 - tolerance {
                violators.push((margin, r));
            }
        }
        violators
    }
}

fn mean(x: &[Vec<f32>], rows: &[usize]) -> Vec<f64> {
    let mut m = vec![0.0f64; x[rows[0]].len()];
    for &r in rows {
        for (c, v) in m.iter_mut().zip(&x[r]) {
            *c += f64::from(*v);
        }
    }
    m.iter_mut().for_each(|c| *c /= rows.len() as f64);
    m
}

/// A centroid's dot product with an embedding (the shared one).
pub(crate) use crate::vector::dot_wide as dot;

#[cfg(test)]
#[path = "svm_tests.rs"]
mod tests;
