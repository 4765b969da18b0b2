//! NN-descent (Dong, Moses and Li, 2011): a neighbour of a neighbour is
//! likely a neighbour. Starting from rough lists (the inverted file's,
//! with few cells probed), each round compares every photo's listed and
//! listing photos with one another and offers each pair to the lists it
//! would enter (above the floor, not listed yet).
//! A round costs about n·(2k)² / 2 cosines, done as one small matrix
//! product per photo on the rows' 8-bit codes ([`codes`]: a quarter of
//! the bytes gathered, four to eight times the products per step); only
//! pairs with a photo new to a list since the last round are compared
//! again, so later rounds cost less. The rounds stop when few lists
//! change. The lists are flat ([`FlatLists`]): a join reads a hundred of
//! them at random places.
//!
//! On face-like vectors a cell structure alone needs a third of a 100k set
//! probed for 0.89 recall (the vectors spread over too many dimensions);
//! NN-descent reaches the recall the analysis needs from a cheap start.

use super::codes::{self, Codes};
use super::flat_lists::{FlatLists, Part};
use candidates::NEW;
use simd::Kernels;

/// Photos joined between two merges of the offers: bounds the offers held
/// in memory (435 MB at 350k faces with four times as many), and lets
/// later photos of a round see earlier photos' gains.
const CHUNK: usize = 4_096;
/// A round that changes fewer than this share of list entries is the last.
const SETTLED: f64 = 0.002;

/// Offers a pair to a list: `(list's photo, offered photo, cosine)`.
type Offer = (u32, u32, f32);

/// One join's offers grouped by the part of the lists they go to (see
/// [`merge_all`]), each part's in the order they were made: part `p`'s are
/// `offers[starts[p]..starts[p + 1]]`. Each merging thread reads only its
/// part's: when every thread filtered all the offers, that scan took half
/// of each round at a million faces.
struct Offers {
    offers: Vec<Offer>,
    starts: Vec<u32>,
}

/// How the lists are cut into parts for merging: `size` lists a part.
#[derive(Clone, Copy)]
struct Parts {
    size: usize,
    count: usize,
}

impl Parts {
    fn of(lists: usize) -> Parts {
        let size = lists
            .div_ceil(rayon::current_num_threads().max(1) * 4)
            .max(1);
        Parts {
            size,
            count: lists.div_ceil(size).max(1),
        }
    }

    /// `offers` grouped by part, keeping their order within each.
    fn group(self, offers: &[Offer]) -> Offers {
        let mut starts = vec![0u32; self.count + 1];
        for o in offers {
            starts[o.0 as usize / self.size + 1] += 1;
        }
        for p in 0..self.count {
            starts[p + 1] += starts[p];
        }
        let mut next = starts.clone();
        let mut grouped = vec![(0, 0, 0.0); offers.len()];
        for &o in offers {
            let at = &mut next[o.0 as usize / self.size];
            grouped[*at as usize] = o;
            *at += 1;
        }
        Offers {
            offers: grouped,
            starts,
        }
    }
}

/// Improves `lists` (indexed by slot, sorted most similar first; `live`
/// are the slots with a vector) for at most `rounds` rounds. The cosines
/// are the rounded ones of `codes`, the vectors' (see [`codes`]).
pub fn refine(codes: &Codes, lists: &mut FlatLists, live: &[u32], rounds: usize) {
    assert!(lists.rows() < NEW as usize, "slot numbers use the flag bit");
    flag_all(lists, NEW, true);
    let k = lists.k();
    let parts = Parts::of(lists.rows());
    for _ in 0..rounds {
        let (new, old) = candidates::candidates(lists);
        let mut changed = 0usize;
        for chunk in live.chunks(CHUNK) {
            let standing: &FlatLists = lists;
            let found = crate::par::map_with(
                chunk.len(),
                Buffers::default,
                |at| format!("nearest photos of slot {}", chunk[at]),
                |buf, at| {
                    let u = chunk[at] as usize;
                    #[cfg(test)]
                    crate::par::fault::row(crate::par::fault::Site::Nearest, &codes.firsts[u..=u]);
                    join(codes, new.of(u), old.of(u), standing, buf);
                    parts.group(&buf.offers)
                },
            );
            changed += merge_all(lists, &found, parts);
        }
        if (changed as f64) < SETTLED * (live.len() * k) as f64 {
            break;
        }
    }
    flag_all(lists, NEW, false);
}

/// Sets (`on`) or clears `flag` on every entry of every list.
fn flag_all(lists: &mut FlatLists, flag: u32, on: bool) {
    use rayon::prelude::*;
    lists.parts_mut(CHUNK).for_each(|mut part| {
        for r in 0..part.rows() {
            for id in part.row_mut(r).0 {
                *id = if on { *id | flag } else { *id & !flag };
            }
        }
    });
}

/// The local join of one photo's candidates: every new–new and new–old
/// pair, offered to each side whose list it would enter as the lists stand
/// before this chunk's merge. Most pairs of a photo's neighbours are
/// already listed in each other's lists (at a million faces 99.5% of the
/// pairs above a list's floor were): checked here, while the candidates'
/// lists are in cache, they are never offered, and the merge, which is
/// bound by reading lists at random, gets a fiftieth of the offers.
/// They are left in `buf.offers`.
fn join(codes: &Codes, new: &[u32], old: &[u32], lists: &FlatLists, buf: &mut Buffers) {
    buf.offers.clear();
    // (a photo both new and old, from two directions, is joined as new)
    let old = old.iter().filter(|j| new.binary_search(j).is_err());
    let mut all = std::mem::take(&mut buf.all);
    all.clear();
    all.extend(new.iter().chain(old));
    let (m, dim) = (all.len(), codes.dim());
    if new.is_empty() || m < 2 {
        buf.all = all;
        return;
    }
    // The lists are read after the product, at random places of memory:
    // asked for now, they arrive while it runs.
    for &r in &all {
        lists.prefetch(r as usize);
    }
    codes.gather(&all, &mut buf.rows);
    // Only the new rows against all: old–old pairs were joined in an
    // earlier round (in later rounds most candidates are old, and the
    // whole square cost up to four times as much).
    let fresh = new.len();
    buf.inv.clear();
    buf.inv.extend(all.iter().map(|&r| codes.inv(r as usize)));
    let (rows, inv, scores) = (&buf.rows, &buf.inv, &mut buf.scores);
    let new_rows = (&rows[..fresh * dim], &inv[..fresh]);
    scores.clear();
    codes::cosines(new_rows, (rows, inv), dim, &mut buf.scratch, |_, row| {
        scores.extend_from_slice(row)
    });
    let (s, pass) = (&buf.scores, &mut buf.passing);
    offer_unlisted(&all, fresh, s, lists, pass, &mut buf.offers);
    buf.all = all;
}

/// Reused buffers of one thread's joins.
#[derive(Default)]
struct Buffers {
    all: Vec<u32>,
    rows: Vec<i8>,
    inv: Vec<f32>,
    scores: Vec<f32>,
    scratch: codes::Scratch,
    passing: Passing,
    offers: Vec<Offer>,
}

/// Reused buffers of [`offer_unlisted`]: the candidates' floors, and the
/// pairs of one row above either side's floor.
#[derive(Default)]
struct Passing {
    floors: Vec<f32>,
    mine: Vec<u32>,
    theirs: Vec<u32>,
}

/// The pairs of a join whose cosines `s` (the `fresh` new candidates'
/// rows against `all`) would enter a list as the lists stand: above its
/// floor and not listed yet.
fn offer_unlisted(
    all: &[u32],
    fresh: usize,
    s: &[f32],
    lists: &FlatLists,
    pass: &mut Passing,
    offers: &mut Vec<Offer>,
) {
    let m = all.len();
    pass.floors.clear();
    pass.floors
        .extend(all.iter().map(|&r| lists.floor(r as usize)));
    pass.mine.resize(m + simd::SLACK, 0);
    pass.theirs.resize(m + simd::SLACK, 0);
    let (floors, mine, theirs) = (&pass.floors, &mut pass.mine, &mut pass.theirs);
    let kernels = Kernels::new();
    // Which pairs pass a floor is a coin toss at a million faces: sorted
    // out without branches first (a mispredicted branch per pair and side
    // cost more than the product).
    for x in 0..fresh {
        let (a, row) = (all[x], &s[x * m..(x + 1) * m]);
        let (n_mine, n_theirs) = kernels.passing(row, (floors[x], floors), x + 1, mine, theirs);
        for &y in &mine[..n_mine] {
            let (b, sim) = (all[y as usize], row[y as usize]);
            if a != b && !kernels.holds(lists.ids(a as usize), b, NEW) {
                offers.push((a, b, sim));
            }
        }
        for &y in &theirs[..n_theirs] {
            let (b, sim) = (all[y as usize], row[y as usize]);
            if a != b && !kernels.holds(lists.ids(b as usize), a, NEW) {
                offers.push((b, a, sim));
            }
        }
    }
}

/// Enters every join's offers, each part of the lists on a thread of its
/// own; returns how many went in. The same offers in the same order give
/// the same lists.
fn merge_all(lists: &mut FlatLists, found: &[Offers], parts: Parts) -> usize {
    use rayon::prelude::*;
    lists
        .parts_mut(parts.size)
        .enumerate()
        .map(|(p, mut part)| {
            let lo = (p * parts.size) as u32;
            found
                .iter()
                .map(|f| {
                    let mine = &f.offers[f.starts[p] as usize..f.starts[p + 1] as usize];
                    merge(&mut part, lo, mine)
                })
                .sum::<usize>()
        })
        .sum()
}

/// Enters the offers into the part's lists (its first photo `lo`);
/// returns how many went in. An offer met twice is refused the second
/// time by the membership test.
fn merge(part: &mut Part, lo: u32, offers: &[Offer]) -> usize {
    let (mut changed, kernels) = (0, Kernels::new());
    for &(u, j, s) in offers {
        let r = (u - lo) as usize;
        if s <= part.floor(r) || kernels.holds(part.ids(r), j, NEW) {
            continue;
        }
        part.insert(r, j | NEW, s);
        changed += 1;
    }
    changed
}

mod candidates;
mod simd;
#[cfg(test)]
mod tests;
