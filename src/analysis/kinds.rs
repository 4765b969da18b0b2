//! The words of a report: the flags a photo or person can carry and the
//! kinds of duplicate. A leaf of its own because every part of the analysis
//! names them (the duplicate checks, the state, the report), and living in
//! any one of those parts made the others import it in a circle.

use serde::{Deserialize, Serialize};

/// Everything a report can say about a photo or a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    /// A folder of two to four photos whose faces do not all look like one
    /// person (on the person); on a photo: no other photo of its folder
    /// reaches `inconsistent_cosine` with it.
    Inconsistent,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateKind {
    /// Same file content.
    Exact,
    /// The same photo re-encoded, resized, cropped, brightened or mirrored.
    Copy,
    /// Not one photo, but nearly the same shot (burst frames, one session).
    Similar,
}
