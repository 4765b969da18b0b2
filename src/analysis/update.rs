//! [`Analysis::update`]: applying edits without redoing the whole analysis.
//! Recomputed are the persons an edit touches (their statistics, every
//! member's evidence, their groups), the changed photos' neighbour lists and
//! duplicate checks, and the evidence of the photos that have a changed
//! photo among their neighbours or weigh a touched person as their
//! alternative (for those only that person's entry is recomputed). One
//! thing is left as it was: the face chosen in the *other* multi-face photos
//! of a touched person, until the next full [`Analysis::new`].

use super::faces::{self, Choice};
use super::hnsw::{Index, Visited};
use super::similarity::{self, insert_top};
use super::state::{Analysis, Change, Slot};
use super::{dupes, identity, search};
use std::collections::HashSet;

impl Analysis {
    /// Applies `changes` and refreshes what they affect.
    pub fn update(&mut self, changes: Vec<Change>) {
        let mut touched: Vec<u32> = Vec::new();
        let mut relabeled: Vec<u32> = Vec::new();
        let mut persons: HashSet<u32> = HashSet::new();
        for change in changes {
            match change {
                Change::Added(record) => {
                    if let Some(old) = self.by_path.get(&record.path).copied() {
                        self.remove(old, &mut persons);
                        touched.push(old);
                    }
                    let person = self.intern(&record.person);
                    let i = self.slots.len() as u32;
                    self.by_path.insert(record.path.clone(), i);
                    let choice = faces::initial(&record, self.vectors.dim).map(|face| Choice {
                        face,
                        ambiguous: false,
                    });
                    self.slots.push(Some(Slot {
                        record,
                        person,
                        choice,
                    }));
                    self.neighbours.push(Vec::new());
                    self.prechecks.push(None);
                    self.evidence.push(None);
                    self.set_vector(i);
                    if self.slots[i as usize]
                        .as_ref()
                        .is_some_and(|s| s.record.faces.len() >= 2)
                    {
                        let choice = self.choose_face(i, person);
                        if let Some(s) = self.slots[i as usize].as_mut() {
                            s.choice = choice;
                        }
                        self.set_vector(i);
                    }
                    self.prechecks[i as usize] = self.thumb(i).and_then(dupes::precheck);
                    if self.person_of(i).is_some() {
                        let m = &mut self.members[person as usize];
                        m.push(i);
                        m.sort_unstable();
                    }
                    persons.insert(person);
                    touched.push(i);
                }
                Change::Removed(path) => {
                    if let Some(i) = self.by_path.get(&path).copied() {
                        self.remove(i, &mut persons);
                        touched.push(i);
                    }
                }
                Change::Moved { from, to, person } => {
                    let Some(i) = self.by_path.remove(&from) else {
                        continue;
                    };
                    self.by_path.insert(to.clone(), i);
                    let new = self.intern(&person);
                    let Some(slot) = self.slots[i as usize].as_mut() else {
                        continue;
                    };
                    let old = slot.person;
                    slot.person = new;
                    slot.record.person = person;
                    slot.record.path = to;
                    persons.insert(old);
                    persons.insert(new);
                    self.members[old as usize].retain(|&m| m != i);
                    let before = slot.choice;
                    if slot.record.faces.len() >= 2 {
                        let choice = self.choose_face(i, new);
                        if let Some(s) = self.slots[i as usize].as_mut() {
                            s.choice = choice;
                        }
                    }
                    if self.person_of(i).is_some() {
                        let m = &mut self.members[new as usize];
                        m.push(i);
                        m.sort_unstable();
                    }
                    let after = self.slots[i as usize].as_ref().and_then(|s| s.choice);
                    if before.map(|c| c.face) != after.map(|c| c.face) {
                        self.set_vector(i);
                        self.prechecks[i as usize] = self.thumb(i).and_then(dupes::precheck);
                        touched.push(i);
                    } else {
                        relabeled.push(i);
                    }
                }
                Change::Reviewed { path, reviewed } => {
                    if let Some(&i) = self.by_path.get(&path)
                        && let Some(slot) = self.slots[i as usize].as_mut()
                    {
                        slot.record.reviewed = reviewed;
                    }
                }
            }
        }
        // Persons whose statistics an edit left as they were (a photo more or
        // less in a big folder) need not be re-judged by other persons' photos.
        let mut shifted: HashSet<u32> = HashSet::new();
        for &p in &persons {
            let new =
                identity::person_stats(&self.members[p as usize], &self.vectors, &self.settings);
            if !self.stats[p as usize].judges_like(&new, self.settings.evidence_photos) {
                shifted.insert(p);
            }
            self.stats[p as usize] = new;
        }
        let mut rescore: HashSet<u32> = touched.iter().chain(&relabeled).copied().collect();
        self.refresh_neighbours(&touched, &relabeled, &mut rescore);
        for &i in touched.iter().chain(&relabeled) {
            rescore.extend(self.neighbours[i as usize].iter().map(|e| e.0));
        }
        let mut changed = vec![false; self.slots.len()];
        for &i in touched.iter().chain(&relabeled) {
            changed[i as usize] = true;
        }
        for (j, list) in self.neighbours.iter().enumerate() {
            if list.iter().any(|e| changed[e.0 as usize]) {
                rescore.insert(j as u32);
            }
        }
        for &p in &persons {
            rescore.extend(self.members[p as usize].iter().copied());
        }
        // Photos that weigh a touched person as their alternative: only that
        // person's entry is recomputed, the rest comes from the cache.
        if !shifted.is_empty() {
            let mut weighs = vec![false; self.names.len()];
            for &p in &shifted {
                weighs[p as usize] = true;
            }
            for (i, e) in self.evidence.iter().enumerate() {
                if e.as_ref()
                    .is_some_and(|e| e.others.iter().any(|o| weighs[o.0 as usize]))
                {
                    rescore.insert(i as u32);
                }
            }
        }
        let mut photos: Vec<u32> = rescore.into_iter().collect();
        photos.sort_unstable();
        let evidence = self.compute_evidence(&photos, Some(&shifted));
        for (i, e) in photos.into_iter().zip(evidence) {
            self.evidence[i as usize] = e;
        }
        let persons: Vec<u32> = persons.into_iter().collect();
        self.refresh_groups(&persons);
    }

    fn remove(&mut self, i: u32, persons: &mut HashSet<u32>) {
        if let Some(slot) = self.slots[i as usize].take() {
            self.by_path.remove(&slot.record.path);
            self.members[slot.person as usize].retain(|&m| m != i);
            persons.insert(slot.person);
        }
        self.vectors.set_row(i as usize, &[]);
        self.prechecks[i as usize] = None;
        self.evidence[i as usize] = None;
    }

    /// Neighbour lists and duplicate verdicts after `touched` photos changed
    /// their vector (added, removed, another face chosen) and `relabeled`
    /// ones changed person only.
    fn refresh_neighbours(
        &mut self,
        touched: &[u32],
        relabeled: &[u32],
        rescore: &mut HashSet<u32>,
    ) {
        let k = self.settings.neighbours;
        let set: HashSet<u32> = touched.iter().copied().collect();
        self.pairs
            .retain(|&(a, b), _| !set.contains(&a) && !set.contains(&b));
        self.sync_index(touched);
        let stale: Vec<u32> = (0..self.neighbours.len() as u32)
            .filter(|&j| {
                !set.contains(&j)
                    && self.neighbours[j as usize]
                        .iter()
                        .any(|e| set.contains(&e.0))
            })
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
                    index.search(row, k, self.settings.index_ef, j, &mut Visited::new())
                })
                .collect(),
            None => similarity::nearest_of(&self.vectors, &live, k),
        };
        for (j, list) in live.iter().zip(lists) {
            self.neighbours[*j as usize] = list;
        }
        for &t in touched {
            if self.vectors.is_zero(t as usize) {
                self.neighbours[t as usize].clear();
                continue;
            }
            // Exactly every photo, or the index's nearest (a wider list: the
            // photos whose own lists `t` may enter) plus its own person.
            let candidates: Vec<(u32, f32)> = match &self.index {
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
                    let mut near = index.search(row, ef, ef, t, &mut Visited::new());
                    let person = self
                        .person_of(t)
                        .map_or(&[][..], |p| &self.members[p as usize]);
                    let pair_min = self.settings.duplicate_candidate_cosine;
                    near.extend(search::against(&self.vectors, t, person, pair_min));
                    near.sort_by_key(|e| e.0);
                    near.dedup_by_key(|e| e.0);
                    near
                }
            };
            let mut own = Vec::new();
            for (j32, s) in candidates {
                let j = j32 as usize;
                insert_top(&mut own, k, j32, s);
                let list = &mut self.neighbours[j];
                if !list.iter().any(|e| e.0 == t) && insert_top(list, k, t, s) {
                    rescore.insert(j32);
                }
                if s >= self.settings.duplicate_candidate_cosine
                    && let Some((key, verdict)) = self.judge((t, j32, s))
                {
                    self.pairs.insert(key, verdict);
                }
            }
            self.neighbours[t as usize] = own;
        }
        // The exact path already knows every pair; the index path compares
        // a photo with its own person exactly, so a new person means new
        // pairs to check.
        if self.index.is_some() {
            let pair_min = self.settings.duplicate_candidate_cosine;
            for &i in relabeled {
                let Some(p) = self.person_of(i) else { continue };
                for (j, s) in search::against(&self.vectors, i, &self.members[p as usize], pair_min)
                {
                    if let Some((key, verdict)) = self.judge((i, j, s)) {
                        self.pairs.insert(key, verdict);
                    }
                }
            }
        }
    }

    /// Keeps the index in step with the vectors of `touched`; builds it when
    /// the dataset grew past the crossover, drops it well below (so that a
    /// dataset at the limit does not flip each edit), rebuilds it once half
    /// its nodes are dead.
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
            Some(index) => index.dead() > index.live(),
        };
        if self.index.is_some() && live < max - max / 10 {
            self.index = None;
        } else if rebuild {
            let slots: Vec<u32> = (0..self.vectors.rows() as u32)
                .filter(|&i| !self.vectors.is_zero(i as usize))
                .collect();
            self.index = Some(Index::build(&self.vectors, &slots, self.threads));
        }
    }
}
