//! Stable per-sample keys, so that one label change does not reshuffle
//! everybody's cross-validation folds and held-out split.
//!
//! A one-vs-rest fit of person k only depends on which photos are k's and
//! on the photos themselves; moving a photo from A to B changes A's and B's
//! problems alone, and only A's and B's models need refitting — provided
//! every other photo keeps its fold. Folds and the held-out split are
//! therefore drawn from a hash of each photo's embedding bytes, never from
//! its position or its person's other photos. Duplicates (the same vector
//! twice) share a key, so they fall in the same fold and never leak into
//! their own evaluation.

use super::eval::SplitMix;

/// A photo's key: a hash of its embedding's bytes.
pub fn sample_key(embedding: &[f32]) -> u64 {
    let mut hasher = blake3::Hasher::new();
    for v in embedding {
        hasher.update(&v.to_le_bytes());
    }
    let bytes = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&bytes.as_bytes()[..8]);
    u64::from_le_bytes(first)
}

/// Seed of the fold draw (the held-out split has its own).
const FOLD_SEED: u64 = 0x5EED_F01D;

/// A uniform draw in [0, 1) from a key and a seed.
pub fn draw(key: u64, seed: u64) -> f64 {
    (SplitMix::new(key ^ seed.rotate_left(17)).next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// The cross-validation fold of each embedding.
pub fn folds_by_key(embeddings: &[Vec<f32>], folds: usize) -> Vec<usize> {
    let folds = folds.max(1);
    embeddings
        .iter()
        .map(|e| ((draw(sample_key(e), FOLD_SEED) * folds as f64) as usize).min(folds - 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_balanced_and_follow_the_photo_not_its_position() {
        let x: Vec<Vec<f32>> = (0..3000).map(|i| vec![i as f32, 1.0]).collect();
        let folds = folds_by_key(&x, 3);
        for f in 0..3 {
            let n = folds.iter().filter(|&&g| g == f).count();
            assert!((900..1100).contains(&n), "fold {f}: {n}");
        }
        let mut reversed = x.clone();
        reversed.reverse();
        let mut back = folds_by_key(&reversed, 3);
        back.reverse();
        assert_eq!(back, folds);
        assert_ne!(sample_key(&[1.0, 2.0]), sample_key(&[2.0, 1.0]));
    }
}
