//! Choosing and provisioning the detector and embedder of the commands that
//! take one on the command line (`verify`, `embed`, `align`'s detector):
//! `--embedder sface|facenet|NAME` (NAME declared in the workspace file),
//! `--embedder-spec FILE.yaml`, `--detector mtcnn|yunet`; built-ins are
//! fetched on first use.

use super::global::GlobalArgs;
use super::setup;
use anyhow::{Context, Result, bail};
use facecurate::facenet::mtcnn::MtcnnFiles;
use facecurate::facenet::{DetectorFiles, DetectorKind, EmbedderSpec};
use facecurate::models::{Cache, Manifest};
use facecurate::session::Session;

use facecurate::config::MTCNN_NAMES;

#[derive(Debug, Clone, clap::Args)]
pub struct ModelChoice {
    /// Embedding model: sface (default), facenet (FaceNet 20170512, fetched and converted on first use),
    /// or a name declared under `models.embedders` in the workspace file (-w).
    #[arg(long)]
    pub embedder: Option<String>,
    /// An embedder spec in a YAML file of its own (the fields of a `models.embedders` entry).
    #[arg(long, value_name = "FILE.yaml", conflicts_with = "embedder")]
    pub embedder_spec: Option<std::path::PathBuf>,
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

/// The spec `choice` names: a spec file, a built-in (its model fetched
/// when missing) or an embedder declared in the workspace file.
pub fn embedder_spec(
    cli: &GlobalArgs,
    session: &Session,
    choice: &ModelChoice,
) -> Result<EmbedderSpec> {
    let (cache, manifest) = (&session.cache(), session.manifest());
    if let Some(path) = &choice.embedder_spec {
        return Ok(facecurate::config::load_embedder_spec(path)?);
    }
    match choice.embedder.as_deref().unwrap_or("sface") {
        "sface" => {
            let name = session.workspace().models.builtin_artifact("sface");
            setup::ensure(session, &[name])?;
            Ok(EmbedderSpec::sface(file(cache, manifest, name)?))
        }
        "facenet" => {
            setup::ensure(session, &["facenet"])?;
            Ok(EmbedderSpec::facenet(file(cache, manifest, "facenet")?))
        }
        other => {
            let ws = facecurate::config::Workspace::load(&cli.workspace).with_context(|| {
                format!("`{other}` is not a built-in embedder (sface, facenet); looking it up in the workspace file")
            })?;
            match ws.models.embedders.get(other) {
                Some(spec) => Ok(spec.clone()),
                None => {
                    let declared: Vec<&str> =
                        ws.models.embedders.keys().map(String::as_str).collect();
                    bail!(
                        "unknown embedder `{other}`: allowed: sface, facenet{}{} (declared under `models.embedders` in {})",
                        if declared.is_empty() { "" } else { ", " },
                        declared.join(", "),
                        ws.file.display()
                    )
                }
            }
        }
    }
}

/// Detector files, fetching the weights `kind` needs.
pub fn detector_files(session: &Session, kind: DetectorKind) -> Result<DetectorFiles> {
    let (cache, manifest) = (&session.cache(), session.manifest());
    let mtcnn = match kind {
        DetectorKind::Yunet => {
            setup::ensure(session, &["yunet"])?;
            None
        }
        DetectorKind::Mtcnn => {
            setup::ensure(session, &MTCNN_NAMES)?;
            Some(MtcnnFiles {
                pnet: file(cache, manifest, MTCNN_NAMES[0])?,
                rnet: file(cache, manifest, MTCNN_NAMES[1])?,
                onet: file(cache, manifest, MTCNN_NAMES[2])?,
            })
        }
    };
    Ok(DetectorFiles {
        yunet: file(cache, manifest, "yunet")?,
        mtcnn,
    })
}

/// The models as the log names them: `yunet + sface (sface_int8.onnx)`.
pub fn describe(detector: DetectorKind, spec: &EmbedderSpec) -> String {
    let file = spec
        .model
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let line = format!("{detector} + {} ({file})", spec.name);
    facecurate::shown::escape(&line).into_owned()
}

/// Provisions and loads what `choice` names.
pub fn models(cli: &GlobalArgs, choice: &ModelChoice) -> Result<Models> {
    let ready = setup::ready_unannounced(cli)?;
    let spec = embedder_spec(cli, &ready.session, choice)?;
    let detector = choice.detector.unwrap_or_else(|| spec.preferred_detector());
    let files = detector_files(&ready.session, detector)?;
    ready.announce(&describe(detector, &spec));
    Ok(Models {
        ready,
        files,
        spec,
        detector,
    })
}
