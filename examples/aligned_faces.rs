//! Dev tool for `bench/calibrate_sface.py`: for every photo under SRC (one
//! folder per person), detects faces with the cached YuNet, picks the main
//! face as the pipeline does, and writes the exact 112×112 ArcFace-aligned
//! crop SFace is fed (RGB, the pipeline's own similarity fit and bilinear
//! warp) as DST/<person>/<photo>.png. `align` writes facenet-style box crops
//! instead, which are not what the embedder sees.
//!
//! Usage: cargo run --release --example aligned_faces -- SRC DST [--every-face]
//! With `--every-face`, the other faces of each photo are written too, as
//! `<photo>.face<K>.w<WIDTH>.png` (int8 must hold on background faces as well).
//! (the models and ONNX Runtime must be in the cache: `facecurate models fetch`)

use facecurate::models::{Cache, Manifest};
use facecurate::pipeline::align::align_112;
use facecurate::pipeline::decode::{decode_file, is_photo_path};
use facecurate::pipeline::detect::{DetectSettings, Detector};
use facecurate::pipeline::main_face_index;
use facecurate::runtime::{self, Device};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn photos(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(people) = std::fs::read_dir(dir) else {
        eprintln!("{}: cannot list", dir.display());
        return out;
    };
    for person in people.flatten().map(|e| e.path()).filter(|p| p.is_dir()) {
        if let Ok(files) = std::fs::read_dir(&person) {
            out.extend(
                files
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| is_photo_path(p)),
            );
        }
    }
    out.sort();
    out
}

fn run(src: &Path, dst: &Path, every_face: bool) -> Result<usize, String> {
    let manifest = Manifest::builtin().map_err(|e| e.to_string())?;
    let cache = Cache::default_location();
    let yunet = manifest.get("yunet").ok_or("no yunet in the manifest")?;
    let rt = runtime::init(&runtime::library_path(&cache, &manifest), Device::Cpu)
        .map_err(|e| e.to_string())?;
    let session = rt
        .session(&cache.path_of(&yunet.file), 1)
        .map_err(|e| e.to_string())?;
    let mut detector = Detector::new(session, DetectSettings::default());
    let mut written = 0;
    for path in photos(src) {
        let Ok(image) = decode_file(&path) else {
            eprintln!("{}: cannot decode", path.display());
            continue;
        };
        let dets = detector.detect(&image).map_err(|e| e.to_string())?;
        let boxes: Vec<[f32; 4]> = dets.iter().map(|d| d.bbox).collect();
        let Some(i) = main_face_index(&boxes, image.width(), image.height()) else {
            continue;
        };
        let (Some(person), Some(name)) = (
            path.parent().and_then(Path::file_name),
            path.file_name().and_then(|n| n.to_str()),
        ) else {
            continue;
        };
        let out = dst.join(person);
        std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        for (k, det) in dets.iter().enumerate() {
            let file = if k == i {
                out.join(format!("{name}.png"))
            } else if every_face {
                out.join(format!("{name}.face{k}.w{:.0}.png", det.bbox[2]))
            } else {
                continue;
            };
            let Some(crop) = align_112(&image, &det.landmarks) else {
                continue;
            };
            crop.save(&file)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            written += 1;
        }
    }
    Ok(written)
}

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let every_face = args.iter().any(|a| a.as_os_str() == "--every-face");
    let paths: Vec<&PathBuf> = args
        .iter()
        .filter(|a| a.as_os_str() != "--every-face")
        .collect();
    let [src, dst] = paths.as_slice() else {
        eprintln!("usage: aligned_faces SRC DST [--every-face]");
        return ExitCode::from(2);
    };
    match run(src, dst, every_face) {
        Ok(n) => {
            eprintln!("{n} aligned faces written under {}", dst.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("aligned_faces: {e}");
            ExitCode::FAILURE
        }
    }
}
