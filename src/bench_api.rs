//! The analysis internals the benches (`benches/analysis.rs`,
//! `benches/search.rs`) time directly, through one door: the candidate
//! search's exact scan and HNSW index are crate-private, and the benches
//! need them apart from the rest of the analysis to measure their speed,
//! their recall and where one should hand over to the other
//! (`Settings::exact_search_max_faces`). Not part of the library's API.

use crate::analysis::search::{self, Query};
use crate::analysis::similarity;

pub use crate::analysis::hnsw::{Index, Visited};
pub use crate::analysis::similarity::{Scan, Vectors};

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The exact blocked scan on all cores: each row's `k` nearest rows and
/// every pair at least `pair_min` similar.
pub fn exact_scan(v: &Vectors, k: usize, pair_min: f32) -> Scan {
    similarity::scan(v, k, pair_min, cores())
}

/// The index path at any size, as the analysis takes it past
/// `exact_search_max_faces`: the inverted file's first lists refined by
/// NN-descent, pairs from within each person's `members` and from the
/// lists. ([`Index`], the HNSW index it replaced, stays for comparison.)
pub fn index_scan(v: &Vectors, members: &[Vec<u32>], k: usize, pair_min: f32) -> Scan {
    let query = Query {
        k,
        pair_min,
        members,
        exact_max: 0,
        threads: cores(),
    };
    search::scan(v, &query).0
}

/// Row `i`'s cosine with every row, by brute force: the truth recall is
/// measured against.
pub fn row_cosines(v: &Vectors, i: usize) -> Vec<f32> {
    similarity::row_cosines(v, i)
}
