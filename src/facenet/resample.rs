//! OpenCV's `resize(..., INTER_AREA)` for RGB8 images, which facenet's MTCNN
//! uses for its image pyramid and its 24×24 / 48×48 crops: exact area
//! averaging when shrinking, OpenCV's area-mode linear taps when enlarging.
//! Matching it keeps boxes and scores close to facenet's (the networks see
//! the same pixels), which a generic filter would not.

use image::RgbImage;

/// Source taps (index, weight) of each destination index along one axis.
type Taps = Vec<Vec<(usize, f32)>>;

/// OpenCV `computeResizeAreaTab`: the fraction of each source pixel inside
/// the destination pixel's footprint (`src >= dst`).
fn area_taps(src: usize, dst: usize) -> Taps {
    let scale = 1.0 / (dst as f64 / src as f64);
    (0..dst)
        .map(|dx| {
            let fsx1 = dx as f64 * scale;
            let fsx2 = fsx1 + scale;
            let cell = scale.min(src as f64 - fsx1);
            let mut sx2 = fsx2.floor() as i64;
            let mut sx1 = fsx1.ceil() as i64;
            sx2 = sx2.min(src as i64 - 1);
            sx1 = sx1.min(sx2);
            let mut taps = Vec::new();
            if sx1 as f64 - fsx1 > 1e-3 {
                taps.push(((sx1 - 1) as usize, ((sx1 as f64 - fsx1) / cell) as f32));
            }
            for sx in sx1..sx2 {
                taps.push((sx as usize, (1.0 / cell) as f32));
            }
            if fsx2 - sx2 as f64 > 1e-3 {
                let w = (fsx2 - sx2 as f64).min(1.0).min(cell) / cell;
                taps.push((sx2 as usize, w as f32));
            }
            taps
        })
        .collect()
}

/// OpenCV's linear taps in area mode (used when any axis is enlarged).
fn linear_area_taps(src: usize, dst: usize) -> Taps {
    let inv_scale = dst as f64 / src as f64;
    let scale = 1.0 / inv_scale;
    (0..dst)
        .map(|dx| {
            let mut sx = (dx as f64 * scale).floor() as i64;
            let mut fx = ((dx + 1) as f64 - (sx + 1) as f64 * inv_scale) as f32;
            fx = if fx <= 0.0 { 0.0 } else { fx - fx.floor() };
            if sx < 0 {
                fx = 0.0;
                sx = 0;
            }
            if sx >= src as i64 - 1 {
                fx = 0.0;
                sx = src as i64 - 1;
            }
            let sx = sx as usize;
            if fx == 0.0 {
                vec![(sx, 1.0)]
            } else {
                vec![(sx, 1.0 - fx), (sx + 1, fx)]
            }
        })
        .collect()
}

/// `cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)`.
pub fn resize_area(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    let (sw, sh) = (image.width() as usize, image.height() as usize);
    let (dw, dh) = (width as usize, height as usize);
    if (sw, sh) == (dw, dh) || sw == 0 || sh == 0 || dw == 0 || dh == 0 {
        return if (sw, sh) == (dw, dh) {
            image.clone()
        } else {
            RgbImage::new(width, height)
        };
    }
    let (xt, yt) = if sw >= dw && sh >= dh {
        (area_taps(sw, dw), area_taps(sh, dh))
    } else {
        (linear_area_taps(sw, dw), linear_area_taps(sh, dh))
    };
    let src = image.as_raw();
    // Horizontal pass over every source row, then vertical.
    let mut rows = vec![0f32; sh * dw * 3];
    for y in 0..sh {
        let line = &src[y * sw * 3..(y + 1) * sw * 3];
        let out = &mut rows[y * dw * 3..(y + 1) * dw * 3];
        for (dx, taps) in xt.iter().enumerate() {
            let mut acc = [0f32; 3];
            for &(sx, w) in taps {
                for c in 0..3 {
                    acc[c] += f32::from(line[sx * 3 + c]) * w;
                }
            }
            out[dx * 3..dx * 3 + 3].copy_from_slice(&acc);
        }
    }
    let mut out = vec![0u8; dh * dw * 3];
    for (dy, taps) in yt.iter().enumerate() {
        let line = &mut out[dy * dw * 3..(dy + 1) * dw * 3];
        for (i, px) in line.iter_mut().enumerate() {
            let v: f32 = taps.iter().map(|&(sy, w)| rows[sy * dw * 3 + i] * w).sum();
            *px = v.round_ties_even().clamp(0.0, 255.0) as u8;
        }
    }
    RgbImage::from_raw(width, height, out).unwrap_or_else(|| RgbImage::new(width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_averages_two_by_two_blocks() {
        let img = RgbImage::from_fn(4, 2, |x, _| image::Rgb([(x * 10) as u8, 100, 7]));
        let out = resize_area(&img, 2, 1);
        assert_eq!(out.get_pixel(0, 0).0, [5, 100, 7]);
        assert_eq!(out.get_pixel(1, 0).0, [25, 100, 7]);
    }

    #[test]
    fn fractional_shrink_weights_partial_pixels() {
        // 3 -> 2: output 0 covers source 0 and half of 1.
        let img = RgbImage::from_fn(3, 1, |x, _| image::Rgb([[0, 90, 180][x as usize], 0, 0]));
        let out = resize_area(&img, 2, 1);
        assert_eq!(out.get_pixel(0, 0).0[0], 30);
        assert_eq!(out.get_pixel(1, 0).0[0], 150);
    }

    #[test]
    fn area_weights_sum_to_one() {
        for (s, d) in [(250, 150), (150, 107), (97, 24), (48, 48)] {
            for taps in area_taps(s, d) {
                let sum: f32 = taps.iter().map(|t| t.1).sum();
                assert!((sum - 1.0).abs() < 1e-4, "{s}->{d}: {sum}");
            }
        }
        for taps in linear_area_taps(10, 24) {
            let sum: f32 = taps.iter().map(|t| t.1).sum();
            assert!((sum - 1.0).abs() < 1e-6);
        }
    }

    #[test]
    fn enlarging_keeps_flat_regions_flat() {
        let img = RgbImage::from_pixel(7, 7, image::Rgb([40, 50, 60]));
        let out = resize_area(&img, 24, 24);
        assert!(out.pixels().all(|p| p.0 == [40, 50, 60]));
    }
}
