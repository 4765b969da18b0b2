//! The curve arithmetic of facenet's evaluation: the threshold reaching a
//! target false-accept rate (`interp1d`), the area under the ROC (sklearn's
//! `auc`) and the equal error rate (`brentq` on the interpolated ROC).

/// facenet: `interp1d(far_train, thresholds, kind='slinear')(target)` when
/// the target is reachable, else 0. `far` is non-decreasing along `grid`.
pub fn threshold_at_far(grid: &[f64], far: &[f64], target: f64) -> f64 {
    let max = far.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    if max < target {
        return 0.0;
    }
    let hi = far.iter().position(|&f| f >= target).unwrap_or(0);
    if hi == 0 || far[hi] == target {
        return grid[hi];
    }
    let lo = hi - 1;
    grid[lo] + (target - far[lo]) * (grid[hi] - grid[lo]) / (far[hi] - far[lo])
}

/// sklearn's `auc`: trapezoids along the curve's own order.
pub fn trapezoid(x: &[f64], y: &[f64]) -> f64 {
    x.windows(2)
        .zip(y.windows(2))
        .map(|(xs, ys)| (xs[1] - xs[0]) * (ys[0] + ys[1]) / 2.0)
        .sum()
}

/// Where the piecewise-linear ROC crosses FPR = 1 − TPR (facenet solves the
/// same equation with `brentq`).
pub fn equal_error_rate(fpr: &[f64], tpr: &[f64]) -> f64 {
    let g = |i: usize| 1.0 - fpr[i] - tpr[i];
    for i in 1..fpr.len() {
        let (a, b) = (g(i - 1), g(i));
        if a >= 0.0 && b <= 0.0 {
            if a == b {
                return fpr[i];
            }
            let t = a / (a - b);
            return fpr[i - 1] + t * (fpr[i] - fpr[i - 1]);
        }
    }
    1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_threshold_interpolates_between_grid_points() {
        let grid = [0.0, 1.0, 2.0, 3.0];
        let far = [0.0, 0.0, 0.002, 0.01];
        assert!((threshold_at_far(&grid, &far, 0.001) - 1.5).abs() < 1e-12);
        assert_eq!(threshold_at_far(&grid, &[0.0; 4], 0.001), 0.0);
    }

    #[test]
    fn auc_and_eer_of_simple_curves() {
        // The diagonal: AUC 1/2, EER 1/2.
        let x = [0.0, 0.5, 1.0];
        assert!((trapezoid(&x, &x) - 0.5).abs() < 1e-12);
        assert!((equal_error_rate(&x, &x) - 0.5).abs() < 1e-12);
        // A perfect detector: EER 0.
        assert_eq!(equal_error_rate(&[0.0, 0.0, 1.0], &[0.0, 1.0, 1.0]), 0.0);
    }
}
