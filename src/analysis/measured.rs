//! What `bench scale` reads of an analysis to score its candidate search
//! against brute force, over the analysis's own vectors (so the bench need
//! not keep a second copy of a million of them while it measures the
//! analysis's memory). Not part of the API.

use super::state::Analysis;
use crate::vector::dot;
use std::path::Path;

impl Analysis {
    /// The photos the candidate search found nearest to `path`, most
    /// similar first (at most `Settings::neighbours`), by path.
    #[doc(hidden)]
    pub fn neighbour_paths(&self, path: &Path) -> Option<Vec<&Path>> {
        let i = *self.by_path.get(path)?;
        let list = self.neighbours.get(i as usize)?;
        Some(list.iter().filter_map(|&(j, _)| self.path_of(j)).collect())
    }

    /// The `k` photos truly most similar to `path` (itself left out), by
    /// comparing its vector with every other photo's.
    #[doc(hidden)]
    pub fn nearest_by_brute_force(&self, path: &Path, k: usize) -> Option<Vec<&Path>> {
        let i = *self.by_path.get(path)? as usize;
        let v = &self.vectors;
        let mut all: Vec<(f32, u32)> = (0..v.rows())
            .filter(|&j| j != i && !v.is_zero(j) && self.path_of(j as u32).is_some())
            .map(|j| (dot(v.row(i), v.row(j)), j as u32))
            .collect();
        let k = k.min(all.len());
        if k > 0 {
            all.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
        }
        all.truncate(k);
        Some(
            all.into_iter()
                .filter_map(|(_, j)| self.path_of(j))
                .collect(),
        )
    }

    /// The vector the analysis holds for `path`.
    #[doc(hidden)]
    pub fn vector_of(&self, path: &Path) -> Option<&[f32]> {
        let i = *self.by_path.get(path)? as usize;
        (i < self.vectors.rows()).then(|| self.vectors.row(i))
    }

    fn path_of(&self, j: u32) -> Option<&Path> {
        Some(self.slots.get(j as usize)?.as_ref()?.record.path.as_path())
    }
}
