//! Does a photo belong to its person? Each person's own spread, and for each
//! photo the evidence for its own person against the best other person.
//!
//! Evidence for a person is the log-likelihood ratio (same person vs two
//! different persons) of the photo's median cosine to that person's photos,
//! judged against that person's own typical cosine and spread, so tight and
//! loose persons are treated fairly, and weighted by how many of the
//! person's photos it was measured on (up to `evidence_photos`, growing as
//! `evidence_growth` says). A photo's score is the best other
//! person's evidence minus its own person's. Persons with one or two photos
//! cannot vouch against a photo (their one pair says nothing about which
//! photo is wrong), so there only positive own evidence is counted and the
//! photo is judged by how well it matches everyone else.

use super::settings::Settings;
use super::similarity::{NeighbourList, Vectors};

/// A person's typical same-person cosine and its spread, shrunk towards the
/// prior, and the members it is judged by.
#[derive(Debug, Clone, Default)]
pub struct PersonStats {
    pub mean: f32,
    pub sd: f32,
    /// Members sampled evenly (all of them up to `sample_members`).
    pub sample: Vec<u32>,
    /// Live members with a face.
    pub count: usize,
}

/// At most `max` members, chosen by a fixed hash of their slot so that the
/// choice is stable: adding or removing a member outside the sample leaves
/// the sample as it was, and an edit to a big person need not re-judge every
/// photo that weighs that person as an alternative. Returned sorted.
pub fn sample_members(members: &[u32], max: usize) -> Vec<u32> {
    if members.len() <= max || max == 0 {
        return members.to_vec();
    }
    let mut keyed: Vec<(u64, u32)> = members.iter().map(|&m| (spread(m), m)).collect();
    keyed.select_nth_unstable(max - 1);
    let mut sample: Vec<u32> = keyed[..max].iter().map(|&(_, m)| m).collect();
    sample.sort_unstable();
    sample
}

/// A fixed bijective mix of a slot number (SplitMix64's finaliser).
fn spread(m: u32) -> u64 {
    let mut z = u64::from(m).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl PersonStats {
    /// Whether another photo's evidence for this person, judged against
    /// `self`, would come out the same against `new` (same sample, same
    /// capped weight, statistics within rounding).
    pub fn judges_like(&self, new: &PersonStats, evidence_photos: usize) -> bool {
        self.sample == new.sample
            && self.count.min(evidence_photos) == new.count.min(evidence_photos)
            && (self.mean - new.mean).abs() < 1e-3
            && (self.sd - new.sd).abs() < 1e-3
    }
}

fn median(v: &mut [f32]) -> f32 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

pub fn person_stats(members: &[u32], vectors: &Vectors, settings: &Settings) -> PersonStats {
    let sample = sample_members(members, settings.sample_members);
    let (mut mean, mut sd) = (settings.same_mean, settings.same_sd);
    if sample.len() >= 2 {
        let mut sims = Vec::with_capacity(sample.len() * (sample.len() - 1) / 2);
        for (a, &i) in sample.iter().enumerate() {
            for &j in &sample[a + 1..] {
                sims.push(vectors.cos(i as usize, j as usize));
            }
        }
        let med = median(&mut sims);
        let mad = if sims.len() > 2 {
            let mut dev: Vec<f32> = sims.iter().map(|s| (s - med).abs()).collect();
            median(&mut dev) * 1.4826
        } else {
            settings.same_sd
        };
        let (n, k0) = (members.len() as f32, settings.prior_photos);
        mean = (n * med + k0 * settings.same_mean) / (n + k0);
        sd = ((n * mad * mad + k0 * settings.same_sd * settings.same_sd) / (n + k0)).sqrt();
    }
    PersonStats {
        mean,
        sd: sd.max(0.02),
        sample,
        count: members.len(),
    }
}

/// Median cosine of photo `i` to a person's sampled members (excluding `i`),
/// with the number of the person's photos it stands for.
pub fn affinity(i: u32, stats: &PersonStats, vectors: &Vectors) -> Option<(f32, usize)> {
    let mut buffer = [0f32; 256];
    let mut heap;
    let sims: &mut [f32] = if stats.sample.len() <= buffer.len() {
        &mut buffer[..]
    } else {
        heap = vec![0f32; stats.sample.len()];
        &mut heap[..]
    };
    let mut n = 0;
    for &j in stats.sample.iter().filter(|&&j| j != i) {
        sims[n] = vectors.cos(i as usize, j as usize);
        n += 1;
    }
    let sims = &mut sims[..n];
    if sims.is_empty() {
        return None;
    }
    let count = stats.count - usize::from(stats.sample.contains(&i));
    Some((median(sims), count))
}

/// What the analysis concluded about one photo's identity.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Median cosine to its own person's other photos (none for a singleton).
    pub own: Option<f32>,
    /// Candidate persons from its neighbours: (person, median cosine, photos).
    pub others: Vec<Other>,
    /// Best other person and its evidence.
    pub best: Option<(u32, f32)>,
    /// The evidence for its own person.
    pub own_llr: f32,
    pub score: f32,
}

/// A candidate person of a photo's evidence: (person, median cosine to
/// their photos, how many were weighed). Narrow: a million photos hold
/// a dozen or more each.
pub type Other = (u32, f32, u32);

/// Weighted evidence for a person from a median cosine over `count` photos.
pub fn llr(settings: &Settings, s: f32, count: usize, stats: &PersonStats) -> f32 {
    settings.llr(s, stats.mean, stats.sd) * settings.evidence_weight(count)
}

/// Evidence for photo `i` of person `person`. Candidate medians cached in
/// `previous` are reused for persons not in `refresh` (all are recomputed
/// when `refresh` is none).
#[allow(clippy::too_many_arguments)]
pub fn evidence(
    i: u32,
    person: u32,
    neighbours: &NeighbourList,
    person_of: &dyn Fn(u32) -> Option<u32>,
    stats: &[PersonStats],
    vectors: &Vectors,
    settings: &Settings,
    previous: Option<&Evidence>,
    refresh: Option<&std::collections::HashSet<u32>>,
) -> Evidence {
    let own_stats = &stats[person as usize];
    let own = affinity(i, own_stats, vectors);
    let mut own_llr = own
        .map(|(s, n)| llr(settings, s, n, own_stats))
        .unwrap_or(0.0);
    if own_stats.count <= 2 {
        own_llr = own_llr.max(0.0);
    }
    let mut candidates: Vec<u32> = neighbours
        .iter()
        .filter_map(|&(j, _)| person_of(j))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut others = Vec::with_capacity(candidates.len());
    for q in candidates {
        if q == person || stats[q as usize].count == 0 {
            continue;
        }
        let cached = match (previous, refresh) {
            (Some(prev), Some(refresh)) if !refresh.contains(&q) => {
                prev.others.iter().find(|o| o.0 == q).copied()
            }
            _ => None,
        };
        let entry = cached
            .or_else(|| affinity(i, &stats[q as usize], vectors).map(|(s, n)| (q, s, n as u32)));
        if let Some(e) = entry {
            others.push(e);
        }
    }
    let best = others
        .iter()
        .map(|&(q, s, n)| (q, llr(settings, s, n as usize, &stats[q as usize])))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    let other_llr = match (own, best) {
        (Some((s_own, _)), Some(b)) if own_stats.count <= 2 => {
            beside_one_mate(settings, s_own, b, &others, stats)
        }
        _ => best.map_or(0.0, |b| b.1),
    };
    let score = other_llr - own_llr;
    Evidence {
        own: own.map(|o| o.0),
        others,
        best,
        own_llr,
        score,
    }
}

/// The best other person's evidence for a photo whose folder has one
/// other photo, to which it has cosine `s_own`. That evidence counts up
/// to `evidence_photos` of the person's photos against the folder mate's
/// one, so a photo nearer its own folder mate than to the other person's
/// photos still outscored photos filed under the wrong person; with
/// hundreds of thousands of persons every photo has such a look-alike
/// (`bench scale` at 100k: 66 of the top 500 were such photos, flagged
/// `outlier`). When the mate is the nearer, the two sides are weighed
/// photo for photo.
fn beside_one_mate(
    settings: &Settings,
    s_own: f32,
    (q, weighed): (u32, f32),
    others: &[Other],
    stats: &[PersonStats],
) -> f32 {
    match others.iter().find(|o| o.0 == q) {
        Some(&(_, s, _)) if s <= s_own => llr(settings, s, 1, &stats[q as usize]),
        _ => weighed,
    }
}

impl Evidence {
    /// The score the photo would have once its folder is merged into person
    /// `q`: the merged person's evidence is the better of its own and
    /// `q`'s, and the alternatives are everyone else. A folder that is one
    /// person under two names is one finding (the person's `merge`), not a
    /// mislabel per photo; a photo that fits neither name stays flagged.
    pub fn score_if_merged(&self, q: u32, stats: &[PersonStats], settings: &Settings) -> f32 {
        if self.best.is_none() {
            return self.score;
        }
        let weigh = |&(p, s, n): &Other| llr(settings, s, n as usize, &stats[p as usize]);
        let own = self.own_llr;
        let merged = self
            .others
            .iter()
            .find(|o| o.0 == q)
            .map_or(own, |o| own.max(weigh(o)));
        let rest = self
            .others
            .iter()
            .filter(|o| o.0 != q)
            .map(weigh)
            .reduce(f32::max)
            .unwrap_or(0.0);
        rest - merged
    }

    /// Median cosine to the best other person minus to its own (0 when it
    /// has no other photo).
    pub fn margin(&self) -> Option<f32> {
        let (q, _) = self.best?;
        let s = self.others.iter().find(|o| o.0 == q)?.1;
        Some(s - self.own.unwrap_or(0.0))
    }
}
