//! The candidate search alone: the exact scan against the HNSW index on
//! synthetic datasets shaped like a real one, so that the crossover
//! `Settings::exact_search_max_faces` rests on measured numbers (the
//! "Candidate search" section of `BENCHMARKS.md`). Not a test: timings and
//! recall are reported, never asserted.
//!
//!     facecurate embed --json DATASET > /tmp/embed.json
//!     BENCH_SIZES=10000,50000 cargo bench --bench search -- /tmp/embed.json
//!
//! `BENCH_SIZES`: the synthetic set sizes (default 10000); `BENCH_EXACT_UPTO`:
//! the exact scan, and the pair recall against it, only up to this size
//! (default 200000); `BENCH_EF`: index search list lengths to measure the
//! recall of, the first also used for the full index scan (default
//! 128,64,192,256).
//!
//! Uniform random vectors would be the index's worst case and unlike face
//! embeddings, so identities are drawn from the real dump: a centre is the
//! dump's mean face plus a random mix of its persons' deviations from that
//! mean, a photo is a centre plus a random mix of its within-person
//! deviations, and folder sizes are resampled from the dump's. The printed
//! same- and different-person cosines show how close that comes to it.

mod common;

use anyhow::Context;
use facecurate::bench_api::{self, Index, Scan, Vectors, Visited};
use facecurate::records::PhotoRecord;
use facecurate::records::dump::Dump;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

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

/// xorshift64, seeded: every run draws the same synthetic sets.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn gauss(&mut self) -> f32 {
        let u = ((self.next() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        let v = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()) as f32
    }
}

/// What the generator draws from, measured on the dump.
struct Model {
    dim: usize,
    mean: Vec<f32>,
    between: Vec<Vec<f32>>,
    within: Vec<Vec<f32>>,
    sizes: Vec<usize>,
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn unit(mut v: Vec<f32>) -> Vec<f32> {
    let n = dot(&v, &v).sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= n);
    v
}

impl Model {
    fn from_records(records: &[PhotoRecord]) -> Option<Model> {
        let mut by_person: HashMap<&str, Vec<Vec<f32>>> = HashMap::new();
        for r in records {
            if let Some(f) = r.faces.first() {
                by_person
                    .entry(r.person.as_str())
                    .or_default()
                    .push(unit(f.embedding.clone()));
            }
        }
        let dim = by_person.values().next()?.first()?.len();
        let mut mean = vec![0f32; dim];
        let all = by_person.values().flatten();
        let count = all.clone().count() as f32;
        all.for_each(|v| mean.iter_mut().zip(v).for_each(|(m, x)| *m += x / count));
        let (mut between, mut within, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
        let mut persons: Vec<_> = by_person.into_iter().collect();
        persons.sort_by(|a, b| a.0.cmp(b.0));
        for (_, photos) in persons {
            sizes.push(photos.len());
            let mut c = vec![0f32; dim];
            for p in &photos {
                c.iter_mut()
                    .zip(p)
                    .for_each(|(a, x)| *a += x / photos.len() as f32);
            }
            between.push(c.iter().zip(&mean).map(|(a, m)| a - m).collect());
            if photos.len() >= 2 {
                for p in &photos {
                    within.push(p.iter().zip(&c).map(|(x, a)| x - a).collect());
                }
            }
        }
        Some(Model {
            dim,
            mean,
            between,
            within,
            sizes,
        })
    }

    /// A random mix of four deviations with the same spread as one.
    fn mix(&self, rng: &mut Rng, from: &[Vec<f32>], scale: f32) -> Vec<f32> {
        let mut out = vec![0f32; self.dim];
        for _ in 0..4 {
            let w = rng.gauss() * scale / 2.0;
            let d = &from[rng.below(from.len())];
            out.iter_mut().zip(d).for_each(|(o, x)| *o += w * x);
        }
        out
    }

    /// `n` photos and their persons' member lists.
    fn generate(&self, n: usize, seed: u64) -> (Vectors, Vec<Vec<u32>>) {
        let mut rng = Rng(seed | 1);
        let mut data = Vec::with_capacity(n * self.dim);
        let mut members = Vec::new();
        let mut i = 0u32;
        while (i as usize) < n {
            let size = self.sizes[rng.below(self.sizes.len())].min(n - i as usize);
            let dev = self.mix(&mut rng, &self.between, 1.0);
            let centre: Vec<f32> = self.mean.iter().zip(&dev).map(|(m, d)| m + d).collect();
            let mut m = Vec::with_capacity(size);
            for _ in 0..size {
                let noise = self.mix(&mut rng, &self.within, 1.15);
                data.extend(unit(
                    centre.iter().zip(&noise).map(|(c, x)| c + x).collect(),
                ));
                m.push(i);
                i += 1;
            }
            members.push(m);
        }
        (
            Vectors {
                dim: self.dim,
                data,
            },
            members,
        )
    }
}

/// Median same-person and mean/sd different-person cosine of a sample.
fn stats(v: &Vectors, members: &[Vec<u32>]) -> (f32, f32, f32) {
    let mut same: Vec<f32> = members
        .iter()
        .take(20_000)
        .filter(|m| m.len() >= 2)
        .flat_map(|m| m.windows(2).map(|w| v.cos(w[0] as usize, w[1] as usize)))
        .collect();
    same.sort_by(|a, b| a.total_cmp(b));
    let mut rng = Rng(99);
    let diff: Vec<f32> = (0..20_000)
        .map(|_| {
            let a = rng.below(members.len());
            let b = (a + 1 + rng.below(members.len() - 1)) % members.len();
            let (a, b) = (&members[a], &members[b]);
            v.cos(a[0] as usize, b[0] as usize)
        })
        .collect();
    let mean = diff.iter().sum::<f32>() / diff.len() as f32;
    let sd = (diff.iter().map(|d| (d - mean).powi(2)).sum::<f32>() / diff.len() as f32).sqrt();
    (same.get(same.len() / 2).copied().unwrap_or(0.0), mean, sd)
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

/// The exact scan (up to `exact_upto`) and the index scan on `n` synthetic
/// faces, then the index's recall at each `ef` and against the exact scan.
fn compare_at(model: &Model, n: usize, exact_upto: usize, efs: &[usize]) {
    let (v, members) = model.generate(n, 0x2545_f491 + n as u64);
    let (same, dm, dsd) = stats(&v, &members);
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
    let ef = efs.first().copied().unwrap_or(64);
    let t = Instant::now();
    let (approx, index) = bench_api::index_scan(&v, &members, K, PAIR_MIN, ef);
    println!(
        "  index scan (build + {n} queries ef={ef} + pairs): {:.2} s",
        secs(t)
    );
    let Some(index) = index else { return };
    recall_by_ef(&v, &index, efs);
    if let Some(exact) = exact {
        versus_exact(&exact, &approx, &members);
    }
}

/// The true top-k of a sample of rows, by brute force.
fn sampled_truth(v: &Vectors) -> Vec<(u32, HashSet<u32>)> {
    let mut rng = Rng(7);
    let sample: Vec<u32> = (0..SAMPLED).map(|_| rng.below(v.rows()) as u32).collect();
    let top = |i: u32| {
        let mut row: Vec<(u32, f32)> = (bench_api::row_cosines(v, i as usize).into_iter())
            .enumerate()
            .filter(|&(j, _)| j as u32 != i)
            .map(|(j, s)| (j as u32, s))
            .collect();
        row.select_nth_unstable_by(K, |a, b| b.1.total_cmp(&a.1));
        row[..K].iter().map(|e| e.0).collect()
    };
    sample.into_iter().map(|i| (i, top(i))).collect()
}

/// Top-k recall and time per query of the index alone, one thread.
fn recall_by_ef(v: &Vectors, index: &Index, efs: &[usize]) {
    let truth = sampled_truth(v);
    for &ef in efs {
        let t = Instant::now();
        let mut visited = Visited::new();
        let mut hit = 0usize;
        for (i, want) in &truth {
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
