//! The `models:` section: which detector and embedder the pipeline runs,
//! built-in or declared by the user (`embedders:` with the spec of an ONNX
//! embedder, `detectors:` with a user's own file for a supported detector
//! family). Declarations are checked here, each error at its own line and
//! key; the model itself is checked against its spec when it is opened.

use super::error::ConfigError;
use super::parse::key_line;
use super::paths::resolve;
use super::precision::Precision;
use crate::facenet::mtcnn::MtcnnFiles;
use crate::facenet::{DetectorKind, DetectorModel, EmbedderSpec};
use crate::models::{Cache, Manifest};
use crate::pipeline::ModelFiles;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Built-in embedders (manifest names) and the built-in detectors.
pub const BUILTIN_EMBEDDERS: [&str; 2] = ["sface", "facenet"];
pub const BUILTIN_DETECTORS: [&str; 2] = ["yunet", "mtcnn"];
/// Manifest names of the MTCNN stages, in cascade order.
pub const MTCNN_NAMES: [&str; 3] = ["mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModels {
    #[serde(default)]
    cache: Option<String>,
    #[serde(default)]
    detector: Option<String>,
    #[serde(default)]
    embedder: Option<String>,
    #[serde(default)]
    embedders: BTreeMap<String, EmbedderSpec>,
    #[serde(default)]
    detectors: BTreeMap<String, RawDetector>,
}

/// A user's own detector file(s) for a family facecurate can run.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetector {
    family: DetectorKind,
    /// YuNet's one file.
    #[serde(default)]
    model: Option<String>,
    /// MTCNN's three stages.
    #[serde(default)]
    pnet: Option<String>,
    #[serde(default)]
    rnet: Option<String>,
    #[serde(default)]
    onet: Option<String>,
}

/// Which models, by name, and where the cache is.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSettings {
    /// `None`: the default cache (`$FACECURATE_CACHE`, else the user cache).
    pub cache: Option<PathBuf>,
    /// `yunet`, `mtcnn` or a declared name; when the file names none, the
    /// detector the embedder expects.
    pub detector: String,
    /// `sface`, `facenet` or a declared name.
    pub embedder: String,
    /// Declared embedders by name, model paths absolute.
    pub embedders: BTreeMap<String, EmbedderSpec>,
    /// Declared detectors by name, paths absolute.
    pub detectors: BTreeMap<String, DetectorModel>,
    /// The built-in SFace's precision, resolved (fp32 or int8, never auto):
    /// the workspace's `precision` on its `device`, or the command line's.
    pub precision: Precision,
}

impl ModelSettings {
    /// The declared spec of the chosen embedder (`None`: a built-in).
    pub fn declared_embedder(&self) -> Option<&EmbedderSpec> {
        self.embedders.get(&self.embedder)
    }

    pub fn declared_detector(&self) -> Option<&DetectorModel> {
        self.detectors.get(&self.detector)
    }

    /// The manifest artifacts the chosen models need fetched.
    pub fn manifest_names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        match self.detector.as_str() {
            "yunet" => names.push("yunet"),
            "mtcnn" => names.extend(MTCNN_NAMES),
            _ => {}
        }
        names.extend(
            BUILTIN_EMBEDDERS
                .iter()
                .copied()
                .filter(|n| *n == self.embedder)
                .map(|n| self.builtin_artifact(n)),
        );
        names
    }

    /// The manifest name of built-in embedder `name` at this precision.
    pub fn builtin_artifact<'a>(&self, name: &'a str) -> &'a str {
        match name {
            "sface" => self.precision.sface_artifact(),
            other => other,
        }
    }

    /// The chosen models' files: built-ins in `cache`, declared ones where
    /// the workspace says.
    pub fn files(&self, cache: &Cache, manifest: &Manifest) -> Result<ModelFiles, String> {
        let file = |name: &str| {
            manifest
                .get(name)
                .map(|a| cache.path_of(&a.file))
                .ok_or_else(|| format!("the manifest lacks `{name}`"))
        };
        let detector = match self.declared_detector() {
            Some(model) => model.clone(),
            None if self.detector == "mtcnn" => DetectorModel::Mtcnn(MtcnnFiles {
                pnet: file(MTCNN_NAMES[0])?,
                rnet: file(MTCNN_NAMES[1])?,
                onet: file(MTCNN_NAMES[2])?,
            }),
            None => DetectorModel::Yunet(file(&self.detector)?),
        };
        let embedder = match self.declared_embedder() {
            Some(spec) => spec.clone(),
            None if self.embedder == "facenet" => EmbedderSpec::facenet(file("facenet")?),
            None => EmbedderSpec::sface(file(self.builtin_artifact(&self.embedder))?),
        };
        Ok(ModelFiles { detector, embedder })
    }
}

/// Resolves a declared spec's model path against `base` and checks the
/// declaration; errors name the key under `at` and its line in `text`.
pub fn check_spec(
    mut spec: EmbedderSpec,
    text: &str,
    file: &Path,
    base: &Path,
    at: &[&str],
) -> Result<EmbedderSpec, ConfigError> {
    let invalid = |path: &[&str], message: String| ConfigError::Invalid {
        path: file.to_path_buf(),
        line: line_of(text, path),
        key: Some(path.join(".")).filter(|k| !k.is_empty()),
        message,
    };
    spec.model = model_file(&spec.model.to_string_lossy(), base)
        .map_err(|m| invalid(&[at, &["model"]].concat(), m))?;
    if let Err(e) = spec.validate() {
        return Err(invalid(&[at, e.key.as_slice()].concat(), e.problem));
    }
    Ok(spec)
}

/// `written` resolved against `base`, when it is a file.
fn model_file(written: &str, base: &Path) -> Result<PathBuf, String> {
    let resolved = resolve(written, base);
    if resolved.is_file() {
        Ok(resolved)
    } else {
        Err(format!(
            "{} is not a file; allowed: an ONNX file (relative paths start at the folder of the file that declares it)",
            resolved.display()
        ))
    }
}

/// The nearest line of `path` (dropping trailing keys written in flow style).
fn line_of(text: &str, path: &[&str]) -> Option<u64> {
    (1..=path.len())
        .rev()
        .find_map(|n| key_line(text, &path[..n]))
}

/// Where a `models:` section was written, so its errors name their line.
struct Source<'a> {
    text: &'a str,
    file: &'a Path,
    base: &'a Path,
}

impl Source<'_> {
    fn invalid(&self, path: &[&str], message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.file.to_path_buf(),
            line: line_of(self.text, path),
            key: Some(path.join(".")),
            message,
        }
    }

    fn model_file(&self, path: &[&str], written: &str) -> Result<PathBuf, ConfigError> {
        model_file(written, self.base).map_err(|m| self.invalid(path, m))
    }
}

impl RawModels {
    pub fn validate(
        self,
        text: &str,
        file: &Path,
        base: &Path,
    ) -> Result<ModelSettings, ConfigError> {
        let src = Source { text, file, base };
        let embedders = declared_embedders(self.embedders, &src)?;
        let mut detectors = BTreeMap::new();
        for (name, raw) in self.detectors {
            let declared = declared_detector(&name, raw, &src)?;
            detectors.insert(name, declared);
        }
        let embedder = self.embedder.unwrap_or_else(|| "sface".to_string());
        if !BUILTIN_EMBEDDERS.contains(&embedder.as_str()) && !embedders.contains_key(&embedder) {
            return Err(src.invalid(
                &["models", "embedder"],
                unknown("embedder", &embedder, &BUILTIN_EMBEDDERS, embedders.keys()),
            ));
        }
        let detector = match self.detector {
            Some(d) => d,
            None => match embedders.get(&embedder) {
                Some(spec) => spec.preferred_detector().to_string(),
                None if embedder == "facenet" => "mtcnn".to_string(),
                None => "yunet".to_string(),
            },
        };
        if !BUILTIN_DETECTORS.contains(&detector.as_str()) && !detectors.contains_key(&detector) {
            return Err(src.invalid(
                &["models", "detector"],
                unknown("detector", &detector, &BUILTIN_DETECTORS, detectors.keys()),
            ));
        }
        Ok(ModelSettings {
            cache: self.cache.as_deref().map(|c| resolve(c, base)),
            detector,
            embedder,
            embedders,
            detectors,
            precision: Precision::Fp32,
        })
    }
}

/// The declared embedders, named and checked; a built-in's name is refused.
fn declared_embedders(
    raw: BTreeMap<String, EmbedderSpec>,
    src: &Source,
) -> Result<BTreeMap<String, EmbedderSpec>, ConfigError> {
    let mut embedders = BTreeMap::new();
    for (name, mut spec) in raw {
        let at = ["models", "embedders", name.as_str()];
        if BUILTIN_EMBEDDERS.contains(&name.as_str()) {
            return Err(src.invalid(
                &at,
                format!("`{name}` is a built-in embedder; allowed: another name"),
            ));
        }
        spec.name = name.clone();
        let spec = check_spec(spec, src.text, src.file, src.base, &at)?;
        embedders.insert(name, spec);
    }
    Ok(embedders)
}

/// One declared detector: a built-in's name is refused, and its family
/// decides which file keys it needs and which it must not have.
fn declared_detector(
    name: &str,
    raw: RawDetector,
    src: &Source,
) -> Result<DetectorModel, ConfigError> {
    let at = ["models", "detectors", name];
    if BUILTIN_DETECTORS.contains(&name) {
        return Err(src.invalid(
            &at,
            format!("`{name}` is a built-in detector; allowed: another name"),
        ));
    }
    let allowed = match raw.family {
        DetectorKind::Yunet => "model",
        DetectorKind::Mtcnn => "pnet, rnet, onet",
    };
    let need = |key: &'static str, value: &Option<String>| match value {
        Some(v) => src.model_file(&[&at[..], &[key]].concat(), v),
        None => Err(src.invalid(
            &at,
            format!(
                "`{key}` is missing; a {} detector needs {allowed}",
                raw.family
            ),
        )),
    };
    let unused = |key: &'static str, value: &Option<String>| match value {
        Some(_) => Err(src.invalid(
            &[&at[..], &[key]].concat(),
            format!("not used by a {} detector; allowed: {allowed}", raw.family),
        )),
        None => Ok(()),
    };
    Ok(match raw.family {
        DetectorKind::Yunet => {
            unused("pnet", &raw.pnet)?;
            unused("rnet", &raw.rnet)?;
            unused("onet", &raw.onet)?;
            DetectorModel::Yunet(need("model", &raw.model)?)
        }
        DetectorKind::Mtcnn => {
            unused("model", &raw.model)?;
            DetectorModel::Mtcnn(MtcnnFiles {
                pnet: need("pnet", &raw.pnet)?,
                rnet: need("rnet", &raw.rnet)?,
                onet: need("onet", &raw.onet)?,
            })
        }
    })
}

/// The error for a chosen `what` (embedder, detector) nobody declared.
fn unknown<'a>(
    what: &str,
    name: &str,
    builtin: &[&str],
    declared: impl Iterator<Item = &'a String>,
) -> String {
    let known: Vec<String> = builtin
        .iter()
        .map(|n| format!("`{n}`"))
        .chain(declared.map(|n| format!("`{n}`")))
        .collect();
    format!(
        "unknown {what} `{name}`; allowed: {} (or one declared under `models.{what}s`)",
        known.join(", ")
    )
}
