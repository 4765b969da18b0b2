//! The candidate search of the analysis at any size: the exact blocked scan
//! of [`similarity::scan`] up to `Settings::exact_search_max_faces` faces,
//! an inverted file refined by NN-descent beyond ([`Ivf`], [`nndescent`]),
//! where the exact scan's n² cost would dominate.
//!
//! On the index path a photo's nearest photos come from the index, and the
//! pairs similar enough to be copies from two sources: every person's own
//! photos compared exactly (where near-copies and burst frames live; the
//! cost Σ n_p² stays small) and the index's neighbour lists across persons.
//! A cross-person pair is missed only when neither photo has the other among
//! its approximate nearest `neighbours`; the recall is measured by
//! `cargo bench --bench search`.

use super::codes::Codes;
use super::flat_lists::FlatLists;
use super::ivf::Ivf;
use super::nndescent;
use super::similarity::{self, NeighbourList, Scan, Vectors};
use crate::vector::dot;

/// What a scan is asked for.
pub struct Query<'a> {
    /// Neighbours kept per photo.
    pub k: usize,
    /// Pairs at least this similar are returned.
    pub pair_min: f32,
    /// Live photos per person (every live row in exactly one list).
    pub members: &'a [Vec<u32>],
    /// Up to this many live rows the exact scan is used.
    pub exact_max: usize,
    /// At most this many threads (see [`crate::par::with_threads`]).
    pub threads: usize,
}

/// Nearest photos and candidate pairs; also the index when one was built,
/// for the incremental updates. A panic in any photo's search fails the
/// scan, naming the photo's slot (see [`crate::par`]).
pub fn scan(v: &Vectors, q: &Query) -> (Scan, Option<Ivf>) {
    crate::par::with_threads(q.threads, || scan_here(v, q))
}

/// Cells of the inverted file searched per photo for the first lists: 12
/// against 8 lifted the neighbour recall at 350k faces from 0.953 to 0.960
/// with the cold analysis no slower within the machine's noise.
const PROBES: usize = 12;
/// NN-descent rounds at most (they stop sooner once few lists change).
const ROUNDS: usize = 16;

fn scan_here(v: &Vectors, q: &Query) -> (Scan, Option<Ivf>) {
    let live: Vec<u32> = (0..v.rows() as u32)
        .filter(|&i| !v.is_zero(i as usize))
        .collect();
    if live.len() <= q.exact_max {
        return (similarity::blocked_scan(v, q.k, q.pair_min), None);
    }
    let index = Ivf::build(v, &live, PROBES);
    // Lists twice as long as kept while they are built: NN-descent finds
    // more through a wider list (0.957 against 0.929 at 100k faces), and
    // the entries past the k-th still similar enough to be copies are
    // pairs a photo with many look-alikes would otherwise lose.
    let wide = 2 * q.k;
    let codes = Codes::of(v);
    let mut lists = index.graph(v, &codes, wide);
    nndescent::refine(&codes, &mut lists, &live, ROUNDS);
    drop(codes);
    rescore(v, &mut lists);
    let mut close = Vec::new();
    // Kept for the whole session: room for `k`, not for the wide list.
    let lists = lists.into_neighbour_lists(q.k, |i, j, s| {
        if s >= q.pair_min {
            close.push((i.min(j), i.max(j), s));
        }
    });
    let pairs = pairs(v, &lists, close, q);
    let scan = Scan {
        neighbours: lists,
        pairs,
    };
    (scan, Some(index))
}

/// The lists' cosines computed again from the vectors, and each list
/// sorted by them, most similar first (ties by slot): the search ranked by
/// rounded cosines, and nothing rounded may reach the findings.
pub(crate) fn rescore(v: &Vectors, lists: &mut FlatLists) {
    use rayon::prelude::*;
    const ROWS: usize = 4_096;
    lists.parts_mut(ROWS).enumerate().for_each(|(p, mut part)| {
        let mut list = NeighbourList::new();
        for r in 0..part.rows() {
            let i = p * ROWS + r;
            let (ids, sims) = part.row_mut(r);
            list.clear();
            list.extend(ids.iter().map(|&j| (j, v.cos(i, j as usize))));
            list.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            for (x, &(j, s)) in list.iter().enumerate() {
                (ids[x], sims[x]) = (j, s);
            }
        }
    });
}

/// Every person's pairs ≥ `pair_min`, exactly, plus those of the neighbour
/// lists and the search's further candidates (`out`); sorted, each once.
fn pairs(
    v: &Vectors,
    neighbours: &[NeighbourList],
    mut out: Vec<(u32, u32, f32)>,
    q: &Query,
) -> Vec<(u32, u32, f32)> {
    out.extend(
        crate::par::map_with(
            q.members.len(),
            || (),
            |p| format!("pairs within person #{p}"),
            |_, p| within(v, &q.members[p], q.pair_min),
        )
        .into_iter()
        .flatten(),
    );
    for (i, list) in neighbours.iter().enumerate() {
        for &(j, s) in list {
            if s >= q.pair_min {
                let (a, b) = (i.min(j as usize) as u32, i.max(j as usize) as u32);
                out.push((a, b, s));
            }
        }
    }
    // On every thread (one thread took 2.5 s for the pairs of a million
    // faces); a pair found twice keeps its lower cosine, whichever order
    // the sort met them in (the two differ in rounding at most).
    use rayon::prelude::*;
    out.par_sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)));
    out.dedup_by_key(|p| (p.0, p.1));
    out
}

/// Pairs ≥ `pair_min` among `members` (sorted slot ids), exactly.
pub fn within(v: &Vectors, members: &[u32], pair_min: f32) -> Vec<(u32, u32, f32)> {
    #[cfg(test)]
    for &i in members {
        crate::par::fault::row(crate::par::fault::Site::Within, v.row(i as usize));
    }
    let mut out = Vec::new();
    if members.len() <= 256 {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let s = v.cos(i as usize, j as usize);
                if s >= pair_min {
                    out.push((i.min(j), i.max(j), s));
                }
            }
        }
        return out;
    }
    // A big person: its rows gathered and scanned blocked like the whole set.
    let mut sub = Vectors {
        dim: v.dim,
        data: Vec::with_capacity(members.len() * v.dim),
    };
    for &i in members {
        sub.data.extend_from_slice(v.row(i as usize));
    }
    for (a, b, s) in similarity::blocked_scan(&sub, 0, pair_min).pairs {
        let (i, j) = (members[a as usize], members[b as usize]);
        out.push((i.min(j), i.max(j), s));
    }
    out
}

/// Pairs ≥ `pair_min` of photo `i` with `others`, exactly.
pub fn against(v: &Vectors, i: u32, others: &[u32], pair_min: f32) -> Vec<(u32, f32)> {
    let row = v.row(i as usize);
    others
        .iter()
        .filter(|&&j| j != i)
        .map(|&j| (j, dot(row, v.row(j as usize))))
        .filter(|&(_, s)| s >= pair_min)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 80 persons of 15 photos (same-person cosine ≈ 0.7, others ≈ 0),
    /// with a copy of photo 3 filed under another person.
    fn clusters() -> (Vectors, Vec<Vec<u32>>) {
        let dim = 32;
        let mut seed = 0x2545_f491_u64;
        let mut unit = || {
            let v: Vec<f32> = (0..dim)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5
                })
                .collect();
            let n = dot(&v, &v).sqrt();
            v.into_iter().map(|x| x / n).collect::<Vec<f32>>()
        };
        let mut v = Vectors {
            dim,
            data: Vec::new(),
        };
        let mut members = Vec::new();
        for p in 0..80u32 {
            let centre = unit();
            let mut m = Vec::new();
            for _ in 0..15 {
                let noise = unit();
                let e: Vec<f32> = centre
                    .iter()
                    .zip(&noise)
                    .map(|(c, x)| 0.84 * c + 0.55 * x)
                    .collect();
                let n = dot(&e, &e).sqrt();
                let i = v.rows() as u32;
                v.set_row(i as usize, &e.iter().map(|x| x / n).collect::<Vec<_>>());
                m.push(i);
            }
            if p == 40 {
                let i = v.rows();
                let copy = v.row(3).to_vec();
                v.set_row(i, &copy);
                m.push(i as u32);
            }
            members.push(m);
        }
        (v, members)
    }

    #[test]
    fn the_index_finds_what_the_exact_scan_finds() {
        let (v, members) = clusters();
        let mut q = Query {
            k: 8,
            pair_min: 0.6,
            members: &members,
            exact_max: usize::MAX,
            threads: 2,
        };
        let (exact, none) = scan(&v, &q);
        assert!(none.is_none());
        q.exact_max = 100;
        let (approx, index) = scan(&v, &q);
        assert!(index.is_some());
        let mut hit = 0;
        for (e, a) in exact.neighbours.iter().zip(&approx.neighbours) {
            hit += a.iter().filter(|x| e.iter().any(|y| y.0 == x.0)).count();
        }
        let total: usize = exact.neighbours.iter().map(Vec::len).sum();
        assert!(hit as f64 >= 0.99 * total as f64, "{hit} of {total}");
        let key = |p: &(u32, u32, f32)| (p.0, p.1);
        let want: Vec<_> = exact.pairs.iter().map(key).collect();
        let got: Vec<_> = approx.pairs.iter().map(key).collect();
        let found = want.iter().filter(|p| got.contains(p)).count();
        assert!(
            found as f64 >= 0.99 * want.len() as f64,
            "{found} of {}",
            want.len()
        );
        // The copy across persons is among them.
        assert!(got.contains(&(3, 615)), "{got:?}");
    }

    #[test]
    fn removed_photos_leave_the_results_and_inserted_ones_enter() {
        let (v, members) = clusters();
        let live: Vec<u32> = (0..v.rows() as u32).collect();
        let mut index = Ivf::build(&v, &live, 2);
        let lists = index.graph(&v, &Codes::of(&v), 10);
        let lists = lists.into_neighbour_lists(10, |_, _, _| {});
        let near = |index: &Ivf| -> Vec<u32> {
            let found = super::super::graph_search::search(&v, index, &lists, v.row(0), 10, 64, 0);
            found.iter().map(|e| e.0).collect()
        };
        assert!(near(&index).contains(&members[0][1]));
        index.remove(members[0][1]);
        assert!(!near(&index).contains(&members[0][1]));
        assert_eq!(index.live(), v.rows() - 1);
        // Slot 5000, new, is photo 0 itself: the best match.
        let mut v = v.clone();
        let first = v.row(0).to_vec();
        v.set_row(5000, &first);
        index.insert(5000, v.row(0));
        let found = index.search(&v, v.row(0), 10, 0, 1);
        assert_eq!(found[0].0, 5000);
        assert_eq!(index.live(), 1 + live.len() - 1);
    }
}
