//! One photo's nearest photos on the index path, after the lists exist:
//! a best-first walk over the analysis's own neighbour lists (the graph
//! NN-descent built), starting from the photos of the inverted file's
//! nearest cell. An edit searches for the photos it touched and for the
//! lists it emptied this way, in a few thousand cosines instead of a pass
//! over every vector.

use super::ivf::Ivf;
use super::similarity::{NeighbourList, Vectors, insert_top};
use crate::vector::dot_fast;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

/// A candidate of the walk, best first in the heap.
#[derive(PartialEq)]
struct Near(f32, u32);

impl Eq for Near {}

impl PartialOrd for Near {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Near {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

/// The `k` nearest photos to `row` among those filed in `ivf`, `exclude`
/// left out, walking `lists` with a result list `ef` long; most similar
/// first.
pub fn search(
    v: &Vectors,
    ivf: &Ivf,
    lists: &[NeighbourList],
    row: &[f32],
    k: usize,
    ef: usize,
    exclude: u32,
) -> NeighbourList {
    let ef = ef.max(k);
    let mut best = ivf.search(v, row, ef, exclude, 1);
    let mut seen: HashSet<u32> = best.iter().map(|e| e.0).collect();
    seen.insert(exclude);
    let mut todo: BinaryHeap<Near> = best.iter().map(|&(j, s)| Near(s, j)).collect();
    while let Some(Near(s, j)) = todo.pop() {
        if best.len() >= ef && s < best[best.len() - 1].1 {
            break;
        }
        for &(n, _) in lists.get(j as usize).map_or(&[][..], |l| &l[..]) {
            if !seen.insert(n) || !ivf.filed(n) {
                continue;
            }
            let sim = dot_fast(row, v.row(n as usize));
            if insert_top(&mut best, ef, n, sim) {
                todo.push(Near(sim, n));
            }
        }
    }
    best.truncate(k);
    best
}
