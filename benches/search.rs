//! The candidate search alone: the exact scan against the index path (an
//! inverted file refined by NN-descent) and, for comparison, the HNSW
//! index it replaced, on synthetic datasets shaped like a real one, so that the crossover
//! `Settings::exact_search_max_faces` rests on measured numbers (the
//! "Candidate search" section of `BENCHMARKS.md`). Not a test: timings and
//! recall are reported, never asserted.
//!
//!     facecurate embed --json DATASET > /tmp/embed.json
//!     BENCH_SIZES=10000,50000 cargo bench --bench search -- /tmp/embed.json
//!
//! `BENCH_SIZES`: the synthetic set sizes (default 10000); `BENCH_EXACT_UPTO`:
//! the exact scan, and the pair recall against it, only up to this size
//! (default 200000); `BENCH_EF`: HNSW search list lengths to measure the
//! recall of (default 128,64,192,256; empty: no HNSW).
//!
//! The synthetic sets are `benches/synth`'s, shaped on the dump; the printed
//! same- and different-person cosines show how close they come to it.

mod common;
mod synth;

use anyhow::Context;
use facecurate::bench_api::{self, Index, Scan, Vectors, Visited};
use facecurate::records::dump::Dump;
use std::collections::{HashMap, HashSet};
use std::time::Instant;
use synth::Model;

/// Neighbours kept per photo and the pair threshold, as the analysis has them.
const K: usize = 32;
const PAIR_MIN: f32 = 0.6;
/// Rows whose true top-k is found by brute force, at every size.
const SAMPLED: usize = 300;

fn main() -> anyhow::Result<()> {
    let args = common::paths();
    let Some(dump) = args.first() else {
        eprintln!("usage: BENCH_SIZES=N,N cargo bench --bench search -- EMBED_JSON");
        return Ok(());
    };
    let sizes = common::env_list("BENCH_SIZES", &[10_000])?;
    let exact_upto = common::env_usize("BENCH_EXACT_UPTO", 200_000)?;
    let efs = common::env_list("BENCH_EF", &[128, 64, 192, 256])?;
    let records = Dump::read(dump)?.into_records();
    let model = Model::from_records(&records)
        .with_context(|| format!("{}: no face embeddings to model", dump.display()))?;
    for n in sizes {
        compare_at(&model, n, exact_upto, &efs);
    }
    Ok(())
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

/// The exact scan (up to `exact_upto`) and the index scan on `n` synthetic
/// faces, then the index's recall at each `ef` and against the exact scan.
fn compare_at(model: &Model, n: usize, exact_upto: usize, efs: &[usize]) {
    let (v, members) = synth::faces(model, n);
    let (same, dm, dsd) = synth::stats(&v, &members);
    println!(
        "n={n}: {} persons; same-person cosine median {same:.2}, different mean {dm:.2} sd {dsd:.2}",
        members.len()
    );
    let exact = (n <= exact_upto).then(|| {
        let t = Instant::now();
        let s = bench_api::exact_scan(&v, K, PAIR_MIN);
        println!("  exact scan: {:.2} s", secs(t));
        s
    });
    let t = Instant::now();
    let approx = bench_api::index_scan(&v, &members, K, PAIR_MIN);
    println!(
        "  index path (inverted file + NN-descent + pairs): {:.2} s",
        secs(t)
    );
    let truth = synth::sampled_truth(&v, K, SAMPLED);
    let hit: usize = (truth.iter())
        .map(|(i, want)| {
            (approx.neighbours[*i as usize].iter())
                .filter(|e| want.contains(&e.0))
                .count()
        })
        .sum();
    println!(
        "  index path: top-{K} recall {:.4} ({SAMPLED} sampled rows)",
        hit as f64 / (SAMPLED * K) as f64
    );
    if let Some(exact) = exact {
        versus_exact(&exact, &approx, &members);
    }
    if !efs.is_empty() {
        let t = Instant::now();
        let live: Vec<u32> = (0..v.rows() as u32).collect();
        let index = Index::build(
            &v,
            &live,
            std::thread::available_parallelism().map_or(1, |n| n.get()),
        );
        println!("  HNSW (for comparison) build: {:.2} s", secs(t));
        recall_by_ef(&v, &index, &truth, efs);
    }
}

/// Top-k recall and time per query of the index alone, one thread.
fn recall_by_ef(v: &Vectors, index: &Index, truth: &[(u32, HashSet<u32>)], efs: &[usize]) {
    for &ef in efs {
        let t = Instant::now();
        let mut visited = Visited::new();
        let mut hit = 0usize;
        for (i, want) in truth {
            let got = index.search(v.row(*i as usize), K, ef, *i, &mut visited);
            hit += got.iter().filter(|e| want.contains(&e.0)).count();
        }
        println!(
            "  ef={ef}: top-{K} recall {:.4} ({SAMPLED} sampled rows), {:.3} ms/query (1 thread)",
            hit as f64 / (SAMPLED * K) as f64,
            secs(t) * 1000.0 / SAMPLED as f64
        );
    }
}

/// How much of the exact scan's neighbours and pairs the index path found;
/// cross-person pairs apart, since only the searches can find those.
fn versus_exact(exact: &Scan, approx: &Scan, members: &[Vec<u32>]) {
    let want: HashSet<(u32, u32)> = exact.pairs.iter().map(|p| (p.0, p.1)).collect();
    let got: HashSet<(u32, u32)> = approx.pairs.iter().map(|p| (p.0, p.1)).collect();
    let person: HashMap<u32, usize> = (members.iter().enumerate())
        .flat_map(|(p, m)| m.iter().map(move |&i| (i, p)))
        .collect();
    let cross: Vec<&(u32, u32)> = (want.iter())
        .filter(|p| person[&p.0] != person[&p.1])
        .collect();
    let cross_hit = cross.iter().filter(|p| got.contains(p)).count();
    let hit: usize = (exact.neighbours.iter().zip(&approx.neighbours))
        .map(|(e, a)| {
            let w: HashSet<u32> = e.iter().map(|e| e.0).collect();
            a.iter().filter(|x| w.contains(&x.0)).count()
        })
        .sum();
    let total: usize = exact.neighbours.iter().map(Vec::len).sum();
    println!(
        "  vs exact: top-{K} recall {:.4} (all rows); pairs ≥ {PAIR_MIN}: {} exact, recall {:.4}; cross-person {} , recall {:.4}",
        hit as f64 / total.max(1) as f64,
        want.len(),
        want.intersection(&got).count() as f64 / want.len().max(1) as f64,
        cross.len(),
        cross_hit as f64 / cross.len().max(1) as f64,
    );
}
