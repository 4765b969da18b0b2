//! What the analysis found, scored against what is known to be true: the
//! planted problems (recall within the top of the report's ranking, as
//! `bench/eval_analysis.py` scores a real dataset) and the exact nearest
//! neighbours (the candidate search's lists against brute force).

use super::plant::Planted;
use super::rng::Rng;
use super::synth::Synth;
use crate::analysis::{Analysis, Report};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;

/// How much of what was planted the report finds.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PlantedRecall {
    /// Misfiled photos within the first K of the report's ranking of
    /// photos (worst first, the planted copies left out), K = misfiled
    /// planted; none when nothing was.
    pub misfiled_at_k: Option<f64>,
    /// The same for the half filed under the person they most resemble.
    pub nearest_at_k: Option<f64>,
    /// Copy pairs the report lists among its duplicates (any kind).
    pub copies_found: Option<f64>,
    /// Split persons whose two folders the report says to merge.
    pub splits_found: Option<f64>,
}

fn fraction(hits: usize, of: usize) -> Option<f64> {
    (of > 0).then(|| hits as f64 / of as f64)
}

/// Scores `report` against `planted` in `synth`.
pub fn planted_recall(report: &Report, synth: &Synth, planted: &Planted) -> PlantedRecall {
    let copies: HashSet<String> = planted.copies.iter().map(|c| synth.path(c.1)).collect();
    let k = planted.misfiled.len();
    let top: HashSet<&str> = report
        .photos
        .iter()
        .filter(|p| !copies.contains(&p.path))
        .take(k)
        .map(|p| p.path.as_str())
        .collect();
    let hit = |m: &super::plant::Misfiled| top.contains(synth.path(m.photo).as_str());
    let hits = planted.misfiled.iter().filter(|m| hit(m)).count();
    let nearest: Vec<_> = planted.misfiled.iter().filter(|m| m.nearest).collect();
    let nearest_hits = nearest.iter().filter(|m| hit(m)).count();
    // Only the report's pairs that touch a planted copy are kept (a set
    // of all of them, both ways round, was over two million entries at
    // 1M), and only the split folders' rows are looked at (not every
    // person's row once per split).
    let copied: HashSet<String> = (planted.copies.iter())
        .flat_map(|&(a, b)| [synth.path(a), synth.path(b)])
        .collect();
    let found_pairs: HashSet<(&str, &str)> = (report.duplicates.iter())
        .filter(|d| copied.contains(d.a.as_str()) || copied.contains(d.b.as_str()))
        .flat_map(|d| [(d.a.as_str(), d.b.as_str()), (d.b.as_str(), d.a.as_str())])
        .collect();
    let copy_hits = (planted.copies.iter())
        .filter(|(a, b)| found_pairs.contains(&(synth.path(*a).as_str(), synth.path(*b).as_str())))
        .count();
    let split_names: HashSet<&str> = (planted.splits.iter())
        .flat_map(|&(a, b)| [a, b])
        .map(|f| synth.folders[f as usize].as_str())
        .collect();
    let merges: std::collections::HashMap<&str, &[String]> = (report.persons.iter())
        .filter(|p| split_names.contains(p.name.as_str()))
        .map(|p| (p.name.as_str(), p.merge_with.as_slice()))
        .collect();
    let says_merge = |a: &str, b: &str| merges.get(a).is_some_and(|m| m.iter().any(|x| x == b));
    let merged = |&&(a, b): &&(u32, u32)| {
        let (a, b) = (&synth.folders[a as usize], &synth.folders[b as usize]);
        says_merge(a, b) || says_merge(b, a)
    };
    PlantedRecall {
        misfiled_at_k: fraction(hits, k),
        nearest_at_k: fraction(nearest_hits, nearest.len()),
        copies_found: fraction(copy_hits, planted.copies.len()),
        splits_found: fraction(
            planted.splits.iter().filter(merged).count(),
            planted.splits.len(),
        ),
    }
}

/// Mean recall of the analysis's `k` nearest photos of `queries` random
/// photos of `synth` against the exact `k` nearest by brute-force cosine
/// over every photo the analysis holds (the analysis must hold the photos
/// of `synth` at the same paths). Photos the analysis does not hold are
/// skipped.
pub fn neighbour_recall(
    analysis: &Analysis,
    synth: &Synth,
    k: usize,
    queries: usize,
    seed: u64,
) -> Option<f64> {
    let n = synth.photos.len();
    let mut rng = Rng::new(seed ^ 0x6e65_6967_6862);
    let mut sample: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut sample);
    sample.truncate(queries);
    let recalls: Vec<f64> = sample
        .par_iter()
        .filter_map(|&q| {
            let path = synth.path(q);
            let found = analysis.neighbour_paths(Path::new(&path))?;
            let truth = analysis.nearest_by_brute_force(Path::new(&path), k)?;
            let found: HashSet<&Path> = found.into_iter().take(k).collect();
            let hits = truth.iter().filter(|j| found.contains(*j)).count();
            fraction(hits, truth.len())
        })
        .collect();
    (!recalls.is_empty()).then(|| recalls.iter().sum::<f64>() / recalls.len() as f64)
}
