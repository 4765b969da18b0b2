//! The candidate search past `Settings::exact_search_max_faces`: an
//! inverted file. Spherical k-means cuts the vectors into cells of about
//! [`CELL_SIZE`]; a photo's nearest photos are looked for in the `probes`
//! cells whose centres are nearest to it.
//!
//! Why not a graph index (HNSW): the analysis wants every photo's
//! neighbours, not one query's, and grouped by cell those searches become
//! matrix products (each cell's photos against one probed cell at a time,
//! `matrixmultiply`'s sgemm), which run near the machine's peak where a
//! graph walk is bound by memory latency. Edits are cheap too: a photo
//! joins the cell of its nearest centre or leaves its cell, and the whole
//! state to keep is the centres and one cell number per photo. The recall
//! against the exact scan, and the comparison with the HNSW index and the
//! ANN libraries, are in `BENCHMARKS.md` (`cargo bench --bench search`).

mod graph;
pub mod saved;

use super::similarity::{NeighbourList, Vectors, insert_top};
use crate::vector::dot_fast;
use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};

/// Photos per cell the k-means aims at: big enough that a cell's product
/// with another runs near the sgemm's peak, small enough that a few dozen
/// probed cells are a small part of a million photos.
pub const CELL_SIZE: usize = 1024;
/// Lloyd iterations of the k-means.
const ITERATIONS: usize = 8;
/// Training rows per cell (a strided sample of the live rows).
const SAMPLE_PER_CELL: usize = 32;
/// Rows per block of the centre products.
const BLOCK: usize = 1024;

/// Centres, and which photos each cell holds.
#[derive(Debug, Clone)]
pub struct Ivf {
    dim: usize,
    centres: Vec<f32>,
    /// Per slot: its cell, or `NONE`.
    cell_of: Vec<u32>,
    cells: Vec<Vec<u32>>,
    probes: usize,
    /// Live photos when the centres were trained.
    trained_on: usize,
}

const NONE: u32 = u32::MAX;

/// `c` (m × n) = `a` (m × dim) times `b` (n × dim) transposed.
fn product(a: &[f32], m: usize, b: &[f32], n: usize, dim: usize, c: &mut [f32]) {
    let (Ok(a), Ok(b), Ok(mut out)) = (
        ArrayView2::from_shape((m, dim), &a[..m * dim]),
        ArrayView2::from_shape((n, dim), &b[..n * dim]),
        ArrayViewMut2::from_shape((m, n), &mut c[..m * n]),
    ) else {
        // Every slice is cut to its view's size above.
        unreachable!("views cut to their shapes")
    };
    general_mat_mul(1.0, &a, &b.t(), 0.0, &mut out);
}

fn gather(v: &Vectors, rows: &[u32]) -> Vec<f32> {
    let mut out = Vec::with_capacity(rows.len() * v.dim);
    for &r in rows {
        out.extend_from_slice(v.row(r as usize));
    }
    out
}

fn unit(row: &mut [f32]) {
    let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        row.iter_mut().for_each(|x| *x /= norm);
    }
}

/// The nearest centre of every row of `data` (rows × dim), on all cores.
fn nearest_centres(data: &[f32], dim: usize, centres: &[f32]) -> Vec<u32> {
    let (rows, cells) = (data.len() / dim, centres.len() / dim);
    let blocks: Vec<usize> = (0..rows).step_by(BLOCK).collect();
    let parts = crate::par::map(
        &blocks,
        |b| format!("k-means cells of rows {b}.."),
        |&r0| {
            let m = BLOCK.min(rows - r0);
            let mut c = vec![0f32; m * cells];
            product(&data[r0 * dim..], m, centres, cells, dim, &mut c);
            c.chunks(cells)
                .map(|s| argmax(s) as u32)
                .collect::<Vec<_>>()
        },
    );
    parts.concat()
}

fn argmax(s: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in s.iter().enumerate() {
        if x > s[best] {
            best = i;
        }
    }
    best
}

/// The `p` largest entries' positions, largest first.
fn top_positions(s: &[f32], p: usize) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..s.len() as u32).collect();
    let p = p.min(idx.len());
    if p == 0 {
        return Vec::new();
    }
    let by = |a: &u32, b: &u32| s[*b as usize].total_cmp(&s[*a as usize]);
    idx.select_nth_unstable_by(p - 1, by);
    idx.truncate(p);
    idx.sort_by(by);
    idx
}

/// Spherical k-means on a strided sample of `live`: `cells` unit centres.
fn train(v: &Vectors, live: &[u32], cells: usize) -> Vec<f32> {
    let dim = v.dim;
    let want = (cells * SAMPLE_PER_CELL).min(live.len());
    let stride = live.len() / want.max(1);
    let sample: Vec<u32> = live
        .iter()
        .step_by(stride.max(1))
        .take(want)
        .copied()
        .collect();
    let data = gather(v, &sample);
    let seeds = sample.len() / cells.max(1);
    let mut centres: Vec<f32> = (0..cells)
        .flat_map(|c| data[c * seeds * dim..(c * seeds + 1) * dim].iter().copied())
        .collect();
    for _ in 0..ITERATIONS {
        let cell = nearest_centres(&data, dim, &centres);
        let mut sums = vec![0f32; cells * dim];
        let mut counts = vec![0usize; cells];
        for (r, &c) in cell.iter().enumerate() {
            counts[c as usize] += 1;
            let sum = &mut sums[c as usize * dim..(c as usize + 1) * dim];
            sum.iter_mut()
                .zip(&data[r * dim..(r + 1) * dim])
                .for_each(|(s, x)| *s += x);
        }
        // An empty cell keeps its centre: rare, and harmless (it stays empty).
        for (c, &n) in counts.iter().enumerate() {
            if n > 0 {
                let centre = &mut centres[c * dim..(c + 1) * dim];
                centre.copy_from_slice(&sums[c * dim..(c + 1) * dim]);
                unit(centre);
            }
        }
    }
    centres
}

impl Ivf {
    /// Trains the centres on `live` (the slots with a vector) and files
    /// every one of them in its cell, on the current thread pool.
    pub fn build(v: &Vectors, live: &[u32], probes: usize) -> Ivf {
        let cells = live.len().div_ceil(CELL_SIZE).max(1);
        let centres = if live.is_empty() {
            vec![0f32; v.dim]
        } else {
            train(v, live, cells)
        };
        let mut ivf = Ivf {
            dim: v.dim,
            centres,
            cell_of: vec![NONE; v.rows()],
            cells: vec![Vec::new(); cells],
            probes: probes.max(1),
            trained_on: live.len(),
        };
        // A block of rows gathered at a time: all of them at once was a
        // second copy of every vector (512 MB at a million faces).
        let blocks: Vec<&[u32]> = live.chunks(BLOCK).collect();
        let parts = crate::par::map(
            &blocks,
            |rows| format!("cells of the photos from slot {}", rows[0]),
            |rows| nearest_centres(&gather(v, rows), v.dim, &ivf.centres),
        );
        for (&slot, &c) in live.iter().zip(parts.iter().flatten()) {
            ivf.cell_of[slot as usize] = c;
            ivf.cells[c as usize].push(slot);
        }
        ivf
    }

    /// Live photos filed.
    pub fn live(&self) -> usize {
        self.cells.iter().map(Vec::len).sum()
    }

    /// True once the photos filed are twice those the centres were trained
    /// on, or under half: the cells have drifted from even sizes.
    pub fn stale(&self) -> bool {
        let live = self.live();
        live > 2 * self.trained_on.max(CELL_SIZE) || 2 * live < self.trained_on
    }

    fn cell_scores(&self, row: &[f32]) -> Vec<f32> {
        self.centres
            .chunks(self.dim)
            .map(|c| dot_fast(row, c))
            .collect()
    }

    /// Files `slot` (vector `row`) in the cell of its nearest centre.
    pub fn insert(&mut self, slot: u32, row: &[f32]) {
        self.remove(slot);
        let c = argmax(&self.cell_scores(row)) as u32;
        if self.cell_of.len() <= slot as usize {
            self.cell_of.resize(slot as usize + 1, NONE);
        }
        self.cell_of[slot as usize] = c;
        self.cells[c as usize].push(slot);
    }

    /// Whether `slot` is filed in a cell.
    pub fn filed(&self, slot: u32) -> bool {
        self.cell_of.get(slot as usize).is_some_and(|&c| c != NONE)
    }

    /// Takes `slot` out of its cell, if it is in one.
    pub fn remove(&mut self, slot: u32) {
        let Some(c) = self.cell_of.get_mut(slot as usize) else {
            return;
        };
        if *c != NONE {
            let cell = &mut self.cells[*c as usize];
            if let Some(at) = cell.iter().position(|&s| s == slot) {
                cell.swap_remove(at);
            }
            *c = NONE;
        }
    }

    /// The `k` nearest filed photos to `row` among the `probes` cells
    /// nearest to it, `exclude` left out; most similar first.
    pub fn search(
        &self,
        v: &Vectors,
        row: &[f32],
        k: usize,
        exclude: u32,
        probes: usize,
    ) -> NeighbourList {
        let mut list = NeighbourList::new();
        for c in top_positions(&self.cell_scores(row), probes) {
            for &j in &self.cells[c as usize] {
                if j != exclude {
                    insert_top(&mut list, k, j, dot_fast(row, v.row(j as usize)));
                }
            }
        }
        list
    }
}
