//! `facecurate detect PATH... [--detector mtcnn|yunet] [--json]`: faces
//! only (box, landmarks, score), no embedding — for checking a detector
//! against a reference, and as the detect-only speed baseline of `align`.

use super::facenet_setup::detector_files;
use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::photos::collect_photos;
use super::setup;
use anyhow::Result;
use facecurate::facenet::engine::open_detector;
use facecurate::facenet::{DetectorKind, pool};
use facecurate::pipeline::decode;
use facecurate::pipeline::detect::Detection;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Args)]
pub struct DetectArgs {
    /// Photos or folders (searched recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Face detector.
    #[arg(long, default_value = "mtcnn")]
    pub detector: DetectorKind,
    /// Print {"photos":[{"path","width","height","faces":[{"bbox","landmarks","score"}]}],"failed":[…]}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, serde::Serialize)]
struct Found {
    path: PathBuf,
    width: u32,
    height: u32,
    faces: Vec<Detection>,
}

pub fn run(cli: &GlobalArgs, args: &DetectArgs) -> Result<Outcome> {
    let photos = collect_photos(&args.paths);
    let start = std::time::Instant::now();
    let results = detect_all(cli, args, &photos)?;
    let seconds = start.elapsed().as_secs_f64();
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for (path, r) in photos.iter().zip(results) {
        match r {
            Some(Ok(found)) => ok.push(found),
            Some(Err(cause)) => failed.push((path.clone(), cause)),
            None => failed.push((path.clone(), "not processed".to_string())),
        }
    }
    if args.json {
        let failed_json: Vec<_> = failed
            .iter()
            .map(|(p, e)| serde_json::json!({"path": p, "error": e}))
            .collect();
        let doc = serde_json::json!({"photos": ok, "failed": failed_json, "seconds": seconds,
            "detector": args.detector.to_string()});
        println!("{}", serde_json::to_string(&doc)?);
    } else {
        print_text(&ok, &failed);
    }
    let with_face = ok.iter().filter(|f| !f.faces.is_empty()).count();
    errln!(
        "{} photos, {with_face} with a face, {} failed in {seconds:.2} s ({:.1} photos/s, {})",
        photos.len(),
        failed.len(),
        photos.len() as f64 / seconds.max(1e-9),
        args.detector
    );
    Ok(if failed.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Failures
    })
}

/// Every photo's faces (or why not), in the order of `photos`.
fn detect_all(
    cli: &GlobalArgs,
    args: &DetectArgs,
    photos: &[PathBuf],
) -> Result<Vec<Option<Result<Found, String>>>> {
    let ready = setup::ready_unannounced(cli)?;
    let files = detector_files(&ready.session, args.detector)?;
    ready.announce(&args.detector.to_string());
    let bar = indicatif::ProgressBar::new(photos.len() as u64);
    bar.set_style(super::progress::bar_style());
    let mut results: Vec<Option<Result<Found, String>>> = vec![None; photos.len()];
    pool::run_per_item(
        photos,
        ready.config.workers,
        || {
            open_detector(
                &ready.runtime,
                &files,
                args.detector,
                ready.config.intra_threads,
            )
        },
        |detector, path| -> Result<Found, String> {
            facecurate::fault::panic_on(path);
            let image = decode::decode_file(path).map_err(|e| e.to_string())?;
            let faces = detector
                .detect(&image)
                .map_err(|e| format!("model error: {e}"))?;
            Ok(Found {
                path: path.clone(),
                width: image.width(),
                height: image.height(),
                faces,
            })
        },
        |_, message| Err(format!("internal error: {message}")),
        &AtomicBool::new(false),
        |i, r| {
            bar.inc(1);
            results[i] = Some(r);
        },
    )?;
    bar.finish_and_clear();
    Ok(results)
}

fn print_text(ok: &[Found], failed: &[(PathBuf, String)]) {
    for f in ok {
        outln!("{}: {} face(s)", f.path.display(), f.faces.len());
        for d in &f.faces {
            outln!(
                "  box [{:.1}, {:.1}, {:.1}, {:.1}] score {:.3}",
                d.bbox[0],
                d.bbox[1],
                d.bbox[2],
                d.bbox[3],
                d.score
            );
        }
    }
    for (p, e) in failed {
        errln!("{}: {e}", p.display());
    }
}
