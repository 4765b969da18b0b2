//! Each photo's candidates for one round of NN-descent: the photos its
//! list holds and the photos whose lists hold it, split into new and old.
//! They are built on every thread and kept flat, one array per kind: one
//! small vector per photo, filled on one thread, took 15 of the 67 s of
//! the rounds at a million faces, much of it in the allocator.

use crate::analysis::flat_lists::FlatLists;
use rayon::prelude::*;

/// During the rounds an entry's photo carries this bit while it is new to
/// the list (came in since the list's last join): the lists are refined in
/// place, with no second copy of them (269 MB at 350k faces). A round's
/// candidates take it off the entries they pick.
pub(super) const NEW: u32 = 1 << 31;

fn is_new(id: u32) -> bool {
    id & NEW != 0
}

/// Photos per piece of work when the lists are walked on the thread pool.
const CHUNK: usize = 4_096;

/// One list of photo ids per photo in one array: photo `u`'s are
/// `ids[starts[u]..starts[u + 1]]`.
pub(super) struct Flat {
    starts: Vec<usize>,
    ids: Vec<u32>,
}

impl Flat {
    /// Photo `u`'s ids.
    pub(super) fn of(&self, u: usize) -> &[u32] {
        &self.ids[self.starts[u]..self.starts[u + 1]]
    }

    fn photos(&self) -> usize {
        self.starts.len() - 1
    }

    /// Pieces of consecutive photos' lists (each piece's lengths and ids)
    /// joined into one.
    fn join(pieces: Vec<(Vec<usize>, Vec<u32>)>) -> Flat {
        let photos = pieces.iter().map(|p| p.0.len()).sum::<usize>();
        let total = pieces.iter().map(|p| p.1.len()).sum::<usize>();
        let mut starts = Vec::with_capacity(photos + 1);
        let mut ids = Vec::with_capacity(total);
        starts.push(0);
        for (lens, piece) in pieces {
            for len in lens {
                starts.push(starts[starts.len() - 1] + len);
            }
            ids.extend_from_slice(&piece);
        }
        Flat { starts, ids }
    }

    /// Photo `u`'s list made by `fill` (appending to the vector it is
    /// given), for each of `photos`, on the thread pool.
    fn build(photos: usize, fill: impl Fn(usize, &mut Vec<u32>) + Sync) -> Flat {
        let pieces = (0..photos.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let (mut lens, mut ids) = (Vec::with_capacity(CHUNK), Vec::new());
                for u in c * CHUNK..((c + 1) * CHUNK).min(photos) {
                    let before = ids.len();
                    fill(u, &mut ids);
                    lens.push(ids.len() - before);
                }
                (lens, ids)
            })
            .collect();
        Flat::join(pieces)
    }
}

/// Each photo's new and old candidates: its list's entries split by the
/// flag (which is then cleared), plus the photos listing it, at most
/// `k / 2` of each kind from each side, the listing photos of lowest slot
/// first (a new entry past that waits for the next round); sorted, each
/// once. Halving the joins cost 0.012 of recall and a third of the time
/// at 100k faces.
pub(super) fn candidates(lists: &mut FlatLists) -> (Flat, Flat) {
    let cap = lists.k() / 2;
    let (new, old) = forward(lists, cap);
    let new = with_listing(new, cap);
    let old = with_listing(old, cap);
    (new, old)
}

/// The entries of each list picked as candidates, new and old.
fn forward(lists: &mut FlatLists, cap: usize) -> (Flat, Flat) {
    let pieces: Vec<_> = lists
        .parts_mut(CHUNK)
        .map(|mut part| {
            let mut new = (Vec::with_capacity(part.rows()), Vec::new());
            let mut old = (Vec::with_capacity(part.rows()), Vec::new());
            for r in 0..part.rows() {
                let (n0, o0) = (new.1.len(), old.1.len());
                for id in part.row_mut(r).0 {
                    if is_new(*id) && new.1.len() - n0 < cap {
                        *id &= !NEW;
                        new.1.push(*id);
                    } else if !is_new(*id) && old.1.len() - o0 < cap {
                        old.1.push(*id);
                    }
                }
                new.0.push(new.1.len() - n0);
                old.0.push(old.1.len() - o0);
            }
            (new, old)
        })
        .collect();
    let (new, old): (Vec<_>, Vec<_>) = pieces.into_iter().unzip();
    (Flat::join(new), Flat::join(old))
}

/// `picked` with, for each photo, the first `cap` photos (by slot) that
/// picked it; sorted, each once.
fn with_listing(picked: Flat, cap: usize) -> Flat {
    let listing = transpose(&picked);
    Flat::build(picked.photos(), |u, out| {
        let start = out.len();
        out.extend_from_slice(picked.of(u));
        out[start..].sort_unstable();
        let from = listing.of(u);
        merge_tail(out, start, &from[..cap.min(from.len())]);
    })
}

/// For each photo, the photos whose lists in `lists` hold it, by slot.
/// Each thread fills the lists of its own range of photos and reads all
/// of `lists` to find their ids: the stores, at random places, are then
/// plain ones (with an atomic cursor each waited for the one before, and
/// took 0.32 s per transpose at 300k faces, against 0.11 s now), and the
/// lists come out in slot order with no sort.
fn transpose(lists: &Flat) -> Flat {
    let photos = lists.photos();
    let parts = rayon::current_num_threads().clamp(1, photos.max(1));
    let size = photos.div_ceil(parts).max(1);
    let ranges: Vec<_> = (0..parts)
        .map(|p| p * size..((p + 1) * size).min(photos))
        .collect();
    // Per part: its photos' counts, which become their write cursors.
    let mut counts: Vec<Vec<usize>> = ranges
        .par_iter()
        .map(|r| {
            let mut counts = vec![0usize; r.len()];
            for &j in &lists.ids {
                if r.contains(&(j as usize)) {
                    counts[j as usize - r.start] += 1;
                }
            }
            counts
        })
        .collect();
    let mut starts = Vec::with_capacity(photos + 1);
    starts.push(0usize);
    for c in counts.iter_mut().flatten() {
        let at = starts[starts.len() - 1];
        starts.push(at + *c);
        *c = at;
    }
    let mut ids = vec![0u32; lists.ids.len()];
    let mut pieces = Vec::with_capacity(parts);
    let mut rest = &mut ids[..];
    for r in &ranges {
        let (piece, tail) = rest.split_at_mut(starts[r.end] - starts[r.start]);
        pieces.push(piece);
        rest = tail;
    }
    (pieces.into_par_iter().zip(counts).zip(&ranges)).for_each(|((piece, mut cursor), r)| {
        let base = starts[r.start];
        for u in 0..photos {
            for &j in lists.of(u) {
                if r.contains(&(j as usize)) {
                    let at = &mut cursor[j as usize - r.start];
                    piece[*at - base] = u as u32;
                    *at += 1;
                }
            }
        }
    });
    Flat { starts, ids }
}

/// Merges the sorted `more` into the sorted `out[start..]`, keeping each
/// id once.
fn merge_tail(out: &mut Vec<u32>, start: usize, more: &[u32]) {
    let mine = out.split_off(start);
    let (mut a, mut b) = (mine.iter().peekable(), more.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) if x < y => a.next(),
            (Some(&&x), Some(&&y)) if y < x => b.next(),
            (Some(_), Some(_)) => {
                b.next();
                a.next()
            }
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(&x) if out.len() == start || out[out.len() - 1] != x => out.push(x),
            Some(_) => {}
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_the_capped_new_and_old_entries_and_their_first_listing_photos() {
        let mut lists = FlatLists::new(4, 4);
        lists.set(0, &[(1 | NEW, 0.9), (2 | NEW, 0.8), (3 | NEW, 0.7)]);
        lists.set(1, &[(0, 0.9), (2 | NEW, 0.5)]);
        lists.set(2, &[(1, 0.5)]);
        lists.set(3, &[(2 | NEW, 0.6), (1 | NEW, 0.6), (NEW, 0.5)]);
        let (new, old) = candidates(&mut lists);
        // Photo 0: two of its three new entries (the third waits); photo
        // 3 lists it as new but has picked two others first.
        assert_eq!(new.of(0), [1, 2]);
        // Photo 2 is new in three lists: the first two (0 and 1) count.
        assert_eq!(new.of(2), [0, 1]);
        assert_eq!(new.of(1), [0, 2, 3]);
        assert_eq!(new.of(3), [1, 2]);
        assert_eq!(old.of(0), [1]);
        assert_eq!(old.of(1), [0, 2]);
        assert_eq!(old.of(2), [1]);
        assert!(old.of(3).is_empty());
        // Picked entries lost their flag; the one that waits kept it.
        let waiting = |u: usize| -> Vec<u32> {
            let ids = lists.ids(u).iter();
            ids.filter(|&&id| is_new(id)).map(|id| id & !NEW).collect()
        };
        assert_eq!(waiting(0), [3]);
        assert_eq!(waiting(3), [0]);
    }
}
