//! The page's pictures. Each photo shown is read again from the dataset,
//! cut to the face the analysis used (or kept whole, for duplicates, where
//! the frame is the evidence), downscaled and re-encoded as a small JPEG,
//! then embedded as a `data:` URI: the page stays one file that opens
//! anywhere, and its size grows with what is shown, not with the dataset.

use base64::Engine as _;
use image::RgbImage;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use std::collections::HashMap;
use std::path::Path;

/// JPEG quality of the embedded pictures: faces stay recognisable at a
/// few kilobytes each.
const QUALITY: u8 = 72;

/// How much wider than the detected box a face crop is: the box is tight
/// around the features, and a curator judges a face with its hair and chin.
const FACE_CONTEXT: f32 = 1.7;

/// One picture the page asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pic {
    /// The photo's dataset-relative key (see [`crate::pathkey`]).
    pub key: String,
    /// Longest side in pixels.
    pub side: u32,
    /// The face box to cut to, in whole pixels; `None` keeps the whole photo.
    pub face: Option<[u32; 4]>,
}

impl Pic {
    pub fn face(key: &str, side: u32, face_box: Option<[f32; 4]>) -> Pic {
        let whole = |v: f32| v.max(0.0).round() as u32;
        Pic {
            key: key.to_owned(),
            side,
            face: face_box.map(|b| b.map(whole)),
        }
    }

    pub fn whole(key: &str, side: u32) -> Pic {
        Pic {
            key: key.to_owned(),
            side,
            face: None,
        }
    }
}

/// The data URIs of `pics` (each made once, on all cores); a photo that
/// cannot be read any more maps to `None` and the page says so in its place.
pub fn encode_all(root: &Path, pics: Vec<Pic>) -> HashMap<Pic, Option<String>> {
    let mut unique = pics;
    unique.sort_by(|a, b| (&a.key, a.side, a.face).cmp(&(&b.key, b.side, b.face)));
    unique.dedup();
    let uris = crate::par::map(
        &unique,
        |p| format!("html thumbnail of {}", crate::shown::escape(&p.key)),
        |p| data_uri(root, p),
    );
    unique.into_iter().zip(uris).collect()
}

/// One picture as a `data:image/jpeg;base64,…` URI.
fn data_uri(root: &Path, pic: &Pic) -> Option<String> {
    let photo = crate::pipeline::decode::decode_file(&crate::pathkey::join(root, &pic.key)).ok()?;
    let cut = match pic.face {
        Some(face) => crop_around(&photo, face),
        None => photo,
    };
    let small = shrink(&cut, pic.side);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
        .encode_image(&small)
        .ok()?;
    let text = base64::engine::general_purpose::STANDARD.encode(&jpeg);
    Some(format!("data:image/jpeg;base64,{text}"))
}

/// A square around the face box, `FACE_CONTEXT` times its longer side,
/// moved inside the photo where it would stick out.
fn crop_around(photo: &RgbImage, [x, y, w, h]: [u32; 4]) -> RgbImage {
    let (pw, ph) = photo.dimensions();
    let side = ((w.max(h) as f32 * FACE_CONTEXT) as u32).clamp(1, pw.min(ph).max(1));
    let centre = |start: u32, len: u32, limit: u32| {
        let c = start.saturating_add(len / 2);
        c.saturating_sub(side / 2).min(limit.saturating_sub(side))
    };
    let (left, top) = (centre(x, w, pw), centre(y, h, ph));
    imageops::crop_imm(photo, left, top, side, side).to_image()
}

/// The photo with its longer side at most `side` (never enlarged).
fn shrink(photo: &RgbImage, side: u32) -> RgbImage {
    let (w, h) = photo.dimensions();
    let longer = w.max(h).max(1);
    if longer <= side {
        return photo.clone();
    }
    let scale = side as f32 / longer as f32;
    let size = |v: u32| ((v as f32 * scale).round() as u32).max(1);
    imageops::resize(photo, size(w), size(h), FilterType::Triangle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 128]))
    }

    #[test]
    fn a_face_crop_is_square_and_stays_inside_the_photo() {
        let cut = crop_around(&photo(250, 250), [200, 10, 60, 80]);
        assert_eq!(cut.dimensions(), (136, 136));
        let corner = crop_around(&photo(100, 60), [0, 0, 90, 90]);
        assert_eq!(corner.dimensions(), (60, 60));
    }

    #[test]
    fn shrinking_keeps_the_aspect_and_never_enlarges() {
        assert_eq!(shrink(&photo(400, 200), 100).dimensions(), (100, 50));
        assert_eq!(shrink(&photo(50, 20), 100).dimensions(), (50, 20));
    }

    #[test]
    fn a_missing_photo_has_no_picture_and_a_real_one_is_a_jpeg_uri() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("a")).expect("folder");
        photo(300, 200)
            .save(dir.path().join("a/p.png"))
            .expect("write");
        let pics = vec![
            Pic::whole("a/p.png", 96),
            Pic::face("a/p.png", 64, Some([100.0, 50.0, 40.0, 50.0])),
            Pic::whole("a/gone.jpg", 96),
            Pic::whole("a/p.png", 96),
        ];
        let uris = encode_all(dir.path(), pics);
        assert_eq!(uris.len(), 3, "the repeated picture is made once");
        let uri = uris[&Pic::whole("a/p.png", 96)].as_deref().expect("made");
        assert!(uri.starts_with("data:image/jpeg;base64,/9j/"), "{uri:.40}");
        assert_eq!(uris[&Pic::whole("a/gone.jpg", 96)], None);
    }
}
