//! Per-person fits kept between retrainings, so that a label change refits
//! only the persons it touches.
//!
//! In one-vs-rest, person k's fits (the model on every photo and one per
//! cross-validation fold) are a pure function of the photos, which of them
//! are k's, the fold of each photo ([`super::keys`]) and the settings. Each
//! person's fits are stored under a digest of exactly those inputs: moving
//! a photo from A to B changes A's and B's digests only, while adding or
//! removing any photo changes every person's negatives and so every digest.
//! A hit is the very fit a refit would compute. The cache lives next to the
//! model, in JSON with every float as its bit pattern (exact on reload),
//! written by atomic rename; a corrupt or foreign file is ignored with a
//! warning, never fatal.

use super::error::ClassifyError;
use super::eval;
use super::fit_bits::Bits;
use super::keys::{self, Sticky};
use super::model_file::{Decision, KernelKind};
use super::nearest;
use super::platt::Sigmoid;
use super::samples::Samples;
use super::summary::{ClassEval, Photos, Tally};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The cache's file name inside the state folder.
pub const FILE_NAME: &str = "classifier-fits.json";
const FORMAT: &str = "facecurate-fit-cache";
/// Bumped whenever a fit's inputs or solver change meaning (it is hashed
/// into every key too, so an old entry can never match).
const VERSION: u32 = 1;

/// The cache file inside `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// One person's fits: on every photo, and per cross-validation fold (None
/// where the fold's training photos hold none of the person's, or only them),
/// with the Platt sigmoid of their out-of-sample values (None: too few).
#[derive(Debug, Clone, PartialEq)]
pub struct ClassFits {
    pub full: Decision,
    pub folds: Vec<Option<Decision>>,
    pub platt: Option<Sigmoid>,
}

/// Fits by digest, and each photo's fold and held-out side by key
/// ([`super::keys`]); `touched` are the fits used since loading or the last
/// [`FitCache::prune`].
#[derive(Debug, Clone, Default)]
pub struct FitCache {
    entries: HashMap<String, ClassFits>,
    touched: HashSet<String>,
    folds: Sticky,
    /// 1: held out of the evaluation's training photos.
    held_out: Sticky,
    /// Per-photo tallies of out-of-sample probabilities by the digest of
    /// the photos and folds they were made on (in memory only: a cache read
    /// from its file tallies afresh once).
    tallies: HashMap<[u8; 32], Tallied>,
    /// The linear fits' nearest persons, by the same digest, with the
    /// centroids they were found from (in memory only too).
    nearest: HashMap<[u8; 32], Nearest>,
    /// The digests used since loading or the last prune.
    runs_touched: HashSet<[u8; 32]>,
}

type Nearest = (Vec<Vec<f32>>, Vec<Vec<(f64, u32)>>);

/// Tallies and the persons' parts they were made under.
#[derive(Debug, Clone)]
struct Tallied {
    kernel: KernelKind,
    classes: Vec<ClassEval>,
    tallies: Vec<Tally>,
}

/// What a person's fits depend on, beside which photos are theirs.
pub struct FitInputs {
    /// Digest of every photo's vector and fold, in sample order.
    data: [u8; 32],
    kernel: KernelKind,
    c: f64,
}

impl FitInputs {
    pub fn new(x: &[Vec<f32>], fold_of: &[usize], kernel: KernelKind, c: f64) -> FitInputs {
        // Blocks of photos digested in parallel, then the digests in order.
        let blocks: Vec<[u8; 32]> = x
            .par_chunks(4096)
            .zip(fold_of.par_chunks(4096))
            .map(|(xs, folds)| {
                let mut h = blake3::Hasher::new();
                let mut bytes = Vec::new();
                for (v, &fold) in xs.iter().zip(folds) {
                    bytes.clear();
                    bytes.extend_from_slice(&(fold as u64).to_le_bytes());
                    bytes.extend_from_slice(&(v.len() as u64).to_le_bytes());
                    bytes.extend(v.iter().flat_map(|f| f.to_le_bytes()));
                    h.update(&bytes);
                }
                *h.finalize().as_bytes()
            })
            .collect();
        let mut h = blake3::Hasher::new();
        h.update(&(x.len() as u64).to_le_bytes());
        blocks.iter().for_each(|b| {
            h.update(b);
        });
        FitInputs {
            data: *h.finalize().as_bytes(),
            kernel,
            c,
        }
    }

    /// The key of the linear fits of a person whose photos are `positives`
    /// and whose problem's rows have the digest `problem` ([`linear`]).
    pub fn key_within(&self, positives: &[usize], problem: &[u8; 32]) -> String {
        let mut h = blake3::Hasher::new();
        h.update(b"linear-dcd");
        h.update(self.key(positives).as_bytes());
        h.update(problem);
        h.finalize().to_hex().to_string()
    }

    /// The digest of the photos and their folds.
    pub fn data(&self) -> [u8; 32] {
        self.data
    }

    /// The key of the fits whose positives are the samples `positives`.
    pub fn key(&self, positives: &[usize]) -> String {
        let mut h = blake3::Hasher::new();
        h.update(FORMAT.as_bytes());
        h.update(&VERSION.to_le_bytes());
        h.update(&self.data);
        let gamma = match self.kernel {
            KernelKind::Linear => f64::NAN,
            KernelKind::Rbf { gamma } => gamma,
        };
        h.update(&gamma.to_bits().to_le_bytes());
        h.update(&self.c.to_bits().to_le_bytes());
        for &r in positives {
            h.update(&(r as u64).to_le_bytes());
        }
        h.finalize().to_hex().to_string()
    }
}

impl FitCache {
    /// The fold of each photo (`keys`, with their persons' `labels`): the
    /// one it had before, else where its person has fewest
    /// ([`keys::deal`]); remembered for the next run.
    pub fn folds(&mut self, keys: &[u64], labels: &[usize], folds: usize) -> Vec<usize> {
        self.folds
            .deal(keys, labels, folds, &keys::fold_quota(folds))
    }

    /// Every photo's tally under the persons `classes`: those kept for the
    /// same photos and folds brought up to date (only the persons whose
    /// parts changed are redone), else made afresh; kept for the next run.
    pub fn tallies(&mut self, data: [u8; 32], photos: &Photos, classes: &[ClassEval]) -> &[Tally] {
        self.runs_touched.insert(data);
        let fresh = || Tallied {
            kernel: photos.kernel,
            classes: classes.to_vec(),
            tallies: photos.tally_all(classes),
        };
        let entry = self.tallies.entry(data).or_insert_with(fresh);
        let comparable = entry.kernel == photos.kernel
            && entry.classes.len() == classes.len()
            && entry.tallies.len() == photos.x.len();
        if !comparable {
            *entry = fresh();
        } else if entry.classes != classes {
            photos.update(&mut entry.tallies, &entry.classes, classes);
            entry.classes = classes.to_vec();
        }
        &entry.tallies
    }

    /// Each person's nearest persons by `centroids` ([`nearest::nearest`]),
    /// brought up to date from those kept for the same digest.
    pub fn nearest(&mut self, data: [u8; 32], centroids: Vec<Vec<f32>>) -> Vec<Vec<u32>> {
        self.runs_touched.insert(data);
        let (old, lists) = match self.nearest.remove(&data) {
            Some((old, mut lists)) if old.len() == centroids.len() => {
                nearest::update_nearest(&mut lists, &old, &centroids);
                (centroids, lists)
            }
            _ => {
                let lists = nearest::all_nearest(&centroids);
                (centroids, lists)
            }
        };
        let out = lists
            .iter()
            .map(|l| l.iter().map(|e| e.1).collect())
            .collect();
        self.nearest.insert(data, (old, lists));
        out
    }

    /// The evaluation's (training rows, held-out rows): `fraction` of each
    /// person's photos held out, as [`eval::test_count`] rounds it, a photo
    /// held out before staying held out (and one trained on, trained on).
    pub fn held_out(&mut self, samples: &Samples, fraction: f64) -> (Vec<usize>, Vec<usize>) {
        let keys = samples.keys();
        let quota = |n: usize| {
            let test = eval::test_count(n, fraction);
            vec![(n - test) as f64, test as f64]
        };
        let side = self.held_out.deal(&keys, &samples.labels, 2, &quota);
        (0..samples.len()).partition(|&r| side[r] == 0)
    }

    /// The fits under `key`, if they have the shape asked for (`dim`-wide
    /// vectors, `folds` folds); anything else is a miss.
    pub fn get(&self, key: &str, dim: usize, folds: usize) -> Option<&ClassFits> {
        let fits = self.entries.get(key)?;
        let decisions = std::iter::once(&fits.full).chain(fits.folds.iter().flatten());
        let fits_dim = |d: &Decision| match d {
            Decision::Linear { w, .. } => w.len() == dim,
            Decision::Kernel { support, coef, .. } => {
                coef.len() == support.len() && support.iter().all(|s| s.len() == dim)
            }
        };
        (fits.folds.len() == folds && decisions.into_iter().all(fits_dim)).then_some(fits)
    }

    /// Stores (or confirms) the fits under `key`, kept at the next save.
    pub fn insert(&mut self, key: String, fits: ClassFits) {
        self.touched.insert(key.clone());
        self.entries.insert(key, fits);
    }

    /// Marks the entry under `key` as still in use.
    pub fn touch(&mut self, key: &str) {
        if self.entries.contains_key(key) {
            self.touched.insert(key.to_string());
        }
    }

    /// Forgets the entries neither used nor made since loading or the last
    /// prune (they belong to labels that no longer exist), and starts a new
    /// round of use.
    pub fn prune(&mut self) {
        let touched = std::mem::take(&mut self.touched);
        self.entries.retain(|k, _| touched.contains(k));
        let touched = std::mem::take(&mut self.runs_touched);
        self.tallies.retain(|k, _| touched.contains(k));
        self.nearest.retain(|k, _| touched.contains(k));
        self.folds.prune();
        self.held_out.prune();
    }

    /// Drops every fit (and tally) but keeps the photos' folds: the next run refits
    /// everybody on the same folds (what a cached run must equal).
    pub fn forget_fits(&mut self) {
        self.entries.clear();
        self.touched.clear();
        self.tallies.clear();
        self.nearest.clear();
        self.runs_touched.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The cache saved at `path`; an empty one when there is none, or when
    /// the file is not a cache of this version (with a warning on stderr).
    pub fn load_or_empty(path: &Path) -> FitCache {
        match FitCache::load(path) {
            Ok(cache) => cache,
            Err(e) => {
                eprintln!("facecurate: warning: {}: ignored ({e})", path.display());
                FitCache::default()
            }
        }
    }

    /// Reads a cache file; a missing file is an empty cache.
    pub fn load(path: &Path) -> Result<FitCache, String> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FitCache::default()),
            Err(e) => return Err(format!("cannot read it: {e}")),
        };
        let doc: FileDoc = serde_json::from_slice(&bytes)
            .map_err(|e| format!("not a fit cache (corrupt or truncated?): {e}"))?;
        if doc.format != FORMAT || doc.version != VERSION {
            return Err(format!(
                "a {} file of version {}, not a {FORMAT} of version {VERSION}",
                doc.format, doc.version
            ));
        }
        let entries = doc
            .entries
            .into_iter()
            .map(|e| {
                let fits = ClassFits {
                    full: e.full.into(),
                    folds: e.folds.into_iter().map(|f| f.map(Decision::from)).collect(),
                    platt: e.platt.map(|[a, b]| Sigmoid {
                        a: f64::from_bits(a),
                        b: f64::from_bits(b),
                    }),
                };
                (e.key, fits)
            })
            .collect();
        Ok(FitCache {
            entries,
            touched: HashSet::new(),
            folds: Sticky::from_pairs(doc.fold_count, &doc.folds),
            held_out: Sticky::from_pairs(2, &doc.held_out),
            ..FitCache::default()
        })
    }

    /// Writes every entry to `path`, through a temporary file renamed over it.
    pub fn save(&self, path: &Path) -> Result<(), ClassifyError> {
        let fail = |cause: String| ClassifyError::ModelFile {
            path: path.to_path_buf(),
            cause,
        };
        let mut all: Vec<(&String, &ClassFits)> = self.entries.iter().collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        let entries = all
            .into_iter()
            .map(|(k, f)| Entry {
                key: k.clone(),
                full: Bits::from(&f.full),
                folds: f.folds.iter().map(|d| d.as_ref().map(Bits::from)).collect(),
                platt: f.platt.map(|s| [s.a.to_bits(), s.b.to_bits()]),
            })
            .collect();
        let (fold_count, folds) = self.folds.pairs();
        let doc = FileDoc {
            format: FORMAT.to_string(),
            version: VERSION,
            entries,
            fold_count,
            folds,
            held_out: self.held_out.pairs().1,
        };
        let text = serde_json::to_vec(&doc).map_err(|e| fail(e.to_string()))?;
        let tmp = PathBuf::from(format!("{}.tmp", path.display()));
        std::fs::write(&tmp, text).map_err(|e| fail(format!("cannot write: {e}")))?;
        std::fs::rename(&tmp, path).map_err(|e| fail(format!("cannot write: {e}")))
    }
}

#[derive(Serialize, Deserialize)]
struct FileDoc {
    format: String,
    version: u32,
    entries: Vec<Entry>,
    fold_count: usize,
    /// (photo key, fold)
    folds: Vec<[u64; 2]>,
    /// (photo key, 1 when held out of the evaluation's training)
    held_out: Vec<[u64; 2]>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    full: Bits,
    folds: Vec<Option<Bits>>,
    /// The sigmoid's a and b.
    platt: Option<[u64; 2]>,
}

#[cfg(test)]
#[path = "fit_cache_tests.rs"]
mod tests;
