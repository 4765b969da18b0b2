//! An approximate nearest-neighbour index (HNSW, Malkov & Yashunin 2016) for
//! datasets too big for the exact cosine matrix of [`super::similarity`].
//! The analysis no longer uses it: the inverted file refined by NN-descent
//! (`ivf.rs`, `nndescent.rs`) found 0.962 of the true 32 nearest where this
//! index found 0.898, in half the time (BENCHMARKS.md). It stays as the
//! baseline the benches (`benches/search.rs`, `bench/ann-libs`) compare with.
//!
//! Our own compact version rather than a crate: the analysis needs inserts
//! one photo at a time and removals (a tombstone that still routes searches,
//! filtered from results, with a rebuild once many are dead), which the light
//! crates lack, and the heavier ones pull in a dozen dependencies for it. The
//! index keeps its own copy of the vectors so that a removed or re-embedded
//! photo's old node stays a valid waypoint. Similarity is the dot product of
//! unit vectors. Building inserts in parallel; every node's link list has
//! its own lock, so readers and writers never wait on a global one.

use super::similarity::Vectors;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Links per node above layer 0 (twice as many on layer 0).
const M: usize = 16;
/// Candidates kept while linking a new node.
const EF_CONSTRUCTION: usize = 100;
const NONE: u32 = u32::MAX;

/// The index's similarity; nearly all its time goes here, so it takes the
/// fastest dot product the processor allows.
fn sim(a: &[f32], b: &[f32]) -> f32 {
    crate::vector::dot_fast(a, b)
}

/// A similarity with a total order, for the heaps.
#[derive(Clone, Copy, PartialEq)]
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

/// Marks of the nodes seen by one search, cleared by bumping a generation.
pub struct Visited {
    mark: Vec<u32>,
    generation: u32,
}

impl Visited {
    pub fn new() -> Visited {
        Visited {
            mark: Vec::new(),
            generation: 0,
        }
    }

    fn start(&mut self, nodes: usize) {
        if self.mark.len() < nodes {
            self.mark.resize(nodes, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.mark.fill(0);
            self.generation = 1;
        }
    }

    /// True the first time `n` is seen in this search.
    fn first(&mut self, n: u32) -> bool {
        let m = &mut self.mark[n as usize];
        let fresh = *m != self.generation;
        *m = self.generation;
        fresh
    }
}

impl Default for Visited {
    fn default() -> Self {
        Visited::new()
    }
}

/// The index; node ids are internal, results name the analysis' slots.
pub struct Index {
    dim: usize,
    data: Vec<f32>,
    slot_of: Vec<u32>,
    node_of: Vec<u32>,
    links: Vec<Vec<Mutex<Vec<u32>>>>,
    dead: Vec<bool>,
    dead_count: usize,
    entry: Mutex<(u32, usize)>,
    seed: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Index {
    /// An index of the given `slots` (rows of `v`), built on `threads` cores.
    pub fn build(v: &Vectors, slots: &[u32], threads: usize) -> Index {
        let mut index = Index {
            dim: v.dim,
            data: Vec::with_capacity(slots.len() * v.dim),
            slot_of: Vec::with_capacity(slots.len()),
            node_of: vec![NONE; v.rows()],
            links: Vec::with_capacity(slots.len()),
            dead: Vec::with_capacity(slots.len()),
            dead_count: 0,
            entry: Mutex::new((NONE, 0)),
            seed: 0x9e37_79b9_7f4a_7c15,
        };
        for &s in slots {
            index.push(s, v.row(s as usize));
        }
        let n = index.slot_of.len();
        if n == 0 {
            return index;
        }
        *lock(&index.entry) = (0, index.links[0].len() - 1);
        // The first nodes go in one by one so that the graph the parallel
        // inserts start from is already connected.
        let serial = n.min(1000);
        let mut visited = Visited::new();
        for node in 1..serial {
            index.link(node as u32, &mut visited);
        }
        // A panic while linking fails the build: an index missing a node
        // would quietly leave its photo out of every search.
        crate::par::with_threads(threads, || {
            crate::par::map_with(
                n - serial,
                Visited::new,
                |x| format!("linking slot {} into the index", index.slot_of[serial + x]),
                |visited, x| {
                    let node = (serial + x) as u32;
                    #[cfg(test)]
                    crate::par::fault::row(crate::par::fault::Site::Link, index.vector(node));
                    index.link(node, visited);
                },
            )
        });
        index
    }

    /// Live nodes (photos findable).
    pub fn live(&self) -> usize {
        self.slot_of.len() - self.dead_count
    }

    /// Removed nodes still kept as waypoints.
    pub fn dead(&self) -> usize {
        self.dead_count
    }

    fn vector(&self, node: u32) -> &[f32] {
        let n = node as usize;
        &self.data[n * self.dim..(n + 1) * self.dim]
    }

    fn push(&mut self, slot: u32, row: &[f32]) -> u32 {
        let node = self.slot_of.len() as u32;
        self.data.extend_from_slice(row);
        self.slot_of.push(slot);
        if self.node_of.len() <= slot as usize {
            self.node_of.resize(slot as usize + 1, NONE);
        }
        self.node_of[slot as usize] = node;
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        let u = ((self.seed >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        let level = ((-u.ln() / (M as f64).ln()) as usize).min(16);
        self.links
            .push((0..=level).map(|_| Mutex::new(Vec::new())).collect());
        self.dead.push(false);
        node
    }

    /// Adds (or replaces) the photo in `slot` with vector `row`.
    pub fn insert(&mut self, slot: u32, row: &[f32]) {
        self.remove(slot);
        let node = self.push(slot, row);
        if lock(&self.entry).0 == NONE {
            *lock(&self.entry) = (node, self.links[node as usize].len() - 1);
            return;
        }
        self.link(node, &mut Visited::new());
    }

    /// Takes the photo in `slot` out of the results; its node keeps routing.
    pub fn remove(&mut self, slot: u32) {
        let Some(&node) = self.node_of.get(slot as usize) else {
            return;
        };
        if node != NONE {
            self.node_of[slot as usize] = NONE;
            self.dead[node as usize] = true;
            self.dead_count += 1;
        }
    }

    /// Connects an already pushed node to the graph.
    fn link(&self, node: u32, visited: &mut Visited) {
        let q = self.vector(node);
        let level = self.links[node as usize].len() - 1;
        let (entry, top) = *lock(&self.entry);
        let mut cur = Near(sim(q, self.vector(entry)), entry);
        for layer in (level + 1..=top).rev() {
            cur = self.greedy(q, cur, layer);
        }
        let mut eps = vec![cur];
        for layer in (0..=level.min(top)).rev() {
            let found = self.search_layer(q, &eps, EF_CONSTRUCTION, layer, visited);
            let max = if layer == 0 { 2 * M } else { M };
            let chosen = self.select(&found, M);
            {
                // A node linking in parallel may already have added itself
                // here (it found this node through an upper layer); keeping
                // those links keeps the two mutually reachable.
                let mut own = lock(&self.links[node as usize][layer]);
                let early = std::mem::take(&mut *own);
                own.extend(chosen.iter().map(|c| c.1));
                own.extend(
                    early
                        .into_iter()
                        .filter(|e| chosen.iter().all(|c| c.1 != *e)),
                );
            }
            for c in &chosen {
                self.add_link(c.1, node, layer, max);
            }
            eps = found;
        }
        if level > top {
            let mut e = lock(&self.entry);
            if level > e.1 {
                *e = (node, level);
            }
        }
    }

    /// Adds `new` to `to`'s links, pruning them with the heuristic once they
    /// hold half as many again as `max` (pruning at every overflow would
    /// cost most of the build).
    fn add_link(&self, to: u32, new: u32, layer: usize, max: usize) {
        let mut links = lock(&self.links[to as usize][layer]);
        links.push(new);
        if links.len() < max + max / 2 {
            return;
        }
        let base = self.vector(to);
        let mut cands: Vec<Near> = links
            .iter()
            .map(|&l| Near(sim(base, self.vector(l)), l))
            .collect();
        cands.sort_by(|a, b| b.cmp(a));
        *links = self.select(&cands, max).iter().map(|c| c.1).collect();
    }

    /// HNSW's neighbour heuristic: a candidate (most similar first) is kept
    /// only when it is closer to the base than to any kept one, so that the
    /// links fan out instead of all pointing into one dense cluster.
    fn select(&self, sorted: &[Near], m: usize) -> Vec<Near> {
        let mut out: Vec<Near> = Vec::with_capacity(m);
        for &c in sorted {
            if out.len() >= m {
                break;
            }
            let v = self.vector(c.1);
            if out.iter().all(|r| sim(v, self.vector(r.1)) < c.0) {
                out.push(c);
            }
        }
        out
    }

    fn greedy(&self, q: &[f32], mut cur: Near, layer: usize) -> Near {
        let mut buf = Vec::new();
        loop {
            let mut moved = false;
            buf.clear();
            buf.extend_from_slice(&lock(&self.links[cur.1 as usize][layer]));
            for &n in &buf {
                let s = sim(q, self.vector(n));
                if s > cur.0 {
                    cur = Near(s, n);
                    moved = true;
                }
            }
            if !moved {
                return cur;
            }
        }
    }

    /// The `ef` nodes most similar to `q` reachable from `eps` on `layer`,
    /// most similar first (dead nodes included: they still route).
    fn search_layer(
        &self,
        q: &[f32],
        eps: &[Near],
        ef: usize,
        layer: usize,
        visited: &mut Visited,
    ) -> Vec<Near> {
        visited.start(self.slot_of.len());
        let mut frontier: BinaryHeap<Near> = BinaryHeap::new();
        let mut best: BinaryHeap<Reverse<Near>> = BinaryHeap::new();
        for &e in eps {
            if visited.first(e.1) {
                frontier.push(e);
                best.push(Reverse(e));
            }
        }
        while best.len() > ef {
            best.pop();
        }
        let mut buf = Vec::new();
        while let Some(c) = frontier.pop() {
            let floor = best.peek().map_or(f32::MIN, |b| b.0.0);
            if c.0 < floor && best.len() >= ef {
                break;
            }
            buf.clear();
            if let Some(l) = self.links[c.1 as usize].get(layer) {
                buf.extend_from_slice(&lock(l));
            }
            for &n in &buf {
                if !visited.first(n) {
                    continue;
                }
                let s = sim(q, self.vector(n));
                let floor = best.peek().map_or(f32::MIN, |b| b.0.0);
                if best.len() < ef || s > floor {
                    frontier.push(Near(s, n));
                    best.push(Reverse(Near(s, n)));
                    if best.len() > ef {
                        best.pop();
                    }
                }
            }
        }
        let mut out: Vec<Near> = best.into_iter().map(|r| r.0).collect();
        out.sort_by(|a, b| b.cmp(a));
        out
    }

    /// About the `k` live photos most similar to `q` (most similar first),
    /// leaving out `skip`; `ef` ≥ `k` trades time for recall.
    pub fn search(
        &self,
        q: &[f32],
        k: usize,
        ef: usize,
        skip: u32,
        visited: &mut Visited,
    ) -> Vec<(u32, f32)> {
        let (entry, top) = *lock(&self.entry);
        if entry == NONE || k == 0 {
            return Vec::new();
        }
        let mut cur = Near(sim(q, self.vector(entry)), entry);
        for layer in (1..=top).rev() {
            cur = self.greedy(q, cur, layer);
        }
        let found = self.search_layer(q, &[cur], ef.max(k + 1), 0, visited);
        found
            .into_iter()
            .filter(|c| !self.dead[c.1 as usize])
            .map(|c| (self.slot_of[c.1 as usize], c.0))
            .filter(|&(s, _)| s != skip)
            .take(k)
            .collect()
    }
}
