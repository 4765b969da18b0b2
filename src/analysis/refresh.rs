//! The neighbour side of [`Analysis::update`]: after an edit, the neighbour
//! lists that named a changed photo, the changed photos' own lists, the
//! duplicate verdicts on their pairs, and the approximate index. A file of
//! its own because it is the one part of an update that searches: the rest
//! of `update.rs` is bookkeeping over slots and persons.

use super::graph_search;
use super::ivf::Ivf;
use super::search;
use super::similarity::{self, insert_top};
use super::state::Analysis;
use std::collections::HashSet;

impl Analysis {
    /// Neighbour lists and duplicate verdicts after `touched` photos changed
    /// their vector (added, removed, another face chosen) and `relabeled`
    /// ones changed person only.
    pub(super) fn refresh_neighbours(
        &mut self,
        touched: &[u32],
        relabeled: &[u32],
        rescore: &mut HashSet<u32>,
    ) {
        let set: HashSet<u32> = touched.iter().copied().collect();
        self.pairs.remove_touching(touched);
        self.sync_index(touched);
        self.refresh_stale(touched, &set, rescore);
        for &t in touched {
            if self.vectors.is_zero(t as usize) {
                self.neighbours[t as usize].clear();
                continue;
            }
            let candidates = self.candidates(t);
            self.enter(t, candidates, rescore);
        }
        // The exact path already knows every pair; the index path compares
        // a photo with its own person exactly, so a new person means new
        // pairs to check.
        if self.index.is_some() {
            self.recheck_own_person(relabeled);
        }
    }

    /// Searches anew the lists of the photos outside `set` (the `touched`
    /// photos) that named one in it (such a list lost an entry it cannot refill by itself).
    fn refresh_stale(&mut self, touched: &[u32], set: &HashSet<u32>, rescore: &mut HashSet<u32>) {
        let k = self.settings.neighbours;
        let stale: Vec<u32> = self
            .holding(touched)
            .into_iter()
            .filter(|j| !set.contains(j))
            .collect();
        let live: Vec<u32> = stale
            .iter()
            .copied()
            .filter(|&j| !self.vectors.is_zero(j as usize))
            .collect();
        for &j in &stale {
            self.neighbours[j as usize].clear();
            rescore.insert(j);
        }
        let lists = match &self.index {
            Some(index) => live
                .iter()
                .map(|&j| {
                    let row = self.vectors.row(j as usize);
                    let ef = self.settings.index_ef;
                    graph_search::search(&self.vectors, index, &self.neighbours, row, k, ef, j)
                })
                .collect(),
            None => similarity::nearest_of(&self.vectors, &live, k),
        };
        for (&j, list) in live.iter().zip(lists) {
            self.set_list(j, list);
        }
    }

    /// The photos `t` is compared with, with their cosines: exactly every
    /// photo, or the index's nearest (a wider list: the photos whose own
    /// lists `t` may enter) plus its own person.
    fn candidates(&self, t: u32) -> Vec<(u32, f32)> {
        let k = self.settings.neighbours;
        match &self.index {
            None => similarity::row_cosines(&self.vectors, t as usize)
                .into_iter()
                .enumerate()
                .filter(|&(j, s)| {
                    // A dead row is all zeros: only a zero cosine needs the check.
                    j as u32 != t && !(s == 0.0 && self.vectors.is_zero(j))
                })
                .map(|(j, s)| (j as u32, s))
                .collect(),
            Some(index) => {
                let ef = self.settings.index_ef.max(k);
                let row = self.vectors.row(t as usize);
                let mut near =
                    graph_search::search(&self.vectors, index, &self.neighbours, row, ef, ef, t);
                let person = self
                    .person_of(t)
                    .map_or(&[][..], |p| &self.members[p as usize]);
                let pair_min = self.settings.duplicate_candidate_cosine;
                near.extend(search::against(&self.vectors, t, person, pair_min));
                near.sort_by_key(|e| e.0);
                near.dedup_by_key(|e| e.0);
                near
            }
        }
    }

    /// Builds `t`'s own list from `candidates`, enters `t` into theirs, and
    /// judges the close pairs.
    fn enter(&mut self, t: u32, candidates: Vec<(u32, f32)>, rescore: &mut HashSet<u32>) {
        let k = self.settings.neighbours;
        let mut own = Vec::new();
        for (j32, s) in candidates {
            let j = j32 as usize;
            insert_top(&mut own, k, j32, s);
            let list = &mut self.neighbours[j];
            if !list.iter().any(|e| e.0 == t) && insert_top(list, k, t, s) {
                self.listers.note(j32, t);
                rescore.insert(j32);
            }
            if s >= self.settings.duplicate_candidate_cosine
                && let Some((key, verdict)) = self.judge((t, j32, s))
            {
                self.pairs.insert(key, verdict);
            }
        }
        self.set_list(t, own);
    }

    /// Photo `j`'s new list, noted in the reverse index.
    fn set_list(&mut self, j: u32, list: super::similarity::NeighbourList) {
        for e in &list {
            self.listers.note(j, e.0);
        }
        self.neighbours[j as usize] = list;
    }

    /// The photos whose lists hold one of `photos`, sorted, each once.
    pub(super) fn holding(&self, photos: &[u32]) -> Vec<u32> {
        let mut out: Vec<u32> = photos
            .iter()
            .flat_map(|&i| {
                self.listers.owners_of(i).filter(move |&j| {
                    self.neighbours
                        .get(j as usize)
                        .is_some_and(|list| list.iter().any(|e| e.0 == i))
                })
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Judges the pairs of each `relabeled` photo with its new person.
    fn recheck_own_person(&mut self, relabeled: &[u32]) {
        let pair_min = self.settings.duplicate_candidate_cosine;
        for &i in relabeled {
            let Some(p) = self.person_of(i) else { continue };
            for (j, s) in search::against(&self.vectors, i, &self.members[p as usize], pair_min) {
                if let Some((key, verdict)) = self.judge((i, j, s)) {
                    self.pairs.insert(key, verdict);
                }
            }
        }
    }

    /// Keeps the index in step with the vectors of `touched`; builds it when
    /// the dataset grew past the crossover, drops it well below (so that a
    /// dataset at the limit does not flip each edit), rebuilds it once its
    /// cells drifted (see [`Ivf::stale`]).
    fn sync_index(&mut self, touched: &[u32]) {
        let live: usize = self.members.iter().map(Vec::len).sum();
        let max = self.settings.exact_search_max_faces;
        if let Some(index) = &mut self.index {
            for &t in touched {
                index.remove(t);
                if !self.vectors.is_zero(t as usize) {
                    index.insert(t, self.vectors.row(t as usize));
                }
            }
        }
        let rebuild = match &self.index {
            None => live > max,
            Some(index) => index.stale(),
        };
        if self.index.is_some() && live < max - max / 10 {
            self.index = None;
        } else if rebuild {
            let slots: Vec<u32> = (0..self.vectors.rows() as u32)
                .filter(|&i| !self.vectors.is_zero(i as usize))
                .collect();
            let build = || Ivf::build(&self.vectors, &slots, 1);
            self.index = Some(crate::par::with_threads(self.threads, build));
        }
    }
}
