//! A person's clusters as a report shows them: the groups the analysis finds
//! in each folder (the same groups behind `split`), each with how tight it
//! is and which other person its centre is nearest. A front end shows them
//! as a strip, filters the grid to one, and moves a whole cluster at once.

use super::state::Analysis;
use crate::vector::dot;
use serde::{Deserialize, Serialize};

/// Pairs compared at most per cluster for its cohesion: the first members
/// in path order, so the figure is stable and cheap for a 1,000-photo folder.
const COHESION_SAMPLE: usize = 48;

/// One group of a person's faces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterReport {
    /// The photos of the cluster, dataset-relative, in path order.
    pub photos: Vec<String>,
    /// Mean cosine between the cluster's faces (none for a single face).
    pub cohesion: Option<f32>,
    /// The other person whose centre is nearest the cluster's centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest_person: Option<String>,
    /// Cosine between the two centres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest_cosine: Option<f32>,
}

/// [`Analysis::sample_centres`], by person.
pub(super) type SampleCentres = Vec<Option<Box<[f32]>>>;

impl ClusterReport {
    pub fn size(&self) -> usize {
        self.photos.len()
    }
}

impl Analysis {
    /// The centre of each person's sampled members, for those with two or
    /// more (a lone member's centre is its own row, as cheap to make as to
    /// look up). Made once per report: every cluster compares its centre
    /// with a dozen candidate persons', and making those again each time
    /// was a third of the report at a million photos.
    pub(super) fn sample_centres(&self) -> SampleCentres {
        crate::par::map_with(
            self.names.len(),
            Vec::new,
            |p| format!("centre of {}", self.names[p]),
            |scratch, p| {
                let sample = &self.stats[p].sample;
                (sample.len() >= 2)
                    .then(|| self.centre_in(sample, scratch).map(Box::from))
                    .flatten()
            },
        )
    }

    /// Person `p`'s clusters, largest first (empty for a person with no
    /// usable face); `scratch` holds the other persons' centres in turn.
    pub(super) fn cluster_reports(
        &self,
        p: u32,
        centres: &SampleCentres,
        scratch: &mut Vec<f32>,
    ) -> Vec<ClusterReport> {
        self.groups[p as usize]
            .iter()
            .filter(|g| !g.is_empty())
            .map(|g| self.cluster_report(p, g, centres, scratch))
            .collect()
    }

    fn cluster_report(
        &self,
        p: u32,
        group: &[u32],
        centres: &SampleCentres,
        scratch: &mut Vec<f32>,
    ) -> ClusterReport {
        let mut photos: Vec<String> = group
            .iter()
            .map(|&m| super::state::path_string(self, m))
            .collect();
        photos.sort();
        let mut centre = Vec::new();
        let centre = self.centre_in(group, &mut centre);
        let mut nearest: Option<(u32, f32)> = None;
        for q in self.candidate_persons(p, group) {
            let other = match &centres[q as usize] {
                Some(made) => Some(&made[..]),
                None => self.centre_in(&self.stats[q as usize].sample, scratch),
            };
            let (Some(centre), Some(other)) = (centre, other) else {
                continue;
            };
            let found = (q, dot(centre, other));
            // The most similar; of equals, the first person (they come in order).
            if nearest.is_none_or(|n| found.1.total_cmp(&n.1).is_gt()) {
                nearest = Some(found);
            }
        }
        ClusterReport {
            photos,
            cohesion: self.cohesion(group),
            nearest_person: nearest.map(|n| self.names[n.0 as usize].clone()),
            nearest_cosine: nearest.map(|n| n.1),
        }
    }

    /// The unit mean of the members' vectors, made in `out` (a report
    /// makes one for every candidate person of every cluster: allocating
    /// each took a fifth of the report's time at a million photos).
    fn centre_in<'a>(&self, members: &[u32], out: &'a mut Vec<f32>) -> Option<&'a [f32]> {
        out.clear();
        out.resize(self.vectors.dim, 0.0);
        let mut any = false;
        for &m in members {
            if self.vectors.is_zero(m as usize) {
                continue;
            }
            any = true;
            for (s, x) in out.iter_mut().zip(self.vectors.row(m as usize)) {
                *s += x;
            }
        }
        let norm = dot(out, out).sqrt();
        if !(any && norm > 0.0) {
            return None;
        }
        out.iter_mut().for_each(|x| *x /= norm);
        Some(out)
    }

    fn cohesion(&self, group: &[u32]) -> Option<f32> {
        let sample = &group[..group.len().min(COHESION_SAMPLE)];
        let mut total = 0.0;
        let mut pairs = 0usize;
        for (k, &i) in sample.iter().enumerate() {
            for &j in &sample[k + 1..] {
                total += self.vectors.cos(i as usize, j as usize);
                pairs += 1;
            }
        }
        (pairs > 0).then(|| total / pairs as f32)
    }

    /// The other persons the members' neighbours point to.
    fn candidate_persons(&self, p: u32, group: &[u32]) -> Vec<u32> {
        let mut out: Vec<u32> = group
            .iter()
            .filter_map(|&m| self.evidence.get(m as usize)?.as_ref())
            .flat_map(|e| e.others.iter().map(|o| o.0))
            .filter(|&q| q != p && self.stats[q as usize].count > 0)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
