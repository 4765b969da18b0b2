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

/// One face by content, as a number: numbers keep the memo's hundreds of
/// thousands of pairs cheap to load, look up and save (text keys were most
/// of a warm analysis). 64 bits make a collision unlikely even among
/// millions of faces (about n²/2⁶⁵), and one would have to hit a
/// remembered pair on both sides to matter.
pub type FaceKey = u64;

/// A photo's content as a number: the first 8 bytes of the BLAKE3 of its
/// content hash; `None` without one.
pub fn content_key(hash: &str) -> Option<u64> {
    if hash.is_empty() {
        return None;
    }
    let digest = blake3::hash(hash.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_bytes()[..8]);
    Some(u64::from_le_bytes(first))
}

/// Face `face` of the photo whose content is `content` (a SplitMix64
/// finaliser, so the faces of one photo land far apart).
pub fn face_key(content: u64, face: usize) -> FaceKey {
    let mut z = content ^ (face as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
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
