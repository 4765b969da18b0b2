//! The synthetic face-like vectors that the candidate-search benches
//! (`benches/search.rs`, `benches/ann_libs.rs`) share, so that our HNSW and
//! the ANN libraries it is compared with are measured on exactly the same
//! sets: identities drawn from a real `embed --json` dump, photos scattered
//! around them like its own, every run seeded alike. Also the brute-force
//! truth that recall is measured against.
//!
//! Uniform random vectors would be the index's worst case and unlike face
//! embeddings, so a centre is the dump's mean face plus a random mix of its
//! persons' deviations from that mean, a photo is a centre plus a random mix
//! of its within-person deviations, and folder sizes are resampled from the
//! dump's.

use facecurate::bench_api::{self, Vectors};
use facecurate::records::PhotoRecord;
use std::collections::{HashMap, HashSet};

/// xorshift64, seeded: every run draws the same synthetic sets.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn gauss(&mut self) -> f32 {
        let u = ((self.next() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        let v = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()) as f32
    }
}

/// What the generator draws from, measured on the dump.
pub struct Model {
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
    pub fn from_records(records: &[PhotoRecord]) -> Option<Model> {
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
    pub fn generate(&self, n: usize, seed: u64) -> (Vectors, Vec<Vec<u32>>) {
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

/// The synthetic set of `n` faces every candidate-search bench measures.
pub fn faces(model: &Model, n: usize) -> (Vectors, Vec<Vec<u32>>) {
    model.generate(n, 0x2545_f491 + n as u64)
}

/// Median same-person and mean/sd different-person cosine of a sample.
pub fn stats(v: &Vectors, members: &[Vec<u32>]) -> (f32, f32, f32) {
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

/// The true top `k` (itself left out) of `sampled` rows drawn with a fixed
/// seed, by brute force.
pub fn sampled_truth(v: &Vectors, k: usize, sampled: usize) -> Vec<(u32, HashSet<u32>)> {
    let mut rng = Rng(7);
    let sample: Vec<u32> = (0..sampled).map(|_| rng.below(v.rows()) as u32).collect();
    let top = |i: u32| {
        let mut row: Vec<(u32, f32)> = (bench_api::row_cosines(v, i as usize).into_iter())
            .enumerate()
            .filter(|&(j, _)| j as u32 != i)
            .map(|(j, s)| (j as u32, s))
            .collect();
        row.select_nth_unstable_by(k, |a, b| b.1.total_cmp(&a.1));
        row[..k].iter().map(|e| e.0).collect()
    };
    sample.into_iter().map(|i| (i, top(i))).collect()
}
