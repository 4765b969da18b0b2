//! Dev tool for `bench/mtcnn_fixture.sh`: decodes every photo under SRC with
//! facecurate's own decoder and writes it losslessly as PNG under DST (same
//! relative path, `.png` appended), so a Python reference can run on exactly
//! the pixels facecurate sees.
//!
//! Usage: cargo run --release --example decode_png -- SRC DST

use facecurate::pipeline::decode::{decode_file, is_photo_path};
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("{}: cannot list", dir.display());
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            walk(&p, out);
        } else if is_photo_path(&p) {
            out.push(p);
        }
    }
}

fn main() -> std::process::ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [src, dst] = args.as_slice() else {
        eprintln!("usage: decode_png SRC DST");
        return std::process::ExitCode::from(2);
    };
    let mut photos = Vec::new();
    walk(src, &mut photos);
    photos.sort();
    let mut failed = 0;
    for photo in photos {
        let Ok(rel) = photo.strip_prefix(src) else {
            continue;
        };
        let out = dst.join(format!("{}.png", rel.display()));
        let result = decode_file(&photo)
            .map_err(|e| e.to_string())
            .and_then(|img| {
                if let Some(parent) = out.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
                }
                img.save(&out).map_err(|e| e.to_string())
            });
        if let Err(e) = result {
            eprintln!("{}: {e}", photo.display());
            failed += 1;
        }
    }
    if failed > 0 {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}
