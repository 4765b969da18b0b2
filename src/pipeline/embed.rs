//! Arithmetic on identity embeddings. Every embedder's output is
//! L2-normalised (`facenet::SpecEmbedder` runs the models), so Euclidean
//! distance and cosine similarity carry the usual meanings. The arithmetic
//! itself lives in [`crate::vector`]; these are the names the pipeline's
//! users know it by.

pub use crate::vector::{distance, normalized};

/// Cosine similarity of two unit vectors: their dot product.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    crate::vector::dot(a, b)
}
