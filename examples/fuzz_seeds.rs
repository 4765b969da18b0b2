//! Writes the decode fuzz target's seed corpus (`fuzz/corpus/decode/`):
//! tiny photos in every format facecurate reads, JPEGs carrying each EXIF
//! orientation, 16-bit, gray and alpha PNGs, and a truncated JPEG. Generated
//! rather than copied, so the repository holds no one's photo.
//! Run: `cargo run --example fuzz_seeds`.

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use std::io::Cursor;
use std::path::Path;

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

/// A JPEG with an APP1 Exif segment holding one Orientation entry.
fn with_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // padding, next IFD 0
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decode");
    std::fs::create_dir_all(&dir).expect("corpus folder");
    let rgb = DynamicImage::ImageRgb8(RgbImage::from_fn(12, 8, |x, y| {
        Rgb([(x * 20) as u8, (y * 30) as u8, 128])
    }));
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write");
    for (name, format) in [
        ("tiny.jpg", ImageFormat::Jpeg),
        ("tiny.png", ImageFormat::Png),
        ("tiny.gif", ImageFormat::Gif),
        ("tiny.bmp", ImageFormat::Bmp),
        ("tiny.tiff", ImageFormat::Tiff),
        ("tiny.webp", ImageFormat::WebP),
    ] {
        write(name, &encode(&rgb, format));
    }
    let jpeg = encode(&rgb, ImageFormat::Jpeg);
    for orientation in 1..=8 {
        write(
            &format!("exif_orientation_{orientation}.jpg"),
            &with_orientation(&jpeg, orientation),
        );
    }
    write("truncated.jpg", &jpeg[..jpeg.len() / 2]);
    write(
        "gray16.png",
        &encode(
            &DynamicImage::ImageLuma16(rgb.to_luma16()),
            ImageFormat::Png,
        ),
    );
    write(
        "rgba.png",
        &encode(&DynamicImage::ImageRgba8(rgb.to_rgba8()), ImageFormat::Png),
    );
    write(
        "gray.jpg",
        &encode(&DynamicImage::ImageLuma8(rgb.to_luma8()), ImageFormat::Jpeg),
    );
}
