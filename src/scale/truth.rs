//! The ground truth of a synthetic dataset, written as plain arrays for a
//! script to score against (`bench/planted_oracle.py`). The bench scores
//! the analysis against what was planted; how well any ranking could do on
//! the same faces is a separate question, answered by an oracle that
//! knows what no analysis can: every identity's true centre. Keeping the
//! arrays out of the bench keeps its memory figure that of the analysis.

use super::plant::Planted;
use super::synth::Synth;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// What each photo is, as the truth files number it.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Filed under its own person.
    Genuine = 0,
    /// Filed under the person it most resembles.
    MisfiledNearest = 1,
    /// Filed under a random other person.
    MisfiledRandom = 2,
    /// A planted copy (left out of the photo ranking's score).
    Copy = 3,
}

/// Each photo's kind, by photo index.
pub fn kinds(synth: &Synth, planted: &Planted) -> Vec<Kind> {
    let mut out = vec![Kind::Genuine; synth.photos.len()];
    for m in &planted.misfiled {
        out[m.photo] = if m.nearest {
            Kind::MisfiledNearest
        } else {
            Kind::MisfiledRandom
        };
    }
    for &(_, copy) in &planted.copies {
        out[copy] = Kind::Copy;
    }
    out
}

/// Writes into `dir` (made when missing), little-endian:
/// `vectors.f32` (photos × dim), `centres.f32` (identities × dim),
/// `folders.u32` and `identities.u32` (per photo), `kinds.u8` (per photo,
/// [`Kind`]) and `truth.json` (the counts and the folder of each split).
pub fn write(dir: &Path, synth: &Synth, planted: &Planted) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let vectors = synth.photos.iter().flat_map(|p| &p.vector);
    write_words(&dir.join("vectors.f32"), vectors.map(|x| x.to_le_bytes()))?;
    let centres = synth.centres.iter().flatten();
    write_words(&dir.join("centres.f32"), centres.map(|x| x.to_le_bytes()))?;
    let folders = synth.photos.iter().map(|p| p.folder.to_le_bytes());
    write_words(&dir.join("folders.u32"), folders)?;
    let identities = synth.photos.iter().map(|p| p.identity.to_le_bytes());
    write_words(&dir.join("identities.u32"), identities)?;
    let kinds: Vec<u8> = kinds(synth, planted).into_iter().map(|k| k as u8).collect();
    fs::write(dir.join("kinds.u8"), kinds)?;
    let meta = serde_json::json!({
        "photos": synth.photos.len(),
        "dim": synth.dim,
        "identities": synth.centres.len(),
        "folders": synth.folders.len(),
        "misfiled": planted.misfiled.len(),
        "copies": planted.copies.len(),
        "splits": planted.splits,
    });
    fs::write(dir.join("truth.json"), meta.to_string())
}

/// Writes 4-byte values, each already little-endian, to `path`.
fn write_words(path: &Path, words: impl Iterator<Item = [u8; 4]>) -> io::Result<()> {
    let mut w = BufWriter::new(fs::File::create(path)?);
    for word in words {
        w.write_all(&word)?;
    }
    w.flush()
}
