//! What an ONNX face embedder expects, declared instead of hard-coded, so a
//! user can bring their own converted model (a facenet checkpoint exported
//! to ONNX, an ArcFace variant, …): input size, tensor layout, channel
//! order, pixel normalisation, how the face is cut out of the photo, and the
//! embedding size.
//!
//! A spec is checked twice: on its own ([`EmbedderSpec::validate`]) and
//! against the model it names when a session is opened
//! (`embedder::SpecEmbedder::new`), so a wrong declaration fails at load
//! with a message instead of producing meaningless distances.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Tensor layout of the model's image input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    #[default]
    Nchw,
    Nhwc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channels {
    #[default]
    Rgb,
    Bgr,
}

/// How 0–255 pixel values become the model's input values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Normalize {
    /// `(x − mean[c]) / std[c]`; mean 0 and std 1 feed raw 0–255 values.
    MeanStd { mean: [f32; 3], std: [f32; 3] },
    /// facenet's `prewhiten`: per image, `(x − mean) / max(std, 1/√n)` over
    /// all n values.
    Prewhiten,
}

/// How the face is cut out of the photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Alignment {
    /// Similarity warp of the five landmarks (eyes, nose tip, mouth
    /// corners; image-left first) onto these points of the input.
    Landmarks { template: [[f32; 2]; 5] },
    /// facenet's crop: the detector's box grown by `margin / 2` pixels of the
    /// photo on each side, clipped to the photo, resized to the input size.
    Box { margin: f32 },
}

/// Which detector produced the boxes or landmarks a model was trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DetectorKind {
    Yunet,
    Mtcnn,
}

impl std::str::FromStr for DetectorKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "yunet" => Ok(DetectorKind::Yunet),
            "mtcnn" => Ok(DetectorKind::Mtcnn),
            other => Err(format!(
                "unknown detector `{other}` (expected mtcnn or yunet)"
            )),
        }
    }
}

impl std::fmt::Display for DetectorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DetectorKind::Yunet => "yunet",
            DetectorKind::Mtcnn => "mtcnn",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbedderSpec {
    /// Defaults to the key it is declared under (workspace) or the file's
    /// stem (`--embedder-spec`).
    #[serde(default)]
    pub name: String,
    /// The ONNX file.
    pub model: PathBuf,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub layout: Layout,
    #[serde(default)]
    pub channels: Channels,
    pub normalize: Normalize,
    pub alignment: Alignment,
    /// Length of the embedding the model outputs.
    pub output_dim: usize,
    /// The detector whose boxes the model expects (default: yunet).
    #[serde(default)]
    pub detector: Option<DetectorKind>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("embedder `{name}`: {problem}")]
pub struct SpecError {
    pub name: String,
    pub problem: String,
    /// The declaration's key at fault, when one is (for line-numbered
    /// configuration errors).
    pub key: Option<&'static str>,
}

/// The ArcFace/SFace 112×112 five-point template.
pub const ARCFACE_TEMPLATE: [[f32; 2]; 5] = crate::pipeline::align::TEMPLATE_112;

impl EmbedderSpec {
    /// SFace (the default): 112×112 RGB, raw 0–255, landmark-aligned, 128-d.
    pub fn sface(model: PathBuf) -> EmbedderSpec {
        EmbedderSpec {
            name: "sface".into(),
            model,
            width: 112,
            height: 112,
            layout: Layout::Nchw,
            channels: Channels::Rgb,
            normalize: Normalize::MeanStd {
                mean: [0.0; 3],
                std: [1.0; 3],
            },
            alignment: Alignment::Landmarks {
                template: ARCFACE_TEMPLATE,
            },
            output_dim: 128,
            detector: Some(DetectorKind::Yunet),
        }
    }

    /// FaceNet 20170512-110547 (Inception-ResNet-v1, 128-d), as facenet's
    /// `validate_on_lfw.py` feeds it: MTCNN box + 32 px margin, 160×160 RGB,
    /// prewhitened.
    pub fn facenet(model: PathBuf) -> EmbedderSpec {
        EmbedderSpec {
            name: "facenet".into(),
            model,
            width: 160,
            height: 160,
            layout: Layout::Nchw,
            channels: Channels::Rgb,
            normalize: Normalize::Prewhiten,
            alignment: Alignment::Box { margin: 32.0 },
            output_dim: 128,
            detector: Some(DetectorKind::Mtcnn),
        }
    }

    fn problem(&self, key: &'static str, problem: impl Into<String>) -> SpecError {
        SpecError {
            name: self.name.clone(),
            problem: problem.into(),
            key: Some(key),
        }
    }

    /// Checks the declaration on its own (the model is checked at load).
    pub fn validate(&self) -> Result<(), SpecError> {
        if !(8..=2048).contains(&self.width) || !(8..=2048).contains(&self.height) {
            let key = if (8..=2048).contains(&self.width) {
                "height"
            } else {
                "width"
            };
            return Err(self.problem(
                key,
                format!(
                    "input size {}x{} is outside 8..2048; allowed: 8 to 2048 pixels a side",
                    self.width, self.height
                ),
            ));
        }
        if self.output_dim == 0 {
            return Err(self.problem(
                "output_dim",
                "output_dim must be at least 1; allowed: the length of the model's output",
            ));
        }
        match &self.normalize {
            Normalize::MeanStd { mean, std } => {
                if std.iter().any(|s| !s.is_finite() || *s == 0.0)
                    || mean.iter().any(|m| !m.is_finite())
                {
                    return Err(
                        self.problem("normalize", "normalize std must be finite and non-zero")
                    );
                }
            }
            Normalize::Prewhiten => {}
        }
        match &self.alignment {
            Alignment::Box { margin } => {
                if !margin.is_finite() || *margin < 0.0 {
                    return Err(
                        self.problem("alignment", format!("box margin {margin} must be >= 0"))
                    );
                }
            }
            Alignment::Landmarks { template } => {
                let inside = template.iter().all(|p| {
                    p[0].is_finite()
                        && p[1].is_finite()
                        && (0.0..=self.width as f32).contains(&p[0])
                        && (0.0..=self.height as f32).contains(&p[1])
                });
                if !inside {
                    return Err(self.problem(
                        "alignment",
                        format!(
                            "landmark template points must lie inside the {}x{} input",
                            self.width, self.height
                        ),
                    ));
                }
                let spread = template
                    .iter()
                    .any(|p| (p[0] - template[0][0]).abs() + (p[1] - template[0][1]).abs() > 1.0);
                if !spread {
                    return Err(self.problem("alignment", "landmark template points coincide"));
                }
            }
        }
        Ok(())
    }

    /// The detector to use when the user does not choose one.
    pub fn preferred_detector(&self) -> DetectorKind {
        self.detector.unwrap_or(DetectorKind::Yunet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_specs_are_valid() {
        EmbedderSpec::sface("a.onnx".into()).validate().unwrap();
        EmbedderSpec::facenet("b.onnx".into()).validate().unwrap();
    }

    #[test]
    fn a_spec_reads_from_json_and_bad_values_are_named() {
        let text = r#"{"name":"mine","model":"m.onnx","width":160,"height":160,
            "layout":"nhwc","normalize":{"kind":"prewhiten"},
            "alignment":{"kind":"box","margin":32},"output_dim":512,"detector":"mtcnn"}"#;
        let spec: EmbedderSpec = serde_json::from_str(text).unwrap();
        assert_eq!(spec.layout, Layout::Nhwc);
        assert_eq!(spec.channels, Channels::Rgb);
        assert_eq!(spec.preferred_detector(), DetectorKind::Mtcnn);
        spec.validate().unwrap();
        let mut bad = spec.clone();
        bad.output_dim = 0;
        assert!(bad.validate().unwrap_err().to_string().contains("mine"));
        let mut bad = spec;
        bad.alignment = Alignment::Landmarks {
            template: [[300.0, 1.0]; 5],
        };
        assert!(bad.validate().unwrap_err().problem.contains("inside"));
        let unknown = r#"{"name":"x","model":"m","width":1,"height":1,"normalize":{"kind":"prewhiten"},"alignment":{"kind":"box","margin":1},"output_dim":1,"colour":"rgb"}"#;
        assert!(serde_json::from_str::<EmbedderSpec>(unknown).is_err());
    }
}
