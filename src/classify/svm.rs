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

use super::ClassifyError;
use super::model_file::{Decision, KernelKind};
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
const SOLVER_EPS: f64 = 1e-5;
/// Dual weights below this are zero (not support vectors).
const ZERO_ALPHA: f64 = 1e-10;

/// Fits "positive vs the rest" on the samples `rows` of `x`. None when the
/// rows hold no positive or no negative (nothing to separate).
pub fn fit_binary(
    x: &[Vec<f32>],
    rows: &[usize],
    positive: &dyn Fn(usize) -> bool,
    settings: BinarySettings,
) -> Result<Option<Decision>, ClassifyError> {
    let (pos, neg): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&r| positive(r));
    if pos.is_empty() || neg.is_empty() {
        return Ok(None);
    }
    let dim = x[pos[0]].len();
    let mut centroid = vec![0.0f64; dim];
    for &r in &pos {
        for (c, v) in centroid.iter_mut().zip(&x[r]) {
            *c += f64::from(*v);
        }
    }
    // The negatives most like the person are the likely support vectors.
    let mut ranked: Vec<(f64, usize)> = neg.iter().map(|&r| (dot(&centroid, &x[r]), r)).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let first = (3 * pos.len() + 20).min(ranked.len());
    let mut in_set = vec![false; x.len()];
    let mut working: Vec<usize> = pos.clone();
    for &(_, r) in &ranked[..first] {
        working.push(r);
    }
    for &r in &working {
        in_set[r] = true;
    }
    loop {
        let decision = fit_exact(x, &working, positive, settings)?;
        // Positives are all in the working set; check the negatives left out.
        let violators: Vec<usize> = neg
            .iter()
            .copied()
            .filter(|&r| !in_set[r] && decision.value(settings.kernel, &x[r]) > -1.0 + KKT_TOLERANCE)
            .collect();
        if violators.is_empty() {
            return Ok(Some(decision));
        }
        for r in violators {
            in_set[r] = true;
            working.push(r);
        }
    }
}

/// Fits linfa's SVM on exactly the samples `rows`.
fn fit_exact(
    x: &[Vec<f32>],
    rows: &[usize],
    positive: &dyn Fn(usize) -> bool,
    settings: BinarySettings,
) -> Result<Decision, ClassifyError> {
    let dim = x[rows[0]].len();
    let records = Array2::from_shape_fn((rows.len(), dim), |(i, j)| f64::from(x[rows[i]][j]));
    let targets: Array1<bool> = rows.iter().map(|&r| positive(r)).collect();
    let dataset = linfa::DatasetBase::new(records, targets);
    let params = Svm::<f64, bool>::params()
        .pos_neg_weights(settings.c, settings.c)
        .eps(SOLVER_EPS);
    let params = match settings.kernel {
        KernelKind::Linear => params.linear_kernel(),
        // linfa's Gaussian(eps) is exp(-|a-b|²/eps).
        KernelKind::Rbf { gamma } => params.gaussian_kernel(1.0 / gamma),
    };
    let svm = params.fit(&dataset).map_err(|e| ClassifyError::Solver(e.to_string()))?;
    // linfa's alphas are signed by the target: f(x) = Σ αᵢ K(xᵢ, x) − ρ.
    let b = -svm.rho;
    Ok(match settings.kernel {
        KernelKind::Linear => {
            let mut w = vec![0.0f64; dim];
            for (i, &alpha) in svm.alpha.iter().enumerate() {
                for (wj, xj) in w.iter_mut().zip(dataset.records().row(i)) {
                    *wj += alpha * xj;
                }
            }
            Decision::Linear {
                w: w.into_iter().map(|v| v as f32).collect(),
                b,
            }
        }
        KernelKind::Rbf { .. } => {
            let mut support = Vec::new();
            let mut coef = Vec::new();
            for (i, &alpha) in svm.alpha.iter().enumerate() {
                if alpha.abs() > ZERO_ALPHA {
                    support.push(x[rows[i]].clone());
                    coef.push(alpha);
                }
            }
            Decision::Kernel { support, coef, b }
        }
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
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) as f32 - 0.5
        };
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..n {
            let pos = i % 4 == 0;
            let centre = if pos { [1.0, 0.5, 0.0, 0.0] } else { [0.0, 0.0, 0.5, 1.0] };
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
            let fast = fit_binary(&x, &rows, &|r| y[r], s).unwrap().unwrap();
            let full = fit_exact(&x, &rows, &|r| y[r], s).unwrap();
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
            .eps(SOLVER_EPS)
            .linear_kernel()
            .fit(&linfa::DatasetBase::new(records.clone(), targets))
            .unwrap();
        let rows: Vec<usize> = (0..x.len()).collect();
        let settings = BinarySettings {
            kernel: KernelKind::Linear,
            c: 1.0,
        };
        let ours = fit_exact(&x, &rows, &|r| y[r], settings).unwrap();
        for (i, xi) in x.iter().enumerate() {
            let theirs = svm.weighted_sum(&records.row(i)) - svm.rho;
            assert!((ours.value(KernelKind::Linear, xi) - theirs).abs() < 1e-4);
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
        assert!(fit_binary(&x, &rows, &|_| true, s).unwrap().is_none());
        assert!(fit_binary(&x, &rows, &|_| false, s).unwrap().is_none());
    }
}
