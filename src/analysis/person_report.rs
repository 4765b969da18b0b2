//! Each person's row of a report: its flags (split, inconsistent, merge),
//! the groups of a split folder, its merge partners and its clusters. A
//! file of its own because a million photos have hundreds of thousands of
//! persons, so the rows are made on all cores and only the marks they
//! leave on photos are folded in one at a time.

use super::clusters::SampleCentres;
use super::groups::is_split;
use super::kinds::Flag;
use super::report::{Marks, PersonReport};
use super::state::{Analysis, path_string};
use std::collections::BTreeMap;

/// One person's row, and the photos it marks.
struct PersonFindings {
    report: PersonReport,
    /// Photos outside the main group of a split folder.
    split_off: Vec<u32>,
    /// Photos that disagree with the rest of their small folder.
    disagree: Vec<u32>,
}

impl Analysis {
    /// The persons with photos, flagged ones first; the photos outside the
    /// main group of a split folder, and those that disagree with their
    /// small folder, are marked.
    pub(super) fn person_reports(
        &self,
        merge_with: &BTreeMap<u32, Vec<u32>>,
        marks: &mut Marks,
    ) -> Vec<PersonReport> {
        let mut folder_size = vec![0usize; self.names.len()];
        for s in self.slots.iter().flatten() {
            folder_size[s.person as usize] += 1;
        }
        let present: Vec<u32> = (0..self.names.len() as u32)
            .filter(|&p| folder_size[p as usize] > 0)
            .collect();
        let centres = self.sample_centres();
        let found = crate::par::map_with(
            present.len(),
            Vec::new,
            |k| format!("findings of {}", self.names[present[k] as usize]),
            |scratch, k| {
                let person = (present[k], folder_size[present[k] as usize]);
                self.person_findings(person, merge_with, &centres, scratch)
            },
        );
        drop(centres);
        let mut persons = Vec::with_capacity(found.len());
        for found in found {
            marks
                .split_off
                .extend(found.split_off.into_iter().map(|m| (m, ())));
            marks
                .disagree
                .extend(found.disagree.into_iter().map(|m| (m, ())));
            persons.push(found.report);
        }
        // On one core: a parallel sort's buffer is the whole table.
        persons.sort_by(|a, b| {
            b.flags
                .is_empty()
                .cmp(&a.flags.is_empty())
                .reverse()
                .then(a.name.cmp(&b.name))
        });
        persons
    }

    /// The row of person `p`, who has `photos` photos.
    fn person_findings(
        &self,
        (p, photos): (u32, usize),
        merge_with: &BTreeMap<u32, Vec<u32>>,
        centres: &SampleCentres,
        scratch: &mut Vec<f32>,
    ) -> PersonFindings {
        let mut flags = Vec::new();
        let groups = &self.groups[p as usize];
        let (mut split_groups, mut split_off) = (Vec::new(), Vec::new());
        if is_split(groups, &self.settings)
            && groups[1..].iter().flatten().any(|&m| !self.reviewed(m))
        {
            flags.push(Flag::Split);
            split_off = groups[1..].iter().flatten().copied().collect();
            split_groups = groups
                .iter()
                .map(|g| g.iter().map(|&m| path_string(self, m)).collect())
                .collect();
        }
        let mut disagree = self.disagreeing(p);
        if disagree.iter().any(|&m| !self.reviewed(m)) {
            flags.push(Flag::Inconsistent);
        } else {
            disagree.clear();
        }
        let merge: Vec<String> = merge_with
            .get(&p)
            .map(|v| v.iter().map(|&q| self.names[q as usize].clone()).collect())
            .unwrap_or_default();
        if !merge.is_empty() {
            flags.push(Flag::Merge);
        }
        let report = PersonReport {
            name: self.names[p as usize].clone(),
            photos,
            flags,
            split_groups,
            merge_with: merge,
            clusters: self.cluster_reports(p, centres, scratch),
        };
        PersonFindings {
            report,
            split_off,
            disagree,
        }
    }
}
