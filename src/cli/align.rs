//! `facecurate align SRC DST`: facenet's `align_dataset_mtcnn.py` with the
//! same parameters and output layout, on every core of one process, with a
//! progress bar; photos already aligned by an earlier run are skipped.

use super::facenet_setup::detector_files;
use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::setup;
use anyhow::{Context, Result};
use facecurate::facenet::align_dataset::{
    AlignJob, AlignOutcome, AlignSettings, BoxesFile, align_image, plan,
};
use facecurate::facenet::engine::open_detector;
use facecurate::facenet::{DetectorKind, pool};
use facecurate::pipeline::decode;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Args)]
pub struct AlignArgs {
    /// Dataset to align, one folder per person.
    pub src: PathBuf,
    /// Output folder: DST/<person>/<name>.png and DST/bounding_boxes.txt.
    pub dst: PathBuf,
    /// Side of the square output crops, in pixels.
    #[arg(long, default_value_t = 182)]
    pub image_size: u32,
    /// Pixels added around the face box (half on each side).
    #[arg(long, default_value_t = 44.0)]
    pub margin: f32,
    /// Face detector.
    #[arg(long, default_value = "mtcnn")]
    pub detector: DetectorKind,
    /// Write every face of a photo (name_0.png, name_1.png, …), not just the main one.
    #[arg(long)]
    pub detect_multiple_faces: bool,
    /// Process the photos in random order.
    #[arg(long)]
    pub random_order: bool,
}

pub fn run(cli: &GlobalArgs, args: &AlignArgs) -> Result<Outcome> {
    anyhow::ensure!(
        (8..=4096).contains(&args.image_size),
        "--image-size must be between 8 and 4096"
    );
    anyhow::ensure!(
        args.margin.is_finite() && args.margin >= 0.0,
        "--margin must be 0 or more"
    );
    anyhow::ensure!(args.src.is_dir(), "{}: not a folder", args.src.display());
    let settings = AlignSettings {
        image_size: args.image_size,
        margin: args.margin,
        multiple: args.detect_multiple_faces,
    };
    let mut jobs = plan(&args.src, &args.dst, &mut |w| errln!("{w}"));
    let total = jobs.len();
    if total == 0 {
        errln!(
            "{}: no photos found; align expects one folder per person (SRC/<person>/<photo>)",
            args.src.display()
        );
        return Ok(Outcome::Failures);
    }
    jobs.retain(|j| !j.is_done(settings.multiple));
    let skipped = total - jobs.len();
    if args.random_order {
        shuffle(&mut jobs);
    }
    let mut boxes = BoxesFile::open(&args.dst, &mut |w| errln!("{w}"))
        .with_context(|| format!("cannot write to {}", args.dst.display()))?;
    errln!(
        "{total} photos in {}, {skipped} already aligned, {} to align",
        args.src.display(),
        jobs.len()
    );
    let ready = setup::ready_unannounced(cli)?;
    let start = std::time::Instant::now();
    let tally = align_all(&ready, args, &settings, &jobs, &mut boxes)?;
    let seconds = start.elapsed().as_secs_f64();
    if let Some(e) = tally.io_error {
        return Err(e).context(format!(
            "cannot write {}",
            args.dst.join("bounding_boxes.txt").display()
        ));
    }
    let listing = boxes
        .finish()
        .with_context(|| format!("cannot write to {}", args.dst.display()))?;
    outln!("Total number of images: {total}");
    outln!(
        "Number of successfully aligned images: {} (and {skipped} aligned by earlier runs)",
        tally.aligned
    );
    outln!("Boxes: {}", listing.display());
    errln!(
        "{} photos in {seconds:.1} s ({:.1} photos/s, {} on {} worker(s))",
        jobs.len(),
        jobs.len() as f64 / seconds.max(1e-9),
        args.detector,
        ready.config.workers
    );
    Ok(if tally.problems > 0 {
        Outcome::Failures
    } else {
        Outcome::Ok
    })
}

/// What became of the photos: aligned, without a face or failed, and the
/// first error writing the box file.
#[derive(Default)]
struct Tally {
    aligned: usize,
    problems: usize,
    io_error: Option<std::io::Error>,
}

impl Tally {
    /// Counts one photo's outcome, says what is worth saying above the
    /// bar, and records its boxes.
    fn record(
        &mut self,
        bar: &indicatif::ProgressBar,
        boxes: &mut BoxesFile,
        job: &AlignJob,
        result: Result<AlignOutcome, String>,
    ) {
        let src = job.source.display();
        let recorded = match result {
            Ok(AlignOutcome::Aligned {
                outputs,
                faces,
                chosen,
            }) => {
                self.aligned += 1;
                if let (Some(c), true) = (chosen, faces > 1) {
                    let kept = "(largest, nearest the centre)";
                    say(bar, format!("{src}: {faces} faces, kept face {c} {kept}"));
                }
                outputs
                    .iter()
                    .try_for_each(|(path, b)| boxes.record(path, Some(*b)))
            }
            Ok(AlignOutcome::NoFace) => {
                self.problems += 1;
                say(bar, format!("Unable to align {src}: no face found"));
                boxes.record(&job.output(None), None)
            }
            Err(cause) => {
                self.problems += 1;
                say(bar, format!("{src}: {cause}"));
                Ok(())
            }
        };
        if let Err(e) = recorded {
            self.io_error.get_or_insert(e);
        }
    }
}

/// Detects and crops every job's photo on the worker pool, with a bar.
fn align_all(
    ready: &setup::Ready,
    args: &AlignArgs,
    settings: &AlignSettings,
    jobs: &[AlignJob],
    boxes: &mut BoxesFile,
) -> Result<Tally> {
    let files = detector_files(&ready.session, args.detector)?;
    ready.announce(&args.detector.to_string());
    let bar = indicatif::ProgressBar::new(jobs.len() as u64);
    bar.set_style(super::progress::bar_style());
    let mut tally = Tally::default();
    pool::run_per_item(
        jobs,
        ready.config.workers,
        || {
            open_detector(
                &ready.runtime,
                &files,
                args.detector,
                ready.config.intra_threads,
            )
        },
        |detector, job| {
            facecurate::fault::panic_on(&job.source);
            let image = decode::decode_file(&job.source).map_err(|e| e.to_string())?;
            align_image(detector, &image, job, settings)
        },
        |_, message| Err(format!("internal error: {message}")),
        &AtomicBool::new(false),
        |i, result| tally.record(&bar, boxes, &jobs[i], result),
    )?;
    bar.finish_and_clear();
    Ok(tally)
}

/// A line above the progress bar, or on stderr when there is no bar
/// (indicatif drops `println` on a hidden bar).
fn say(bar: &indicatif::ProgressBar, line: String) {
    if bar.is_hidden() {
        errln!("{line}");
    } else {
        bar.println(facecurate::shown::escape_text(&line));
    }
}

/// Fisher–Yates with a clock-seeded xorshift: the order only needs to
/// differ between runs, not to be unpredictable.
fn shuffle<T>(items: &mut [T]) {
    let mut state = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x9e37_79b9_7f4a_7c15)
        | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
}
