//! Platt scaling: a sigmoid from SVM decision values to probabilities,
//! fitted by the Newton method with backtracking of Lin, Lin and Weng (2007),
//! as libsvm does. Our own small solver rather than linfa's because it must
//! never fail: on a degenerate input it keeps the best sigmoid found so far
//! instead of returning an error in the middle of a training run.

/// P(positive | f) = 1 / (1 + exp(a·f + b)).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sigmoid {
    pub a: f64,
    pub b: f64,
}

impl Sigmoid {
    pub fn probability(&self, f: f64) -> f64 {
        let z = self.a * f + self.b;
        // Both branches avoid overflowing exp().
        if z >= 0.0 {
            (-z).exp() / (1.0 + (-z).exp())
        } else {
            1.0 / (1.0 + z.exp())
        }
    }
}

/// Negative log-likelihood of the targets under the sigmoid, with its
/// gradient and Hessian, in one pass (one exp and one log per value).
struct Point {
    f: f64,
    g: [f64; 2],
    h: [f64; 3],
}

fn evaluate(f: &[f64], t: &[f64], a: f64, b: f64) -> Point {
    const SIGMA: f64 = 1e-12;
    let mut out = Point {
        f: 0.0,
        g: [0.0; 2],
        h: [SIGMA, SIGMA, 0.0],
    };
    for (&fi, &ti) in f.iter().zip(t) {
        let z = fi * a + b;
        let e = (-z.abs()).exp();
        out.f += e.ln_1p() + if z >= 0.0 { ti * z } else { (ti - 1.0) * z };
        // p = 1/(1+exp(z)), q = 1 − p, without overflow.
        let (p, q) = if z >= 0.0 {
            (e / (1.0 + e), 1.0 / (1.0 + e))
        } else {
            (1.0 / (1.0 + e), e / (1.0 + e))
        };
        let d2 = p * q;
        out.h[0] += fi * fi * d2;
        out.h[1] += d2;
        out.h[2] += fi * d2;
        let d1 = ti - p;
        out.g[0] += fi * d1;
        out.g[1] += d1;
    }
    out
}

/// Fits the sigmoid to decision values `f` with their true labels. Platt's
/// regularised targets ((n+ + 1)/(n+ + 2) and 1/(n− + 2)) keep it finite on
/// separable data.
pub fn fit(f: &[f64], positive: &[bool]) -> Sigmoid {
    let n_pos = positive.iter().filter(|p| **p).count() as f64;
    let n_neg = positive.len() as f64 - n_pos;
    let hi = (n_pos + 1.0) / (n_pos + 2.0);
    let lo = 1.0 / (n_neg + 2.0);
    let t: Vec<f64> = positive.iter().map(|&p| if p { hi } else { lo }).collect();
    let (mut a, mut b) = (0.0, ((n_neg + 1.0) / (n_pos + 1.0)).ln());
    let mut here = evaluate(f, &t, a, b);
    for _ in 0..100 {
        let ([g1, g2], [h11, h22, h21]) = (here.g, here.h);
        if g1.abs() < 1e-5 && g2.abs() < 1e-5 {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let da = -(h22 * g1 - h21 * g2) / det;
        let db = -(-h21 * g1 + h11 * g2) / det;
        let gd = g1 * da + g2 * db;
        let mut step = 1.0;
        let mut moved = false;
        while step >= 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let there = evaluate(f, &t, na, nb);
            if there.f.is_finite() && there.f < here.f + 1e-4 * step * gd {
                (a, b, here) = (na, nb, there);
                moved = true;
                break;
            }
            step /= 2.0;
        }
        if !moved {
            break;
        }
    }
    Sigmoid { a, b }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_sigmoid() {
        // Labels drawn deterministically from P = 1/(1+exp(-2f + 0.5)).
        let truth = Sigmoid { a: -2.0, b: 0.5 };
        let mut f = Vec::new();
        let mut y = Vec::new();
        let mut state = 7u64;
        for i in 0..4000 {
            let x = (i as f64 / 4000.0) * 6.0 - 3.0;
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            f.push(x);
            y.push(u < truth.probability(x));
        }
        let s = fit(&f, &y);
        assert!((s.a - truth.a).abs() < 0.25, "{s:?}");
        assert!((s.b - truth.b).abs() < 0.2, "{s:?}");
    }

    #[test]
    fn separable_data_gives_finite_confident_sigmoid() {
        let f = [-2.0, -1.5, -1.2, 1.1, 1.4, 2.0];
        let y = [false, false, false, true, true, true];
        let s = fit(&f, &y);
        assert!(s.a.is_finite() && s.b.is_finite());
        assert!(
            s.probability(1.5) > 0.7 && s.probability(-1.5) < 0.3,
            "{s:?}"
        );
    }
}
