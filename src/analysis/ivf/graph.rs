//! Every photo's nearest photos among the cells it probes, all at once:
//! the first lists NN-descent refines. Photos are taken a block of nearby
//! cells at a time, and grouped by the cell they probe, so that each probed
//! cell's photos are gathered and packed for the matrix product once per
//! block rather than once per query cell: one cell's 1,024 photos probe
//! 12 cells each, spread over most of the others, so per cell most probed
//! cells got a dozen queries for the 512 KB copied (gathering and packing,
//! not the products, then took most of the time at a million faces).
//! The products are of the rows' 8-bit codes ([`codes`]); the cells are
//! chosen by float products with the centres.

use super::{Ivf, gather, product, top_positions};
use crate::analysis::codes::{self, Codes};
use crate::analysis::flat_lists::FlatLists;
use crate::analysis::similarity::{NeighbourList, Vectors};
use crate::vector::dot_fast;
use std::sync::Mutex;

/// Query cells per block.
const BLOCK_CELLS: usize = 8;
/// Query photos whose cell scores are held at once while the probes are
/// chosen (a row of scores per photo, one per cell).
const SCORE_ROWS: usize = 1024;

impl Ivf {
    /// Every filed photo's `k` nearest among its probed cells, most similar
    /// first (indexed by slot; empty for the rest), on the current thread
    /// pool. Each block's lists are copied into the flat ones as soon as
    /// they are made: collected first, a block's lists (with room for `2k`
    /// while they are built) took 0.25 GB more at a million faces. The
    /// cosines are the rounded ones of `codes` (see [`codes`]).
    pub fn graph(&self, v: &Vectors, codes: &Codes, k: usize) -> FlatLists {
        let blocks = self.nearby_blocks(BLOCK_CELLS);
        let lists = Mutex::new(FlatLists::new(v.rows(), k));
        crate::par::for_each_with(
            blocks.len(),
            Buffers::default,
            |b| format!("nearest photos of cells {:?}", blocks[b]),
            |buf, b| {
                let rows = self.rows_of(&blocks[b]);
                let made = self.block_graph(v, codes, &rows, k, buf);
                // (a panic elsewhere cannot leave a list half written)
                let mut lists = lists.lock().unwrap_or_else(|e| e.into_inner());
                for (&slot, list) in rows.iter().zip(made) {
                    lists.set(slot as usize, &list);
                }
            },
        );
        lists.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// The cells in blocks of `per`: each block a cell not yet placed and
    /// the `per - 1` unplaced cells whose centres are nearest to its own, so
    /// a block's photos probe many of the same cells.
    fn nearby_blocks(&self, per: usize) -> Vec<Vec<u32>> {
        let count = self.cells.len();
        let centre = |c: usize| &self.centres[c * self.dim..(c + 1) * self.dim];
        let mut placed = vec![false; count];
        let mut blocks = Vec::new();
        for seed in 0..count {
            if placed[seed] {
                continue;
            }
            placed[seed] = true;
            let mut others: Vec<(f32, u32)> = (0..count)
                .filter(|&c| !placed[c])
                .map(|c| (dot_fast(centre(seed), centre(c)), c as u32))
                .collect();
            let take = (per - 1).min(others.len());
            if take > 0 {
                others.select_nth_unstable_by(take - 1, |a, b| b.0.total_cmp(&a.0));
            }
            let mut block = vec![seed as u32];
            for &(_, c) in &others[..take] {
                placed[c as usize] = true;
                block.push(c);
            }
            blocks.push(block);
        }
        blocks
    }

    /// The photos of `cells`, cell after cell.
    fn rows_of(&self, cells: &[u32]) -> Vec<u32> {
        cells
            .iter()
            .flat_map(|&c| self.cells[c as usize].iter().copied())
            .collect()
    }

    /// The lists of `rows`: for each cell any of them probes, one product
    /// of those rows against that cell.
    fn block_graph(
        &self,
        v: &Vectors,
        codes: &Codes,
        rows: &[u32],
        k: usize,
        buf: &mut Buffers,
    ) -> Vec<NeighbourList> {
        let dim = codes.dim();
        let mut lists = vec![NeighbourList::new(); rows.len()];
        if rows.is_empty() || k == 0 {
            return lists;
        }
        let mut floors = vec![f32::MIN; rows.len()];
        let mut probe = self.probes_of(&gather(v, rows), rows.len());
        let mut queries = Vec::new();
        codes.gather(rows, &mut queries);
        // (probed cell, query) pairs, grouped by cell.
        probe.sort_unstable();
        for group in probe.chunk_by(|x, y| x.0 == y.0) {
            let b = &self.cells[group[0].0 as usize];
            if b.is_empty() {
                continue;
            }
            buf.picked.clear();
            buf.picked_inv.clear();
            for &(_, q) in group {
                let q = q as usize;
                buf.picked
                    .extend_from_slice(&queries[q * dim..(q + 1) * dim]);
                buf.picked_inv.push(codes.inv(rows[q] as usize));
            }
            codes.gather(b, &mut buf.targets);
            buf.inv.clear();
            buf.inv.extend(b.iter().map(|&j| codes.inv(j as usize)));
            let (picked, targets) = (
                (&buf.picked[..], &buf.picked_inv[..]),
                (&buf.targets[..], &buf.inv[..]),
            );
            codes::cosines(picked, targets, dim, &mut buf.scratch, |x, scores| {
                let q = group[x].1 as usize;
                reduce(&mut lists[q], &mut floors[q], rows[q], b, scores, k);
            });
        }
        lists.into_iter().map(|list| best_first(list, k)).collect()
    }

    /// `(cell, query)` for the `probes` cells nearest each of the `n`
    /// query rows of `queries`.
    fn probes_of(&self, queries: &[f32], n: usize) -> Vec<(u32, u32)> {
        let (dim, cells) = (self.dim, self.cells.len());
        let mut probe = Vec::with_capacity(n * self.probes);
        let mut scores = vec![0f32; SCORE_ROWS.min(n) * cells];
        for q0 in (0..n).step_by(SCORE_ROWS) {
            let m = SCORE_ROWS.min(n - q0);
            product(
                &queries[q0 * dim..],
                m,
                &self.centres,
                cells,
                dim,
                &mut scores,
            );
            for (q, s) in scores[..m * cells].chunks(cells).enumerate() {
                let q = (q0 + q) as u32;
                probe.extend(top_positions(s, self.probes).into_iter().map(|c| (c, q)));
            }
        }
        probe
    }
}

/// Reused buffers of one thread's blocks.
#[derive(Default)]
struct Buffers {
    picked: Vec<i8>,
    picked_inv: Vec<f32>,
    targets: Vec<i8>,
    inv: Vec<f32>,
    scratch: codes::Scratch,
}

/// Keeps row `i`'s cosines `s` with the photos `b` that may be among its
/// `k` nearest: those above `floor`, the `k`-th best cosine kept so far.
/// The list is left unsorted and cut back to its best `k` whenever it
/// reaches twice that: a sorted insert per entry (a few hundred per photo,
/// each moving half a list) took a fifth of the first lists at a million
/// faces.
fn reduce(list: &mut NeighbourList, floor: &mut f32, i: u32, b: &[u32], s: &[f32], k: usize) {
    for (at, run) in s.chunks(RUN).enumerate() {
        // Once the list is full most runs hold nothing above its floor:
        // their maximum (vectorised) skips them whole.
        if run_max(run) <= *floor {
            continue;
        }
        let base = at * RUN;
        for (&j, &x) in b[base..].iter().zip(run) {
            if x > *floor && j != i {
                list.push((j, x));
                if list.len() >= 2 * k {
                    *floor = cut(list, k);
                }
            }
        }
    }
}

/// Keeps the `k` most similar entries of `list` (in no order); returns the
/// least similar of them.
fn cut(list: &mut NeighbourList, k: usize) -> f32 {
    list.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1));
    list.truncate(k);
    list[k - 1].1
}

/// The `k` most similar entries of `list`, most similar first (ties by
/// slot).
fn best_first(mut list: NeighbourList, k: usize) -> NeighbourList {
    if list.len() > k {
        cut(&mut list, k);
    }
    list.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    list
}

/// Scores per run checked against a list's floor at once.
const RUN: usize = 32;

/// The largest of `run`, in lanes the compiler turns into vector maxima.
fn run_max(run: &[f32]) -> f32 {
    let mut lanes = [f32::MIN; 16];
    let chunks = run.chunks_exact(16);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (m, &x) in lanes.iter_mut().zip(chunk) {
            *m = if x > *m { x } else { *m };
        }
    }
    let top = lanes
        .iter()
        .fold(f32::MIN, |a, &b| if b > a { b } else { a });
    tail.iter().fold(top, |a, &b| if b > a { b } else { a })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_kept_over_several_cells_are_the_best_k_most_similar_first() {
        let k = 5;
        // Photo 0's cosines with three cells' photos; it is in the second.
        let cells: [(Vec<u32>, Vec<f32>); 3] = [
            (
                (1..=40).collect(),
                (1..=40).map(|x| x as f32 / 100.0).collect(),
            ),
            (vec![150, 0, 151], vec![0.05, 1.0, 0.05]),
            (vec![200, 201, 202], vec![0.395, 0.999, 0.36]),
        ];
        let (mut list, mut floor) = (NeighbourList::new(), f32::MIN);
        for (b, s) in &cells {
            reduce(&mut list, &mut floor, 0, b, s, k);
            assert!(list.len() < 2 * k, "cut back whenever it reaches 2k");
        }
        let list = best_first(list, k);
        let best = [
            (201, 0.999),
            (40, 0.4),
            (200, 0.395),
            (39, 0.39),
            (38, 0.38),
        ];
        assert_eq!(list, best);
    }
}
