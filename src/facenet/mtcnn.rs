//! MTCNN face detection as facenet's `align/detect_face.py` runs it: P-Net
//! over an image pyramid (smallest face `min_size`, scale step `factor`),
//! R-Net and O-Net on the surviving candidates (one batched run per stage),
//! box regression, squaring, NMS, and five landmarks from O-Net.
//!
//! Coordinates follow facenet exactly, including its quirks, so boxes and
//! crops match what `align_dataset_mtcnn.py` writes: candidate boxes are
//! 1-based inclusive pixel ranges when cut out, landmarks are shifted by −1,
//! the final boxes are used as they come. Weights: the pinned ONNX copies of
//! the original Caffe networks (NCHW RGB, (x − 127.5)/128, not transposed).
//! Two facenet defects are not reproduced (see `bench/mtcnn_reference.py`).

use super::mtcnn_boxes::{Cand, bbreg, nms, rerec};
use super::resample::resize_area;
use crate::pipeline::detect::Detection;
use crate::runtime::{Runtime, RuntimeError};
use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;
use std::path::PathBuf;

/// The three networks' files.
#[derive(Debug, Clone, PartialEq)]
pub struct MtcnnFiles {
    pub pnet: PathBuf,
    pub rnet: PathBuf,
    pub onet: PathBuf,
}

/// facenet's parameters (`align_dataset_mtcnn.py`, `compare.py`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MtcnnSettings {
    /// Smallest face side searched for, in photo pixels.
    pub min_size: f64,
    /// Scale step between pyramid levels.
    pub factor: f64,
    /// Face-probability thresholds of P-Net, R-Net and O-Net.
    pub thresholds: [f32; 3],
}

impl Default for MtcnnSettings {
    fn default() -> Self {
        MtcnnSettings {
            min_size: 20.0,
            factor: 0.709,
            thresholds: [0.6, 0.7, 0.7],
        }
    }
}

/// One face as facenet reports it: corners `x1, y1, x2, y2`, the O-Net
/// probability and the landmarks (image-left eye, other eye, nose tip,
/// image-left mouth corner, other mouth corner).
#[derive(Debug, Clone, PartialEq)]
pub struct MtcnnFace {
    pub corners: [f64; 4],
    pub score: f32,
    pub landmarks: [[f32; 2]; 5],
}

impl MtcnnFace {
    pub fn to_detection(&self) -> Detection {
        let [x1, y1, x2, y2] = self.corners;
        Detection {
            bbox: [x1 as f32, y1 as f32, (x2 - x1) as f32, (y2 - y1) as f32],
            landmarks: self.landmarks,
            score: self.score,
        }
    }
}

/// Largest R-Net/O-Net batch run at once.
const BATCH: usize = 256;

pub struct Mtcnn {
    pnet: Session,
    rnet: Session,
    onet: Session,
    settings: MtcnnSettings,
    input: Vec<f32>,
}

impl Mtcnn {
    pub fn open(
        runtime: &Runtime,
        files: &MtcnnFiles,
        settings: MtcnnSettings,
        threads: usize,
    ) -> Result<Mtcnn, RuntimeError> {
        Ok(Mtcnn {
            pnet: runtime.session(&files.pnet, threads)?,
            rnet: runtime.session(&files.rnet, threads)?,
            onet: runtime.session(&files.onet, threads)?,
            settings,
            input: Vec::new(),
        })
    }

    pub fn settings(&self) -> MtcnnSettings {
        self.settings
    }

    /// Faces in the shared detection form (`bbox` = x1, y1, x2 − x1, y2 − y1).
    pub fn detect(&mut self, image: &RgbImage) -> Result<Vec<Detection>, ort::Error> {
        Ok(self
            .detect_faces(image)?
            .iter()
            .map(MtcnnFace::to_detection)
            .collect())
    }

    /// Every face, as facenet's `detect_face` returns them.
    pub fn detect_faces(&mut self, image: &RgbImage) -> Result<Vec<MtcnnFace>, ort::Error> {
        let boxes = self.pnet_stage(image)?;
        if boxes.is_empty() {
            return Ok(Vec::new());
        }
        let boxes = self.rnet_stage(image, boxes)?;
        if boxes.is_empty() {
            return Ok(Vec::new());
        }
        self.onet_stage(image, boxes)
    }

    /// The pyramid's scales: from the one that makes `min_size` 12 pixels
    /// (P-Net's input), down by `factor` while the short side stays >= 12.
    fn scales(&self, w: f64, h: f64) -> Vec<f64> {
        let s = self.settings;
        let mut scales = Vec::new();
        let m = 12.0 / s.min_size;
        let mut minl = w.min(h) * m;
        let mut k = 0;
        while minl >= 12.0 {
            scales.push(m * s.factor.powi(k));
            minl *= s.factor;
            k += 1;
        }
        scales
    }

    /// Stage 1: P-Net at every scale, candidates merged across scales,
    /// regressed and squared to whole pixels. Empty when nothing was found.
    fn pnet_stage(&mut self, image: &RgbImage) -> Result<Vec<Cand>, ort::Error> {
        let (w, h) = (f64::from(image.width()), f64::from(image.height()));
        let mut total: Vec<Cand> = Vec::new();
        for scale in self.scales(w, h) {
            let hs = (h * scale).ceil() as u32;
            let ws = (w * scale).ceil() as u32;
            let level = resize_area(image, ws, hs);
            let found = self.pnet_level(&level, scale)?;
            let keep = nms(&found, 0.5, false);
            total.extend(keep.into_iter().map(|i| found[i]));
        }
        if total.is_empty() {
            return Ok(Vec::new());
        }
        let keep = nms(&total, 0.7, false);
        Ok(keep
            .into_iter()
            .map(|i| {
                let c = total[i];
                let (rw, rh) = (c.b[2] - c.b[0], c.b[3] - c.b[1]);
                let b = [
                    c.b[0] + c.reg[0] * rw,
                    c.b[1] + c.reg[1] * rh,
                    c.b[2] + c.reg[2] * rw,
                    c.b[3] + c.reg[3] * rh,
                ];
                let mut b = rerec(b);
                b.iter_mut().for_each(|v| *v = v.trunc());
                Cand {
                    b,
                    score: c.score,
                    reg: [0.0; 4],
                }
            })
            .collect())
    }

    /// Stage 2: R-Net on 24×24 crops of `boxes`; the survivors regressed
    /// and squared. Empty when none passed.
    fn rnet_stage(
        &mut self,
        image: &RgbImage,
        mut boxes: Vec<Cand>,
    ) -> Result<Vec<Cand>, ort::Error> {
        let threshold = f64::from(self.settings.thresholds[1]);
        let crops = self.crops(image, &mut boxes, 24);
        let mut passed = Vec::new();
        for (chunk, cands) in crops.chunks(BATCH).zip(boxes.chunks(BATCH)) {
            let (reg, prob) = self.run_rnet(chunk)?;
            for (i, c) in cands.iter().enumerate() {
                let score = f64::from(prob[i * 2 + 1]);
                if score > threshold {
                    passed.push(Cand {
                        b: c.b,
                        score,
                        reg: std::array::from_fn(|k| f64::from(reg[i * 4 + k])),
                    });
                }
            }
        }
        if passed.is_empty() {
            return Ok(Vec::new());
        }
        let keep = nms(&passed, 0.7, false);
        Ok(keep
            .into_iter()
            .map(|i| {
                let b = rerec(bbreg(passed[i].b, passed[i].reg));
                Cand {
                    b: b.map(f64::trunc),
                    score: 0.0,
                    reg: [0.0; 4],
                }
            })
            .collect())
    }

    /// Stage 3: O-Net on 48×48 crops of `boxes`: the final faces, their
    /// landmarks in photo coordinates, after a last NMS.
    fn onet_stage(
        &mut self,
        image: &RgbImage,
        mut boxes: Vec<Cand>,
    ) -> Result<Vec<MtcnnFace>, ort::Error> {
        let threshold = self.settings.thresholds[2];
        let crops = self.crops(image, &mut boxes, 48);
        let mut faces = Vec::new();
        let mut candidates = Vec::new();
        for (chunk, cands) in crops.chunks(BATCH).zip(boxes.chunks(BATCH)) {
            let (lms, reg, prob) = self.run_onet(chunk)?;
            for (i, c) in cands.iter().enumerate() {
                let score = prob[i * 2 + 1];
                if score <= threshold {
                    continue;
                }
                let bw = c.b[2] - c.b[0] + 1.0;
                let bh = c.b[3] - c.b[1] + 1.0;
                let l = &lms[i * 10..i * 10 + 10];
                let landmarks: [[f32; 2]; 5] = std::array::from_fn(|k| {
                    [
                        (bw * f64::from(l[k]) + c.b[0] - 1.0) as f32,
                        (bh * f64::from(l[k + 5]) + c.b[1] - 1.0) as f32,
                    ]
                });
                let regk: [f64; 4] = std::array::from_fn(|k| f64::from(reg[i * 4 + k]));
                candidates.push(Cand {
                    b: bbreg(c.b, regk),
                    score: f64::from(score),
                    reg: [0.0; 4],
                });
                faces.push(MtcnnFace {
                    corners: [0.0; 4],
                    score,
                    landmarks,
                });
            }
        }
        let keep = nms(&candidates, 0.7, true);
        Ok(keep
            .into_iter()
            .map(|i| MtcnnFace {
                corners: candidates[i].b,
                ..faces[i].clone()
            })
            .collect())
    }

    /// P-Net on one pyramid level: a candidate for every cell whose face
    /// probability reaches the threshold.
    fn pnet_level(&mut self, level: &RgbImage, scale: f64) -> Result<Vec<Cand>, ort::Error> {
        let (lw, lh) = (level.width() as usize, level.height() as usize);
        self.input.clear();
        self.input.resize(3 * lw * lh, 0.0);
        write_nchw(level, &mut self.input);
        let tensor = TensorRef::from_array_view(([1usize, 3, lh, lw], self.input.as_slice()))?;
        let out = self.pnet.run(ort::inputs![tensor])?;
        let (rshape, reg) = out[0].try_extract_tensor::<f32>()?;
        let (pshape, prob) = out[1].try_extract_tensor::<f32>()?;
        let (oh, ow) = (pshape[2] as usize, pshape[3] as usize);
        if pshape[1] != 2 || rshape[1] != 4 || reg.len() != 4 * oh * ow || prob.len() != 2 * oh * ow
        {
            return Err(ort::Error::new("P-Net outputs have unexpected shapes"));
        }
        let plane = oh * ow;
        let t = f64::from(self.settings.thresholds[0]);
        let mut found = Vec::new();
        for row in 0..oh {
            for col in 0..ow {
                let idx = row * ow + col;
                let score = f64::from(prob[plane + idx]);
                if score < t {
                    continue;
                }
                let (c, r) = (col as f64, row as f64);
                found.push(Cand {
                    b: [
                        ((2.0 * c + 1.0) / scale).trunc(),
                        ((2.0 * r + 1.0) / scale).trunc(),
                        ((2.0 * c + 12.0) / scale).trunc(),
                        ((2.0 * r + 12.0) / scale).trunc(),
                    ],
                    score,
                    reg: std::array::from_fn(|k| f64::from(reg[k * plane + idx])),
                });
            }
        }
        Ok(found)
    }

    /// facenet's `pad` + crop + `imresample`: each box (integer corners,
    /// 1-based inclusive) cut out with black outside the photo and resized
    /// to `size`. Boxes that cannot be cut are dropped from `boxes`.
    fn crops(&self, image: &RgbImage, boxes: &mut Vec<Cand>, size: u32) -> Vec<RgbImage> {
        let (w, h) = (i64::from(image.width()), i64::from(image.height()));
        let limit = 4 * w.max(h);
        let mut out = Vec::with_capacity(boxes.len());
        boxes.retain(|c| {
            let (x1, y1) = (c.b[0] as i64, c.b[1] as i64);
            let tw = c.b[2] as i64 - x1 + 1;
            let th = c.b[3] as i64 - y1 + 1;
            if tw <= 0 || th <= 0 || tw > limit || th > limit {
                return false;
            }
            let mut tmp = RgbImage::new(tw as u32, th as u32);
            // Source pixel (0-based) x maps to tmp column x − (x1 − 1).
            let (sx0, sx1) = ((x1 - 1).max(0), (x1 - 1 + tw).min(w));
            let (sy0, sy1) = ((y1 - 1).max(0), (y1 - 1 + th).min(h));
            if sx0 < sx1 && sy0 < sy1 {
                let src = image.as_raw();
                let n = (sx1 - sx0) as usize * 3;
                for sy in sy0..sy1 {
                    let dy = (sy - (y1 - 1)) as usize;
                    let dx = (sx0 - (x1 - 1)) as usize;
                    let s = ((sy * w + sx0) * 3) as usize;
                    let d = (dy * tw as usize + dx) * 3;
                    tmp.as_mut()[d..d + n].copy_from_slice(&src[s..s + n]);
                }
            }
            out.push(resize_area(&tmp, size, size));
            true
        });
        out
    }

    fn fill_batch(&mut self, crops: &[RgbImage], side: usize) {
        let per = 3 * side * side;
        self.input.clear();
        self.input.resize(crops.len() * per, 0.0);
        for (i, c) in crops.iter().enumerate() {
            write_nchw(c, &mut self.input[i * per..(i + 1) * per]);
        }
    }

    fn run_rnet(&mut self, crops: &[RgbImage]) -> Result<(Vec<f32>, Vec<f32>), ort::Error> {
        self.fill_batch(crops, 24);
        let tensor = TensorRef::from_array_view(([crops.len(), 3, 24, 24], self.input.as_slice()))?;
        let out = self.rnet.run(ort::inputs![tensor])?;
        let reg = out[0].try_extract_tensor::<f32>()?.1.to_vec();
        let prob = out[1].try_extract_tensor::<f32>()?.1.to_vec();
        if reg.len() != crops.len() * 4 || prob.len() != crops.len() * 2 {
            return Err(ort::Error::new("R-Net outputs have unexpected shapes"));
        }
        Ok((reg, prob))
    }

    #[allow(clippy::type_complexity)]
    fn run_onet(
        &mut self,
        crops: &[RgbImage],
    ) -> Result<(Vec<f32>, Vec<f32>, Vec<f32>), ort::Error> {
        self.fill_batch(crops, 48);
        let tensor = TensorRef::from_array_view(([crops.len(), 3, 48, 48], self.input.as_slice()))?;
        let out = self.onet.run(ort::inputs![tensor])?;
        let lms = out[0].try_extract_tensor::<f32>()?.1.to_vec();
        let reg = out[1].try_extract_tensor::<f32>()?.1.to_vec();
        let prob = out[2].try_extract_tensor::<f32>()?.1.to_vec();
        let n = crops.len();
        if lms.len() != n * 10 || reg.len() != n * 4 || prob.len() != n * 2 {
            return Err(ort::Error::new("O-Net outputs have unexpected shapes"));
        }
        Ok((lms, reg, prob))
    }
}

/// RGB8 → planar (x − 127.5) / 128.
fn write_nchw(image: &RgbImage, out: &mut [f32]) {
    let plane = (image.width() * image.height()) as usize;
    for (p, px) in image.as_raw().chunks_exact(3).enumerate() {
        for c in 0..3 {
            out[c * plane + p] = (f32::from(px[c]) - 127.5) * 0.0078125;
        }
    }
}
