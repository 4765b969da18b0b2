//! Stable per-sample keys and folds, so that one label change does not
//! reshuffle everybody's cross-validation folds and held-out split.
//!
//! A one-vs-rest fit of person k only depends on which photos are k's, on
//! the photos themselves and on each photo's fold; moving a photo from A to
//! B changes A's and B's problems alone, and only A's and B's models need
//! refitting — provided every photo keeps its fold. A photo is known by a
//! hash of its embedding's bytes (never by its position). Folds are dealt
//! per person in turn (stratified: with unequal shares of a person per
//! fold, their out-of-sample values are skewed against the others', which
//! costs several points of cross-validated accuracy), and a photo that had
//! a fold keeps it: a moved photo keeps its fold, so nobody else's changes.

use super::eval::SplitMix;
use std::collections::HashMap;

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

/// A uniform draw in [0, 1) from a key and a seed.
pub fn draw(key: u64, seed: u64) -> f64 {
    (SplitMix::new(key ^ seed.rotate_left(17)).next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// The fold of each sample: the one in `known` (by key) where it has one,
/// else, in sample order, the fold holding fewest of its person's photos.
/// Without `known` every person's photos are dealt to the folds in turn.
pub fn assign_folds(
    keys: &[u64],
    labels: &[usize],
    folds: usize,
    known: &HashMap<u64, usize>,
) -> Vec<usize> {
    let folds = folds.max(1);
    let persons = labels.iter().max().map_or(0, |m| m + 1);
    let mut count = vec![vec![0usize; folds]; persons];
    let mut fold: Vec<Option<usize>> = keys
        .iter()
        .map(|k| known.get(k).copied().filter(|&f| f < folds))
        .collect();
    for (f, &l) in fold.iter().zip(labels) {
        f.iter().for_each(|&f| count[l][f] += 1);
    }
    for (f, &l) in fold.iter_mut().zip(labels) {
        if f.is_none() {
            let c = &mut count[l];
            let fewest = (0..folds).min_by_key(|&g| (c[g], g)).unwrap_or(0);
            c[fewest] += 1;
            *f = Some(fewest);
        }
    }
    fold.into_iter().map(|f| f.unwrap_or(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_and_a_moved_photo_moves_no_other() {
        let keys: Vec<u64> = (0..30).map(|i| sample_key(&[i as f32])).collect();
        let mut labels: Vec<usize> = (0..30).map(|i| i % 3).collect();
        let first = assign_folds(&keys, &labels, 3, &HashMap::new());
        for person in 0..3 {
            for f in 0..3 {
                let n = (0..30)
                    .filter(|&r| labels[r] == person && first[r] == f)
                    .count();
                assert!((3..=4).contains(&n), "person {person} fold {f}: {n}");
            }
        }
        let known: HashMap<u64, usize> = keys.iter().copied().zip(first.clone()).collect();
        labels[4] = 2;
        assert_eq!(assign_folds(&keys, &labels, 3, &known), first);
        // A new photo goes where its person has fewest.
        let mut more = keys.clone();
        more.push(sample_key(&[99.0]));
        labels.push(0);
        let again = assign_folds(&more, &labels, 3, &known);
        assert_eq!(again[..30], first[..]);
        assert_ne!(sample_key(&[1.0, 2.0]), sample_key(&[2.0, 1.0]));
    }
}
