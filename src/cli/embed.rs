//! `facecurate embed PATH... [--json]`: every face with its vector, for scripts,
//! with any embedder (`--embedder`, `--embedder-spec`).

use super::facenet_setup::{ModelChoice, models};
use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::photos::collect_photos;
use anyhow::Result;
use facecurate::pipeline::{self, ModelFiles, PhotoResult};
use facecurate::records::dump::Dump;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Args)]
pub struct EmbedArgs {
    /// Photos or folders (searched recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print one JSON document: {"photos":[…],"failed":[…]}.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelChoice,
}

pub fn run(cli: &GlobalArgs, args: &EmbedArgs) -> Result<Outcome> {
    let photos = collect_photos(&args.paths);
    let m = models(cli, &args.model)?;
    let mut config = m.ready.config.clone();
    config.models = ModelFiles {
        detector: m.files.model(m.detector)?,
        embedder: m.spec.clone(),
    };
    let mut results: Vec<Option<PhotoResult>> = vec![None; photos.len()];
    let bar = indicatif::ProgressBar::new(photos.len() as u64);
    bar.set_style(super::progress::bar_style());
    let start = std::time::Instant::now();
    pipeline::run(
        &m.ready.runtime,
        &config,
        &photos,
        &AtomicBool::new(false),
        |i, r| {
            bar.inc(1);
            results[i] = Some(r);
        },
    )?;
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for result in results.into_iter().flatten() {
        match result {
            Ok(photo) => ok.push(photo),
            Err(e) => failed.push(e),
        }
    }
    let faces: usize = ok.iter().map(|p| p.faces.len()).sum();
    if args.json {
        println!("{}", Dump::new(ok, &failed, seconds).to_json()?);
    } else {
        for photo in &ok {
            outln!("{}: {} face(s)", photo.path.display(), photo.faces.len());
            for (i, f) in photo.faces.iter().enumerate() {
                outln!(
                    "  face {i}: box [{:.0}, {:.0}, {:.0}, {:.0}] score {:.3} vector [{:.3}, {:.3}, {:.3}, …]",
                    f.bbox[0],
                    f.bbox[1],
                    f.bbox[2],
                    f.bbox[3],
                    f.score,
                    f.embedding[0],
                    f.embedding[1],
                    f.embedding[2]
                );
            }
        }
        for e in &failed {
            errln!("{e}");
        }
    }
    errln!(
        "{} photos, {} faces, {} failed in {:.2} s ({:.1} photos/s)",
        photos.len(),
        faces,
        failed.len(),
        seconds,
        photos.len() as f64 / seconds.max(1e-9)
    );
    Ok(if failed.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Failures
    })
}
