//! Choosing and provisioning the detector and embedder of the facenet-style
//! commands (`verify`, `align`): `--embedder sface|facenet`, `--detector
//! mtcnn|yunet`, each fetched on first use.

use super::{Cli, setup};
use anyhow::{Context, Result, bail};
use facecurate::facenet::mtcnn::MtcnnFiles;
use facecurate::facenet::{DetectorFiles, DetectorKind, EmbedderSpec};
use facecurate::models::{Cache, Manifest};

/// Manifest names of the MTCNN stages, in cascade order.
pub const MTCNN_NAMES: [&str; 3] = ["mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet"];

#[derive(Debug, Clone, clap::Args)]
pub struct ModelChoice {
    /// Embedding model: sface (default) or facenet (FaceNet 20170512, fetched and converted on first use).
    #[arg(long, default_value = "sface")]
    pub embedder: String,
    /// Face detector; default: the one the embedder was trained with (yunet for sface, mtcnn for facenet).
    #[arg(long)]
    pub detector: Option<DetectorKind>,
}

/// Everything a facenet-style command needs.
pub struct Models {
    pub ready: setup::Ready,
    pub files: DetectorFiles,
    pub spec: EmbedderSpec,
    pub detector: DetectorKind,
}

fn file(cache: &Cache, manifest: &Manifest, name: &str) -> Result<std::path::PathBuf> {
    manifest
        .get(name)
        .map(|a| cache.path_of(&a.file))
        .with_context(|| format!("the manifest lacks `{name}`"))
}

/// The spec of a built-in embedder, fetching its model when missing.
pub fn embedder_spec(cache: &Cache, manifest: &Manifest, name: &str) -> Result<EmbedderSpec> {
    match name {
        "sface" => Ok(EmbedderSpec::sface(file(cache, manifest, "sface")?)),
        "facenet" => {
            setup::ensure(cache, manifest, &["facenet"])?;
            Ok(EmbedderSpec::facenet(file(cache, manifest, "facenet")?))
        }
        other => bail!("unknown embedder `{other}` (expected sface or facenet)"),
    }
}

/// Detector files, fetching MTCNN's weights when `kind` needs them.
pub fn detector_files(
    cache: &Cache,
    manifest: &Manifest,
    kind: DetectorKind,
) -> Result<DetectorFiles> {
    let mtcnn = if kind == DetectorKind::Mtcnn {
        setup::ensure(cache, manifest, &MTCNN_NAMES)?;
        Some(MtcnnFiles {
            pnet: file(cache, manifest, MTCNN_NAMES[0])?,
            rnet: file(cache, manifest, MTCNN_NAMES[1])?,
            onet: file(cache, manifest, MTCNN_NAMES[2])?,
        })
    } else {
        None
    };
    Ok(DetectorFiles {
        yunet: file(cache, manifest, "yunet")?,
        mtcnn,
    })
}

/// Provisions and loads what `choice` names.
pub fn models(cli: &Cli, choice: &ModelChoice) -> Result<Models> {
    let ready = setup::ready(cli)?;
    let spec = embedder_spec(&ready.cache, &ready.manifest, &choice.embedder)?;
    let detector = choice.detector.unwrap_or_else(|| spec.preferred_detector());
    let files = detector_files(&ready.cache, &ready.manifest, detector)?;
    Ok(Models {
        ready,
        files,
        spec,
        detector,
    })
}
