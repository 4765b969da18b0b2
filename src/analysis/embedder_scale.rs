//! Analysis thresholds for a workspace's embedder. The defaults in
//! [`Settings`] were measured on SFace's cosines; another embedder's
//! unit-length vectors live on the same cosine scale, so the defaults are a
//! sensible start, but the typical same- and different-person cosines differ
//! between models. When a workspace runs another embedder and leaves those
//! thresholds unset, the user is told (once) which ones to tune.

use super::Settings;
use crate::config::{ConfigError, Workspace};
use serde::de::IgnoredAny;
use std::collections::BTreeMap;

/// The embedders the defaults were measured on.
pub const MEASURED_ON: &[&str] = &["sface"];

/// The thresholds that depend on where a model puts same- and
/// different-person cosines.
pub const SCALE_KEYS: &[&str] = &[
    "different_mean",
    "different_sd",
    "same_mean",
    "same_sd",
    "duplicate_candidate_cosine",
    "similar_cosine",
    "split_link",
    "merge_min_cosine",
];

/// The workspace's `analysis:` settings, with a note when its embedder was
/// not measured and some cosine-scale thresholds are left at SFace's values.
pub fn workspace_settings(ws: &Workspace) -> Result<(Settings, Option<String>), ConfigError> {
    let settings = ws.section::<Settings>("analysis")?.unwrap_or_default();
    let written: BTreeMap<String, IgnoredAny> = ws.section("analysis")?.unwrap_or_default();
    let unset: Vec<&str> = SCALE_KEYS
        .iter()
        .copied()
        .filter(|k| !written.contains_key(*k))
        .collect();
    let embedder = &ws.models.embedder;
    let note = (!MEASURED_ON.contains(&embedder.as_str()) && !unset.is_empty()).then(|| {
        format!(
            "the analysis thresholds were measured on sface's cosines; `{embedder}` uses them as a start. Tune {} under `analysis:` in {} (see `bench/eval_analysis.py`)",
            unset.join(", "),
            ws.file.display()
        )
    });
    Ok((settings, note))
}
