//! [`Analysis::update`]: applying edits without redoing the whole analysis.
//! Recomputed are the persons an edit touches (their statistics, every
//! member's evidence, their groups), the changed photos' neighbour lists and
//! duplicate checks, and the evidence of the photos that have a changed
//! photo among their neighbours or weigh a touched person as their
//! alternative (for those only that person's entry is recomputed). One
//! thing is left as it was: the face chosen in the *other* multi-face photos
//! of a touched person, until the next full [`Analysis::new`]. The
//! neighbour lists, index and duplicate verdicts are `refresh.rs`'s.

use super::faces::{self, Choice};
use super::identity;
use super::reverse::Reverse;
use super::state::{Analysis, Change, Slot};
use crate::records::PhotoRecord;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What the edits of one update touched.
#[derive(Default)]
struct Edits {
    /// Photos whose vector changed: added, removed, another face chosen.
    touched: Vec<u32>,
    /// Photos that changed person only.
    relabeled: Vec<u32>,
    persons: HashSet<u32>,
}

impl Analysis {
    /// Applies `changes` and refreshes what they affect.
    pub fn update(&mut self, changes: Vec<Change>) {
        // A search to save describes the rows before the edit.
        self.scan_memo = None;
        let mut edits = Edits::default();
        for change in changes {
            match change {
                Change::Added(record) => self.add(record, &mut edits),
                Change::Removed(path) => {
                    if let Some(i) = self.by_path.get(&path).copied() {
                        self.remove(i, &mut edits.persons);
                        edits.touched.push(i);
                    }
                }
                Change::Moved { from, to, person } => self.relabel(&from, to, person, &mut edits),
                Change::Reviewed { path, reviewed } => {
                    if let Some(&i) = self.by_path.get(&path)
                        && let Some(slot) = self.slots[i as usize].as_mut()
                    {
                        slot.record.reviewed = reviewed;
                    }
                }
            }
        }
        let Edits {
            touched,
            relabeled,
            persons,
        } = edits;
        let shifted = self.restat(&persons);
        let mut rescore: HashSet<u32> = touched.iter().chain(&relabeled).copied().collect();
        self.refresh_neighbours(&touched, &relabeled, &mut rescore);
        self.near_changes(&touched, &relabeled, &mut rescore);
        for &p in &persons {
            rescore.extend(self.members[p as usize].iter().copied());
        }
        self.weighing(&shifted, &mut rescore);
        let mut photos: Vec<u32> = rescore.into_iter().collect();
        photos.sort_unstable();
        let evidence = self.compute_evidence(&photos, Some(&shifted));
        let mut merge_persons: HashSet<u32> = persons.clone();
        merge_persons.extend(photos.iter().filter_map(|&i| self.person_of(i)));
        for (i, e) in photos.into_iter().zip(evidence) {
            for o in e.iter().flat_map(|e| &e.others) {
                self.weighers.note(i, o.0);
            }
            self.evidence[i as usize] = e;
        }
        self.fold_reverse_notes();
        let persons: Vec<u32> = persons.into_iter().collect();
        self.refresh_groups(&persons);
        let merge_persons: Vec<u32> = merge_persons.into_iter().collect();
        self.refresh_merges(&merge_persons);
    }

    /// A new photo, or a new version of a known path (which replaces it).
    fn add(&mut self, record: PhotoRecord, edits: &mut Edits) {
        if let Some(old) = self.by_path.get(&record.path).copied() {
            self.remove(old, &mut edits.persons);
            edits.touched.push(old);
        }
        let person = self.intern(&record.person);
        let i = self.slots.len() as u32;
        self.by_path.insert(record.path.clone(), i);
        let choice = faces::initial(&record, self.vectors.dim).map(|face| Choice {
            face,
            ambiguous: false,
        });
        self.slots.push(Some(Slot {
            content: super::memo::content_key(&record.hash),
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
        self.prechecks[i as usize] = self.precheck_of(i);
        if self.person_of(i).is_some() {
            let m = &mut self.members[person as usize];
            m.push(i);
            m.sort_unstable();
        }
        edits.persons.insert(person);
        edits.touched.push(i);
    }

    /// A photo moved to `person`'s folder: touched when that makes it
    /// choose another face, otherwise only relabeled.
    fn relabel(&mut self, from: &Path, to: PathBuf, person: String, edits: &mut Edits) {
        let Some(i) = self.by_path.remove(from) else {
            return;
        };
        self.by_path.insert(to.clone(), i);
        let new = self.intern(&person);
        let Some(slot) = self.slots[i as usize].as_mut() else {
            return;
        };
        let old = slot.person;
        slot.person = new;
        slot.record.person = person;
        slot.record.path = to;
        edits.persons.insert(old);
        edits.persons.insert(new);
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
            self.prechecks[i as usize] = self.precheck_of(i);
            edits.touched.push(i);
        } else {
            edits.relabeled.push(i);
        }
    }

    /// Recomputes the statistics of `persons`; returns those whose new
    /// statistics judge differently. Persons an edit left as they were (a
    /// photo more or less in a big folder) need not be re-judged by other
    /// persons' photos.
    fn restat(&mut self, persons: &HashSet<u32>) -> HashSet<u32> {
        let mut shifted: HashSet<u32> = HashSet::new();
        for &p in persons {
            let new =
                identity::person_stats(&self.members[p as usize], &self.vectors, &self.settings);
            if !self.stats[p as usize].judges_like(&new, self.settings.evidence_photos) {
                shifted.insert(p);
            }
            self.stats[p as usize] = new;
        }
        shifted
    }

    /// Adds to `rescore` the neighbours of the changed photos and the
    /// photos that have a changed one among their neighbours.
    fn near_changes(&self, touched: &[u32], relabeled: &[u32], rescore: &mut HashSet<u32>) {
        for &i in touched.iter().chain(relabeled) {
            rescore.extend(self.neighbours[i as usize].iter().map(|e| e.0));
        }
        let changed: Vec<u32> = touched.iter().chain(relabeled).copied().collect();
        rescore.extend(self.holding(&changed));
    }

    /// Adds to `rescore` the photos that weigh a `shifted` person as their
    /// alternative: only that person's entry is recomputed, the rest comes
    /// from the cache.
    fn weighing(&self, shifted: &HashSet<u32>, rescore: &mut HashSet<u32>) {
        if shifted.is_empty() {
            return;
        }
        for &p in shifted {
            let weighers = self.weighers.owners_of(p).filter(|&i| {
                self.evidence
                    .get(i as usize)
                    .and_then(Option::as_ref)
                    .is_some_and(|e| e.others.iter().any(|o| o.0 == p))
            });
            rescore.extend(weighers);
        }
    }

    /// Room for the photos the next edits add: without it the first add
    /// after an analysis copied every per-photo array to grow it (88 ms at
    /// a million photos); a sixty-fourth more costs little memory. Exactly
    /// that: `reserve` on a full array doubles it (heaptrack showed 775 MB
    /// asked for at 350k faces).
    pub(super) fn reserve_for_edits(&mut self) {
        let more = self.slots.len() / 64 + 64;
        self.slots.reserve_exact(more);
        self.neighbours.reserve_exact(more);
        self.prechecks.reserve_exact(more);
        self.evidence.reserve_exact(more);
        self.vectors.data.reserve_exact(more * self.vectors.dim);
    }

    /// Per photo, the photos whose lists hold it.
    pub(super) fn build_listers(&self) -> Reverse {
        let n = self.neighbours.len();
        Reverse::build(n, n, |o| self.neighbours[o].iter().map(|e| e.0))
    }

    /// Per person, the photos whose evidence weighs them.
    pub(super) fn build_weighers(&self) -> Reverse {
        Reverse::build(self.evidence.len(), self.names.len(), |i| {
            let others = self.evidence[i].as_ref().map_or(&[][..], |e| &e.others);
            others.iter().map(|o| o.0)
        })
    }

    /// Folds the reverse indexes' notes in once they outgrew them.
    fn fold_reverse_notes(&mut self) {
        if self.listers.worth_rebuilding() {
            self.listers = self.build_listers();
        }
        if self.weighers.worth_rebuilding() {
            self.weighers = self.build_weighers();
        }
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
}
