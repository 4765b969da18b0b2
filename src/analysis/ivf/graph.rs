//! Every photo's nearest photos among the cells it probes, all at once:
//! the first lists NN-descent refines. Photos are taken a block of nearby
//! cells at a time, and grouped by the cell they probe, so that each probed
//! cell's photos are gathered and packed for the matrix product once per
//! block rather than once per query cell: one cell's 1,024 photos probe
//! 12 cells each, spread over most of the others, so per cell most probed
//! cells got a dozen queries for the 512 KB copied (gathering and packing,
//! not the products, then took most of the time at a million faces).

use super::{Ivf, gather, product, top_positions};
use crate::analysis::similarity::{NeighbourList, Vectors, insert_top};
use crate::vector::dot_fast;

/// Query cells per block.
const BLOCK_CELLS: usize = 8;
/// Query photos whose cell scores are held at once while the probes are
/// chosen (a row of scores per photo, one per cell).
const SCORE_ROWS: usize = 1024;

impl Ivf {
    /// Every filed photo's `k` nearest among its probed cells (indexed by
    /// slot; empty for the rest), on the current thread pool.
    pub fn graph(&self, v: &Vectors, k: usize) -> Vec<NeighbourList> {
        let blocks = self.nearby_blocks(BLOCK_CELLS);
        let parts = crate::par::map_with(
            blocks.len(),
            Vec::new,
            |b| format!("nearest photos of cells {:?}", blocks[b]),
            |scratch, b| self.block_graph(v, &self.rows_of(&blocks[b]), k, scratch),
        );
        let mut neighbours = vec![NeighbourList::new(); v.rows()];
        for (block, lists) in blocks.iter().zip(parts) {
            for (slot, list) in self.rows_of(block).into_iter().zip(lists) {
                neighbours[slot as usize] = list;
            }
        }
        neighbours
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
        rows: &[u32],
        k: usize,
        scratch: &mut Vec<f32>,
    ) -> Vec<NeighbourList> {
        let dim = self.dim;
        let mut lists = vec![NeighbourList::new(); rows.len()];
        if rows.is_empty() {
            return lists;
        }
        let queries = gather(v, rows);
        let mut probe = self.probes_of(&queries, rows.len());
        // (probed cell, query) pairs, grouped by cell.
        probe.sort_unstable();
        let mut picked = Vec::new();
        for group in probe.chunk_by(|x, y| x.0 == y.0) {
            let b = &self.cells[group[0].0 as usize];
            if b.is_empty() {
                continue;
            }
            picked.clear();
            for &(_, q) in group {
                picked.extend_from_slice(&queries[q as usize * dim..(q as usize + 1) * dim]);
            }
            let targets = gather(v, b);
            scratch.resize(group.len() * b.len(), 0.0);
            product(&picked, group.len(), &targets, b.len(), dim, scratch);
            for (&(_, q), s) in group.iter().zip(scratch.chunks(b.len())) {
                reduce(&mut lists[q as usize], rows[q as usize], b, s, k);
            }
        }
        lists
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

/// Enters row `i`'s cosines `s` with the photos `b` into its list.
fn reduce(list: &mut NeighbourList, i: u32, b: &[u32], s: &[f32], k: usize) {
    let mut floor = if list.len() >= k {
        list[list.len() - 1].1
    } else {
        f32::MIN
    };
    for (at, run) in s.chunks(RUN).enumerate() {
        // Once the list is full most runs hold nothing above its floor:
        // their maximum (vectorised) skips them whole.
        if run_max(run) <= floor {
            continue;
        }
        let base = at * RUN;
        for (&j, &x) in b[base..].iter().zip(run) {
            if x > floor && j != i && insert_top(list, k, j, x) && list.len() >= k {
                floor = list[list.len() - 1].1;
            }
        }
    }
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
