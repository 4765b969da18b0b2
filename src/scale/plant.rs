//! Known problems planted in a synthetic dataset, so that what the analysis
//! finds can be scored: photos filed under the wrong person (half under
//! the person they most resemble, half under a random one, as
//! `bench/eval_analysis.py` plants them in a real dataset), copies (another
//! photo's vector with a little noise, as a re-encoded file embeds) and
//! persons split across two folders. No photo is planted twice.

use super::rng::Rng;
use super::synth::Synth;
use crate::vector::{dot, normalized};
use rayon::prelude::*;

/// Misfiled photos are taken from folders of at least this many photos
/// (as `eval_analysis.py` does), so their own person stays recognisable.
const MISFILE_FROM_MIN: usize = 5;
/// A split folder has at least this many photos (two each side).
const SPLIT_MIN: usize = 4;
/// Per-dimension noise of a copy: cosine to its original about 0.9997.
const COPY_NOISE: f32 = 0.002;

/// How many problems of each kind a rate plants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// `rate` × photos.
    pub misfiled: usize,
    /// `rate` × photos.
    pub copies: usize,
    /// `rate` × persons.
    pub splits: usize,
}

impl Counts {
    pub fn at(rate: f64, photos: usize, persons: usize) -> Counts {
        let of = |n: usize| (rate * n as f64).round() as usize;
        Counts {
            misfiled: of(photos),
            copies: of(photos),
            splits: of(persons),
        }
    }
}

/// A photo moved into another person's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfiled {
    pub photo: usize,
    pub from: u32,
    pub to: u32,
    /// Filed under the person it most resembles (else a random one).
    pub nearest: bool,
}

/// What was planted, by photo index and folder index of the [`Synth`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planted {
    pub misfiled: Vec<Misfiled>,
    /// `(original, copy)`: the copy's vector is the original's, a little noisy.
    pub copies: Vec<(usize, usize)>,
    /// `(folder, new folder)`: every second photo of the folder moved to the new one.
    pub splits: Vec<(u32, u32)>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "cannot plant {wanted} {what} in {faces} faces (only {candidates} candidates); lower --plant-rate or raise --faces"
)]
pub struct PlantError {
    what: &'static str,
    wanted: usize,
    candidates: usize,
    faces: usize,
}

/// Plants `counts` problems in `synth` with `seed`.
pub fn plant(synth: &mut Synth, counts: Counts, seed: u64) -> Result<Planted, PlantError> {
    let mut rng = Rng::new(seed ^ 0x0070_6c61_6e74_6564);
    let mut used = vec![false; synth.photos.len()];
    let splits = plant_splits(synth, counts.splits, &mut rng, &mut used)?;
    let misfiled = plant_misfiled(synth, counts.misfiled, &mut rng, &mut used)?;
    let copies = plant_copies(synth, counts.copies, &mut rng, &mut used)?;
    Ok(Planted {
        misfiled,
        copies,
        splits,
    })
}

/// `n` of `candidates` in random order, or an error naming `what`.
fn take(
    synth: &Synth,
    mut candidates: Vec<usize>,
    n: usize,
    what: &'static str,
    rng: &mut Rng,
) -> Result<Vec<usize>, PlantError> {
    if candidates.len() < n {
        return Err(PlantError {
            what,
            wanted: n,
            candidates: candidates.len(),
            faces: synth.photos.len(),
        });
    }
    rng.shuffle(&mut candidates);
    candidates.truncate(n);
    Ok(candidates)
}

fn plant_splits(
    synth: &mut Synth,
    n: usize,
    rng: &mut Rng,
    used: &mut [bool],
) -> Result<Vec<(u32, u32)>, PlantError> {
    let members = synth.members();
    let big: Vec<usize> = (0..members.len())
        .filter(|&f| members[f].len() >= SPLIT_MIN)
        .collect();
    let chosen = take(synth, big, n, "split persons", rng)?;
    let mut out = Vec::with_capacity(n);
    for f in chosen {
        let new = synth.folders.len() as u32;
        synth.folders.push(format!("{}_b", synth.folders[f]));
        for (k, &i) in members[f].iter().enumerate() {
            used[i] = true;
            if k % 2 == 1 {
                synth.photos[i].folder = new;
            }
        }
        out.push((f as u32, new));
    }
    Ok(out)
}

fn plant_misfiled(
    synth: &mut Synth,
    n: usize,
    rng: &mut Rng,
    used: &mut [bool],
) -> Result<Vec<Misfiled>, PlantError> {
    let sizes = synth.folder_sizes();
    let candidates: Vec<usize> = (0..synth.photos.len())
        .filter(|&i| !used[i] && sizes[synth.photos[i].folder as usize] >= MISFILE_FROM_MIN)
        .collect();
    let chosen = take(synth, candidates, n, "misfiled photos", rng)?;
    let nearest_half = n / 2;
    let nearest = nearest_folders(synth, &chosen[..nearest_half]);
    let mut out = Vec::with_capacity(n);
    for (k, &i) in chosen.iter().enumerate() {
        let from = synth.photos[i].folder;
        let to = match nearest.get(k) {
            Some(&f) => f,
            None => random_other(synth, from, rng),
        };
        used[i] = true;
        synth.photos[i].folder = to;
        out.push(Misfiled {
            photo: i,
            from,
            to,
            nearest: k < nearest_half,
        });
    }
    Ok(out)
}

/// A folder other than `from`, of another identity (not `from`'s other half).
fn random_other(synth: &Synth, from: u32, rng: &mut Rng) -> u32 {
    let own = synth.folders[from as usize].as_str();
    loop {
        let f = rng.below(synth.folders.len()) as u32;
        let name = synth.folders[f as usize].as_str();
        if f != from && !name.starts_with(own) && !own.starts_with(name) {
            return f;
        }
    }
}

/// For each photo, the other folder whose centre (unit mean) it resembles
/// most, by brute force over every folder.
fn nearest_folders(synth: &Synth, photos: &[usize]) -> Vec<u32> {
    if photos.is_empty() {
        return Vec::new();
    }
    let centres: Vec<Vec<f32>> = synth
        .members()
        .par_iter()
        .map(|m| {
            let mut sum = vec![0f32; synth.dim];
            for &i in m {
                sum.iter_mut()
                    .zip(&synth.photos[i].vector)
                    .for_each(|(s, x)| *s += x);
            }
            normalized(&sum)
        })
        .collect();
    photos
        .par_iter()
        .map(|&i| {
            let p = &synth.photos[i];
            let own = synth.folders[p.folder as usize].as_str();
            let other = |f: &usize| {
                let name = synth.folders[*f].as_str();
                *f != p.folder as usize && !name.starts_with(own) && !own.starts_with(name)
            };
            // The name test only for a folder that would win: comparing
            // names with every folder dominated a million-face run.
            let mut best: Option<(usize, f32)> = None;
            for (f, centre) in centres.iter().enumerate() {
                let s = dot(&p.vector, centre);
                if best.is_none_or(|(_, b)| s > b) && other(&f) {
                    best = Some((f, s));
                }
            }
            best.map_or(p.folder, |(f, _)| f as u32)
        })
        .collect()
}

fn plant_copies(
    synth: &mut Synth,
    n: usize,
    rng: &mut Rng,
    used: &mut [bool],
) -> Result<Vec<(usize, usize)>, PlantError> {
    let candidates: Vec<usize> = (0..synth.photos.len()).filter(|&i| !used[i]).collect();
    let chosen = take(synth, candidates, 2 * n, "copies (two photos each)", rng)?;
    let mut out = Vec::with_capacity(n);
    for (k, pair) in chosen.chunks_exact(2).enumerate() {
        let (original, copy) = (pair[0], pair[1]);
        let noisy: Vec<f32> = synth.photos[original]
            .vector
            .iter()
            .map(|x| x + COPY_NOISE * rng.gauss())
            .collect();
        let src = synth.photos[original].clone();
        let c = &mut synth.photos[copy];
        c.vector = normalized(&noisy);
        c.identity = src.identity;
        // Half beside the original, half filed under another person.
        if k % 2 == 0 {
            c.folder = src.folder;
        }
        used[original] = true;
        used[copy] = true;
        out.push((original, copy));
    }
    Ok(out)
}
