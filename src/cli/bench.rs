//! `facecurate bench DIR`: photos/s for each stage (decode, detect, align,
//! embed) and end to end, at 1 and 2 threads, on the same photos.
//! `facecurate bench scale …` is the other benchmark, in `bench_scale.rs`.

use super::bench_measures::{Measures, parallel, pipeline_rate};
use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::photos::collect_photos;
use super::setup;
use anyhow::{Context, Result};
use facecurate::facenet::SpecEmbedder;
use facecurate::facenet::engine::{FaceDetector, open_model};
use facecurate::pipeline::detect::Detection;
use facecurate::pipeline::{PipelineConfig, align, decode};
use facecurate::runtime::Runtime;
use image::RgbImage;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct BenchArgs {
    /// Another benchmark instead of photos/s (a folder named like one: `./scale`).
    #[command(subcommand)]
    pub what: Option<BenchWhat>,
    /// Folder (or photos) to measure on.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Use at most this many photos (the first in sorted order).
    #[arg(long, default_value_t = 400)]
    pub limit: usize,
    /// Also print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also measure detection, embedding and the pipeline at these batch sizes
    /// (photos per model run, as `--batch`), e.g. `1,8,64,256` on a GPU.
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub batches: Vec<u16>,
}

#[derive(Debug, clap::Subcommand)]
pub enum BenchWhat {
    /// The live parts (analysis, report, updates, terminal UI, classifier) on
    /// synthetic faces shaped on an `embed --json` dump, with planted problems.
    Scale(super::bench_scale::ScaleArgs),
}

/// The three layouts of a stage that runs a model: 1 or 2 workers of one
/// thread, or one worker of two threads.
const MODEL_LAYOUTS: [(usize, usize); 3] = [(1, 1), (2, 1), (1, 2)];

pub fn run(cli: &GlobalArgs, args: &BenchArgs) -> Result<Outcome> {
    if let Some(BenchWhat::Scale(scale)) = &args.what {
        return super::bench_scale::run(scale);
    }
    let mut photos = collect_photos(&args.paths);
    photos.truncate(args.limit);
    anyhow::ensure!(!photos.is_empty(), "no photos found to measure");
    let ready = setup::ready(cli)?;
    let (rt, base) = (&ready.runtime, &ready.config);
    let mut out = Measures::default();
    let images = decode_stage(&photos, &mut out)?;
    let detections = detect_stage(rt, base, &images, &mut out)?;
    let crops = align_stage(&images, &detections, &mut out)?;
    let faces: usize = crops.iter().map(Vec::len).sum();
    errln!("({} photos decoded, {faces} faces)", images.len());
    for (workers, threads) in MODEL_LAYOUTS {
        let make = || Ok(SpecEmbedder::open(rt, &base.models.embedder, threads)?);
        let v = parallel(&crops, workers, make, |e, c| {
            let _ = e.embed(c);
        })?;
        out.push("embed", format!("{workers} worker(s) x {threads}"), v);
    }
    for (workers, threads) in MODEL_LAYOUTS {
        let v = end_to_end(rt, base, &photos, workers, threads)?;
        out.push("pipeline", format!("{workers} worker(s) x {threads}"), v);
    }
    let batches: Vec<usize> = args.batches.iter().map(|&b| usize::from(b)).collect();
    let inputs = super::bench_batch::Inputs {
        photos: &photos,
        images: &images,
        crops: &crops,
    };
    super::bench_batch::measure(rt, base, &inputs, &batches, &mut out)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&out.0)?);
    }
    Ok(Outcome::Ok)
}

/// Times decoding; returns the photos that decode.
fn decode_stage(photos: &[PathBuf], out: &mut Measures) -> Result<Vec<RgbImage>> {
    for workers in [1, 2] {
        let v = parallel(
            photos,
            workers,
            || Ok(()),
            |_, p| {
                let _ = decode::decode_file(p);
            },
        )?;
        out.push("decode", format!("{workers} thread(s)"), v);
    }
    Ok(photos
        .iter()
        .filter_map(|p| decode::decode_file(p).ok())
        .collect())
}

/// Times detection; returns each image's faces.
fn detect_stage(
    rt: &Runtime,
    base: &PipelineConfig,
    images: &[RgbImage],
    out: &mut Measures,
) -> Result<Vec<(usize, Vec<Detection>)>> {
    let detector = |threads: usize| -> Result<FaceDetector> {
        Ok(open_model(rt, &base.models.detector, base.detect, threads)?)
    };
    for (workers, threads) in MODEL_LAYOUTS {
        let v = parallel(
            images,
            workers,
            || detector(threads),
            |d, img| {
                let _ = d.detect(img);
            },
        )?;
        out.push("detect", format!("{workers} worker(s) x {threads}"), v);
    }
    let mut d = detector(1)?;
    images
        .iter()
        .enumerate()
        .map(|(i, img)| Ok((i, d.detect(img)?)))
        .collect::<Result<_, ort::Error>>()
        .context("detection failed")
}

/// Times alignment; returns each image's aligned crops.
fn align_stage(
    images: &[RgbImage],
    detections: &[(usize, Vec<Detection>)],
    out: &mut Measures,
) -> Result<Vec<Vec<RgbImage>>> {
    for workers in [1, 2] {
        let v = parallel(
            detections,
            workers,
            || Ok(()),
            |_, (i, dets)| {
                for det in dets {
                    let _ = align::align_112(&images[*i], &det.landmarks);
                }
            },
        )?;
        out.push("align", format!("{workers} thread(s)"), v);
    }
    Ok(detections
        .iter()
        .map(|(i, dets)| {
            dets.iter()
                .filter_map(|d| align::align_112(&images[*i], &d.landmarks))
                .collect()
        })
        .collect())
}

fn end_to_end(
    rt: &Runtime,
    base: &PipelineConfig,
    photos: &[PathBuf],
    workers: usize,
    threads: usize,
) -> Result<f64> {
    let mut config = base.clone();
    config.workers = workers;
    config.intra_threads = threads;
    pipeline_rate(rt, &config, photos)
}
