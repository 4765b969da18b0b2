//! Registered correlations of candidate pairs, remembered between runs.
//!
//! Registration is most of what a full analysis costs on a warm store
//! (tens of thousands of candidate pairs on a 10k-photo dataset), yet its
//! result depends only on the two faces' thumbs and a few settings. A pair
//! is therefore known by the content of its two faces (photo hash and face
//! index), which survives moves and renames, and a memo is only valid for
//! the [`tag`] it was made under.

use super::settings::Settings;
use std::collections::HashMap;

/// Bumped whenever the pixel comparison changes what it computes.
const PIXELS_VERSION: &str = "pixels-v3";

/// One face by content: `"<photo hash>:<face index>"`.
pub type FaceKey = String;

pub fn face_key(hash: &str, face: usize) -> FaceKey {
    format!("{hash}:{face}")
}

/// The two faces of a pair in the order the memo keeps them.
pub fn pair_key(a: FaceKey, b: FaceKey) -> (FaceKey, FaceKey) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Correlations of registered pairs, and whether this run changed them.
#[derive(Debug, Clone, Default)]
pub struct PairMemo {
    pub correlations: HashMap<(FaceKey, FaceKey), f32>,
    /// True when the memo now differs from what it was built from (new
    /// pairs registered, or pairs no longer candidates dropped).
    pub changed: bool,
}

impl PairMemo {
    pub fn new(correlations: HashMap<(FaceKey, FaceKey), f32>) -> PairMemo {
        PairMemo {
            correlations,
            changed: false,
        }
    }

    pub fn get(&self, key: &(FaceKey, FaceKey)) -> Option<f32> {
        self.correlations.get(key).copied()
    }

    pub fn len(&self) -> usize {
        self.correlations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.correlations.is_empty()
    }
}

/// What a remembered correlation depends on besides the thumbs: the
/// comparison's version and every setting that decides whether a pair is
/// registered and when registration gives up. The embedder and detector
/// are the store's fingerprint, kept alongside.
pub fn tag(s: &Settings) -> String {
    format!(
        "{PIXELS_VERSION}|{}|{}|{}|{}|{}",
        s.duplicate_precheck,
        s.duplicate_low_cosine,
        s.duplicate_precheck_low_cosine,
        s.copy_correlation,
        s.similar_correlation
    )
}
