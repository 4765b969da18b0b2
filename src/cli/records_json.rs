//! Development path: records from an `embed --json` dump instead of the
//! pipeline, so the analysis can be iterated on without re-embedding.

use anyhow::{Context, Result};
use facecurate::pipeline::Face;
use facecurate::records::{PhotoRecord, PhotoStatus, hash_file};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn floats<const N: usize>(v: &Value) -> [f32; N] {
    let mut out = [0f32; N];
    if let Some(a) = v.as_array() {
        for (o, x) in out.iter_mut().zip(a) {
            *o = x.as_f64().unwrap_or(0.0) as f32;
        }
    }
    out
}

fn face(v: &Value) -> Face {
    let landmarks = v["landmarks"]
        .as_array()
        .map(|a| a.iter().map(floats::<2>).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut lm = [[0f32; 2]; 5];
    for (o, l) in lm.iter_mut().zip(landmarks) {
        *o = l;
    }
    Face {
        bbox: floats::<4>(&v["bbox"]),
        landmarks: lm,
        score: v["score"].as_f64().unwrap_or(0.0) as f32,
        embedding: v["embedding"]
            .as_array()
            .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(0.0) as f32).collect())
            .unwrap_or_default(),
        thumb: v["thumb"]
            .as_str()
            .and_then(|h| hex::decode(h).ok())
            .unwrap_or_default(),
    }
}

/// Records of the photos under `root` found in the dump (paths in the dump
/// are matched on their last two components: person folder and file).
pub fn load(dump: &Path, root: &Path) -> Result<Vec<PhotoRecord>> {
    let text = std::fs::read_to_string(dump)
        .with_context(|| format!("{}: cannot read", dump.display()))?;
    let doc: Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not an embed --json dump", dump.display()))?;
    let mut out = Vec::new();
    let relative = |p: &str| -> Option<(PathBuf, String)> {
        let p = Path::new(p);
        let file = p.file_name()?;
        let person = p.parent()?.file_name()?.to_string_lossy().to_string();
        Some((PathBuf::from(&person).join(file), person))
    };
    for photo in doc["photos"].as_array().into_iter().flatten() {
        let Some((path, person)) = photo["path"].as_str().and_then(relative) else {
            continue;
        };
        out.push(PhotoRecord {
            hash: hash_file(&root.join(&path)).unwrap_or_default(),
            path,
            person,
            width: photo["width"].as_u64().unwrap_or(0) as u32,
            height: photo["height"].as_u64().unwrap_or(0) as u32,
            status: PhotoStatus::Ok,
            faces: photo["faces"]
                .as_array()
                .map(|f| f.iter().map(face).collect())
                .unwrap_or_default(),
            reviewed: false,
            not_duplicate_of: Vec::new(),
        });
    }
    for failed in doc["failed"].as_array().into_iter().flatten() {
        let Some((path, person)) = failed["path"].as_str().and_then(relative) else {
            continue;
        };
        out.push(PhotoRecord {
            hash: hash_file(&root.join(&path)).unwrap_or_default(),
            path,
            person,
            width: 0,
            height: 0,
            status: PhotoStatus::Error(failed["error"].as_str().unwrap_or("failed").to_string()),
            faces: Vec::new(),
            reviewed: false,
            not_duplicate_of: Vec::new(),
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
