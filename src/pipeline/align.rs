//! Face alignment: the similarity transform (rotation, uniform scale,
//! translation) that best maps the five detected landmarks onto the standard
//! 112×112 five-point template, and a bilinear warp through it.
//!
//! This is what SFace (and ArcFace-family embedders) were trained on; the
//! closed-form least-squares fit below is the same optimum Umeyama's method
//! finds for proper similarities.

use image::{Rgb, RgbImage};

/// The ArcFace/SFace 112×112 template: eyes, nose tip, mouth corners.
pub const TEMPLATE_112: [[f32; 2]; 5] = [
    [38.2946, 51.6963],
    [73.5318, 51.5014],
    [56.0252, 71.7366],
    [41.5493, 92.3655],
    [70.7299, 92.2041],
];

/// A 2×3 affine matrix `[[a, -b, tx], [b, a, ty]]` mapping photo to crop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub a: f32,
    pub b: f32,
    pub tx: f32,
    pub ty: f32,
}

impl Similarity {
    /// Least-squares similarity taking `src` points onto `dst` points.
    pub fn estimate(src: &[[f32; 2]], dst: &[[f32; 2]]) -> Option<Similarity> {
        let n = src.len().min(dst.len());
        if n < 2 {
            return None;
        }
        let mean = |pts: &[[f32; 2]]| {
            let (sx, sy) = pts[..n].iter().fold((0.0f64, 0.0f64), |(x, y), p| {
                (x + f64::from(p[0]), y + f64::from(p[1]))
            });
            (sx / n as f64, sy / n as f64)
        };
        let (msx, msy) = mean(src);
        let (mdx, mdy) = mean(dst);
        let (mut dot, mut cross, mut norm) = (0.0f64, 0.0f64, 0.0f64);
        for i in 0..n {
            let sx = f64::from(src[i][0]) - msx;
            let sy = f64::from(src[i][1]) - msy;
            let dx = f64::from(dst[i][0]) - mdx;
            let dy = f64::from(dst[i][1]) - mdy;
            dot += sx * dx + sy * dy;
            cross += sx * dy - sy * dx;
            norm += sx * sx + sy * sy;
        }
        if norm <= f64::EPSILON {
            return None;
        }
        let a = dot / norm;
        let b = cross / norm;
        Some(Similarity {
            a: a as f32,
            b: b as f32,
            tx: (mdx - (a * msx - b * msy)) as f32,
            ty: (mdy - (b * msx + a * msy)) as f32,
        })
    }

    pub fn apply(&self, p: [f32; 2]) -> [f32; 2] {
        [
            self.a * p[0] - self.b * p[1] + self.tx,
            self.b * p[0] + self.a * p[1] + self.ty,
        ]
    }

    pub fn inverse(&self) -> Option<Similarity> {
        let det = self.a * self.a + self.b * self.b;
        if det <= f32::EPSILON {
            return None;
        }
        let (a, b) = (self.a / det, -self.b / det);
        Some(Similarity {
            a,
            b,
            tx: -(a * self.tx - b * self.ty),
            ty: -(b * self.tx + a * self.ty),
        })
    }
}

/// The 112×112 aligned crop of the face with these landmarks, or `None` when
/// the landmarks are degenerate.
pub fn align_112(image: &RgbImage, landmarks: &[[f32; 2]; 5]) -> Option<RgbImage> {
    let forward = Similarity::estimate(landmarks, &TEMPLATE_112)?;
    warp(image, &forward.inverse()?, 112, 112)
}

/// Samples `image` at `inverse(x, y)` for every output pixel, bilinearly,
/// with black outside the photo (OpenCV's `warpAffine` default border).
pub fn warp(image: &RgbImage, inverse: &Similarity, width: u32, height: u32) -> Option<RgbImage> {
    let (w, h) = (image.width() as i64, image.height() as i64);
    if w == 0 || h == 0 {
        return None;
    }
    let raw = image.as_raw();
    let pixel = |x: i64, y: i64| -> [f32; 3] {
        if x < 0 || y < 0 || x >= w || y >= h {
            return [0.0; 3];
        }
        let i = ((y * w + x) * 3) as usize;
        [
            f32::from(raw[i]),
            f32::from(raw[i + 1]),
            f32::from(raw[i + 2]),
        ]
    };
    let mut out = RgbImage::new(width, height);
    for (x, y, px) in out.enumerate_pixels_mut() {
        let [sx, sy] = inverse.apply([x as f32, y as f32]);
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        let p00 = pixel(x0, y0);
        let p10 = pixel(x0 + 1, y0);
        let p01 = pixel(x0, y0 + 1);
        let p11 = pixel(x0 + 1, y0 + 1);
        let mut rgb = [0u8; 3];
        for c in 0..3 {
            let top = p00[c] + (p10[c] - p00[c]) * fx;
            let bottom = p01[c] + (p11[c] - p01[c]) * fx;
            rgb[c] = (top + (bottom - top) * fy).round().clamp(0.0, 255.0) as u8;
        }
        *px = Rgb(rgb);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_similarity() {
        let truth = Similarity {
            a: 0.8,
            b: 0.3,
            tx: 5.0,
            ty: -7.0,
        };
        let src: Vec<[f32; 2]> = TEMPLATE_112
            .iter()
            .map(|p| [p[0] * 2.0 + 10.0, p[1] * 1.5])
            .collect();
        let dst: Vec<[f32; 2]> = src.iter().map(|p| truth.apply(*p)).collect();
        let fit = Similarity::estimate(&src, &dst).unwrap();
        for (got, want) in [(fit.a, 0.8), (fit.b, 0.3), (fit.tx, 5.0), (fit.ty, -7.0)] {
            assert!((got - want).abs() < 1e-3, "{got} vs {want}");
        }
        let back = fit.inverse().unwrap();
        let p = back.apply(fit.apply([12.0, 34.0]));
        assert!((p[0] - 12.0).abs() < 1e-3 && (p[1] - 34.0).abs() < 1e-3);
    }

    #[test]
    fn identity_landmarks_give_an_identical_crop() {
        let img = RgbImage::from_fn(112, 112, |x, y| Rgb([x as u8, y as u8, 7]));
        let crop = align_112(&img, &TEMPLATE_112).unwrap();
        assert_eq!(crop.get_pixel(50, 60), &Rgb([50, 60, 7]));
    }

    #[test]
    fn degenerate_landmarks_are_refused() {
        let img = RgbImage::new(10, 10);
        assert!(align_112(&img, &[[3.0, 3.0]; 5]).is_none());
    }
}
