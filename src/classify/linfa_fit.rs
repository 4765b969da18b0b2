//! linfa-svm's fit of one binary SVM on exactly the photos given, and what
//! the classifier keeps of it: a hyperplane (linear kernel) or the support
//! vectors with their weights (RBF), as plain numbers.

use super::binary::{BinaryFit, BinarySettings};
use super::error::ClassifyError;
use super::model_file::{Decision, KernelKind};
use crate::vector::dot_to_f64 as dot32;
use linfa::prelude::*;
use linfa_svm::Svm;
use ndarray::{Array1, Array2};

/// linfa's stopping tolerance (libsvm's default).
const SOLVER_EPS: f32 = 1e-3;
/// Dual weights below this are zero (not support vectors).
const ZERO_ALPHA: f64 = 1e-10;

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
pub fn fit_exact(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> (Vec<Vec<f32>>, Vec<bool>) {
        let x: Vec<Vec<f32>> = (0..60)
            .map(|i| {
                let t = i as f32 * 0.37;
                let shift = if i % 3 == 0 { 0.8 } else { -0.8 };
                vec![t.sin() + shift, t.cos(), (t * 1.7).sin() * 0.5, shift * 0.5]
            })
            .collect();
        let y = (0..60).map(|i| i % 3 == 0).collect();
        (x, y)
    }

    #[test]
    fn extracted_hyperplane_matches_linfa() {
        let (x, y) = points();
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
        let (mut x, _) = points();
        x.truncate(6);
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
}
