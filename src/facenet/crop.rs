//! facenet's face crop (`align_dataset_mtcnn.py`, `compare.py`): the
//! detector's box grown by `margin / 2` photo pixels on every side, clipped
//! to the photo, cut out and resized (bilinear) to the output size.

use image::RgbImage;
use image::imageops::{self, FilterType};

/// The integer crop box `[x1, y1, x2, y2]` facenet computes from a detector
/// box `[x, y, w, h]`: each side moved out by `margin / 2`, clipped to the
/// photo, truncated to integers (numpy's int32 assignment). `None` when
/// nothing of the box is inside the photo.
pub fn facenet_box(bbox: &[f32; 4], margin: f32, width: u32, height: u32) -> Option<[u32; 4]> {
    // x + w can land a hair under an integer in f32; truncate what the
    // corner really was.
    let trunc = |v: f32| (f64::from(v) + 1e-4).trunc();
    let half = f64::from(margin) / 2.0;
    let x1 = (f64::from(bbox[0]) - half).max(0.0);
    let y1 = (f64::from(bbox[1]) - half).max(0.0);
    let x2 = (f64::from(bbox[0] + bbox[2]) + half).min(f64::from(width));
    let y2 = (f64::from(bbox[1] + bbox[3]) + half).min(f64::from(height));
    let b = [
        trunc(x1 as f32),
        trunc(y1 as f32),
        trunc(x2 as f32),
        trunc(y2 as f32),
    ];
    if b[2] <= b[0] || b[3] <= b[1] {
        return None;
    }
    Some([b[0] as u32, b[1] as u32, b[2] as u32, b[3] as u32])
}

/// The facenet crop of `bbox`, resized to `out_w`×`out_h`.
pub fn facenet_crop(
    image: &RgbImage,
    bbox: &[f32; 4],
    margin: f32,
    out_w: u32,
    out_h: u32,
) -> Option<RgbImage> {
    let [x1, y1, x2, y2] = facenet_box(bbox, margin, image.width(), image.height())?;
    Some(crop_box(image, [x1, y1, x2, y2], out_w, out_h))
}

/// Cuts `[x1, y1, x2, y2)` out of `image` and resizes it (bilinear, with
/// PIL-style widening of the filter when shrinking, as `misc.imresize`).
pub fn crop_box(image: &RgbImage, b: [u32; 4], out_w: u32, out_h: u32) -> RgbImage {
    let view = imageops::crop_imm(image, b[0], b[1], b[2] - b[0], b[3] - b[1]).to_image();
    if view.dimensions() == (out_w, out_h) {
        return view;
    }
    imageops::resize(&view, out_w, out_h, FilterType::Triangle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_grows_by_half_the_margin_and_is_clipped() {
        assert_eq!(
            facenet_box(&[50.0, 60.0, 100.0, 120.0], 44.0, 400, 400),
            Some([28, 38, 172, 202])
        );
        assert_eq!(
            facenet_box(&[5.5, 10.9, 100.0, 100.0], 32.0, 100, 200),
            Some([0, 0, 100, 126])
        );
        assert_eq!(facenet_box(&[500.0, 10.0, 10.0, 10.0], 0.0, 100, 100), None);
    }

    #[test]
    fn crop_has_the_output_size() {
        let img = RgbImage::from_fn(300, 200, |x, y| image::Rgb([x as u8, y as u8, 0]));
        let c = facenet_crop(&img, &[100.0, 50.0, 80.0, 90.0], 32.0, 160, 160).unwrap();
        assert_eq!(c.dimensions(), (160, 160));
    }
}
