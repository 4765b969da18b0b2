//! Keeping the store in step with the dataset folder: a full scan
//! ([`scan::scan`]) and live watching ([`watch::Watcher`]) share one
//! reconciliation that stats first, hashes only what changed, recognises
//! moves by content hash and sends only new content through the pipeline.
//!
//! What changed is reported as [`Changes`] (which photos, which persons) so
//! the analyses and the TUI can update just those; the store is always
//! committed before anyone hears about a change.

mod batches;
mod changes;
pub mod engine;
mod listing;
mod outcome;
pub mod scan;
mod settle;
pub mod shard;
mod store_guard;
mod triage;
pub mod watch;
mod watch_moves;

use crate::config::Workspace;
use crate::models::Manifest;
use crate::pipeline::detect::DetectSettings;
use std::path::{Path, PathBuf};

pub use changes::{Changes, person_of};
pub use engine::{Engine, LazyEngine};
pub use listing::list_person;
pub use outcome::{Progress, ScanError, ScanOutcome, ScanSummary};
pub use scan::{scan, scan_part};
pub use shard::Shard;
pub use watch::{DatasetEvent, Watcher};

/// Bumped whenever decoding, alignment, the thumb or the embedding
/// normalisation change what the pipeline produces for the same photo, so
/// stores re-embed instead of mixing old and new vectors.
pub const PIPELINE_VERSION: &str =
    "exif-rgb8|yunet-pad32|align112-arcface|sface-l2|thumb64-gray|v2";

/// Identifies everything that decides a photo's faces: the models' sha256
/// and the detection settings. Content processed under another
/// fingerprint is re-embedded.
pub fn fingerprint(
    detector_sha256: &str,
    embedder_sha256: &str,
    detect: &DetectSettings,
) -> String {
    let text = format!(
        "{PIPELINE_VERSION}|det={detector_sha256}|emb={embedder_sha256}|score={}|nms={}|max_side={}",
        detect.score_threshold, detect.nms_threshold, detect.max_side
    );
    crate::models::hash::sha256_bytes(text.as_bytes())[..16].to_string()
}

/// The fingerprint of a workspace's pipeline. Built-in models are
/// identified by the sha256 the manifest pins (provisioning verifies the
/// files against it); a declared model by its file's content hash, and a
/// declared or non-default embedder also by its spec, so editing either
/// re-embeds.
pub fn workspace_fingerprint(ws: &Workspace, manifest: &Manifest) -> Result<String, String> {
    fingerprint_models(&ws.models, manifest).map(|(det, emb)| fingerprint(&det, &emb, &ws.detect))
}

/// What identifies the workspace's embedder: its vectors are comparable
/// only with vectors made under the same identity (the classifier checks it).
pub fn embedder_identity(ws: &Workspace, manifest: &Manifest) -> Result<String, String> {
    fingerprint_models(&ws.models, manifest).map(|(_, emb)| emb)
}

fn fingerprint_models(
    models: &crate::config::ModelSettings,
    manifest: &Manifest,
) -> Result<(String, String), String> {
    let pinned = |name: &str| {
        manifest
            .get(name)
            .map(|a| a.sha256.clone())
            .unwrap_or_else(|| name.to_string())
    };
    let content = |path: &Path| {
        crate::records::hash_file(path)
            .map(|h| format!("blake3:{h}"))
            .map_err(|e| format!("{}: cannot read the model: {e}", path.display()))
    };
    let detector = match models.declared_detector() {
        Some(model) => {
            let hashes: Result<Vec<String>, String> =
                model.files().into_iter().map(content).collect();
            format!("{}:{}", model.kind(), hashes?.join("+"))
        }
        None if models.detector == "mtcnn" => {
            let shas: Vec<String> = crate::config::MTCNN_NAMES
                .iter()
                .map(|n| pinned(n))
                .collect();
            format!("mtcnn:{}", shas.join("+"))
        }
        None => pinned(&models.detector),
    };
    let embedder = match models.declared_embedder() {
        Some(spec) => format!("{}|{}", content(&spec.model)?, spec_identity(spec)),
        // SFace keeps the identity it always had, so existing stores stay
        // valid; its int8 build (`precision`) is another pinned sha256.
        None if models.embedder == "sface" => pinned(models.builtin_artifact("sface")),
        None => {
            let spec = crate::facenet::EmbedderSpec::facenet(PathBuf::new());
            format!("{}|{}", pinned(&models.embedder), spec_identity(&spec))
        }
    };
    Ok((detector, embedder))
}

/// Everything of a spec that decides its vectors: not its name or path.
fn spec_identity(spec: &crate::facenet::EmbedderSpec) -> String {
    let mut spec = spec.clone();
    spec.name.clear();
    spec.model = PathBuf::new();
    serde_json::to_string(&spec).unwrap_or_default()
}
