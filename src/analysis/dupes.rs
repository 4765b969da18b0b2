//! Copies of one photo: exact ones by content hash, near ones (re-encoded,
//! resized, cropped, brightened, mirrored) from embedding candidates
//! confirmed on the registered thumbs, told apart from similar shots.

use super::kinds::DuplicateKind;
use super::pixels::{self, Precheck};
use super::settings::Settings;

/// The verdict on one candidate pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    pub kind: DuplicateKind,
    pub cosine: f32,
    /// Registered thumb correlation (0 when the pre-check ruled it out).
    pub correlation: f32,
}

/// The registered correlation of a pair of faces that are at least
/// `duplicate_candidate_cosine` alike, or none when the pre-check rules the
/// pair out (no registration needed: not a copy, correlation 0).
pub fn registered(
    thumb_a: &[u8],
    pre_a: Option<&Precheck>,
    thumb_b: &[u8],
    pre_b: Option<&Precheck>,
    cosine: f32,
    settings: &Settings,
) -> Option<f32> {
    let (pa, pb) = (pre_a?, pre_b?);
    let (plain, mirrored) = pixels::precheck_pair(pa, pb);
    let give_up = settings.similar_correlation;
    let mut order = [(plain, false), (mirrored, true)];
    if mirrored > plain {
        order.swap(0, 1);
    }
    // A mirrored copy can pass the pre-check the wrong way round, so a
    // pair that passes is also registered the other way when that comes
    // close (most promising first).
    let bar = if cosine >= settings.duplicate_low_cosine {
        settings.duplicate_precheck
    } else {
        settings.duplicate_precheck_low_cosine
    };
    if order[0].0 < bar {
        return None;
    }
    let mut correlation = 0.0f32;
    for (pre, mirror) in order {
        if pre >= bar - 0.15 && correlation < settings.copy_correlation {
            correlation = correlation.max(pixels::registered_correlation(
                thumb_a, thumb_b, mirror, give_up,
            ));
        }
    }
    Some(correlation)
}

/// The verdict on a candidate pair from its registered `correlation` (0
/// when it was not registered); none when it is neither a copy nor a
/// similar shot.
pub fn verdict(correlation: f32, cosine: f32, settings: &Settings) -> Option<Verdict> {
    let kind = if correlation >= settings.copy_correlation {
        DuplicateKind::Copy
    } else if correlation >= settings.similar_correlation || cosine >= settings.similar_cosine {
        DuplicateKind::Similar
    } else {
        return None;
    };
    Some(Verdict {
        kind,
        cosine,
        correlation,
    })
}

pub use pixels::precheck;
