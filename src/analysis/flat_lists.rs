//! The candidate search's working neighbour lists, every photo's in one
//! pair of flat arrays (ids apart from cosines) rather than a vector per
//! photo. NN-descent's joins read the lists of a hundred photos at random
//! places for each photo: here a list is found by arithmetic, with no
//! vector header to load first, and whether it holds a photo is one
//! compare over its ids (a quarter of a kilobyte for 64 entries) instead
//! of a chain of dependent loads through a binary search on cosines
//! (`nndescent`'s kernels make that compare).
//! The analysis keeps [`NeighbourList`]s: the search hands its lists over
//! at the end ([`FlatLists::into_neighbour_lists`]).

use super::similarity::NeighbourList;
use rayon::prelude::*;

/// At most `k` entries per photo, each list sorted as its maker keeps it
/// (the search keeps them most similar first).
pub struct FlatLists {
    k: usize,
    lens: Vec<u32>,
    ids: Vec<u32>,
    sims: Vec<f32>,
}

/// Rows given back to the allocator at once while the lists are handed
/// over: the flat arrays shrink as the analysis's lists grow, so the two
/// are never both whole in memory.
const HANDOVER_ROWS: usize = 1 << 16;

impl FlatLists {
    /// `rows` empty lists of room `k`. The arrays are zeroed pages that
    /// take memory only as lists are written.
    pub fn new(rows: usize, k: usize) -> FlatLists {
        FlatLists {
            k,
            lens: vec![0; rows],
            ids: vec![0; rows * k],
            sims: vec![0.0; rows * k],
        }
    }

    pub fn rows(&self) -> usize {
        self.lens.len()
    }

    pub fn k(&self) -> usize {
        self.k
    }

    /// Photo `u`'s ids, in its list's order.
    pub fn ids(&self, u: usize) -> &[u32] {
        &self.ids[u * self.k..u * self.k + self.lens[u] as usize]
    }

    /// Photo `u`'s cosines, in its list's order.
    pub fn sims(&self, u: usize) -> &[f32] {
        &self.sims[u * self.k..u * self.k + self.lens[u] as usize]
    }

    /// Photo `u`'s entries as pairs.
    pub fn entries(&self, u: usize) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.ids(u)
            .iter()
            .copied()
            .zip(self.sims(u).iter().copied())
    }

    /// Replaces photo `u`'s list by `list` (at most `k` entries).
    pub fn set(&mut self, u: usize, list: &[(u32, f32)]) {
        let len = list.len().min(self.k);
        for (x, &(j, s)) in list[..len].iter().enumerate() {
            self.ids[u * self.k + x] = j;
            self.sims[u * self.k + x] = s;
        }
        self.lens[u] = len as u32;
    }

    /// The last cosine of photo `u`'s list when it is full (a list sorted
    /// most similar first: the least similar kept), else the lowest float.
    pub fn floor(&self, u: usize) -> f32 {
        floor(&self.sims, &self.lens, self.k, u)
    }

    /// Asks the memory for photo `u`'s list without waiting for it: its
    /// ids and its last cosine (the floor), what a join reads.
    pub fn prefetch(&self, u: usize) {
        let ids = &self.ids[u * self.k..(u + 1) * self.k];
        for line in ids.chunks(16) {
            prefetch(&line[0]);
        }
        if self.k > 0 {
            prefetch(&self.sims[(u + 1) * self.k - 1]);
        }
    }

    /// The lists in parts of `size` consecutive photos, on the thread pool.
    pub fn parts_mut(&mut self, size: usize) -> impl IndexedParallelIterator<Item = Part<'_>> {
        let (k, size) = (self.k, size.max(1));
        (self.ids.par_chunks_mut(size * k.max(1)))
            .zip(self.sims.par_chunks_mut(size * k.max(1)))
            .zip(self.lens.par_chunks_mut(size))
            .map(move |((ids, sims), lens)| Part { k, ids, sims, lens })
    }

    /// The lists as the analysis keeps them, each with room for its first
    /// `keep` entries; every entry past those is handed to `extra` as
    /// `(photo, listed photo, cosine)`. The flat arrays are given back as
    /// the lists are made, from the last photo's down.
    pub fn into_neighbour_lists(
        mut self,
        keep: usize,
        mut extra: impl FnMut(u32, u32, f32),
    ) -> Vec<NeighbourList> {
        let rows = self.rows();
        let mut out = vec![NeighbourList::new(); rows];
        let mut end = rows;
        while end > 0 {
            let start = end.saturating_sub(HANDOVER_ROWS);
            for (u, list) in out[start..end].iter_mut().enumerate() {
                let u = start + u;
                list.reserve_exact(keep.min(self.lens[u] as usize));
                for (x, (j, s)) in self.entries(u).enumerate() {
                    if x < keep {
                        list.push((j, s));
                    } else {
                        extra(u as u32, j, s);
                    }
                }
            }
            self.ids.truncate(start * self.k);
            self.ids.shrink_to_fit();
            self.sims.truncate(start * self.k);
            self.sims.shrink_to_fit();
            end = start;
        }
        out
    }
}

/// Consecutive photos' lists, to change on one thread.
pub struct Part<'a> {
    k: usize,
    ids: &'a mut [u32],
    sims: &'a mut [f32],
    lens: &'a mut [u32],
}

impl Part<'_> {
    pub fn rows(&self) -> usize {
        self.lens.len()
    }

    /// Row `r`'s ids and cosines, to change in place.
    pub fn row_mut(&mut self, r: usize) -> (&mut [u32], &mut [f32]) {
        let (at, len) = (r * self.k, self.lens[r] as usize);
        (&mut self.ids[at..at + len], &mut self.sims[at..at + len])
    }

    /// As [`FlatLists::floor`].
    pub fn floor(&self, r: usize) -> f32 {
        floor(self.sims, self.lens, self.k, r)
    }

    /// Row `r`'s ids.
    pub fn ids(&self, r: usize) -> &[u32] {
        let at = r * self.k;
        &self.ids[at..at + self.lens[r] as usize]
    }

    /// Enters `(j, s)` into row `r` (sorted most similar first) at its
    /// place, the least similar entry dropped when the row is full.
    pub fn insert(&mut self, r: usize, j: u32, s: f32) {
        let (at, len) = (r * self.k, self.lens[r] as usize);
        let place = self.sims[at..at + len].partition_point(|&x| x >= s);
        if place >= self.k {
            return;
        }
        let end = (len + 1).min(self.k);
        self.ids[at + place..at + end].rotate_right(1);
        self.sims[at + place..at + end].rotate_right(1);
        self.ids[at + place] = j;
        self.sims[at + place] = s;
        self.lens[r] = end as u32;
    }
}

/// [`FlatLists::floor`] of row `r` of rows laid out as there.
fn floor(sims: &[f32], lens: &[u32], k: usize, r: usize) -> f32 {
    let len = lens[r] as usize;
    if len >= k {
        sims[r * k + len - 1]
    } else {
        f32::MIN
    }
}

/// Asks the memory for the cache line holding `at` without waiting for it.
fn prefetch<T>(at: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of every x86-64 CPU, and a prefetch is only
        // a hint: it never faults, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((at as *const T).cast()) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_keeps_its_best_k_in_order() {
        let mut lists = FlatLists::new(3, 3);
        lists.set(1, &[(7, 0.9), (5, 0.5)]);
        assert_eq!(lists.floor(1), f32::MIN, "room left: no floor");
        lists.parts_mut(2).enumerate().for_each(|(p, mut part)| {
            if p == 0 {
                part.insert(1, 4 | 1 << 31, 0.7);
                part.insert(1, 3, 0.95);
                part.insert(1, 2, 0.1);
                assert_eq!(part.ids(1), [3, 7, 4 | 1 << 31], "5 dropped when full");
            }
        });
        assert_eq!(lists.ids(1), [3, 7, 4 | 1 << 31]);
        assert_eq!(lists.sims(1), [0.95, 0.9, 0.7]);
        assert_eq!(lists.floor(1), 0.7);
        assert!(lists.ids(0).is_empty());
    }

    #[test]
    fn the_handover_keeps_the_first_entries_and_passes_on_the_rest() {
        let rows = HANDOVER_ROWS + 5;
        let mut lists = FlatLists::new(rows, 3);
        for u in 0..rows {
            let u32_ = u as u32;
            lists.set(u, &[(u32_ + 1, 0.9), (u32_ + 2, 0.8), (u32_ + 3, 0.7)]);
        }
        let mut extras = Vec::new();
        let out = lists.into_neighbour_lists(2, |u, j, s| extras.push((u, j, s)));
        assert_eq!(out.len(), rows);
        assert_eq!(out[rows - 1], [(rows as u32, 0.9), (rows as u32 + 1, 0.8)]);
        assert_eq!(out[0], [(1, 0.9), (2, 0.8)]);
        assert_eq!(out[0].capacity(), 2);
        assert_eq!(extras.len(), rows);
        assert!(extras.contains(&(0, 3, 0.7)));
    }
}
