//! A linear SVM by dual coordinate descent (Hsieh et al. 2008, LIBLINEAR's
//! `solve_l2r_l1l2_svc` with the squared hinge loss), for training sets too
//! large for the kernel solver.
//!
//! The bias is an extra feature of constant value 1 (regularised, as in
//! LIBLINEAR), so the dual has no equality constraint and any non-negative
//! dual weights are a feasible start: a fold's fit starts from the full
//! fit's weights. Shrinking drops the photos whose weight is zero and whose
//! gradient says it stays zero — nearly all the negatives after the first
//! pass — and checks them all again before it stops. The visiting order is
//! shuffled by a fixed seed, so the same problem always gives the same
//! weights, bit for bit (what the fit cache relies on).

use super::eval::SplitMix;

/// LIBLINEAR's default stopping tolerance for the dual solvers.
const EPS: f64 = 0.1;
/// Passes before giving up (LIBLINEAR's limit).
const MAX_PASSES: usize = 1000;
const SEED: u64 = 0x5eed_dcd0;

/// A solution: w (the embedding's length, then the bias) and the dual
/// weight of each row.
pub struct Solution {
    pub w: Vec<f64>,
    pub alpha: Vec<f64>,
}

fn dot(w: &[f64], x: &[f32]) -> f64 {
    let d = x.len();
    w[..d]
        .iter()
        .zip(x)
        .map(|(a, b)| a * f64::from(*b))
        .sum::<f64>()
        + w[d]
}

fn axpy(w: &mut [f64], a: f64, x: &[f32]) {
    let d = x.len();
    w[..d]
        .iter_mut()
        .zip(x)
        .for_each(|(wi, xi)| *wi += a * f64::from(*xi));
    w[d] += a;
}

/// Minimises ½|w|² + c·Σ max(0, 1 − yᵢ w·xᵢ)² over the photos `rows` of `x`
/// (labels `y`: +1 or −1 per row), from the dual weights `warm` (per row,
/// non-negative) or zero.
pub fn solve(x: &[Vec<f32>], rows: &[usize], y: &[f64], c: f64, warm: Option<&[f64]>) -> Solution {
    let n = rows.len();
    let dim = rows.first().map_or(0, |&r| x[r].len());
    let diag = 0.5 / c;
    let mut alpha: Vec<f64> = warm.map_or_else(|| vec![0.0; n], |w| w.to_vec());
    let mut w = vec![0.0; dim + 1];
    for ((&a, &yi), &r) in alpha.iter().zip(y).zip(rows) {
        if a > 0.0 {
            axpy(&mut w, yi * a, &x[r]);
        }
    }
    let qd: Vec<f64> = rows
        .iter()
        .map(|&r| x[r].iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() + 1.0 + diag)
        .collect();
    let mut index: Vec<usize> = (0..n).collect();
    let mut active = n;
    // Upper bounds are infinite with the squared hinge: only zeros shrink.
    let mut pg_max_old = f64::INFINITY;
    let mut rng = SplitMix::new(SEED);
    for _ in 0..MAX_PASSES {
        rng.shuffle(&mut index[..active]);
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        let mut s = 0;
        while s < active {
            let i = index[s];
            let xi = &x[rows[i]];
            let g = y[i] * dot(&w, xi) - 1.0 + alpha[i] * diag;
            let mut pg = g;
            if alpha[i] == 0.0 {
                if g > pg_max_old {
                    // Beyond the margin and staying there: out until the end.
                    active -= 1;
                    index.swap(s, active);
                    continue;
                }
                pg = g.min(0.0);
            }
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / qd[i]).max(0.0);
                axpy(&mut w, (alpha[i] - old) * y[i], xi);
            }
            s += 1;
        }
        if pg_max - pg_min <= EPS {
            if active == n {
                break;
            }
            // Converged on the active photos: check all of them once more.
            active = n;
            pg_max_old = f64::INFINITY;
            continue;
        }
        pg_max_old = if pg_max <= 0.0 { f64::INFINITY } else { pg_max };
    }
    Solution { w, alpha }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_two_clusters_and_a_warm_start_lands_on_the_same_side() {
        let x: Vec<Vec<f32>> = (0..40)
            .map(|i| {
                let t = i as f32 * 0.7;
                let side = if i % 2 == 0 { 1.0 } else { -1.0 };
                vec![side + 0.3 * t.sin(), 0.3 * t.cos()]
            })
            .collect();
        let rows: Vec<usize> = (0..40).collect();
        let y: Vec<f64> = (0..40)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let s = solve(&x, &rows, &y, 1.0, None);
        for (i, xi) in x.iter().enumerate() {
            assert!(y[i] * dot(&s.w, xi) > 0.0, "photo {i}");
        }
        let again = solve(&x, &rows, &y, 1.0, Some(&s.alpha));
        for (i, xi) in x.iter().enumerate() {
            assert!(y[i] * dot(&again.w, xi) > 0.0, "photo {i}");
        }
        assert_eq!(solve(&x, &rows, &y, 1.0, None).w, s.w, "deterministic");
    }
}
