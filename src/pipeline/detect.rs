//! Face detection with YuNet (2023mar), run at the photo's own size.
//!
//! The network is fully convolutional, so instead of letterboxing every photo
//! to 640×640 (5× slower on LFW-size photos, and it moves the landmarks) the
//! photo is zero-padded on the right and bottom to a multiple of 32, exactly
//! as OpenCV's `FaceDetectorYN` does. Only photos larger than `max_side` are
//! scaled down first.

use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;
use serde::Serialize;

/// One detected face in photo coordinates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    /// Left, top, width, height in pixels.
    pub bbox: [f32; 4],
    /// Right eye, left eye (image-left first), nose tip, mouth corners.
    pub landmarks: [[f32; 2]; 5],
    pub score: f32,
}

impl Detection {
    pub fn area(&self) -> f32 {
        self.bbox[2].max(0.0) * self.bbox[3].max(0.0)
    }

    pub fn iou(&self, other: &Detection) -> f32 {
        let [ax, ay, aw, ah] = self.bbox;
        let [bx, by, bw, bh] = other.bbox;
        let ix = (ax + aw).min(bx + bw) - ax.max(bx);
        let iy = (ay + ah).min(by + bh) - ay.max(by);
        if ix <= 0.0 || iy <= 0.0 {
            return 0.0;
        }
        let inter = ix * iy;
        inter / (self.area() + other.area() - inter)
    }
}

/// Detector settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectSettings {
    /// Minimum sqrt(cls·obj) score to keep a face.
    pub score_threshold: f32,
    /// Overlap above which the weaker of two boxes is dropped.
    pub nms_threshold: f32,
    /// Photos whose longer side exceeds this are scaled down before detection.
    pub max_side: u32,
}

impl Default for DetectSettings {
    fn default() -> Self {
        DetectSettings {
            score_threshold: 0.6,
            nms_threshold: 0.3,
            max_side: 1280,
        }
    }
}

const STRIDES: [usize; 3] = [8, 16, 32];

pub struct Detector {
    session: Session,
    settings: DetectSettings,
    input: Vec<f32>,
}

impl Detector {
    pub fn new(session: Session, settings: DetectSettings) -> Detector {
        Detector {
            session,
            settings,
            input: Vec::new(),
        }
    }

    pub fn settings(&self) -> DetectSettings {
        self.settings
    }

    /// Every face in `image`, strongest first.
    pub fn detect(&mut self, image: &RgbImage) -> Result<Vec<Detection>, ort::Error> {
        let (w, h) = image.dimensions();
        if w == 0 || h == 0 {
            return Ok(Vec::new());
        }
        let (source, scale) = fit(image, self.settings.max_side);
        let (sw, sh) = source.dimensions();
        let pw = (sw as usize).div_ceil(32) * 32;
        let ph = (sh as usize).div_ceil(32) * 32;
        fill_bgr_planes(&source, pw, ph, &mut self.input);
        let tensor = TensorRef::from_array_view(([1usize, 3, ph, pw], self.input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![tensor])?;
        let heads = Heads::read(&outputs, 1, pw, ph)?;
        Ok(heads.faces(0, scale, &self.settings))
    }

    /// Every face of each photo, as [`Detector::detect`] answers, in one run
    /// of a session opened on [`crate::models::convert::yunet_with_batch`]'s
    /// model. Each photo is scaled to fit a `side`×`side` canvas (never
    /// enlarged; `side` is capped at `max_side` and rounded up to a multiple
    /// of 32) and placed at its top-left corner with zero padding, so its
    /// landmarks keep their places; the per-photo path pads only up to the
    /// next multiple of 32, and the extra zeros change the scores and boxes
    /// only slightly (tests/batched_detection.rs measures how slightly).
    pub fn detect_batch(
        &mut self,
        images: &[&RgbImage],
        side: u32,
    ) -> Result<Vec<Vec<Detection>>, ort::Error> {
        if images.is_empty() {
            return Ok(Vec::new());
        }
        // Photos up to `max_side` keep their own scale, as in `detect`.
        let limit = side.clamp(1, self.settings.max_side.max(1));
        let side = (limit as usize).div_ceil(32) * 32;
        let plane = 3 * side * side;
        self.input.clear();
        self.input.resize(images.len() * plane, 0.0);
        let mut scales = Vec::with_capacity(images.len());
        for (n, image) in images.iter().enumerate() {
            let (source, scale) = fit(image, limit);
            write_bgr_planes(
                &source,
                side,
                side,
                &mut self.input[n * plane..(n + 1) * plane],
            );
            scales.push(scale);
        }
        let shape = [images.len(), 3, side, side];
        let tensor = TensorRef::from_array_view((shape, self.input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![tensor])?;
        let heads = Heads::read(&outputs, images.len(), side, side)?;
        Ok(images
            .iter()
            .zip(scales)
            .enumerate()
            .map(
                |(n, (image, scale))| match image.width() == 0 || image.height() == 0 {
                    true => Vec::new(),
                    false => heads.faces(n, scale, &self.settings),
                },
            )
            .collect())
    }
}

/// `image` scaled down so its longer side is at most `limit`, and the scale.
fn fit(image: &RgbImage, limit: u32) -> (std::borrow::Cow<'_, RgbImage>, f32) {
    let (w, h) = image.dimensions();
    let longest = w.max(h);
    if longest <= limit || longest == 0 {
        return (std::borrow::Cow::Borrowed(image), 1.0);
    }
    let scale = limit as f32 / longest as f32;
    let nw = ((w as f32 * scale).round() as u32).clamp(1, limit);
    let nh = ((h as f32 * scale).round() as u32).clamp(1, limit);
    let resized = image::imageops::resize(image, nw, nh, image::imageops::FilterType::Triangle);
    (std::borrow::Cow::Owned(resized), scale)
}

/// YuNet's twelve outputs for a batch of `photos` inputs of `pw`×`ph`: per
/// stride, class and objectness scores, box offsets and landmark offsets,
/// each photo's cells one after the other.
struct Heads<'a> {
    strides: Vec<(usize, [&'a [f32]; 4])>,
    cols: [usize; 3],
    rows: [usize; 3],
}

impl<'a> Heads<'a> {
    fn read(
        outputs: &'a ort::session::SessionOutputs<'_>,
        photos: usize,
        pw: usize,
        ph: usize,
    ) -> Result<Heads<'a>, ort::Error> {
        let get = |name: String| -> Result<&'a [f32], ort::Error> {
            let value = outputs
                .get(&name)
                .ok_or_else(|| ort::Error::new(format!("YuNet output `{name}` missing")))?;
            Ok(value.try_extract_tensor::<f32>()?.1)
        };
        let mut strides = Vec::with_capacity(STRIDES.len());
        let (mut cols, mut rows) = ([0; 3], [0; 3]);
        for (i, stride) in STRIDES.into_iter().enumerate() {
            (cols[i], rows[i]) = (pw / stride, ph / stride);
            let cells = photos * cols[i] * rows[i];
            let heads = [
                get(format!("cls_{stride}"))?,
                get(format!("obj_{stride}"))?,
                get(format!("bbox_{stride}"))?,
                get(format!("kps_{stride}"))?,
            ];
            let [cls, obj, bbox, kps] = heads;
            if cls.len() < cells
                || obj.len() < cells
                || bbox.len() < cells * 4
                || kps.len() < cells * 10
            {
                return Err(ort::Error::new("YuNet outputs have unexpected sizes"));
            }
            strides.push((stride, heads));
        }
        Ok(Heads {
            strides,
            cols,
            rows,
        })
    }

    /// Photo `n`'s faces above the score threshold, in photo coordinates
    /// (`scale` is what the photo was scaled by before detection), after NMS.
    fn faces(&self, n: usize, scale: f32, settings: &DetectSettings) -> Vec<Detection> {
        let mut faces = Vec::new();
        for (i, &(stride, [cls, obj, bbox, kps])) in self.strides.iter().enumerate() {
            let cols = self.cols[i];
            let cells = cols * self.rows[i];
            let s = stride as f32;
            for cell in 0..cells {
                let idx = n * cells + cell;
                let score = (cls[idx].clamp(0.0, 1.0) * obj[idx].clamp(0.0, 1.0)).sqrt();
                if score < settings.score_threshold {
                    continue;
                }
                let (r, c) = ((cell / cols) as f32, (cell % cols) as f32);
                let b = &bbox[idx * 4..idx * 4 + 4];
                let cx = (c + b[0]) * s;
                let cy = (r + b[1]) * s;
                let bw = b[2].exp() * s;
                let bh = b[3].exp() * s;
                let k = &kps[idx * 10..idx * 10 + 10];
                let mut landmarks = [[0.0f32; 2]; 5];
                for (m, lm) in landmarks.iter_mut().enumerate() {
                    *lm = [(k[2 * m] + c) * s / scale, (k[2 * m + 1] + r) * s / scale];
                }
                faces.push(Detection {
                    bbox: [
                        (cx - bw / 2.0) / scale,
                        (cy - bh / 2.0) / scale,
                        bw / scale,
                        bh / scale,
                    ],
                    landmarks,
                    score,
                });
            }
        }
        non_max_suppression(faces, settings.nms_threshold)
    }
}

/// Writes `image` as a zero-padded 1×3×ph×pw BGR float tensor (raw 0–255).
fn fill_bgr_planes(image: &RgbImage, pw: usize, ph: usize, out: &mut Vec<f32>) {
    out.clear();
    out.resize(3 * pw * ph, 0.0);
    write_bgr_planes(image, pw, ph, out);
}

/// Writes `image` into `out`, a zeroed 3×ph×pw BGR float slice (raw 0–255).
fn write_bgr_planes(image: &RgbImage, pw: usize, ph: usize, out: &mut [f32]) {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let raw = image.as_raw();
    let plane = pw * ph;
    for y in 0..h {
        let row = &raw[y * w * 3..(y + 1) * w * 3];
        let base = y * pw;
        for x in 0..w {
            out[base + x] = f32::from(row[x * 3 + 2]);
            out[plane + base + x] = f32::from(row[x * 3 + 1]);
            out[2 * plane + base + x] = f32::from(row[x * 3]);
        }
    }
}

/// Greedy NMS, strongest first.
pub fn non_max_suppression(mut faces: Vec<Detection>, threshold: f32) -> Vec<Detection> {
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Detection> = Vec::new();
    for face in faces {
        if kept.iter().all(|k| k.iou(&face) <= threshold) {
            kept.push(face);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(x: f32, y: f32, s: f32, score: f32) -> Detection {
        Detection {
            bbox: [x, y, s, s],
            landmarks: [[0.0; 2]; 5],
            score,
        }
    }

    #[test]
    fn nms_keeps_the_strongest_of_overlapping_boxes() {
        let kept = non_max_suppression(
            vec![
                det(0.0, 0.0, 10.0, 0.8),
                det(1.0, 1.0, 10.0, 0.9),
                det(50.0, 50.0, 10.0, 0.7),
            ],
            0.3,
        );
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].score, 0.9);
        assert_eq!(kept[1].bbox[0], 50.0);
    }

    #[test]
    fn padding_is_zero_and_channels_are_bgr() {
        let img = RgbImage::from_pixel(3, 2, image::Rgb([1, 2, 3]));
        let mut out = Vec::new();
        fill_bgr_planes(&img, 32, 32, &mut out);
        assert_eq!(out.len(), 3 * 32 * 32);
        assert_eq!((out[0], out[1024], out[2048]), (3.0, 2.0, 1.0));
        assert_eq!(out[3], 0.0);
        assert_eq!(out[2 * 32], 0.0);
    }
}
