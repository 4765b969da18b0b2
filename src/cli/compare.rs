//! `facecurate compare IMG IMG [IMG...] [--json]`: facenet's compare.py, with
//! cosine beside the distance and photos without a face named, not dropped.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::setup;
use anyhow::Result;
use facecurate::pipeline::embed::{cosine, distance};
use facecurate::pipeline::{self, PhotoResult, main_face_index};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Two or more photos.
    #[arg(required = true, num_args = 2..)]
    pub images: Vec<PathBuf>,
    /// Print {"images":[{"path","faces"}],"distance":[[…]],"cosine":[[…]]}.
    #[arg(long)]
    pub json: bool,
}

struct Row {
    path: PathBuf,
    faces: usize,
    vector: Option<Vec<f32>>,
    note: Option<String>,
}

pub fn run(cli: &GlobalArgs, args: &CompareArgs) -> Result<Outcome> {
    let ready = setup::ready(cli)?;
    let mut results: Vec<Option<PhotoResult>> = vec![None; args.images.len()];
    pipeline::run(
        &ready.runtime,
        &ready.config,
        &args.images,
        &AtomicBool::new(false),
        |i, r| results[i] = Some(r),
    )?;
    let rows: Vec<Row> = args
        .images
        .iter()
        .zip(results)
        .map(|(path, result)| to_row(path, result))
        .collect();
    let n = rows.len();
    let matrix = |f: fn(&[f32], &[f32]) -> f32| -> Vec<Vec<Option<f32>>> {
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| match (&rows[i].vector, &rows[j].vector) {
                        (Some(a), Some(b)) => Some(f(a, b)),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    };
    let dist = matrix(distance);
    let cos = matrix(cosine);
    let with_face = rows.iter().filter(|r| r.vector.is_some()).count();
    if args.json {
        let images: Vec<_> = rows
            .iter()
            .map(|r| serde_json::json!({"path": r.path, "faces": r.faces, "note": r.note}))
            .collect();
        let doc = serde_json::json!({"images": images, "distance": dist, "cosine": cos});
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        outln!("Images:");
        for (i, r) in rows.iter().enumerate() {
            let note = r
                .note
                .as_deref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default();
            outln!(
                "{i}: {} ({} face{}){note}",
                r.path.display(),
                r.faces,
                if r.faces == 1 { "" } else { "s" }
            );
        }
        print_matrix(
            "Distance matrix (Euclidean between unit vectors; with SFace, under about 1.13 — cosine over 0.36 — suggests the same person)",
            &dist,
        );
        print_matrix("Cosine similarity", &cos);
    }
    if with_face < 2 {
        errln!("fewer than two photos have a face: nothing to compare");
        return Ok(Outcome::Failures);
    }
    Ok(Outcome::Ok)
}

fn to_row(path: &std::path::Path, result: Option<PhotoResult>) -> Row {
    match result {
        Some(Ok(photo)) => {
            let boxes: Vec<[f32; 4]> = photo.faces.iter().map(|f| f.bbox).collect();
            let chosen = main_face_index(&boxes, photo.width, photo.height);
            let note = match photo.faces.len() {
                0 => Some("no face found".to_string()),
                1 => None,
                k => Some(format!(
                    "{k} faces, using the largest central one (face {})",
                    chosen.unwrap_or(0)
                )),
            };
            Row {
                path: path.to_path_buf(),
                faces: photo.faces.len(),
                vector: chosen.map(|i| photo.faces[i].embedding.clone()),
                note,
            }
        }
        Some(Err(e)) => Row {
            path: path.to_path_buf(),
            faces: 0,
            vector: None,
            note: Some(e.cause.to_string()),
        },
        None => Row {
            path: path.to_path_buf(),
            faces: 0,
            vector: None,
            note: Some("not processed".to_string()),
        },
    }
}

fn print_matrix(title: &str, m: &[Vec<Option<f32>>]) {
    outln!("\n{title}");
    out!("    ");
    for j in 0..m.len() {
        out!("{j:>9}");
    }
    outln!();
    for (i, row) in m.iter().enumerate() {
        out!("{i:>3} ");
        for v in row {
            match v {
                Some(v) => out!("{v:>9.4}"),
                None => out!("{:>9}", "-"),
            }
        }
        outln!();
    }
}
