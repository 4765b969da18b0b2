//! Why planted misfiled photos fall outside the top K of the ranking in a
//! synthetic dataset (`bench scale`'s `planted_recall_at_k`): for each
//! misfiled photo, its rank, its flags and whether its vector is in fact
//! nearer its own folder's centre than the one it was filed in (an
//! oracle's margin, knowing the truth); and what takes the top K slots
//! instead. Diagnostic only: figures are printed, never asserted.
//!
//!     cargo build --release --example planted_ranks
//!     target/release/examples/planted_ranks DUMP [FACES] [RATE]

use facecurate::analysis::{Analysis, Settings};
use facecurate::scale::plant::{self, Counts};
use facecurate::scale::{run, synth};
use facecurate::vector::{dot, normalized};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Unit mean of folder `members` without photo `skip`; none when empty.
fn centre(s: &synth::Synth, members: &[usize], skip: usize) -> Option<Vec<f32>> {
    let mut sum = vec![0f32; s.dim];
    let mut n = 0;
    for &i in members.iter().filter(|&&i| i != skip) {
        sum.iter_mut()
            .zip(&s.photos[i].vector)
            .for_each(|(a, x)| *a += x);
        n += 1;
    }
    (n > 0).then(|| normalized(&sum))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dump) = args.first() else {
        anyhow::bail!("usage: planted_ranks DUMP [FACES] [RATE]");
    };
    let faces: usize = args.get(1).map_or(Ok(100_000), |s| s.parse())?;
    let rate: f64 = args.get(2).map_or(Ok(0.005), |s| s.parse())?;
    let shape = synth::Shape::from_dump(std::path::Path::new(dump))?;
    let mut s = synth::generate(&shape, faces, 1);
    let counts = Counts::at(rate, faces, s.folders.len());
    let planted = plant::plant(&mut s, counts, 1)?;
    let analysis = Analysis::new(run::records(&s), Settings::default());
    let report = analysis.report();
    println!(
        "{:?}",
        facecurate::scale::measure::planted_recall(&report, &s, &planted)
    );
    let by_path: HashMap<&str, &facecurate::analysis::PhotoReport> = (report.photos.iter())
        .map(|p| (p.path.as_str(), p))
        .collect();
    let copies: HashSet<String> = planted.copies.iter().map(|c| s.path(c.1)).collect();
    let ranking: Vec<_> = (report.photos.iter())
        .filter(|p| !copies.contains(&p.path))
        .collect();
    let rank: HashMap<&str, usize> = (ranking.iter().enumerate())
        .map(|(r, p)| (p.path.as_str(), r))
        .collect();
    let k = planted.misfiled.len();
    let members = s.members();
    let sizes = s.folder_sizes();
    let mut missed: BTreeMap<String, usize> = BTreeMap::new();
    let mut table: BTreeMap<(bool, bool, bool), usize> = BTreeMap::new();
    for m in &planted.misfiled {
        let path = s.path(m.photo);
        let r = rank.get(path.as_str()).copied().unwrap_or(usize::MAX);
        let v = &s.photos[m.photo].vector;
        let own = centre(&s, &members[m.from as usize], m.photo).map(|c| dot(v, &c));
        let there = centre(&s, &members[m.to as usize], m.photo).map(|c| dot(v, &c));
        let nearer_own = matches!((own, there), (Some(a), Some(b)) if a > b);
        *table.entry((m.nearest, nearer_own, r < k)).or_default() += 1;
        if r >= k {
            let own_folder = &s.folders[m.from as usize];
            let listed = analysis
                .neighbour_paths(std::path::Path::new(&path))
                .unwrap_or_default()
                .iter()
                .filter(|n| n.starts_with(own_folder))
                .count();
            let p = by_path.get(path.as_str());
            if missed.values().sum::<usize>() < 12 {
                println!(
                    "missed rank {r} nearest={} into size {}: own folder's photos listed {listed}/{}, oracle own {own:?} there {there:?}, score {:?} flags {:?} suggested {:?} (true {own_folder})",
                    m.nearest,
                    sizes[m.to as usize],
                    sizes[m.from as usize],
                    p.and_then(|p| p.score),
                    p.map(|p| &p.flags),
                    p.and_then(|p| p.suggested_person.as_ref()),
                );
            }
            let size = sizes[m.to as usize].min(6);
            *missed
                .entry(format!(
                    "nearest={} into size {size}{}",
                    m.nearest,
                    if size == 6 { "+" } else { "" }
                ))
                .or_default() += 1;
        }
    }
    println!("K = {k}; (nearest half, oracle nearer its own, in top K) -> count");
    for (key, n) in &table {
        println!("  {key:?}: {n}");
    }
    println!("missed, by the folder filed into:");
    for (key, n) in &missed {
        println!("  {key}: {n}");
    }
    let misfiled: HashSet<String> = planted.misfiled.iter().map(|m| s.path(m.photo)).collect();
    let split: HashSet<u32> = planted.splits.iter().flat_map(|&(a, b)| [a, b]).collect();
    let folder_of: HashMap<&str, usize> = (s.folders.iter().enumerate())
        .map(|(i, f)| (f.as_str(), i))
        .collect();
    let mut others: BTreeMap<String, usize> = BTreeMap::new();
    for p in ranking
        .iter()
        .take(k)
        .filter(|p| !misfiled.contains(&p.path))
    {
        let folder = folder_of.get(p.person.as_str()).copied();
        let size = folder.map_or(0, |f| sizes[f]).min(6);
        let in_split = folder.is_some_and(|f| split.contains(&(f as u32)));
        let flags: Vec<String> = p.flags.iter().map(|f| format!("{f:?}")).collect();
        *others
            .entry(format!("{} size {size} split={in_split}", flags.join("+")))
            .or_default() += 1;
    }
    println!("top-K photos not misfiled, by flags, folder size (6: 6+), planted split:");
    let mut others: Vec<_> = others.into_iter().collect();
    others.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    for (key, n) in others.iter().take(25) {
        println!("  {key}: {n}");
    }
    Ok(())
}
