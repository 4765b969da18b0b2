//! The classifier's one error type, in a leaf of its own so every step of
//! training and loading can return it without importing the module root.

use std::path::PathBuf;

/// Why training, loading or classifying failed.
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    #[error("cancelled")]
    Cancelled,
    #[error("need at least 2 persons with enough photos to train, found {0}")]
    TooFewClasses(usize),
    #[error("the SVM solver failed: {0}")]
    Solver(String),
    #[error("{}: {cause}", path.display())]
    ModelFile { path: PathBuf, cause: String },
    #[error(
        "{}: the model was trained on embeddings from another embedder (model sha256 {model}, current {current}); retrain it with `facecurate train`",
        path.display()
    )]
    WrongEmbedder {
        path: PathBuf,
        model: String,
        current: String,
    },
}
