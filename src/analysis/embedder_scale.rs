//! Analysis thresholds for a workspace's embedder. Where an embedder puts
//! same- and different-person cosines differs between models (FaceNet's
//! different-person cosines spread half as wide again as SFace's), so the
//! cosine-scale thresholds have measured defaults per built-in embedder.
//! A declared embedder starts from SFace's; when a workspace runs one and
//! leaves those thresholds unset, the user is told (once) which to tune.

use super::settings::Settings;
use crate::config::{ConfigError, Workspace};
use serde::de::IgnoredAny;
use std::collections::BTreeMap;

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
    "inconsistent_cosine",
    "singleton_margin",
];

/// The defaults for a built-in embedder, or None for one they were not
/// measured on. SFace's are [`Settings::default`]. FaceNet 20170512's are
/// SFace's carried over to FaceNet's cosines on LFW's View-1 training split
/// by `python3 bench/embedder_thresholds.py FACENET_DUMP --reference
/// SFACE_DUMP` (its docstring has the rule for each key): different persons
/// mean 0.027, sd 0.141 (SFace 0.089, 0.089); same-person pairs median
/// 0.795 (SFace 0.700); the lowest of 100 injected copies 0.787 (SFace
/// 0.597). `bench/eval_analysis.py --embedder facenet` measured them
/// against SFace's values on FaceNet (bench/ANALYSIS.md).
pub fn defaults_for(embedder: &str) -> Option<Settings> {
    match embedder {
        "sface" => Some(Settings::default()),
        "facenet" => Some(Settings {
            different_mean: 0.027,
            different_sd: 0.141,
            same_mean: 0.694,
            same_sd: 0.106,
            duplicate_candidate_cosine: 0.606,
            similar_cosine: 0.953,
            split_link: 0.362,
            merge_min_cosine: 0.60,
            inconsistent_cosine: 0.42,
            singleton_margin: 0.60,
            ..Settings::default()
        }),
        _ => None,
    }
}

fn scale_field<'a>(settings: &'a mut Settings, key: &str) -> Option<&'a mut f32> {
    Some(match key {
        "different_mean" => &mut settings.different_mean,
        "different_sd" => &mut settings.different_sd,
        "same_mean" => &mut settings.same_mean,
        "same_sd" => &mut settings.same_sd,
        "duplicate_candidate_cosine" => &mut settings.duplicate_candidate_cosine,
        "similar_cosine" => &mut settings.similar_cosine,
        "split_link" => &mut settings.split_link,
        "merge_min_cosine" => &mut settings.merge_min_cosine,
        "inconsistent_cosine" => &mut settings.inconsistent_cosine,
        "singleton_margin" => &mut settings.singleton_margin,
        _ => return None,
    })
}

/// The workspace's `analysis:` settings: what the file sets, the rest from
/// its embedder's defaults; with a note when the embedder has no measured
/// defaults and some cosine-scale thresholds are left at SFace's values.
pub fn workspace_settings(ws: &Workspace) -> Result<(Settings, Option<String>), ConfigError> {
    let mut settings = ws.section::<Settings>("analysis")?.unwrap_or_default();
    let written: BTreeMap<String, IgnoredAny> = ws.section("analysis")?.unwrap_or_default();
    let unset: Vec<&str> = SCALE_KEYS
        .iter()
        .copied()
        .filter(|k| !written.contains_key(*k))
        .collect();
    let embedder = &ws.models.embedder;
    let Some(mut measured) = defaults_for(embedder) else {
        let note = (!unset.is_empty()).then(|| {
            format!(
                "the analysis thresholds were measured on sface's and facenet's cosines; `{embedder}` uses sface's as a start. Tune {} under `analysis:` in {} (see docs/REPORT.md)",
                unset.join(", "),
                ws.file.display()
            )
        });
        return Ok((settings, note));
    };
    for key in unset {
        if let (Some(to), Some(from)) = (
            scale_field(&mut settings, key),
            scale_field(&mut measured, key),
        ) {
            *to = *from;
        }
    }
    Ok((settings, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace of `text` over a `data` folder; `model` is an (empty)
    /// file beside it for a declared embedder to point at.
    fn workspace(text: &str) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("model.onnx"), b"").unwrap();
        let file = dir.path().join("workspace.yaml");
        let ws = Workspace::parse(&format!("dataset: data\n{text}"), &file).unwrap();
        (dir, ws)
    }

    #[test]
    fn sface_takes_the_defaults_without_a_note() {
        let (_dir, ws) = workspace("");
        assert_eq!(
            workspace_settings(&ws).unwrap(),
            (Settings::default(), None)
        );
    }

    #[test]
    fn facenet_takes_its_measured_scale_and_the_file_still_wins() {
        let (_dir, ws) = workspace("models: {embedder: facenet}\n");
        let (settings, note) = workspace_settings(&ws).unwrap();
        assert_eq!(note, None);
        assert_eq!(settings.different_sd, 0.141);
        assert_eq!(settings.merge_min_cosine, 0.60);
        // Thresholds that do not depend on the embedder stay as they are.
        assert_eq!(
            settings.copy_correlation,
            Settings::default().copy_correlation
        );

        let (_dir, ws) = workspace(
            "models: {embedder: facenet}\nanalysis: {merge_min_cosine: 0.7, flag_score: 12}\n",
        );
        let (settings, _) = workspace_settings(&ws).unwrap();
        assert_eq!(settings.merge_min_cosine, 0.7);
        assert_eq!(settings.flag_score, 12.0);
        assert_eq!(settings.split_link, 0.362);
    }

    #[test]
    fn a_declared_embedder_is_told_which_thresholds_to_tune() {
        let declared = "models:\n  embedder: mine\n  embedders:\n    mine:\n      model: model.onnx\n      width: 112\n      height: 112\n      layout: nchw\n      channels: rgb\n      normalize: {kind: prewhiten}\n      alignment: {kind: box, margin: 32}\n      output_dim: 128\n";
        let (_dir, ws) = workspace(&format!("{declared}analysis: {{split_link: 0.4}}\n"));
        let (settings, note) = workspace_settings(&ws).unwrap();
        assert_eq!(settings.split_link, 0.4);
        assert_eq!(settings.different_sd, Settings::default().different_sd);
        let note = note.expect("a note for an unmeasured embedder");
        assert!(
            note.contains("`mine`") && note.contains("merge_min_cosine"),
            "{note}"
        );
        assert!(!note.contains("split_link"), "{note}");
    }

    #[test]
    fn every_scale_key_names_a_field() {
        let mut s = Settings::default();
        for key in SCALE_KEYS {
            assert!(scale_field(&mut s, key).is_some(), "{key}");
        }
    }
}
