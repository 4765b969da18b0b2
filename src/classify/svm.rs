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

use super::ClassifyError;
use super::linfa_fit::fit_exact;
use super::model_file::{Decision, KernelKind};
use super::screen::{self, GramCache};

/// Settings of one binary fit.
#[derive(Debug, Clone, Copy)]
pub struct BinarySettings {
    pub kernel: KernelKind,
    /// Soft-margin penalty (libsvm's and scikit-learn's default is 1).
    pub c: f64,
}

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

/// A binary fit and the samples it leaned on.
#[derive(Debug, Clone)]
pub struct BinaryFit {
    pub decision: Decision,
    /// Rows with a non-zero dual weight.
    pub support: Vec<usize>,
    /// Their dual weights (0 < α ≤ C).
    pub dual: Vec<f64>,
}

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
    let mut start: Vec<usize> = Vec::new();
    if let Some(h) = hint {
        for (&r, &a) in h.support.iter().zip(&h.dual) {
            if allowed[r] {
                start.push(r);
                alpha[r] = a;
            }
        }
        screen::rebalance(&mut alpha, positive, &start);
    }
    if !start.iter().any(|&r| positive(r)) || start.iter().all(|&r| positive(r)) {
        // From scratch: the person's least typical photos and the others'
        // most person-like ones are the likely support vectors.
        start.iter().for_each(|&r| alpha[r] = 0.0);
        let centroid = mean(x, &pos);
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
    let (kernel, c) = (settings.kernel, settings.c);
    let norms = cache.norms(x, rows);
    let screened = decompose(
        x,
        &allowed,
        rows,
        positive,
        kernel,
        &norms,
        start,
        SCREEN_TOLERANCE,
        &mut |ws| {
            let fit = screen::solve(x, ws, positive, kernel, c, cache, &alpha);
            // Rows leaving the set have zero weight, so the next start is feasible.
            ws.iter().for_each(|&r| alpha[r] = 0.0);
            fit.support
                .iter()
                .zip(&fit.dual)
                .for_each(|(&r, &a)| alpha[r] = a);
            Ok(fit)
        },
    )?;
    if finish == Finish::Screened {
        return Ok(Some(screened));
    }
    // linfa fits the model on what screening found; the same check proves
    // it optimal for every row, or grows the set until it is.
    let mut start = screened.support;
    start.extend(pos.first().into_iter().chain(neg.first()));
    decompose(
        x,
        &allowed,
        rows,
        positive,
        kernel,
        &norms,
        start,
        KKT_TOLERANCE,
        &mut |ws| fit_exact(x, ws, positive, settings),
    )
    .map(Some)
}

/// Osuna's decomposition: solve on a working set, then check every other
/// row; rows that break their margin join the set (the worst first) and the
/// non-support vectors leave it, until no row breaks its margin, when the
/// solution is optimal for all `rows`.
#[allow(clippy::too_many_arguments)]
fn decompose(
    x: &[Vec<f32>],
    allowed: &[bool],
    rows: &[usize],
    positive: &dyn Fn(usize) -> bool,
    kernel: KernelKind,
    norms: &[f64],
    start: Vec<usize>,
    tolerance: f64,
    solve: &mut dyn FnMut(&[usize]) -> Result<BinaryFit, ClassifyError>,
) -> Result<BinaryFit, ClassifyError> {
    let mut in_set = vec![false; x.len()];
    let mut working = Vec::new();
    let add = |r: usize, working: &mut Vec<usize>, in_set: &mut Vec<bool>| {
        if allowed[r] && !in_set[r] {
            in_set[r] = true;
            working.push(r);
        }
    };
    for r in start {
        add(r, &mut working, &mut in_set);
    }
    // A lower bound of each row's margin under the latest solution. Between
    // two hyperplanes a margin moves by at most |Δw|·|x| + |Δb|, so most rows
    // need no new inner product to be known safe.
    let mut bound = vec![f64::NAN; x.len()];
    let mut previous: Option<(Vec<f32>, f64)> = None;
    for round in 0.. {
        let fit = solve(&working)?;
        working.iter().for_each(|&r| bound[r] = f64::NAN);
        let drift = match (&fit.decision, &previous) {
            (Decision::Linear { w, b }, Some((pw, pb))) => {
                let dw: f64 = w
                    .iter()
                    .zip(pw)
                    .map(|(a, c)| f64::from(a - c).powi(2))
                    .sum();
                Some((dw.sqrt(), (b - pb).abs()))
            }
            _ => None,
        };
        let mut violators: Vec<(f64, usize)> = Vec::new();
        for &r in rows.iter().filter(|&&r| !in_set[r]) {
            if let Some((dw, db)) = drift {
                let lower = bound[r] - (dw * norms[r] + db);
                if lower >= 1.0 - tolerance {
                    bound[r] = lower;
                    continue;
                }
            }
            let y = if positive(r) { 1.0 } else { -1.0 };
            let margin = y * fit.decision.value(kernel, &x[r]);
            bound[r] = margin;
            if margin < 1.0 - tolerance {
                violators.push((margin, r));
            }
        }
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
            for &r in &working {
                in_set[r] = false;
            }
            working.clear();
            for &r in &fit.support {
                add(r, &mut working, &mut in_set);
            }
        }
        for &(_, r) in violators.iter().take(MAX_ADDED) {
            add(r, &mut working, &mut in_set);
        }
    }
    unreachable!("the rounds loop only ends by returning")
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
mod tests {
    use super::*;

    /// Two noisy clusters in 4-D, deterministic.
    fn clusters(n: usize) -> (Vec<Vec<f32>>, Vec<bool>) {
        let mut state = 11u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) as f32 - 0.5
        };
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..n {
            let pos = i % 4 == 0;
            let centre = if pos {
                [1.0, 0.5, 0.0, 0.0]
            } else {
                [0.0, 0.0, 0.5, 1.0]
            };
            x.push(centre.iter().map(|c| c + 1.2 * next()).collect());
            y.push(pos);
        }
        (x, y)
    }

    #[test]
    fn working_set_fit_equals_full_fit() {
        let (x, y) = clusters(400);
        let rows: Vec<usize> = (0..x.len()).collect();
        for kernel in [KernelKind::Linear, KernelKind::Rbf { gamma: 0.5 }] {
            let s = BinarySettings { kernel, c: 1.0 };
            let fast = fit_binary(
                &x,
                &rows,
                &|r| y[r],
                s,
                None,
                &mut GramCache::new(x.len(), s.kernel),
                Finish::Linfa,
            )
            .unwrap()
            .unwrap()
            .decision;
            let full = fit_exact(&x, &rows, &|r| y[r], s).unwrap().decision;
            for xi in &x {
                let (a, b) = (fast.value(kernel, xi), full.value(kernel, xi));
                assert!((a - b).abs() < 5e-3, "{kernel:?}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn high_dimensional_working_sets_match_the_full_fit() {
        // Fewer rows than dimensions in every working set: the span path.
        let (x4, y) = clusters(120);
        let x: Vec<Vec<f32>> = x4
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (0..64)
                    .map(|j| {
                        v[j % 4]
                            * if j < 4 {
                                1.0
                            } else {
                                0.1 * ((i * j) % 7) as f32 / 7.0
                            }
                    })
                    .collect()
            })
            .collect();
        let rows: Vec<usize> = (0..x.len()).collect();
        let s = BinarySettings {
            kernel: KernelKind::Linear,
            c: 1.0,
        };
        let fast = fit_binary(
            &x,
            &rows,
            &|r| y[r],
            s,
            None,
            &mut GramCache::new(x.len(), s.kernel),
            Finish::Linfa,
        )
        .unwrap()
        .unwrap()
        .decision;
        let full = fit_exact(&x, &rows, &|r| y[r], s).unwrap().decision;
        for xi in &x {
            let (a, b) = (fast.value(s.kernel, xi), full.value(s.kernel, xi));
            assert!((a - b).abs() < 5e-3, "{a} vs {b}");
        }
    }

    #[test]
    fn screened_cross_validation_models_equal_linfa_fits() {
        let (x, y) = clusters(300);
        let rows: Vec<usize> = (0..x.len()).collect();
        let fold: Vec<usize> = rows.iter().copied().filter(|r| r % 3 != 0).collect();
        for kernel in [KernelKind::Linear, KernelKind::Rbf { gamma: 0.5 }] {
            let s = BinarySettings { kernel, c: 1.0 };
            let mut cache = GramCache::new(x.len(), kernel);
            let full =
                fit_binary(&x, &rows, &|r| y[r], s, None, &mut cache, Finish::Linfa).unwrap();
            let hint = full.as_ref();
            let screened = fit_binary(&x, &fold, &|r| y[r], s, hint, &mut cache, Finish::Screened)
                .unwrap()
                .unwrap();
            let linfa = fit_binary(
                &x,
                &fold,
                &|r| y[r],
                s,
                None,
                &mut GramCache::new(x.len(), kernel),
                Finish::Linfa,
            )
            .unwrap()
            .unwrap();
            for xi in &x {
                let (a, b) = (
                    screened.decision.value(kernel, xi),
                    linfa.decision.value(kernel, xi),
                );
                assert!((a - b).abs() < 1e-2, "{kernel:?}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn nothing_to_separate_gives_none() {
        let (x, _) = clusters(8);
        let rows: Vec<usize> = (0..8).collect();
        let s = BinarySettings {
            kernel: KernelKind::Linear,
            c: 1.0,
        };
        assert!(
            fit_binary(
                &x,
                &rows,
                &|_| true,
                s,
                None,
                &mut GramCache::new(x.len(), s.kernel),
                Finish::Linfa
            )
            .unwrap()
            .is_none()
        );
        assert!(
            fit_binary(
                &x,
                &rows,
                &|_| false,
                s,
                None,
                &mut GramCache::new(x.len(), s.kernel),
                Finish::Linfa
            )
            .unwrap()
            .is_none()
        );
    }
}
