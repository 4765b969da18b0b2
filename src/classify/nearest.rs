//! Each person's nearest persons by centroid, for the linear model's
//! problems (a person is fitted against the photos of the persons nearest
//! it, see `linear`) and kept up to date by the fit cache after a label
//! change. A leaf of its own: the cache and the model both use it.

use super::samples::Samples;
use crate::vector::dot_to_f64;
use rayon::prelude::*;

/// Nearest persons (by centroid) whose photos are a person's negatives.
pub const NEIGHBOURS: usize = 32;

/// Each person's unit-length centroid.
pub fn centroids(samples: &Samples) -> Vec<Vec<f32>> {
    let dim = samples.embeddings.first().map_or(0, Vec::len);
    let mut sums = vec![vec![0.0f64; dim]; samples.classes.len()];
    for (x, &l) in samples.embeddings.iter().zip(&samples.labels) {
        sums[l]
            .iter_mut()
            .zip(x)
            .for_each(|(s, v)| *s += f64::from(*v));
    }
    sums.into_iter()
        .map(|s| {
            let norm = s.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-30);
            s.iter().map(|v| (v / norm) as f32).collect()
        })
        .collect()
}

/// Ranks `a` before `b`: higher similarity, then lower index.
fn before(a: (f64, u32), b: (f64, u32)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

/// Person `k`'s [`NEIGHBOURS`] nearest persons by centroid, with their
/// cosine, nearest first.
pub fn nearest(centroids: &[Vec<f32>], k: usize) -> Vec<(f64, u32)> {
    let mut best: Vec<(f64, u32)> = Vec::with_capacity(NEIGHBOURS + 1);
    for (j, c) in centroids.iter().enumerate() {
        if j == k {
            continue;
        }
        let e = (dot_to_f64(&centroids[k], c), j as u32);
        if best.len() == NEIGHBOURS && !before(e, best[NEIGHBOURS - 1]) {
            continue;
        }
        let at = best
            .iter()
            .position(|&b| before(e, b))
            .unwrap_or(best.len());
        best.insert(at, e);
        best.truncate(NEIGHBOURS);
    }
    best
}

/// Every person's nearest persons, afresh.
pub fn all_nearest(centroids: &[Vec<f32>]) -> Vec<Vec<(f64, u32)>> {
    (0..centroids.len())
        .into_par_iter()
        .map(|k| nearest(centroids, k))
        .collect()
}

/// `lists`, made under the centroids `old`, brought to `new` (as many
/// persons): a person whose centroid moved gets a new list; another's list
/// drops the moved persons and takes back those still above its last entry,
/// which keeps it the exact top; one left short is made again in full.
pub fn update_nearest(lists: &mut [Vec<(f64, u32)>], old: &[Vec<f32>], new: &[Vec<f32>]) {
    let moved: Vec<usize> = (0..new.len()).filter(|&k| old[k] != new[k]).collect();
    let full = NEIGHBOURS.min(new.len().saturating_sub(1));
    lists.par_iter_mut().enumerate().for_each(|(k, list)| {
        if moved.contains(&k) {
            *list = nearest(new, k);
            return;
        }
        list.retain(|e| !moved.contains(&(e.1 as usize)));
        let floor = list.last().copied();
        for &j in &moved {
            let e = (dot_to_f64(&new[k], &new[j]), j as u32);
            if floor.is_some_and(|f| before(e, f)) {
                let at = list
                    .iter()
                    .position(|&b| before(e, b))
                    .unwrap_or(list.len());
                list.insert(at, e);
            }
        }
        list.truncate(NEIGHBOURS);
        if list.len() < full {
            *list = nearest(new, k);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::eval::SplitMix;

    /// Unit centroids of `persons` random persons in 32-D.
    fn random_centroids(persons: usize, seed: u64) -> Vec<Vec<f32>> {
        let mut rng = SplitMix::new(seed);
        let mut unit = || (rng.next_u64() >> 11) as f32 / (1u64 << 53) as f32 - 0.5;
        (0..persons)
            .map(|_| {
                let v: Vec<f32> = (0..32).map(|_| unit()).collect();
                crate::vector::normalized(&v)
            })
            .collect()
    }

    #[test]
    fn nearest_lists_kept_up_to_date_equal_lists_made_afresh() {
        let mut old = random_centroids(50, 8);
        let mut lists = all_nearest(&old);
        let mut rng = SplitMix::new(3);
        for _ in 0..20 {
            let mut new = old.clone();
            for _ in 0..3 {
                let k = (rng.next_u64() % 50) as usize;
                let j = (rng.next_u64() % 50) as usize;
                new[k] = new[j].iter().map(|v| v * 0.9 + 0.01).collect();
            }
            update_nearest(&mut lists, &old, &new);
            assert_eq!(lists, all_nearest(&new));
            old = new;
        }
    }
}
