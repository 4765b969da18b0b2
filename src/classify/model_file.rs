//! The trained classifier and its file: plain JSON numbers (no format that
//! runs code on load), versioned, and checked on load so that a corrupt,
//! truncated or foreign file is an error naming it, never a crash or a
//! model that silently answers nonsense.

use super::error::ClassifyError;
use super::platt::Sigmoid;
use super::prediction::{Candidate, Prediction, normalise, top_indices};
use crate::vector::{dot_to_f64 as dot32, sq_distance_to_f64 as sq_dist32};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Written in every model file; anything else is not ours.
pub const FORMAT: &str = "facecurate-classifier";
/// Bumped whenever the meaning of a field changes.
pub const VERSION: u32 = 1;
/// The model's file name inside the state folder.
pub const FILE_NAME: &str = "classifier.json";

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KernelKind {
    Linear,
    /// exp(−gamma·|a − b|²).
    Rbf {
        gamma: f64,
    },
}

/// One person's decision function f(x); positive means "this person".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Decision {
    /// f(x) = w·x + b: a linear kernel reduces to a hyperplane.
    Linear { w: Vec<f32>, b: f64 },
    /// f(x) = Σ coefᵢ K(supportᵢ, x) + b.
    Kernel {
        support: Vec<Vec<f32>>,
        coef: Vec<f64>,
        b: f64,
    },
}

impl Decision {
    pub fn value(&self, kernel: KernelKind, x: &[f32]) -> f64 {
        match self {
            Decision::Linear { w, b } => dot32(w, x) + b,
            Decision::Kernel { support, coef, b } => {
                let k = |s: &[f32]| match kernel {
                    KernelKind::Rbf { gamma } => (-gamma * sq_dist32(s, x)).exp(),
                    KernelKind::Linear => dot32(s, x),
                };
                support.iter().zip(coef).map(|(s, c)| c * k(s)).sum::<f64>() + b
            }
        }
    }

    fn dims(&self) -> Vec<usize> {
        match self {
            Decision::Linear { w, .. } => vec![w.len()],
            Decision::Kernel { support, .. } => support.iter().map(Vec::len).collect(),
        }
    }

    fn is_finite(&self) -> bool {
        match self {
            Decision::Linear { w, b } => b.is_finite() && w.iter().all(|v| v.is_finite()),
            Decision::Kernel { support, coef, b } => {
                b.is_finite()
                    && coef.len() == support.len()
                    && coef.iter().all(|v| v.is_finite())
                    && support.iter().flatten().all(|v| v.is_finite())
            }
        }
    }
}

/// One person of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassModel {
    pub name: String,
    pub decision: Decision,
    /// Maps the decision value to P(this person) against the rest.
    pub platt: Sigmoid,
}

/// A trained classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub kernel: KernelKind,
    /// Length of the embeddings it takes.
    pub dim: usize,
    /// sha256 of the embedder model whose vectors it was trained on.
    pub embedder_sha256: String,
    /// Below this best probability a face is `unknown`.
    pub threshold: f64,
    /// Photos it was trained on.
    pub photos: usize,
    /// Cross-validated accuracy on its own training photos.
    pub cv_accuracy: Option<f64>,
    /// Accuracy on a held-out split before the final fit, when one was made.
    #[serde(default)]
    pub held_out_accuracy: Option<f64>,
    pub classes: Vec<ClassModel>,
}

#[derive(Serialize, Deserialize)]
struct FileDoc {
    format: String,
    version: u32,
    model: serde_json::Value,
}

impl Model {
    pub fn class_names(&self) -> Vec<&str> {
        self.classes.iter().map(|c| c.name.as_str()).collect()
    }

    /// One-vs-rest probabilities, normalised as [`normalise`] says.
    pub fn probabilities(&self, x: &[f32]) -> Vec<f64> {
        let mut p: Vec<f64> = self
            .classes
            .iter()
            .map(|c| c.platt.probability(c.decision.value(self.kernel, x)))
            .collect();
        normalise(&mut p);
        p
    }

    pub fn predict(&self, x: &[f32]) -> Prediction {
        let p = self.probabilities(x);
        let top: Vec<Candidate> = top_indices(&p, 3)
            .into_iter()
            .map(|i| Candidate {
                person: self.classes[i].name.clone(),
                probability: p[i],
            })
            .collect();
        let (person, probability) = top
            .first()
            .map(|c| (c.person.clone(), c.probability))
            .unwrap_or_default();
        Prediction {
            unknown: probability < self.threshold,
            person,
            probability,
            top,
        }
    }

    /// Writes the model atomically (a temporary file, then a rename) so a
    /// crash mid-write never leaves a truncated model behind.
    pub fn save(&self, path: &Path) -> Result<(), ClassifyError> {
        let fail = |cause: String| ClassifyError::ModelFile {
            path: path.to_path_buf(),
            cause,
        };
        let doc = FileDoc {
            format: FORMAT.to_string(),
            version: VERSION,
            model: serde_json::to_value(self).map_err(|e| fail(e.to_string()))?,
        };
        let text = serde_json::to_string(&doc).map_err(|e| fail(e.to_string()))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| fail(format!("cannot create the folder: {e}")))?;
        }
        let tmp = PathBuf::from(format!("{}.tmp", path.display()));
        std::fs::write(&tmp, text).map_err(|e| fail(format!("cannot write: {e}")))?;
        std::fs::rename(&tmp, path).map_err(|e| fail(format!("cannot write: {e}")))
    }

    /// Reads and checks a model file.
    pub fn load(path: &Path) -> Result<Model, ClassifyError> {
        let fail = |cause: String| ClassifyError::ModelFile {
            path: path.to_path_buf(),
            cause,
        };
        let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the model: {e}")))?;
        let doc: FileDoc = serde_json::from_slice(&bytes).map_err(|e| {
            fail(format!(
                "not a facecurate model file (corrupt or truncated?): {e}"
            ))
        })?;
        if doc.format != FORMAT {
            return Err(fail(format!(
                "not a facecurate model file (format `{}`)",
                doc.format
            )));
        }
        if doc.version != VERSION {
            return Err(fail(format!(
                "model file version {} is not supported (this facecurate reads version {VERSION}); retrain it",
                doc.version
            )));
        }
        let model: Model = serde_json::from_value(doc.model)
            .map_err(|e| fail(format!("corrupt model file: {e}")))?;
        model
            .check()
            .map_err(|e| fail(format!("corrupt model file: {e}")))?;
        Ok(model)
    }

    /// Refuses a model made from another embedder's vectors.
    pub fn check_embedder(&self, path: &Path, current_sha256: &str) -> Result<(), ClassifyError> {
        if self.embedder_sha256.eq_ignore_ascii_case(current_sha256) {
            Ok(())
        } else {
            Err(ClassifyError::WrongEmbedder {
                path: path.to_path_buf(),
                model: self.embedder_sha256.clone(),
                current: current_sha256.to_string(),
            })
        }
    }

    fn check(&self) -> Result<(), String> {
        if self.classes.len() < 2 {
            return Err(format!(
                "{} person(s); a model has at least 2",
                self.classes.len()
            ));
        }
        if self.dim == 0 {
            return Err("embedding length 0".into());
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(format!("threshold {} outside 0..1", self.threshold));
        }
        if let KernelKind::Rbf { gamma } = self.kernel
            && !(gamma.is_finite() && gamma > 0.0)
        {
            return Err(format!("rbf gamma {gamma} is not a positive number"));
        }
        for c in &self.classes {
            if c.decision.dims().iter().any(|&d| d != self.dim) {
                return Err(format!(
                    "person `{}` has vectors of the wrong length (expected {})",
                    c.name, self.dim
                ));
            }
            if !c.decision.is_finite() || !c.platt.a.is_finite() || !c.platt.b.is_finite() {
                return Err(format!("person `{}` has non-finite numbers", c.name));
            }
        }
        Ok(())
    }
}

/// Where the model lives inside a state folder.
pub fn path_in(state_dir: &Path) -> PathBuf {
    state_dir.join(FILE_NAME)
}
