//! Identity embeddings from aligned crops with SFace (2021dec, folded to fp32
//! at fetch time): 112×112 RGB in, 128 floats out, L2-normalised here so that
//! Euclidean distance and cosine similarity carry the usual meanings.

use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;

pub const EMBED_SIDE: usize = 112;

pub struct Embedder {
    session: Session,
    input: Vec<f32>,
}

impl Embedder {
    pub fn new(session: Session) -> Embedder {
        Embedder {
            session,
            input: Vec::new(),
        }
    }

    /// One unit-length vector per crop, in order. All crops must be 112×112.
    pub fn embed(&mut self, crops: &[RgbImage]) -> Result<Vec<Vec<f32>>, ort::Error> {
        if crops.is_empty() {
            return Ok(Vec::new());
        }
        let plane = EMBED_SIDE * EMBED_SIDE;
        self.input.clear();
        self.input.resize(crops.len() * 3 * plane, 0.0);
        for (i, crop) in crops.iter().enumerate() {
            if crop.dimensions() != (EMBED_SIDE as u32, EMBED_SIDE as u32) {
                return Err(ort::Error::new("embedder crops must be 112x112"));
            }
            let base = i * 3 * plane;
            for (p, px) in crop.as_raw().chunks_exact(3).enumerate() {
                self.input[base + p] = f32::from(px[0]);
                self.input[base + plane + p] = f32::from(px[1]);
                self.input[base + 2 * plane + p] = f32::from(px[2]);
            }
        }
        let shape = [crops.len(), 3, EMBED_SIDE, EMBED_SIDE];
        let tensor = TensorRef::from_array_view((shape, self.input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![tensor])?;
        let (_, data) = outputs[0].try_extract_tensor::<f32>()?;
        if crops.is_empty() || data.len() % crops.len() != 0 {
            return Err(ort::Error::new(
                "embedder output size does not match the batch",
            ));
        }
        let dim = data.len() / crops.len();
        Ok(data.chunks_exact(dim).map(normalized).collect())
    }
}

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
