//! Synthetic faces shaped on a real `embed --json` dump. Uniform random
//! vectors would be unlike face embeddings (and the search index's worst
//! case), so everything is drawn from the dump, as `benches/search.rs`
//! does: an identity's centre is the dump's mean face plus a random mix of
//! its persons' deviations from that mean (the spread between real
//! centroids), a photo is its centre plus a random mix of the dump's
//! within-person deviations (residuals from the person's centroid), and
//! folder sizes are resampled from the dump's (heavy-tailed in a real
//! dataset: most persons with 1–5 photos, a few with hundreds). Vectors
//! are unit length, like SFace's.

use super::rng::Rng;
use crate::records::PhotoRecord;
use crate::records::dump::{Dump, DumpError};
use crate::vector::{dot, normalized};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The within-person mix is scaled up a little: a centroid of few photos
/// sits nearer them than the person's true centre (`benches/search.rs`
/// tuned this on the LFW dump).
const WITHIN_SCALE: f32 = 1.15;

/// Persons with at least this many photos give the within-person figures.
pub const CENTRE_MIN_PHOTOS: usize = 5;

/// Why a dump cannot shape a synthetic dataset.
#[derive(Debug, thiserror::Error)]
pub enum ShapeError {
    #[error(transparent)]
    Dump(#[from] DumpError),
    #[error(
        "{}: needs at least two persons with two photos with a face each to shape synthetic faces",
        path.display()
    )]
    TooSmall { path: PathBuf },
}

/// What the generator draws from, measured on a dump.
#[derive(Debug, Clone)]
pub struct Shape {
    pub dim: usize,
    mean: Vec<f32>,
    between: Vec<Vec<f32>>,
    within: Vec<Vec<f32>>,
    /// Photos with a face per person folder.
    pub sizes: Vec<usize>,
    /// Mean cosine of a photo to its folder's centroid over folders of at
    /// least [`CENTRE_MIN_PHOTOS`], for comparison with [`Synth::centre_cosine`].
    pub centre_cosine: Option<f32>,
}

impl Shape {
    /// The shape of the dump at `path`.
    pub fn from_dump(path: &Path) -> Result<Shape, ShapeError> {
        let records = Dump::read(path)?.into_records();
        Shape::from_records(&records).ok_or_else(|| ShapeError::TooSmall {
            path: path.to_path_buf(),
        })
    }

    /// The shape of `records` (each photo's main face, grouped by folder);
    /// none with fewer than two folders of two photos.
    pub fn from_records(records: &[PhotoRecord]) -> Option<Shape> {
        let mut by_person: BTreeMap<&str, Vec<Vec<f32>>> = BTreeMap::new();
        for r in records {
            if let Some(f) = crate::classify::face_of(r) {
                let v = normalized(&f.embedding);
                by_person.entry(r.person.as_str()).or_default().push(v);
            }
        }
        let dim = by_person.values().next()?.first()?.len();
        let groups: Vec<Vec<Vec<f32>>> = by_person
            .into_values()
            .map(|g| g.into_iter().filter(|v| v.len() == dim).collect())
            .filter(|g: &Vec<Vec<f32>>| !g.is_empty())
            .collect();
        if groups.iter().filter(|g| g.len() >= 2).count() < 2 {
            return None;
        }
        let mean = mean_of(groups.iter().flatten(), dim);
        let (mut between, mut within) = (Vec::new(), Vec::new());
        for g in &groups {
            let c = mean_of(g.iter(), dim);
            between.push(sub(&c, &mean));
            if g.len() >= 2 {
                within.extend(g.iter().map(|v| sub(v, &c)));
            }
        }
        let refs: Vec<Vec<&[f32]>> = groups
            .iter()
            .map(|g| g.iter().map(Vec::as_slice).collect())
            .collect();
        Some(Shape {
            dim,
            mean,
            between,
            within,
            sizes: groups.iter().map(Vec::len).collect(),
            centre_cosine: centre_cosine(&refs),
        })
    }

    /// A random mix of four deviations with the spread of one.
    fn mix(&self, rng: &mut Rng, from: &[Vec<f32>], scale: f32) -> Vec<f32> {
        let mut out = vec![0f32; self.dim];
        for _ in 0..4 {
            let w = rng.gauss() * scale / 2.0;
            let d = &from[rng.below(from.len())];
            out.iter_mut().zip(d).for_each(|(o, x)| *o += w * x);
        }
        out
    }
}

/// One synthetic photo: the folder it is filed under, the identity it
/// shows (they differ once a problem is planted) and its face's vector.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthPhoto {
    pub folder: u32,
    pub identity: u32,
    /// The file name, unique in the whole dataset.
    pub name: String,
    pub vector: Vec<f32>,
}

/// A synthetic dataset: folder names and photos.
#[derive(Debug, Clone, PartialEq)]
pub struct Synth {
    pub dim: usize,
    pub folders: Vec<String>,
    pub photos: Vec<SynthPhoto>,
    /// Each identity's true centre (unit length), by identity: what no
    /// analysis can know, kept only to score an oracle against (`truth`).
    pub centres: Vec<Vec<f32>>,
}

impl Synth {
    /// `person/file` of photo `i`, as the store keys it.
    pub fn path(&self, i: usize) -> String {
        let p = &self.photos[i];
        format!("{}/{}", self.folders[p.folder as usize], p.name)
    }

    /// Photos per folder, in folder order (empty folders included).
    pub fn folder_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![0; self.folders.len()];
        for p in &self.photos {
            sizes[p.folder as usize] += 1;
        }
        sizes
    }

    /// Photo indices per folder, in folder order.
    pub fn members(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.folders.len()];
        for (i, p) in self.photos.iter().enumerate() {
            out[p.folder as usize].push(i);
        }
        out
    }

    /// Lets go of every photo's vector once the store holds them: the
    /// bench's own copy would count against the memory of the analysis it
    /// measures (0.5 GB at a million faces).
    pub fn forget_vectors(&mut self) {
        for p in &mut self.photos {
            p.vector = Vec::new();
        }
        self.forget_centres();
    }

    /// Lets go of the identities' true centres (0.2 GB at a million
    /// faces), which only the truth files need.
    pub fn forget_centres(&mut self) {
        self.centres = Vec::new();
    }

    /// As [`Shape::centre_cosine`], on the synthetic folders.
    pub fn centre_cosine(&self) -> Option<f32> {
        let groups: Vec<Vec<&[f32]>> = self
            .members()
            .into_iter()
            .map(|m| {
                m.iter()
                    .map(|&i| self.photos[i].vector.as_slice())
                    .collect()
            })
            .collect();
        centre_cosine(&groups)
    }
}

/// `faces` photos drawn from `shape` with `seed`; folder `p000000` onward,
/// one per identity.
pub fn generate(shape: &Shape, faces: usize, seed: u64) -> Synth {
    let mut rng = Rng::new(seed);
    let mut synth = Synth {
        dim: shape.dim,
        folders: Vec::new(),
        photos: Vec::with_capacity(faces),
        centres: Vec::new(),
    };
    while synth.photos.len() < faces {
        let identity = synth.folders.len() as u32;
        let size = shape.sizes[rng.below(shape.sizes.len())].min(faces - synth.photos.len());
        let dev = shape.mix(&mut rng, &shape.between, 1.0);
        let centre: Vec<f32> = shape.mean.iter().zip(&dev).map(|(m, d)| m + d).collect();
        let name = format!("p{identity:06}");
        for k in 0..size {
            let noise = shape.mix(&mut rng, &shape.within, WITHIN_SCALE);
            let v: Vec<f32> = centre.iter().zip(&noise).map(|(c, x)| c + x).collect();
            synth.photos.push(SynthPhoto {
                folder: identity,
                identity,
                name: format!("{name}_{:04}.jpg", k + 1),
                vector: normalized(&v),
            });
        }
        synth.folders.push(name);
        synth.centres.push(normalized(&centre));
    }
    synth
}

/// Mean cosine of each photo to its group's centroid (the unit mean), over
/// groups of at least [`CENTRE_MIN_PHOTOS`].
pub fn centre_cosine(groups: &[Vec<&[f32]>]) -> Option<f32> {
    let (mut sum, mut count) = (0f64, 0usize);
    for g in groups.iter().filter(|g| g.len() >= CENTRE_MIN_PHOTOS) {
        let dim = g[0].len();
        let c = normalized(&mean_of(g.iter().copied(), dim));
        for v in g {
            sum += f64::from(dot(v, &c));
            count += 1;
        }
    }
    (count > 0).then(|| (sum / count as f64) as f32)
}

fn mean_of<'a, V: AsRef<[f32]> + 'a>(vs: impl Iterator<Item = V>, dim: usize) -> Vec<f32> {
    let mut sum = vec![0f64; dim];
    let mut n = 0usize;
    for v in vs {
        sum.iter_mut()
            .zip(v.as_ref())
            .for_each(|(s, x)| *s += f64::from(*x));
        n += 1;
    }
    sum.iter().map(|s| (s / n.max(1) as f64) as f32).collect()
}

fn sub(a: &[f32], b: &[f32]) -> Vec<f32> {
    a.iter().zip(b).map(|(x, y)| x - y).collect()
}
