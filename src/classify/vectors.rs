//! The inner loops of training and prediction on f32 embeddings, written so
//! that they vectorise.

/// Inner product of two f32 vectors over eight f32 lanes so that it
/// vectorises (it is the inner loop of training and prediction); the lanes
/// are summed in f64. For embeddings of norm about 1 the rounding is far
/// below anything a decision depends on.
pub(crate) fn dot32(a: &[f32], b: &[f32]) -> f64 {
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let mut acc = [0.0f32; 8];
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().map(|v| f64::from(*v)).sum::<f64>() + tail
}

/// Squared distance of two f32 vectors, like [`dot32`].
pub(crate) fn sq_dist32(a: &[f32], b: &[f32]) -> f64 {
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2))
        .sum();
    let mut acc = [0.0f32; 8];
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            let d = x[k] - y[k];
            acc[k] += d * d;
        }
    }
    acc.iter().map(|v| f64::from(*v)).sum::<f64>() + tail
}
