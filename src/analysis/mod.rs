//! Curation analysis: which photos do not belong to their person (outliers,
//! likely mislabels naming where they belong), which folders hold two people
//! or are one person under two names, which photos are copies of each other,
//! and which photos have no usable face.
//!
//! It works on [`PhotoRecord`]s only (no files, no store), so any front end
//! can feed it. [`analyze`] runs everything at once; [`Analysis`] keeps the
//! state so that [`Analysis::update`] after adding, moving or deleting a
//! photo recomputes only the persons involved and that photo's neighbours.
//! Thresholds live in [`Settings`]; the flags a report uses are [`Flag`].

mod dupes;
pub mod embedder_scale;
mod faces;
mod groups;
pub(crate) mod hnsw;
mod identity;
pub mod memo;
mod pixels;
mod report;
pub(crate) mod search;
mod settings;
pub(crate) mod similarity;
mod state;

pub use memo::PairMemo;
pub use report::{DuplicateKind, DuplicateReport, PersonReport, PhotoReport, Report};
pub use settings::Settings;
pub use state::{Analysis, Change};

use crate::records::PhotoRecord;
use serde::Serialize;

/// Everything a report can say about a photo or a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Another person explains the photo better; `suggested_person` names it.
    Mislabel,
    /// The photo does not fit its person and matches nobody else.
    Outlier,
    /// Same bytes or a copy (re-encoded, resized, cropped, brightened,
    /// mirrored) of another photo; see `duplicates`.
    Duplicate,
    /// The folder holds two or more groups of faces (on a person), or the
    /// photo is outside the folder's largest group (on a photo).
    Split,
    /// The folder is the same person as another folder (`merge_with`). On
    /// a photo: its folder is, and the photo is scored as a photo of the
    /// merged person (it is flagged `mislabel` only if it fits neither).
    Merge,
    /// No face found.
    NoFace,
    /// The photo could not be read or processed.
    Error,
    /// More than one face; the one matching the person best is used.
    MultiFace,
    /// Two faces of the photo match the person about equally well.
    AmbiguousFace,
    /// The face used is smaller than `tiny_face_px`.
    TinyFace,
    /// The face used was detected with a low score.
    LowScore,
}

impl Flag {
    /// Flags that count as problems for `facecurate lint` (the others are
    /// informational: many good photos have a second face in the background).
    pub fn is_problem(self) -> bool {
        !matches!(self, Flag::MultiFace | Flag::TinyFace | Flag::LowScore)
    }
}

/// Runs the whole analysis over `records` on all cores.
pub fn analyze(records: &[PhotoRecord], settings: &Settings) -> Report {
    Analysis::new(records.to_vec(), settings.clone()).report()
}

#[cfg(test)]
mod tests;
