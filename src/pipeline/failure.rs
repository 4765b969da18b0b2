//! Why a photo produced no result, kept apart from the pipeline that
//! produces it so the detector/embedder engines can report in the same
//! words without depending on the pipeline's worker pool.

use super::decode::DecodeError;
use std::path::PathBuf;

/// Why a photo produced no result.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("model error: {0}")]
    Model(String),
    /// A panic while processing the photo: a bug, reported with the photo.
    #[error("{0}")]
    Internal(String),
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {cause}", path.display())]
pub struct PhotoError {
    pub path: PathBuf,
    pub cause: Failure,
}
