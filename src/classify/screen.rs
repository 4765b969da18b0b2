//! Screening: finding the working set of a binary SVM before linfa fits it.
//!
//! linfa computes its whole kernel matrix on every fit, which costs far more
//! than the optimisation itself; finding the support vectors by trial, one
//! linfa fit per round, made training slower than scikit-learn. A small SMO
//! solver (libsvm's maximal violating pair) on inner products cached for the
//! whole one-vs-rest family of problems finds the set instead, and linfa
//! then fits once on it. Screening only ever chooses which photos linfa sees:
//! linfa's result is still checked against every photo, and refitted until
//! no photo breaks its margin.

use super::binary::BinaryFit;
use super::model_file::{Decision, KernelKind};
use crate::vector::{dot_to_f64 as dot32, sq_distance_to_f64 as sq_dist32};

/// Kernel values between photos, filled lazily and kept for every problem
/// of one person (the full fit and the cross-validation folds share most of
/// their working sets).
pub struct GramCache {
    kernel: KernelKind,
    /// Position of each photo in `lower`, or `u32::MAX`.
    slot: Vec<u32>,
    /// Lower triangle; NaN until computed.
    lower: Vec<Vec<f64>>,
    /// Euclidean norm of each photo; NaN until computed.
    norms: Vec<f64>,
}

impl GramCache {
    pub fn new(photos: usize, kernel: KernelKind) -> GramCache {
        GramCache {
            kernel,
            slot: vec![u32::MAX; photos],
            lower: Vec::new(),
            norms: vec![f64::NAN; photos],
        }
    }

    /// Norms of the photos `rows` (indexed by photo; others NaN).
    pub fn norms(&mut self, x: &[Vec<f32>], rows: &[usize]) -> Vec<f64> {
        for &r in rows {
            if self.norms[r].is_nan() {
                self.norms[r] = dot32(&x[r], &x[r]).sqrt();
            }
        }
        self.norms.clone()
    }

    fn slot_of(&mut self, r: usize) -> usize {
        if self.slot[r] == u32::MAX {
            self.slot[r] = self.lower.len() as u32;
            self.lower.push(vec![f64::NAN; self.lower.len() + 1]);
        }
        self.slot[r] as usize
    }

    fn get(&mut self, x: &[Vec<f32>], a: usize, b: usize) -> f64 {
        let (sa, sb) = (self.slot_of(a), self.slot_of(b));
        let (hi, lo) = if sa >= sb { (sa, sb) } else { (sb, sa) };
        let cached = self.lower[hi][lo];
        if !cached.is_nan() {
            return cached;
        }
        let v = match self.kernel {
            KernelKind::Linear => dot32(&x[a], &x[b]),
            KernelKind::Rbf { gamma } => (-gamma * sq_dist32(&x[a], &x[b])).exp(),
        };
        self.lower[hi][lo] = v;
        v
    }
}

/// Solver tolerance of screening: tighter than linfa's, so that the set it
/// hands over rarely needs another linfa round.
const EPS: f64 = 1e-3;

/// Solves the SVM on exactly `rows` (C-SVC with a bias, by SMO), starting
/// from the dual weights `warm` (by row; they must be feasible).
pub fn solve(
    x: &[Vec<f32>],
    rows: &[usize],
    positive: &dyn Fn(usize) -> bool,
    kernel: KernelKind,
    c: f64,
    cache: &mut GramCache,
    warm: &[f64],
) -> BinaryFit {
    let m = rows.len();
    let mut k = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..=i {
            let v = cache.get(x, rows[i], rows[j]);
            k[i * m + j] = v;
            k[j * m + i] = v;
        }
    }
    let y: Vec<f64> = rows
        .iter()
        .map(|&r| if positive(r) { 1.0 } else { -1.0 })
        .collect();
    let start: Vec<f64> = rows.iter().map(|&r| warm[r].clamp(0.0, c)).collect();
    let (alpha, b) = smo(&k, &y, c, start);
    let support: Vec<usize> = (0..m).filter(|&i| alpha[i] > 1e-9 * c).collect();
    let decision = match kernel {
        KernelKind::Linear => {
            let dim = x[rows[0]].len();
            let mut w = vec![0.0f64; dim];
            for &i in &support {
                let coef = alpha[i] * y[i];
                for (wj, xj) in w.iter_mut().zip(&x[rows[i]]) {
                    *wj += coef * f64::from(*xj);
                }
            }
            Decision::Linear {
                w: w.into_iter().map(|v| v as f32).collect(),
                b,
            }
        }
        KernelKind::Rbf { .. } => Decision::Kernel {
            support: support.iter().map(|&i| x[rows[i]].clone()).collect(),
            coef: support.iter().map(|&i| alpha[i] * y[i]).collect(),
            b,
        },
    };
    BinaryFit {
        decision,
        dual: support.iter().map(|&i| alpha[i]).collect(),
        support: support.iter().map(|&i| rows[i]).collect(),
    }
}

/// Scales down the heavier class's dual weights so that Σyα = 0 again
/// (needed after rows were taken out); keeps 0 ≤ α ≤ c.
pub fn rebalance(alpha: &mut [f64], positive: &dyn Fn(usize) -> bool, rows: &[usize]) {
    let (mut pos, mut neg) = (0.0, 0.0);
    for &r in rows {
        if positive(r) {
            pos += alpha[r];
        } else {
            neg += alpha[r];
        }
    }
    if pos <= 0.0 || neg <= 0.0 {
        rows.iter().for_each(|&r| alpha[r] = 0.0);
        return;
    }
    let (scale_pos, scale_neg) = if pos > neg {
        (neg / pos, 1.0)
    } else {
        (1.0, pos / neg)
    };
    for &r in rows {
        alpha[r] *= if positive(r) { scale_pos } else { scale_neg };
    }
}

/// SMO with libsvm's second-order working set selection on a dense kernel
/// matrix `k` (m×m): min ½αᵀQα − Σα with Qᵢⱼ = yᵢyⱼKᵢⱼ, 0 ≤ α ≤ c, Σyα = 0,
/// from the feasible `a`. Returns α and the bias b of f(x) = Σ αᵢyᵢK(xᵢ, x) + b.
fn smo(k: &[f64], y: &[f64], c: f64, mut a: Vec<f64>) -> (Vec<f64>, f64) {
    let m = y.len();
    // Gradient of the objective: G = Qα − 1.
    let mut g = vec![-1.0; m];
    for t in 0..m {
        if a[t] > 0.0 {
            for s in 0..m {
                g[s] += y[s] * y[t] * k[s * m + t] * a[t];
            }
        }
    }
    let (mut up, mut low) = (f64::NEG_INFINITY, f64::INFINITY);
    for _ in 0..(10_000 + 100 * m) {
        let can_rise = |t: usize, a: &[f64]| if y[t] > 0.0 { a[t] < c } else { a[t] > 0.0 };
        let can_fall = |t: usize, a: &[f64]| if y[t] > 0.0 { a[t] > 0.0 } else { a[t] < c };
        let mut i = usize::MAX;
        (up, low) = (f64::NEG_INFINITY, f64::INFINITY);
        for t in 0..m {
            let v = -y[t] * g[t];
            if can_rise(t, &a) && v > up {
                (up, i) = (v, t);
            }
            if can_fall(t, &a) {
                low = low.min(v);
            }
        }
        if i == usize::MAX || up - low < EPS {
            break;
        }
        // Second order: the partner that decreases the objective most.
        let mut j = usize::MAX;
        let mut best = f64::INFINITY;
        for t in 0..m {
            let v = -y[t] * g[t];
            if can_fall(t, &a) && v < up {
                let quad = (k[i * m + i] + k[t * m + t] - 2.0 * k[i * m + t]).max(1e-12);
                let gain = -(up - v) * (up - v) / quad;
                if gain < best {
                    (best, j) = (gain, t);
                }
            }
        }
        if j == usize::MAX {
            break;
        }
        let quad = (k[i * m + i] + k[j * m + j] - 2.0 * k[i * m + j]).max(1e-12);
        let room_i = if y[i] > 0.0 { c - a[i] } else { a[i] };
        let room_j = if y[j] > 0.0 { a[j] } else { c - a[j] };
        let step = ((up + y[j] * g[j]) / quad).min(room_i).min(room_j);
        a[i] += y[i] * step;
        a[j] -= y[j] * step;
        for t in 0..m {
            g[t] += y[t] * step * (k[t * m + i] - k[t * m + j]);
        }
    }
    // On a free support vector yf(x) = 1 exactly, which gives b = −y·G.
    let free: Vec<f64> = (0..m)
        .filter(|&t| a[t] > 1e-9 * c && a[t] < c * (1.0 - 1e-9))
        .map(|t| -y[t] * g[t])
        .collect();
    let b = if free.is_empty() {
        if up.is_finite() && low.is_finite() {
            (up + low) / 2.0
        } else {
            0.0
        }
    } else {
        free.iter().sum::<f64>() / free.len() as f64
    };
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smo_separates_two_points_with_the_maximal_margin() {
        // x = ±1 on a line: w = 1, b = 0, both points on the margin.
        let k = [1.0, -1.0, -1.0, 1.0];
        let (a, b) = smo(&k, &[1.0, -1.0], 10.0, vec![0.0; 2]);
        assert!(
            (a[0] - 0.5).abs() < 1e-6 && (a[1] - 0.5).abs() < 1e-6,
            "{a:?}"
        );
        assert!(b.abs() < 1e-6);
    }

    #[test]
    fn gram_cache_computes_each_pair_once_and_symmetrically() {
        let x = vec![vec![1.0, 0.0], vec![0.6, 0.8], vec![0.0, 1.0]];
        let mut cache = GramCache::new(3, KernelKind::Linear);
        assert!((cache.get(&x, 0, 1) - 0.6).abs() < 1e-6);
        assert!((cache.get(&x, 1, 0) - 0.6).abs() < 1e-6);
        assert!((cache.get(&x, 2, 1) - 0.8).abs() < 1e-6);
        assert!((cache.get(&x, 2, 2) - 1.0).abs() < 1e-6);
    }
}
