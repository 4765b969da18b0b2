//! One binary (one-vs-rest) SVM, fitted with linfa-svm on a working set.
//!
//! linfa builds the full n×n kernel matrix of whatever it is given, pair by
//! pair, which makes a fit on a few thousand photos take seconds; one-vs-rest
//! needs one per person and fold. But a person's SVM only depends on the few
//! photos of others that come close to them: every other photo lies beyond
//! the margin and has a zero dual weight. So each fit starts from the
//! person's photos plus the others most like them, then adds every photo
//! that breaks the margin (violates the optimality conditions) and refits,
//! until none does. The result is the exact solution of the full problem,
//! at the cost of a few small fits.

use super::model_file::{Decision, KernelKind};
use super::screen::{self, GramCache};
use super::{ClassifyError, dot32};
use linfa::prelude::*;
use linfa_svm::Svm;
use ndarray::{Array1, Array2};

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
const SOLVER_EPS: f32 = 1e-3;
/// Dual weights below this are zero (not support vectors).
const ZERO_ALPHA: f64 = 1e-10;
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
    let screened = decompose(
        x,
        &allowed,
        rows,
        positive,
        kernel,
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
    for round in 0.. {
        let fit = solve(&working)?;
        let mut violators: Vec<(f64, usize)> = rows
            .iter()
            .filter(|&&r| !in_set[r])
            .filter_map(|&r| {
                let y = if positive(r) { 1.0 } else { -1.0 };
                let margin = y * fit.decision.value(kernel, &x[r]);
                (margin < 1.0 - tolerance).then_some((margin, r))
            })
            .collect();
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

/// Coordinates of the rows in a basis of their span: the rows of L where
/// the Gram matrix G = L·Lᵀ (Cholesky; a row already in the span of the
/// earlier ones adds no dimension). Inner products and distances are those
/// of the originals, so linear and RBF kernels are unchanged, but with fewer
/// rows than dimensions every kernel entry costs fewer multiplications, and
/// linfa computes every entry.
fn span_coordinates(x: &[Vec<f32>], rows: &[usize]) -> Array2<f64> {
    let m = rows.len();
    let mut l = vec![0.0f64; m * m];
    let mut rank = 0;
    // Rows that opened a column of L, in column order.
    let mut opener: Vec<usize> = Vec::with_capacity(m);
    for i in 0..m {
        let xi = &x[rows[i]];
        for (col, &j) in opener.iter().enumerate() {
            let g = dot32(xi, &x[rows[j]]);
            let partial: f64 = (0..col).map(|c| l[i * m + c] * l[j * m + c]).sum();
            l[i * m + col] = (g - partial) / l[j * m + col];
        }
        let done: f64 = (0..rank).map(|c| l[i * m + c] * l[i * m + c]).sum();
        let rest = dot32(xi, xi) - done;
        if rest > 1e-10 * dot32(xi, xi).max(1e-30) {
            l[i * m + rank] = rest.sqrt();
            opener.push(i);
            rank += 1;
        }
    }
    Array2::from_shape_fn(
        (m, rank.max(1)),
        |(i, c)| if c < rank { l[i * m + c] } else { 0.0 },
    )
}

/// Fits linfa's SVM on exactly the samples `rows`.
fn fit_exact(
    x: &[Vec<f32>],
    rows: &[usize],
    positive: &dyn Fn(usize) -> bool,
    settings: BinarySettings,
) -> Result<BinaryFit, ClassifyError> {
    let dim = x[rows[0]].len();
    // f32 is ample for the solver's tolerance, and linfa's kernel is cheaper in it.
    let records: Array2<f32> = if rows.len() < dim {
        span_coordinates(x, rows).mapv(|v| v as f32)
    } else {
        Array2::from_shape_fn((rows.len(), dim), |(i, j)| x[rows[i]][j])
    };
    let targets: Array1<bool> = rows.iter().map(|&r| positive(r)).collect();
    let dataset = linfa::DatasetBase::new(records, targets);
    let c = settings.c as f32;
    let params = Svm::<f32, bool>::params()
        .pos_neg_weights(c, c)
        .eps(SOLVER_EPS);
    let params = match settings.kernel {
        KernelKind::Linear => params.linear_kernel(),
        // linfa's Gaussian(eps) is exp(-|a-b|²/eps).
        KernelKind::Rbf { gamma } => params.gaussian_kernel((1.0 / gamma) as f32),
    };
    let svm = params
        .fit(&dataset)
        .map_err(|e| ClassifyError::Solver(e.to_string()))?;
    // linfa's alphas are signed by the target: f(x) = Σ αᵢ K(xᵢ, x) − ρ.
    let b = -f64::from(svm.rho);
    let alphas: Vec<f64> = svm.alpha.iter().map(|&a| f64::from(a)).collect();
    let support: Vec<usize> = alphas
        .iter()
        .zip(rows)
        .filter(|(a, _)| a.abs() > ZERO_ALPHA)
        .map(|(_, &r)| r)
        .collect();
    let dual: Vec<f64> = alphas
        .iter()
        .map(|a| a.abs())
        .filter(|a| *a > ZERO_ALPHA)
        .collect();
    let decision = match settings.kernel {
        KernelKind::Linear => {
            let mut w = vec![0.0f64; dim];
            for (&alpha, &r) in alphas.iter().zip(rows) {
                for (wj, xj) in w.iter_mut().zip(&x[r]) {
                    *wj += alpha * f64::from(*xj);
                }
            }
            Decision::Linear {
                w: w.into_iter().map(|v| v as f32).collect(),
                b,
            }
        }
        KernelKind::Rbf { .. } => {
            let coef = alphas
                .iter()
                .copied()
                .filter(|a| a.abs() > ZERO_ALPHA)
                .collect();
            Decision::Kernel {
                support: support.iter().map(|&r| x[r].clone()).collect(),
                coef,
                b,
            }
        }
    };
    Ok(BinaryFit {
        decision,
        support,
        dual,
    })
}

pub(crate) fn dot(a: &[f64], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * f64::from(*b)).sum()
}

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
    fn extracted_hyperplane_matches_linfa() {
        let (x, y) = clusters(60);
        let records = Array2::from_shape_fn((x.len(), 4), |(i, j)| f64::from(x[i][j]));
        let targets: Array1<bool> = y.iter().copied().collect();
        let svm = Svm::<f64, bool>::params()
            .pos_neg_weights(1.0, 1.0)
            .eps(f64::from(SOLVER_EPS))
            .linear_kernel()
            .fit(&linfa::DatasetBase::new(records.clone(), targets))
            .unwrap();
        let rows: Vec<usize> = (0..x.len()).collect();
        let settings = BinarySettings {
            kernel: KernelKind::Linear,
            c: 1.0,
        };
        let ours = fit_exact(&x, &rows, &|r| y[r], settings).unwrap().decision;
        for (i, xi) in x.iter().enumerate() {
            let theirs = svm.weighted_sum(&records.row(i)) - svm.rho;
            assert!((ours.value(KernelKind::Linear, xi) - theirs).abs() < 1e-4);
        }
    }

    #[test]
    fn span_coordinates_keep_inner_products_even_with_duplicates() {
        let (mut x, _) = clusters(6);
        // Spread into 32 dimensions, then repeat a row: rank below the row count.
        for (i, v) in x.iter_mut().enumerate() {
            v.resize(32, 0.0);
            v[4 + i] = 0.5;
        }
        x.push(x[2].clone());
        let rows: Vec<usize> = (0..x.len()).collect();
        let c = span_coordinates(&x, &rows);
        assert_eq!(c.ncols(), 6, "the repeated row adds no dimension");
        for i in 0..x.len() {
            for j in 0..x.len() {
                let want = dot32(&x[i], &x[j]);
                let got: f64 = c.row(i).dot(&c.row(j));
                assert!((want - got).abs() < 1e-5, "({i},{j}): {want} vs {got}");
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
