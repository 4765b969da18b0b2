//! Reads `facecurate embed --json` output back as photo records, so that
//! benchmarks can train many times on one embedding run. Each photo's person
//! is its parent folder's name, as in a dataset.

use anyhow::{Context, Result};
use facecurate::pipeline::Face;
use facecurate::records::{PhotoRecord, PhotoStatus};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Doc {
    photos: Vec<Photo>,
    #[serde(default)]
    failed: Vec<Failed>,
}

#[derive(Deserialize)]
struct Photo {
    path: PathBuf,
    width: u32,
    height: u32,
    faces: Vec<FaceJson>,
}

#[derive(Deserialize)]
struct FaceJson {
    bbox: [f32; 4],
    landmarks: [[f32; 2]; 5],
    score: f32,
    embedding: Vec<f32>,
}

#[derive(Deserialize)]
struct Failed {
    path: PathBuf,
    error: String,
}

fn person_of(path: &Path) -> String {
    path.parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

pub fn records(file: &Path) -> Result<Vec<PhotoRecord>> {
    let reader = std::io::BufReader::new(
        std::fs::File::open(file).with_context(|| format!("{}: cannot open", file.display()))?,
    );
    let doc: Doc = serde_json::from_reader(reader).with_context(|| {
        format!(
            "{}: not the output of `facecurate embed --json`",
            file.display()
        )
    })?;
    let mut out: Vec<PhotoRecord> = doc
        .photos
        .into_iter()
        .map(|p| PhotoRecord {
            person: person_of(&p.path),
            hash: String::new(),
            width: p.width,
            height: p.height,
            status: PhotoStatus::Ok,
            faces: p
                .faces
                .into_iter()
                .map(|f| Face {
                    bbox: f.bbox,
                    landmarks: f.landmarks,
                    score: f.score,
                    embedding: f.embedding,
                    thumb: Vec::new(),
                })
                .collect(),
            reviewed: false,
            not_duplicate_of: Vec::new(),
            path: p.path,
        })
        .collect();
    out.extend(doc.failed.into_iter().map(|f| PhotoRecord {
        person: person_of(&f.path),
        hash: String::new(),
        width: 0,
        height: 0,
        status: PhotoStatus::Error(f.error),
        faces: Vec::new(),
        reviewed: false,
        not_duplicate_of: Vec::new(),
        path: f.path,
    }));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
