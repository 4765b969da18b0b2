//! The face pipeline on real photos: faces are found, identities separate,
//! and bad files fail with their cause while the run goes on.

mod common;

use common::{person_of, photos_under, process, setup};
use facecurate::pipeline::embed::cosine;
use facecurate::pipeline::{Failure, main_face_index};
use image::{DynamicImage, ImageEncoder, ImageFormat};

#[test]
fn a_face_is_found_in_at_least_98_percent_of_the_sample_photos() {
    let photos = photos_under(&setup().celeb5);
    assert!(
        photos.len() >= 100,
        "expected the 5-celebrity set, got {} photos",
        photos.len()
    );
    let results = process(&photos);
    let with_face = results
        .iter()
        .filter(|r| matches!(r, Ok(p) if !p.faces.is_empty()))
        .count();
    let rate = with_face as f64 / photos.len() as f64;
    eprintln!(
        "face found in {with_face}/{} photos ({:.1}%)",
        photos.len(),
        rate * 100.0
    );
    assert!(
        rate >= 0.98,
        "face found in only {:.1}% of photos",
        rate * 100.0
    );
}

#[test]
fn same_person_pairs_are_closer_than_different_person_pairs() {
    let photos = photos_under(&setup().celeb5);
    let results = process(&photos);
    let mut items = Vec::new();
    for (path, result) in photos.iter().zip(results) {
        let Ok(photo) = result else { continue };
        let boxes: Vec<[f32; 4]> = photo.faces.iter().map(|f| f.bbox).collect();
        if let Some(i) = main_face_index(&boxes, photo.width, photo.height) {
            items.push((person_of(path), photo.faces[i].embedding.clone()));
        }
    }
    let mut pairs = Vec::new();
    for i in 0..items.len() {
        for j in i + 1..items.len() {
            pairs.push((items[i].0 == items[j].0, cosine(&items[i].1, &items[j].1)));
        }
    }
    let mean = |same: bool| {
        let v: Vec<f32> = pairs.iter().filter(|p| p.0 == same).map(|p| p.1).collect();
        v.iter().sum::<f32>() / v.len() as f32
    };
    let (same, diff) = (mean(true), mean(false));
    // Best single threshold over all pairs, as a verification accuracy.
    let mut best = 0.0f64;
    for t in (0..100).map(|k| k as f32 / 100.0) {
        let correct = pairs.iter().filter(|(s, c)| (*c >= t) == *s).count();
        best = best.max(correct as f64 / pairs.len() as f64);
    }
    eprintln!(
        "{} faces, {} pairs: mean cosine same {same:.3}, different {diff:.3}; pair-verification accuracy {:.2}%",
        items.len(),
        pairs.len(),
        best * 100.0
    );
    assert!(same > diff + 0.3, "same {same} vs different {diff}");
    assert!(best >= 0.95, "pair-verification accuracy {best}");
}

#[test]
fn every_face_of_the_group_photo_is_found() {
    let results = process(&[setup().group.join("t1.jpg")]);
    let photo = results[0].as_ref().expect("t1.jpg decodes");
    // insightface's t1.jpg shows six people.
    assert_eq!(
        photo.faces.len(),
        6,
        "faces: {:?}",
        photo.faces.iter().map(|f| f.bbox).collect::<Vec<_>>()
    );
    for face in &photo.faces {
        let norm: f32 = face.embedding.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-3, "embeddings are unit length");
        assert_eq!(face.embedding.len(), 128);
    }
}

fn write_exif_rotated_jpeg(source: &std::path::Path, dest: &std::path::Path) {
    // Store the photo turned 90° anticlockwise with EXIF orientation 6
    // ("rotate 90° clockwise to display"), as phones do.
    let img = image::open(source).expect("open").rotate270().to_rgb8();
    let tiff_orientation_6: Vec<u8> = vec![
        0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF, IFD at 8
        0x00, 0x01, // one entry
        0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00,
        0x00, // Orientation = 6
        0x00, 0x00, 0x00, 0x00, // no next IFD
    ];
    let mut out = std::fs::File::create(dest).expect("create");
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95);
    encoder
        .set_exif_metadata(tiff_orientation_6)
        .expect("exif supported");
    encoder
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode");
}

#[test]
fn exif_orientation_is_applied_before_detection() {
    let source = photos_under(&setup().group)
        .into_iter()
        .find(|p| p.ends_with("Tom_Hanks_54745.png"))
        .expect("sample");
    let dir = tempfile::tempdir().expect("tempdir");
    let rotated = dir.path().join("rotated.jpg");
    write_exif_rotated_jpeg(&source, &rotated);
    let results = process(&[source.clone(), rotated]);
    let upright = results[0].as_ref().expect("source decodes");
    let turned = results[1].as_ref().expect("rotated decodes");
    assert_eq!(
        (turned.width, turned.height),
        (upright.width, upright.height),
        "displayed size restored"
    );
    assert_eq!(turned.faces.len(), 1);
    let sim = cosine(&upright.faces[0].embedding, &turned.faces[0].embedding);
    assert!(sim > 0.9, "same face after EXIF rotation, cosine {sim}");
}

#[test]
fn bad_files_fail_with_their_cause_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let good = photos_under(&setup().group)
        .into_iter()
        .find(|p| p.ends_with("Tom_Hanks_54745.png"))
        .expect("sample");
    let good_bytes = std::fs::read(&good).expect("read sample");
    let mut jpeg = Vec::new();
    image::load_from_memory(&good_bytes)
        .expect("decode")
        .write_to(&mut std::io::Cursor::new(&mut jpeg), ImageFormat::Jpeg)
        .expect("encode");
    std::fs::write(d.join("empty.jpg"), b"").expect("write");
    std::fs::write(d.join("notes.jpg"), b"this is a text file, not a photo").expect("write");
    std::fs::write(d.join("truncated.jpg"), &jpeg[..jpeg.len() / 3]).expect("write");
    let mut bomb = Vec::new();
    DynamicImage::new_luma8(1, 1)
        .write_to(&mut std::io::Cursor::new(&mut bomb), ImageFormat::Png)
        .expect("png");
    bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    std::fs::write(d.join("bomb.png"), &bomb).expect("write");
    let sky = image::RgbImage::from_fn(200, 150, |x, y| {
        image::Rgb([90 + (x / 4) as u8, 140, 200 - (y / 3) as u8])
    });
    sky.save(d.join("sky.png")).expect("write");
    std::fs::write(d.join("good.jpg"), &jpeg).expect("write");
    let names = [
        "empty.jpg",
        "notes.jpg",
        "truncated.jpg",
        "bomb.png",
        "sky.png",
        "good.jpg",
        "missing.jpg",
    ];
    let paths: Vec<_> = names.iter().map(|n| d.join(n)).collect();
    let results = process(&paths);
    let cause = |i: usize| match &results[i] {
        Err(e) => {
            assert_eq!(e.path, paths[i], "error names the file");
            assert!(
                e.to_string().contains(names[i]),
                "message names the file: {e}"
            );
            e.cause.to_string()
        }
        Ok(p) => panic!(
            "{} unexpectedly decoded ({} faces)",
            names[i],
            p.faces.len()
        ),
    };
    assert!(cause(0).contains("empty"), "{}", cause(0));
    assert!(cause(1).contains("not an image"), "{}", cause(1));
    assert!(cause(2).contains("corrupt or truncated"), "{}", cause(2));
    assert!(
        matches!(&results[3], Err(e) if matches!(e.cause, Failure::Decode(_))),
        "{:?}",
        results[3].as_ref().err()
    );
    assert!(cause(6).contains("cannot read"), "{}", cause(6));
    assert_eq!(
        results[4]
            .as_ref()
            .expect("a photo without a face decodes")
            .faces
            .len(),
        0
    );
    assert_eq!(
        results[5]
            .as_ref()
            .expect("the good photo still runs")
            .faces
            .len(),
        1
    );
}
