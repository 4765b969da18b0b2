//! Arithmetic on embedding vectors, written once: the analysis, the index,
//! the classifier's screening and the pipeline all take dot products, norms
//! and distances, and copies of these few lines had drifted apart (in-order
//! sums here, eight-lane sums there). A leaf module: it names nothing else
//! in the crate.
//!
//! Each function keeps the summation order its callers have always had, so
//! that results are the same to the last bit: the analysis' cosines sum in
//! eight lanes, the embeddings were normalised with an in-order sum.

/// Dot product in eight independent lanes, so that it vectorises (a plain
/// float sum must be added in order and would not). Where the processor
/// has AVX the same lanes are added in one 256-bit register instead of two
/// 128-bit ones: the same operations on the same lanes, so the same result
/// to the last bit, in about half the instructions (the analysis' evidence
/// and clusters take hundreds of millions of these at a million faces).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the feature it is compiled for was just detected.
        return unsafe { dot_lanes_avx(a, b) };
    }
    dot_lanes(a, b)
}

/// [`dot_lanes`] compiled for AVX.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn dot_lanes_avx(a: &[f32], b: &[f32]) -> f32 {
    dot_lanes(a, b)
}

#[inline(always)]
fn dot_lanes(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            lanes[l] += x[l] * y[l];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// [`dot`] with AVX2 + FMA where the processor has them: the crate is built
/// for the baseline x86-64, where [`dot`] gets SSE2 only. The nearest-
/// neighbour index spends nearly all its time here. Its rounding differs
/// from [`dot`]'s, so a computation uses one or the other throughout.
pub fn dot_fast(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the features it is compiled for were just detected.
        return unsafe { dot_avx2(a, b) };
    }
    dot(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    use std::arch::x86_64::*;
    let n = a.len().min(b.len());
    let (mut acc0, mut acc1) = (_mm256_setzero_ps(), _mm256_setzero_ps());
    let mut i = 0;
    while i + 16 <= n {
        // SAFETY: i + 16 ≤ n, the length of both slices.
        let (a0, b0, a1, b1) = unsafe {
            (
                _mm256_loadu_ps(a.as_ptr().add(i)),
                _mm256_loadu_ps(b.as_ptr().add(i)),
                _mm256_loadu_ps(a.as_ptr().add(i + 8)),
                _mm256_loadu_ps(b.as_ptr().add(i + 8)),
            )
        };
        acc0 = _mm256_fmadd_ps(a0, b0, acc0);
        acc1 = _mm256_fmadd_ps(a1, b1, acc1);
        i += 16;
    }
    let mut lanes = [0f32; 8];
    // SAFETY: `lanes` holds the eight floats stored.
    unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), _mm256_add_ps(acc0, acc1)) };
    lanes.iter().sum::<f32>() + dot(&a[i..n], &b[i..n])
}

/// Dot product of a double-precision vector (a centroid, a weight vector)
/// with an embedding, summed in order in f64.
pub fn dot_wide(a: &[f64], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * f64::from(*b)).sum()
}

/// Inner product of two f32 vectors over eight f32 lanes so that it
/// vectorises (it is the inner loop of training and prediction); the lanes
/// are summed in f64. For embeddings of norm about 1 the rounding is far
/// below anything a decision depends on.
pub fn dot_to_f64(a: &[f32], b: &[f32]) -> f64 {
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

/// Squared distance of two f32 vectors, like [`dot_to_f64`].
pub fn sq_distance_to_f64(a: &[f32], b: &[f32]) -> f64 {
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

/// Euclidean length, summed in order (as every stored embedding was
/// normalised: a lane sum would move their last bits).
pub fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

/// `v / |v|`; a zero vector stays zero.
pub fn normalized(v: &[f32]) -> Vec<f32> {
    let n = norm(v);
    if n > 0.0 {
        v.iter().map(|x| x / n).collect()
    } else {
        v.to_vec()
    }
}

/// Euclidean distance, summed in order; for unit vectors sqrt(2 − 2·cos).
pub fn distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f32>()
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect()
    }

    #[test]
    fn dot_gives_the_same_bits_with_or_without_avx() {
        for n in [0, 1, 7, 8, 9, 100, 128, 512, 515] {
            let (a, b) = (sample(n, 3), sample(n, 11));
            assert_eq!(
                dot(&a, &b).to_bits(),
                dot_lanes(&a, &b).to_bits(),
                "n = {n}"
            );
        }
    }

    #[test]
    fn every_product_agrees_with_the_plain_sum() {
        for n in [0, 3, 8, 17, 128, 131] {
            let (a, b) = (sample(n, 1), sample(n, 2));
            let plain: f64 = a.iter().zip(&b).map(|(x, y)| f64::from(x * y)).sum();
            let wide: Vec<f64> = a.iter().map(|&x| f64::from(x)).collect();
            for got in [
                f64::from(dot(&a, &b)),
                f64::from(dot_fast(&a, &b)),
                dot_wide(&wide, &b),
            ] {
                assert!((got - plain).abs() < 1e-4, "n {n}: {got} vs {plain}");
            }
        }
        // Lengths differ: the shorter one counts.
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[1.0, 1.0]), 3.0);
    }

    #[test]
    fn norms_and_distances_of_unit_vectors() {
        let v = normalized(&sample(128, 3));
        assert!((norm(&v) - 1.0).abs() < 1e-6);
        assert_eq!(normalized(&[0.0, 0.0]), vec![0.0, 0.0]);
        let w = normalized(&sample(128, 4));
        let want = (2.0 - 2.0 * dot(&v, &w)).sqrt();
        assert!((distance(&v, &w) - want).abs() < 1e-5);
        assert_eq!(distance(&v, &v), 0.0);
    }
}
