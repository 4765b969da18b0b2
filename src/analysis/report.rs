//! The report: every photo ranked worst first, duplicate pairs, and
//! folder-level findings, in the shape `facecurate report --json` prints.

use super::clusters::ClusterReport;
use super::kinds::{DuplicateKind, Flag};
use super::settings::Settings;
use super::state::{Analysis, Slot, path_string};
use crate::records::{PhotoRecord, PhotoStatus};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub photos: Vec<PhotoReport>,
    pub duplicates: Vec<DuplicateReport>,
    pub persons: Vec<PersonReport>,
    /// What the analysis could not check (faces without a thumb); absent
    /// when there is nothing to say.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhotoReport {
    pub path: String,
    pub person: String,
    pub flags: Vec<Flag>,
    /// Higher the less the photo belongs to its person: the best other
    /// person's evidence minus its own (log-likelihood units); none without
    /// a face.
    pub score: Option<f32>,
    /// Where the evidence says the photo belongs: set only on a `mislabel`
    /// (another person explains it better, with a positive margin), so
    /// accepting a suggestion never moves a photo that is nearer its own.
    pub suggested_person: Option<String>,
    /// For a flagged photo: median cosine to `nearest_person`'s photos
    /// minus to its own (negative: still nearer its own person).
    pub margin: Option<f32>,
    /// Why a photo flagged `error` could not be read or processed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The other person its nearest neighbours point to, flagged or not
    /// (the terminal UI shows a photo of them beside it). Not a suggestion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest_person: Option<String>,
    /// The face the analysis used, `[x, y, width, height]` in the upright
    /// photo's pixels (the HTML page crops its thumbnails to it); not in
    /// the JSON.
    #[serde(skip)]
    pub face_box: Option<[f32; 4]>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DuplicateReport {
    pub a: String,
    pub b: String,
    pub cosine: Option<f32>,
    pub kind: DuplicateKind,
    /// Correlation of the registered face thumbs.
    pub correlation: Option<f32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonReport {
    pub name: String,
    pub photos: usize,
    pub flags: Vec<Flag>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub split_groups: Vec<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merge_with: Vec<String>,
    /// The groups of the person's faces, largest first (one for a folder
    /// that is one person); `split_groups` repeats them when flagged.
    pub clusters: Vec<ClusterReport>,
}

impl Report {
    /// Photos and persons with at least one problem flag (see [`Flag::is_problem`]).
    pub fn problems(&self) -> usize {
        let photos = self
            .photos
            .iter()
            .filter(|p| p.flags.iter().any(|f| f.is_problem()))
            .count();
        photos + self.persons.iter().filter(|p| !p.flags.is_empty()).count()
    }
}

/// Runs the whole analysis over `records` on all cores.
pub fn analyze(records: &[PhotoRecord], settings: &Settings) -> Report {
    Analysis::new(records.to_vec(), settings.clone()).report()
}

/// The photos a report marks for what was found about others: copies
/// (similar pairs are not marked), photos split off from their folder and
/// photos that disagree with the rest of their small folder.
#[derive(Default)]
pub(super) struct Marks {
    pub(super) dup_of: HashMap<u32, ()>,
    pub(super) split_off: HashMap<u32, ()>,
    pub(super) disagree: HashMap<u32, ()>,
}

impl Analysis {
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The current findings.
    pub fn report(&self) -> Report {
        let reviewed = |i: u32| self.reviewed(i);
        let duplicates = self.duplicates(&reviewed);
        let mut marks = Marks::default();
        for (i, j, kind) in duplicates.iter().map(|d| (d.0, d.1, d.2.kind)) {
            if kind != DuplicateKind::Similar {
                marks.dup_of.insert(i, ());
                marks.dup_of.insert(j, ());
            }
        }
        let merge_with = self.merge_partners();
        let persons = self.person_reports(&merge_with, &mut marks);
        let live: Vec<(u32, &Slot)> = (self.slots.iter().enumerate())
            .filter_map(|(i, slot)| Some((i as u32, slot.as_ref()?)))
            .collect();
        let mut photos: Vec<(bool, PhotoReport)> = crate::par::map(
            &live,
            |&(i, _)| format!("report of {}", self.shown(i)),
            |&(i, slot)| self.photo_report(i, slot, &marks),
        );
        drop(live);
        // On one core: a parallel sort's buffer is the whole table (200 MB
        // at a million photos, where memory is tightest).
        photos.sort_by(|(ra, a), (rb, b)| {
            ra.cmp(rb)
                .then(b.score.unwrap_or(0.0).total_cmp(&a.score.unwrap_or(0.0)))
                .then(a.path.cmp(&b.path))
        });
        Report {
            photos: photos.into_iter().map(|p| p.1).collect(),
            duplicates: duplicates.into_iter().map(|d| d.2).collect(),
            persons,
            warnings: self.warnings(),
        }
    }

    pub(super) fn reviewed(&self, i: u32) -> bool {
        self.slots[i as usize]
            .as_ref()
            .is_some_and(|s| s.record.reviewed)
    }

    /// Each person's merge partners, both ways round, skipping folders
    /// whose photos are all reviewed.
    fn merge_partners(&self) -> BTreeMap<u32, Vec<u32>> {
        let mut merge_with: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (p, target) in self.merges.iter().enumerate() {
            let Some(t) = *target else { continue };
            if self.members[p].iter().all(|&m| self.reviewed(m)) {
                continue;
            }
            merge_with.entry(p as u32).or_default().push(t);
            merge_with.entry(t).or_default().push(p as u32);
        }
        // Two folders that merge into each other are one pair, named once.
        for partners in merge_with.values_mut() {
            partners.sort_unstable();
            partners.dedup();
        }
        merge_with
    }

    /// One photo's row: its flags, how little it belongs to its person and
    /// who it resembles; the flag is whether it is reviewed (ranked last).
    fn photo_report(&self, i: u32, slot: &Slot, marks: &Marks) -> (bool, PhotoReport) {
        let record = &slot.record;
        let mut flags = self.face_flags(i, slot);
        let evidence = self.evidence[i as usize].as_ref();
        // A folder that merges into another is judged as the one person
        // the two folders are. Not the other way round: a photo filed
        // into a folder can pull its true person's folder into a merge
        // with it, and must not then be explained away by that merge.
        let merges_into = self.merges[slot.person as usize];
        let score = evidence.map(|e| match merges_into {
            Some(q) => e.score_if_merged(q, &self.stats, &self.settings),
            None => e.score,
        });
        if let (Some(e), Some(score)) = (evidence, score)
            && score >= self.settings.flag_score
        {
            let explained =
                e.best.is_some_and(|b| b.1 > 0.0) && e.margin().is_some_and(|m| m > 0.0);
            // Alone in its folder, a photo has nobody to be an outlier
            // from: it is a mislabel when the other person is as close as
            // `singleton_margin`, else only a look-alike (not flagged).
            let alone = e.own.is_none();
            let close = e
                .margin()
                .is_some_and(|m| m >= self.settings.singleton_margin);
            if !alone || close {
                flags.push(if explained {
                    Flag::Mislabel
                } else {
                    Flag::Outlier
                });
            }
        }
        if marks.dup_of.contains_key(&i) {
            flags.push(Flag::Duplicate);
        }
        if marks.split_off.contains_key(&i) {
            flags.push(Flag::Split);
        }
        if marks.disagree.contains_key(&i) {
            flags.push(Flag::Inconsistent);
        }
        if merges_into.is_some() {
            flags.push(Flag::Merge);
        }
        if record.reviewed {
            flags.clear();
        }
        flags.sort();
        let named = flags.iter().any(|f| f.is_problem());
        let best = evidence.and_then(|e| e.best).filter(|_| named);
        let margin = best.and_then(|_| evidence.and_then(|e| e.margin()));
        let moves = flags.contains(&Flag::Mislabel) && margin.is_some_and(|m| m > 0.0);
        let row = PhotoReport {
            path: path_string(self, i),
            person: record.person.clone(),
            flags,
            score,
            suggested_person: best
                .filter(|_| moves)
                .map(|b| self.names[b.0 as usize].clone()),
            margin,
            error: match &record.status {
                PhotoStatus::Error(cause) => Some(cause.clone()),
                PhotoStatus::Ok => None,
            },
            nearest_person: evidence
                .and_then(|e| e.best)
                .map(|b| self.names[b.0 as usize].clone()),
            face_box: self.face(i).map(|f| f.bbox),
        };
        (record.reviewed, row)
    }

    /// The flags a photo earns by its record and chosen face alone.
    fn face_flags(&self, i: u32, slot: &Slot) -> Vec<Flag> {
        let mut flags = Vec::new();
        let record = &slot.record;
        match &record.status {
            PhotoStatus::Error(_) => flags.push(Flag::Error),
            PhotoStatus::Ok if slot.choice.is_none() => flags.push(Flag::NoFace),
            PhotoStatus::Ok => {}
        }
        if record.faces.len() >= 2 {
            flags.push(Flag::MultiFace);
        }
        if let (Some(choice), Some(face)) = (slot.choice, self.face(i)) {
            if choice.ambiguous {
                flags.push(Flag::AmbiguousFace);
            }
            if face.bbox[2].min(face.bbox[3]) < self.settings.tiny_face_px {
                flags.push(Flag::TinyFace);
            }
            if face.score < self.settings.low_detection_score {
                flags.push(Flag::LowScore);
            }
        }
        flags
    }

    fn duplicates(&self, reviewed: &dyn Fn(u32) -> bool) -> Vec<(u32, u32, DuplicateReport)> {
        let mut by_hash: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for (i, s) in self.slots.iter().enumerate() {
            if let Some(s) = s.as_ref().filter(|s| !s.record.hash.is_empty()) {
                by_hash.entry(&s.record.hash).or_default().push(i as u32);
            }
        }
        let mut out = Vec::new();
        let mut exact = std::collections::HashSet::new();
        for group in by_hash.values().filter(|g| g.len() >= 2) {
            for (k, &i) in group.iter().enumerate() {
                for &j in &group[k + 1..] {
                    exact.insert((i, j));
                    let has =
                        !self.vectors.is_zero(i as usize) && !self.vectors.is_zero(j as usize);
                    out.push((
                        i,
                        j,
                        DuplicateKind::Exact,
                        has.then(|| self.vectors.cos(i as usize, j as usize)),
                        None,
                    ));
                }
            }
        }
        for (&(i, j), v) in self.pairs.iter() {
            if !exact.contains(&(i, j)) {
                out.push((
                    i,
                    j,
                    v.kind,
                    Some(v.cosine),
                    Some(v.correlation).filter(|&c| c > 0.0),
                ));
            }
        }
        let record = |i: u32| self.slots[i as usize].as_ref().map(|s| &s.record);
        let ignored = |i: u32, j: u32| match (record(i), record(j)) {
            (Some(a), Some(b)) => a.not_duplicate_of.contains(&b.hash),
            _ => false,
        };
        let dropped = |i, j| (reviewed(i) && reviewed(j)) || ignored(i, j);
        out.retain(|&(i, j, ..)| !dropped(i, j));
        out.sort_by(|a, b| {
            a.2.cmp(&b.2)
                .then(b.4.unwrap_or(1.0).total_cmp(&a.4.unwrap_or(1.0)))
        });
        out.into_par_iter()
            .map(|(i, j, kind, cosine, correlation)| {
                (
                    i,
                    j,
                    DuplicateReport {
                        a: path_string(self, i),
                        b: path_string(self, j),
                        cosine,
                        kind,
                        correlation,
                    },
                )
            })
            .collect()
    }
}
