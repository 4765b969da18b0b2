//! `facecurate bench scale`: how the live parts (the analysis from the
//! store, a warm `report --json`, one-photo updates, the terminal UI, the
//! classifier) behave at 10k, 100k or 1M faces, without a dataset that
//! large. Real datasets of that size cannot be shipped or embedded for a
//! benchmark, so this module makes one: synthetic SFace-like vectors shaped
//! on a real `embed --json` dump (its identities, its within-person spread,
//! its folder sizes), with known problems planted at a stated rate, written
//! through the real store API into a real workspace. The photo files
//! themselves are absent; the timed stages therefore read the store
//! directly and never reconcile it against the dataset folder.
//!
//! `synth` draws the faces, `plant` plants the problems, `run` writes the
//! workspace and times the stages, `measure` scores the analysis against
//! what was planted and against brute-force search, `truth` writes what
//! only the generator knows, for an oracle to score against.

pub mod measure;
pub mod plant;
mod rng;
pub mod run;
pub mod synth;
pub mod truth;

pub use rng::Rng;
