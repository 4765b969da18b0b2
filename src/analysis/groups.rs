//! Folder-level findings: a folder whose photos form two or more clear
//! groups (two people filed under one name) and two folders that are one
//! person (aliases such as `Wang_Nan` / `Nan_Wang`).

use super::identity::{Evidence, PersonStats};
use super::settings::Settings;
use super::similarity::Vectors;

/// Groups of a folder's members by average-linkage clustering of their
/// cosines, largest first; members beyond the sample join the group they are
/// closest to on average.
pub fn groups(
    members: &[u32],
    stats: &PersonStats,
    vectors: &Vectors,
    settings: &Settings,
) -> Vec<Vec<u32>> {
    let sample = &stats.sample;
    let n = sample.len();
    if n < 3 {
        return vec![members.to_vec()];
    }
    let sim: Vec<f32> = (0..n * n)
        .map(|k| vectors.cos(sample[k / n] as usize, sample[k % n] as usize))
        .collect();
    let mut clusters: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    loop {
        let mut best = (f32::MIN, 0, 0);
        for a in 0..clusters.len() {
            for b in a + 1..clusters.len() {
                let mut total = 0.0;
                for &i in &clusters[a] {
                    for &j in &clusters[b] {
                        total += sim[i * n + j];
                    }
                }
                let link = total / (clusters[a].len() * clusters[b].len()) as f32;
                if link > best.0 {
                    best = (link, a, b);
                }
            }
        }
        if clusters.len() < 2 || best.0 < settings.split_link {
            break;
        }
        let merged = clusters.swap_remove(best.2);
        clusters[best.1].extend(merged);
    }
    let mut out: Vec<Vec<u32>> = clusters
        .iter()
        .map(|c| c.iter().map(|&i| sample[i]).collect())
        .collect();
    for &m in members {
        if sample.contains(&m) {
            continue;
        }
        let closest = out
            .iter()
            .enumerate()
            .map(|(g, group)| {
                let mean = group
                    .iter()
                    .map(|&j| vectors.cos(m as usize, j as usize))
                    .sum::<f32>()
                    / group.len() as f32;
                (g, mean)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|x| x.0)
            .unwrap_or(0);
        out[closest].push(m);
    }
    for g in &mut out {
        g.sort_unstable();
    }
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    out
}

/// Whether a folder's groups make it "two people under one name".
pub fn is_split(groups: &[Vec<u32>], settings: &Settings) -> bool {
    if groups.len() < 2 {
        return false;
    }
    let total: usize = groups.iter().map(Vec::len).sum();
    let min_group = if total <= 4 {
        1
    } else {
        settings.split_min_group
    };
    groups.iter().filter(|g| g.len() >= min_group).count() >= 2
}

/// The folder this folder should be merged into: every photo of it is best
/// explained by that same other folder, at least `merge_min_cosine` alike.
/// A one-photo folder must also be flagged on its own (`flag_score`): its
/// one likeness, the best of thousands of folders, says little, and on LFW
/// most such pairs were look-alikes (193 folders flagged, 30 with this
/// rule). Two or more photos agreeing on one other folder do not happen by
/// chance like that, unless one of them is that folder's own photo filed
/// here: so each must also fit the other folder as its own photos do
/// (`merge_fit_sds`).
pub fn merge_target<'a>(
    members: &[u32],
    evidence: &dyn Fn(u32) -> Option<&'a Evidence>,
    stats: &[PersonStats],
    settings: &Settings,
) -> Option<u32> {
    let min_score = if members.len() == 1 {
        settings.flag_score
    } else {
        f32::MIN_POSITIVE
    };
    let mut target = None;
    for &m in members {
        let e = evidence(m)?;
        let (q, best) = e.best?;
        let s = e.others.iter().find(|o| o.0 == q)?.1;
        // The other person's evidence, all its photos counted, against
        // this folder's own (the score weighs a two-photo folder's mate
        // photo for photo, which would keep a true alias of two apart).
        if best - e.own_llr < min_score
            || s < settings.merge_min_cosine
            || target.is_some_and(|t| t != q)
        {
            return None;
        }
        let fit = stats
            .get(q as usize)
            .map(|t| t.mean - settings.merge_fit_sds * t.sd);
        if members.len() > 1 && fit.is_none_or(|fit| s < fit) {
            return None;
        }
        target = Some(q);
    }
    target
}
