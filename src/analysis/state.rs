//! The analysis as a living object: built once over all records, then kept
//! current by [`Analysis::update`], which recomputes only the persons a
//! change touches and the changed photos' neighbours.

use super::dupes;
use super::faces::{self, Choice};
use super::groups;
use super::identity::{self, Evidence, PersonStats};
use super::ivf::Ivf;
use super::memo::{self, PairMemo};
use super::pair_book::PairBook;
use super::pixels::Precheck;
use super::reverse::Reverse;
use super::scan_memo::SavedScan;
use super::search;
use super::settings::Settings;
use super::similarity::{NeighbourList, Vectors};
use super::thumb_source::{Remembered, ThumbSource};
use crate::records::PhotoRecord;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// One edit of the dataset.
#[derive(Debug, Clone)]
pub enum Change {
    /// A new photo (or a new version of a known path, which replaces it).
    Added(PhotoRecord),
    /// A photo deleted, by its path relative to the dataset root.
    Removed(PathBuf),
    /// A photo moved to another person's folder.
    Moved {
        from: PathBuf,
        to: PathBuf,
        person: String,
    },
    /// A photo marked (or unmarked) as reviewed.
    Reviewed { path: PathBuf, reviewed: bool },
}

pub(super) struct Slot {
    pub record: PhotoRecord,
    /// [`memo::content_key`] of the record's hash.
    pub content: Option<u64>,
    pub person: u32,
    pub choice: Option<Choice>,
}

/// The analysis state; see the documentation of the analysis module.
/// Its methods are spread over this file, `judging.rs`, `update.rs`,
/// `refresh.rs` and `report.rs`, hence the fields visible to the whole
/// analysis.
pub struct Analysis {
    pub(super) settings: Settings,
    pub(super) threads: usize,
    pub(super) slots: Vec<Option<Slot>>,
    pub(super) by_path: HashMap<PathBuf, u32>,
    pub(super) names: Vec<String>,
    name_ids: HashMap<String, u32>,
    /// Live photos with a usable face, per person, sorted.
    pub(super) members: Vec<Vec<u32>>,
    pub(super) stats: Vec<PersonStats>,
    pub(super) vectors: Vectors,
    pub(super) neighbours: Vec<NeighbourList>,
    /// Per photo, the photos whose lists hold it (a superset).
    pub(super) listers: Reverse,
    /// The approximate index, above `exact_search_max_faces` faces.
    pub(super) index: Option<Ivf>,
    /// Boxed: most photos have none at scale (their thumbs are read only
    /// for the pairs that need them), and a bare one is 396 bytes.
    pub(super) prechecks: Vec<Option<Box<Precheck>>>,
    pub(super) pairs: PairBook,
    /// Registered correlations by content: consulted before registering a
    /// pair, and after [`Analysis::with_memo`] exactly the pairs it used.
    pub(super) memo: PairMemo,
    /// The saved search given to [`Analysis::remembering`], then the one to
    /// save for the next run (`None` when the saved one still holds).
    pub(super) scan_memo: Option<SavedScan>,
    /// Where the thumbs left out of the records are (see `thumbs.rs`),
    /// which faces were asked for, and why any could not be read.
    pub(super) thumb_source: Option<Box<dyn ThumbSource>>,
    pub(super) thumbs_asked: HashSet<(u32, usize)>,
    pub(super) thumb_problems: Vec<String>,
    pub(super) evidence: Vec<Option<Evidence>>,
    /// Per person, the photos whose evidence weighs them (a superset).
    pub(super) weighers: Reverse,
    pub(super) groups: Vec<Vec<Vec<u32>>>,
    pub(super) merges: Vec<Option<u32>>,
}

impl Analysis {
    /// Analyses `records` from scratch.
    pub fn new(records: Vec<PhotoRecord>, settings: Settings) -> Analysis {
        Analysis::with_memo(records, settings, PairMemo::default())
    }

    /// Analyses `records` from scratch, taking the registered correlations
    /// of pairs already judged from `memo` (made under
    /// [`super::memo::tag`] of the same settings); [`Analysis::pair_memo`]
    /// then holds the pairs this run used, for the next one.
    pub fn with_memo(records: Vec<PhotoRecord>, settings: Settings, memo: PairMemo) -> Analysis {
        let remembered = Remembered {
            pairs: memo,
            ..Remembered::default()
        };
        Analysis::remembering(records, settings, remembered)
    }

    /// [`Analysis::with_memo`], also reusing a saved candidate search
    /// (see [`super::scan_memo`]; [`Analysis::take_scan_to_save`] then
    /// hands back the search to save when it changed) and reading the
    /// thumbs the records lack from a source (see `thumbs.rs`).
    pub fn remembering(
        records: Vec<PhotoRecord>,
        settings: Settings,
        remembered: Remembered,
    ) -> Analysis {
        let dim = records
            .iter()
            .flat_map(|r| r.faces.first())
            .map(|f| f.embedding.len())
            .next()
            .unwrap_or(128);
        let mut a = Analysis::empty(settings, remembered.pairs, dim, records.len());
        a.scan_memo = remembered.scan;
        a.thumb_source = remembered.thumbs;
        a.fill_slots(records);
        a.choose_faces();
        a.find_neighbours();
        a.judge_everyone();
        a.reserve_for_edits();
        a
    }

    /// No photos yet, with room for `capacity` of them.
    fn empty(settings: Settings, memo: PairMemo, dim: usize, capacity: usize) -> Analysis {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        Analysis {
            settings,
            threads,
            slots: Vec::with_capacity(capacity),
            by_path: HashMap::with_capacity(capacity),
            names: Vec::new(),
            name_ids: HashMap::new(),
            members: Vec::new(),
            stats: Vec::new(),
            vectors: Vectors {
                dim,
                data: Vec::with_capacity(capacity * dim),
            },
            neighbours: Vec::new(),
            listers: Reverse::default(),
            index: None,
            prechecks: Vec::new(),
            pairs: PairBook::default(),
            memo,
            scan_memo: None,
            thumb_source: None,
            thumbs_asked: HashSet::new(),
            thumb_problems: Vec::new(),
            evidence: Vec::new(),
            weighers: Reverse::default(),
            groups: Vec::new(),
            merges: Vec::new(),
        }
    }

    /// One slot per record, in their order; a path given twice keeps its
    /// slot number from the first time as a dead slot, the later record wins.
    fn fill_slots(&mut self, records: Vec<PhotoRecord>) {
        for record in records {
            if let Some(&old) = self.by_path.get(&record.path) {
                self.slots[old as usize] = None;
            }
            let person = self.intern(&record.person);
            let choice = faces::initial(&record, self.vectors.dim).map(|face| Choice {
                face,
                ambiguous: false,
            });
            let i = self.slots.len() as u32;
            self.by_path.insert(record.path.clone(), i);
            self.slots.push(Some(Slot {
                content: memo::content_key(&record.hash),
                record,
                person,
                choice,
            }));
        }
    }

    /// Every photo's vector, then the persons' members; multi-face photos
    /// take the face closest to their person, which needs the members first.
    fn choose_faces(&mut self) {
        let n = self.slots.len();
        for i in 0..n {
            self.set_vector(i as u32);
        }
        self.rebuild_members();
        let mut changed = Vec::new();
        for i in 0..n as u32 {
            let Some(slot) = &self.slots[i as usize] else {
                continue;
            };
            if slot.record.faces.len() >= 2 {
                let choice = self.choose_face(i, slot.person);
                changed.push((i, choice));
            }
        }
        for (i, choice) in changed {
            if let Some(slot) = self.slots[i as usize].as_mut() {
                slot.choice = choice;
            }
            self.set_vector(i);
        }
    }

    /// Person statistics, neighbour lists (and the index, if any), and the
    /// verdicts on the candidate duplicate pairs the search found.
    fn find_neighbours(&mut self) {
        let n = self.slots.len();
        self.stats = self
            .members
            .iter()
            .map(|m| identity::person_stats(m, &self.vectors, &self.settings))
            .collect();
        let (scan, index) = self.search_remembering();
        self.neighbours = scan.neighbours;
        self.index = index;
        self.listers = self.build_listers();
        self.prechecks = (0..n).map(|i| self.precheck_of(i as u32)).collect();
        // Only now, past the search, whose memory is tightest.
        self.skip_thumbless();
        self.pairs = PairBook::new(self.judge_pairs(&scan.pairs));
        self.keep_pairs_to_save(scan.pairs);
    }

    /// Every photo's evidence, then every person's groups and merge.
    fn judge_everyone(&mut self) {
        let n = self.slots.len();
        let all: Vec<u32> = (0..n as u32).collect();
        // Every slot in order: the answers are the table itself.
        self.evidence = self.compute_evidence(&all, None);
        self.weighers = self.build_weighers();
        let persons: Vec<u32> = (0..self.names.len() as u32).collect();
        self.refresh_groups(&persons);
        self.refresh_merges(&persons);
    }

    pub(super) fn search_query(&self) -> search::Query<'_> {
        search::Query {
            k: self.settings.neighbours,
            pair_min: self.settings.duplicate_candidate_cosine,
            members: &self.members,
            exact_max: self.settings.exact_search_max_faces,
            threads: self.threads,
        }
    }

    pub(super) fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.name_ids.insert(name.to_string(), id);
        self.members.push(Vec::new());
        self.stats.push(PersonStats::default());
        self.groups.push(Vec::new());
        self.merges.push(None);
        id
    }

    fn rebuild_members(&mut self) {
        self.members = vec![Vec::new(); self.names.len()];
        for (i, slot) in self.slots.iter().enumerate() {
            if let Some(s) = slot.as_ref().filter(|s| s.choice.is_some()) {
                self.members[s.person as usize].push(i as u32);
            }
        }
    }

    pub(super) fn face(&self, i: u32) -> Option<&crate::pipeline::Face> {
        let slot = self.slots.get(i as usize)?.as_ref()?;
        slot.record.faces.get(slot.choice?.face)
    }

    pub(super) fn thumb(&self, i: u32) -> Option<&[u8]> {
        self.face(i).map(|f| f.thumb.as_slice())
    }

    /// The pixel pre-check of photo `i`'s chosen face, when its thumb is here.
    pub(super) fn precheck_of(&self, i: u32) -> Option<Box<Precheck>> {
        self.thumb(i).and_then(dupes::precheck).map(Box::new)
    }

    /// Photo `i`'s row of the vectors, from its chosen face. A photo with
    /// one face hands its embedding over: the vectors are then its only
    /// copy (a face never chooses again, so it is never asked twice), and
    /// a million records no longer hold 0.5 GB of vectors twice.
    pub(super) fn set_vector(&mut self, i: u32) {
        let Some(slot) = self.slots.get_mut(i as usize).and_then(|s| s.as_mut()) else {
            return;
        };
        let face = slot.choice.map(|c| c.face);
        let v = match (face, slot.record.faces.as_mut_slice()) {
            (Some(0), [only]) if only.embedding.is_empty() => return,
            (Some(0), [only]) => std::mem::take(&mut only.embedding),
            (Some(k), faces) => faces
                .get(k)
                .map(|f| f.embedding.clone())
                .unwrap_or_default(),
            (None, _) => Vec::new(),
        };
        self.vectors.set_row(i as usize, &v);
    }

    pub(super) fn person_of(&self, i: u32) -> Option<u32> {
        self.slots
            .get(i as usize)?
            .as_ref()
            .filter(|s| s.choice.is_some())
            .map(|s| s.person)
    }

    pub(super) fn choose_face(&self, i: u32, person: u32) -> Option<Choice> {
        let slot = self.slots[i as usize].as_ref()?;
        let others: Vec<u32> = self.members[person as usize]
            .iter()
            .copied()
            .filter(|&j| j != i)
            .collect();
        let sample = identity::sample_members(&others, self.settings.sample_members);
        let rows: Vec<&[f32]> = sample
            .iter()
            .map(|&j| self.vectors.row(j as usize))
            .collect();
        let elsewhere = |face: &[f32]| self.best_elsewhere(face, person);
        faces::choose(
            &slot.record,
            self.vectors.dim,
            &rows,
            &self.settings,
            &elsewhere,
        )
    }

    /// The evidence of each of `photos`, in their order (callers zip the
    /// two). A panic on any photo fails the whole call, naming the photo: a
    /// missing entry would shift every later one onto the wrong photo.
    pub(super) fn compute_evidence(
        &self,
        photos: &[u32],
        refresh: Option<&HashSet<u32>>,
    ) -> Vec<Option<Evidence>> {
        let one = |&i: &u32| -> Option<Evidence> {
            let person = self.person_of(i)?;
            #[cfg(test)]
            if let Some(slot) = &self.slots[i as usize] {
                use crate::par::fault;
                fault::path(fault::Site::Evidence, &slot.record.path);
            }
            let previous = self.evidence.get(i as usize).and_then(|e| e.as_ref());
            Some(identity::evidence(
                i,
                person,
                &self.neighbours[i as usize],
                &|j| self.person_of(j),
                &self.stats,
                &self.vectors,
                &self.settings,
                previous,
                refresh,
            ))
        };
        crate::par::map(photos, |&i| format!("evidence of {}", self.shown(i)), one)
    }

    /// Photo `i` as a message names it: its path.
    pub(super) fn shown(&self, i: u32) -> String {
        match &self.slots[i as usize] {
            Some(slot) => crate::shown::path(&slot.record.path).to_string(),
            None => format!("removed photo #{i}"),
        }
    }

    pub(super) fn refresh_groups(&mut self, persons: &[u32]) {
        for &p in persons {
            let p = p as usize;
            self.groups[p] = groups::groups(
                &self.members[p],
                &self.stats[p],
                &self.vectors,
                &self.settings,
            );
        }
    }

    /// The merge targets of `persons`: each depends only on the evidence
    /// of the person's own photos.
    pub(super) fn refresh_merges(&mut self, persons: &[u32]) {
        self.merges.resize(self.names.len(), None);
        for &p in persons {
            let p = p as usize;
            self.merges[p] = match self.members[p].as_slice() {
                [] => None,
                members => groups::merge_target(
                    members,
                    &|m| self.evidence.get(m as usize).and_then(|e| e.as_ref()),
                    &self.stats,
                    &self.settings,
                ),
            };
        }
    }
}

/// Photo `i`'s path as a report names it (dataset-relative); empty for a
/// removed photo.
pub(super) fn path_string(a: &Analysis, i: u32) -> String {
    a.slots[i as usize]
        .as_ref()
        .map(|s| crate::pathkey::key_or_lossy(&s.record.path))
        .unwrap_or_default()
}
