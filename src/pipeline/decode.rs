//! Turning a photo file into upright 8-bit RGB pixels, or a message saying
//! why not.
//!
//! EXIF orientation is applied (phone photos are stored sideways), every
//! pixel format the codecs produce is reduced to RGB8, and size limits stop
//! decompression bombs before they allocate.

use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};
use std::path::Path;

/// Largest width or height accepted.
pub const MAX_SIDE: u32 = 20_000;
/// Largest pixel count accepted (about 100 megapixels).
pub const MAX_PIXELS: u64 = 100_000_000;
/// Decoder allocation cap.
pub const MAX_ALLOC: u64 = 1 << 30;

/// File extensions treated as photos when scanning folders.
pub const PHOTO_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "gif", "jfif",
];

/// True when `path` has one of the photo extensions (case-insensitive).
pub fn is_photo_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| PHOTO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or(false)
}

/// Why a photo could not be decoded. Each variant reads as a cause after
/// the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("cannot read file: {0}")]
    Io(String),
    #[error("empty file")]
    Empty,
    #[error("not an image (unrecognised format)")]
    NotAnImage,
    #[error("unsupported image format: {0}")]
    Unsupported(String),
    #[error("corrupt or truncated image: {0}")]
    Corrupt(String),
    #[error(
        "image too large: {width}x{height} exceeds the limit of {max_side} px a side or {max_pixels} pixels"
    )]
    TooLarge {
        width: u32,
        height: u32,
        max_side: u32,
        max_pixels: u64,
    },
    /// The decoder stopped at its limits (a side over `MAX_SIDE`, or more
    /// memory than `MAX_ALLOC`) before the dimensions reached us.
    #[error("image too large: {0} (at most {MAX_SIDE} px a side and {MAX_ALLOC} bytes decoded)")]
    OverLimits(String),
}

/// Reads and decodes the file at `path`.
pub fn decode_file(path: &Path) -> Result<RgbImage, DecodeError> {
    let bytes = std::fs::read(path).map_err(|e| DecodeError::Io(e.to_string()))?;
    decode_bytes(&bytes)
}

/// Decodes an in-memory photo.
pub fn decode_bytes(bytes: &[u8]) -> Result<RgbImage, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    decode_reader(bytes)
}

fn decode_reader(bytes: &[u8]) -> Result<RgbImage, DecodeError> {
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeError::Io(e.to_string()))?;
    match reader.format() {
        None => return Err(DecodeError::NotAnImage),
        Some(image::ImageFormat::Jpeg) if !jpeg_is_complete(bytes) => {
            return Err(DecodeError::Corrupt(
                "file ends early (no end-of-image marker)".to_string(),
            ));
        }
        Some(_) => {}
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_large(width, height));
    }
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image.into_rgb8())
}

/// The JPEG decoder fills a truncated photo with gray instead of failing, so
/// completeness is checked here: an end-of-image marker must follow the last
/// start-of-scan marker (entropy-coded data never contains either, and this
/// tolerates embedded thumbnails and data appended after the image).
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_sos = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_sos {
        Some(pos) => bytes[pos..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => false,
    }
}

fn too_large(width: u32, height: u32) -> DecodeError {
    DecodeError::TooLarge {
        width,
        height,
        max_side: MAX_SIDE,
        max_pixels: MAX_PIXELS,
    }
}

fn classify(err: image::ImageError) -> DecodeError {
    use image::ImageError as E;
    match err {
        E::Limits(e) => DecodeError::OverLimits(e.to_string()),
        E::Unsupported(u) => DecodeError::Unsupported(u.to_string()),
        E::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            DecodeError::Corrupt("file ends early".to_string())
        }
        E::IoError(e) => DecodeError::Io(e.to_string()),
        other => DecodeError::Corrupt(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, Rgb};

    fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn sample() -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(40, 30, |x, y| {
            Rgb([x as u8 * 6, y as u8 * 8, 100])
        }))
    }

    #[test]
    fn every_supported_format_decodes_to_rgb8() {
        for format in [
            ImageFormat::Png,
            ImageFormat::Jpeg,
            ImageFormat::Bmp,
            ImageFormat::WebP,
        ] {
            let bytes = encode(&sample(), format);
            let img = decode_bytes(&bytes).unwrap_or_else(|e| panic!("{format:?}: {e}"));
            assert_eq!(img.dimensions(), (40, 30), "{format:?}");
        }
    }

    #[test]
    fn gray_16bit_and_alpha_are_converted() {
        let gray16 = DynamicImage::ImageLuma16(image::ImageBuffer::from_pixel(
            8,
            8,
            image::Luma([65535u16]),
        ));
        let img = decode_bytes(&encode(&gray16, ImageFormat::Png)).unwrap();
        assert_eq!(img.get_pixel(0, 0), &Rgb([255, 255, 255]));
        let rgba = DynamicImage::ImageRgba8(image::ImageBuffer::from_pixel(
            8,
            8,
            image::Rgba([10, 20, 30, 0]),
        ));
        let img = decode_bytes(&encode(&rgba, ImageFormat::Png)).unwrap();
        assert_eq!(img.get_pixel(3, 3), &Rgb([10, 20, 30]));
    }

    #[test]
    fn bad_inputs_say_why() {
        assert_eq!(decode_bytes(b""), Err(DecodeError::Empty));
        assert_eq!(
            decode_bytes(b"hello, this is text"),
            Err(DecodeError::NotAnImage)
        );
        let jpeg = encode(&sample(), ImageFormat::Jpeg);
        let truncated = &jpeg[..jpeg.len() / 2];
        assert!(
            matches!(decode_bytes(truncated), Err(DecodeError::Corrupt(_))),
            "{:?}",
            decode_bytes(truncated)
        );
        let mut garbage = jpeg[..20].to_vec();
        garbage.extend(std::iter::repeat_n(0x55u8, 200));
        assert!(decode_bytes(&garbage).is_err());
    }

    #[test]
    fn decompression_bomb_is_refused_before_allocating() {
        // A PNG header claiming 30000x30000 pixels with almost no data.
        let small = DynamicImage::ImageLuma8(image::ImageBuffer::new(1, 1));
        let mut png = encode(&small, ImageFormat::Png);
        // IHDR width/height live at bytes 16..24; patch them and the CRC is
        // then wrong, so also accept a corrupt verdict — but never success.
        png[16..20].copy_from_slice(&30_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&30_000u32.to_be_bytes());
        assert!(decode_bytes(&png).is_err());
    }

    #[test]
    fn a_side_over_the_limit_is_too_large_not_corrupt() {
        let long = DynamicImage::ImageLuma8(image::ImageBuffer::new(MAX_SIDE + 1, 2));
        let err = decode_bytes(&encode(&long, ImageFormat::Png)).unwrap_err();
        assert!(matches!(err, DecodeError::OverLimits(_)), "{err:?}");
        assert!(err.to_string().starts_with("image too large"), "{err}");
    }
}
