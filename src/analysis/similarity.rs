//! Who is near whom: every photo's nearest photos and every pair similar
//! enough to be a possible copy, from one pass over the cosine matrix.
//!
//! The matrix is never held whole: row blocks are multiplied against column
//! blocks (ndarray's matrix product, `matrixmultiply`'s SIMD sgemm inside)
//! on all cores and each block is reduced at once. Its cost grows as n²:
//! beyond `Settings::exact_search_max_faces` the search (`search.rs`)
//! switches to the index path (crossover measured by `cargo bench --bench search`).

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};

/// The cosine of unit vectors, also under this path for the callers that
/// know it by it.
pub use crate::vector::dot;

/// Embeddings of every slot, row-major; a dead slot's row is all zeros, so it
/// is nobody's neighbour.
#[derive(Debug, Clone, Default)]
pub struct Vectors {
    pub dim: usize,
    pub data: Vec<f32>,
}

impl Vectors {
    pub fn rows(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    pub fn set_row(&mut self, i: usize, v: &[f32]) {
        let dim = self.dim;
        if self.rows() <= i {
            self.data.resize((i + 1) * dim, 0.0);
        }
        let row = &mut self.data[i * dim..(i + 1) * dim];
        if v.len() == dim {
            row.copy_from_slice(v);
        } else {
            row.fill(0.0);
        }
    }

    pub fn is_zero(&self, i: usize) -> bool {
        self.row(i).iter().all(|&x| x == 0.0)
    }

    pub fn cos(&self, i: usize, j: usize) -> f32 {
        dot(self.row(i), self.row(j))
    }
}

/// A photo's nearest photos, most similar first.
pub type NeighbourList = Vec<(u32, f32)>;

/// Inserts `(j, s)` into a list kept sorted and at most `k` long; true when
/// it went in.
pub fn insert_top(list: &mut NeighbourList, k: usize, j: u32, s: f32) -> bool {
    if k == 0 || (list.len() >= k && s <= list[list.len() - 1].1) {
        return false;
    }
    // The last entry goes first when the list is full, so a list never
    // grows past `k` entries and its room stays `k` (a full list's insert
    // before the cut doubled every list's room: 1 GB at a million faces).
    if list.len() >= k {
        list.truncate(k - 1);
    }
    let at = list.partition_point(|&(_, v)| v >= s);
    list.insert(at, (j, s));
    true
}

/// Result of the full pass.
pub struct Scan {
    pub neighbours: Vec<NeighbourList>,
    /// `(i, j, cosine)` with `i < j` and cosine ≥ the pair threshold.
    pub pairs: Vec<(u32, u32, f32)>,
}

const ROW_BLOCK: usize = 512;
pub(super) const COL_BLOCK: usize = 2048;

/// Nearest `k` of every live row and all pairs at least `pair_min` similar,
/// on at most `threads` threads. A panic in a block fails the scan, naming
/// the block's rows (see [`crate::par`]).
pub fn scan(v: &Vectors, k: usize, pair_min: f32, threads: usize) -> Scan {
    crate::par::with_threads(threads, || blocked_scan(v, k, pair_min))
}

/// [`scan`] on the current thread pool: inside another parallel loop, which
/// a pool of its own would only crowd.
pub fn blocked_scan(v: &Vectors, k: usize, pair_min: f32) -> Scan {
    let n = v.rows();
    let live: Vec<bool> = (0..n).map(|i| !v.is_zero(i)).collect();
    let blocks: Vec<usize> = (0..n).step_by(ROW_BLOCK).collect();
    let parts = crate::par::map_with(
        blocks.len(),
        || vec![0f32; ROW_BLOCK.min(n) * COL_BLOCK.min(n)],
        |b| format!("cosines of rows {}..", blocks[b]),
        |c, b| block(v, &live, blocks[b], k, pair_min, c),
    );
    let mut neighbours = Vec::with_capacity(n);
    let mut pairs = Vec::new();
    for (lists, p) in parts {
        neighbours.extend(lists);
        pairs.extend(p);
    }
    pairs.sort_by_key(|&(i, j, _)| (i, j));
    Scan { neighbours, pairs }
}

fn block(
    v: &Vectors,
    live: &[bool],
    r0: usize,
    k: usize,
    pair_min: f32,
    c: &mut [f32],
) -> (Vec<NeighbourList>, Vec<(u32, u32, f32)>) {
    let n = v.rows();
    let dim = v.dim;
    let bm = ROW_BLOCK.min(n - r0);
    #[cfg(test)]
    for i in r0..r0 + bm {
        crate::par::fault::row(crate::par::fault::Site::Cosines, v.row(i));
    }
    let mut lists = vec![NeighbourList::new(); bm];
    let mut pairs = Vec::new();
    for c0 in (0..n).step_by(COL_BLOCK) {
        let bn = COL_BLOCK.min(n - c0);
        product(&v.data[r0 * dim..], bm, v, c0, bn, c);
        for (bi, list) in lists.iter_mut().enumerate() {
            let i = r0 + bi;
            if !live[i] {
                continue;
            }
            let row = &c[bi * bn..(bi + 1) * bn];
            // With k = 0 (pairs only) nothing enters a list.
            let mut floor = if k == 0 {
                f32::INFINITY
            } else if list.len() >= k {
                list[list.len() - 1].1
            } else {
                f32::MIN
            };
            for (ci, chunk) in row.chunks(32).enumerate() {
                // Nearly every cosine falls below both bars: test 32 at once
                // (eight independent lanes, so the maximum vectorises).
                let mut lanes = [f32::MIN; 8];
                for (k8, &s) in chunk.iter().enumerate() {
                    lanes[k8 % 8] = lanes[k8 % 8].max(s);
                }
                let top = lanes.iter().fold(f32::MIN, |a, &b| a.max(b));
                if top < floor.min(pair_min) {
                    continue;
                }
                for (bj, &s) in chunk.iter().enumerate() {
                    if s <= floor && s < pair_min {
                        continue;
                    }
                    let j = c0 + ci * 32 + bj;
                    if j == i || !live[j] {
                        continue;
                    }
                    if s > floor && insert_top(list, k, j as u32, s) && list.len() >= k {
                        floor = list[list.len() - 1].1;
                    }
                    if j > i && s >= pair_min {
                        pairs.push((i as u32, j as u32, s));
                    }
                }
            }
        }
    }
    (lists, pairs)
}

/// The nearest `k` live rows of each of `rows` (itself excluded), from one
/// blocked product of those rows against all rows: after an edit, the photos
/// that lost a neighbour need fresh lists, and one sgemm over all of them is
/// many times faster than a dot product per pair.
pub fn nearest_of(v: &Vectors, rows: &[u32], k: usize) -> Vec<NeighbourList> {
    let (n, dim) = (v.rows(), v.dim);
    let mut lists = vec![NeighbourList::new(); rows.len()];
    if rows.is_empty() || n == 0 || dim == 0 {
        return lists;
    }
    let mut queries = Vec::with_capacity(rows.len() * dim);
    for &r in rows {
        queries.extend_from_slice(v.row(r as usize));
    }
    let m = rows.len();
    let mut c = vec![0f32; m * COL_BLOCK.min(n)];
    for c0 in (0..n).step_by(COL_BLOCK) {
        let bn = COL_BLOCK.min(n - c0);
        product(&queries, m, v, c0, bn, &mut c);
        for (qi, list) in lists.iter_mut().enumerate() {
            for (cj, &s) in c[qi * bn..(qi + 1) * bn].iter().enumerate() {
                let j = c0 + cj;
                // A dead row is all zeros, so only a zero cosine needs the check.
                if j == rows[qi] as usize || (s == 0.0 && v.is_zero(j)) {
                    continue;
                }
                insert_top(list, k, j as u32, s);
            }
        }
    }
    lists
}

/// `c` (m×bn, row-major) = the first `m` rows of `rows` (row-major, `v.dim`
/// wide) times rows `c0..c0 + bn` of `v`, transposed: their cosines.
pub(super) fn product(rows: &[f32], m: usize, v: &Vectors, c0: usize, bn: usize, c: &mut [f32]) {
    let dim = v.dim;
    // Each slice is cut to exactly its view's size, so the views exist.
    let a = ArrayView2::from_shape((m, dim), &rows[..m * dim]).expect("cut to m×dim");
    let b = ArrayView2::from_shape((bn, dim), &v.data[c0 * dim..(c0 + bn) * dim])
        .expect("cut to bn×dim");
    let mut out = ArrayViewMut2::from_shape((m, bn), &mut c[..m * bn]).expect("cut to m×bn");
    general_mat_mul(1.0, &a, &b.t(), 0.0, &mut out);
}

/// Cosines of one row against all rows (dead rows give 0).
pub fn row_cosines(v: &Vectors, i: usize) -> Vec<f32> {
    let q = v.row(i);
    (0..v.rows()).map(|j| dot(q, v.row(j))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_list_keeps_the_best_k_in_order_without_growing_past_k() {
        let mut list = NeighbourList::new();
        // Every score 0..1000 once, in a scrambled order.
        for j in 0..1000u32 {
            insert_top(&mut list, 32, j, ((j * 7919) % 1000) as f32);
        }
        let scores: Vec<f32> = list.iter().map(|e| e.1).collect();
        let best: Vec<f32> = (968..1000).rev().map(|x| x as f32).collect();
        assert_eq!(scores, best);
        // A million lists are kept: room for twice k would cost gigabytes.
        assert!(list.capacity() <= 32, "{}", list.capacity());
    }

    #[test]
    fn nearest_of_matches_the_full_scan() {
        let dim = 8;
        let mut seed = 7u64;
        let mut data = Vec::new();
        for i in 0..2500 {
            let row: Vec<f32> = (0..dim)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5
                })
                .collect();
            let norm = dot(&row, &row).sqrt();
            // Every 97th row is dead (a removed photo).
            data.extend(row.iter().map(|x| if i % 97 == 5 { 0.0 } else { x / norm }));
        }
        let v = Vectors { dim, data };
        let full = scan(&v, 10, 2.0, 2);
        let rows = [0u32, 3, 2048, 2049, 2499];
        let got = nearest_of(&v, &rows, 10);
        for (r, list) in rows.iter().zip(&got) {
            let want: Vec<u32> = full.neighbours[*r as usize].iter().map(|e| e.0).collect();
            let have: Vec<u32> = list.iter().map(|e| e.0).collect();
            assert_eq!(have, want, "row {r}");
        }
    }

    #[test]
    fn scan_matches_brute_force() {
        let dim = 8;
        let n = 300;
        let mut seed = 7u32;
        let mut data = Vec::new();
        for _ in 0..n {
            let mut row: Vec<f32> = (0..dim)
                .map(|_| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
                })
                .collect();
            let norm = dot(&row, &row).sqrt();
            row.iter_mut().for_each(|x| *x /= norm);
            data.extend(row);
        }
        let mut v = Vectors { dim, data };
        v.set_row(5, &[]);
        let s = scan(&v, 4, 0.9, 2);
        for i in [0usize, 17, 299] {
            let mut all: Vec<(u32, f32)> = (0..n)
                .filter(|&j| j != i && j != 5)
                .map(|j| (j as u32, v.cos(i, j)))
                .collect();
            all.sort_by(|a, b| b.1.total_cmp(&a.1));
            let got: Vec<u32> = s.neighbours[i].iter().map(|x| x.0).collect();
            let want: Vec<u32> = all[..4].iter().map(|x| x.0).collect();
            assert_eq!(got, want);
        }
        assert!(s.neighbours[5].is_empty());
        let brute = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .filter(|&(i, j)| i != 5 && j != 5 && v.cos(i, j) >= 0.9)
            .count();
        assert_eq!(s.pairs.len(), brute);
    }
}
