//! Arithmetic on identity embeddings. Every embedder's output is
//! L2-normalised (`facenet::SpecEmbedder` runs the models), so Euclidean
//! distance and cosine similarity carry the usual meanings.

/// `v / |v|`; a zero vector stays zero.
pub fn normalized(v: &[f32]) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter().map(|x| x / norm).collect()
    } else {
        v.to_vec()
    }
}

pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Euclidean distance between unit vectors: sqrt(2 − 2·cos).
pub fn distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f32>()
        .sqrt()
}
