//! `facecurate bench DIR --batches 1,8,64,256`: photos/s of detection, of
//! embedding and end to end when each worker runs that many photos through
//! the models at once (the `--batch` path). Batches are what a GPU needs;
//! on a CPU they show what batching costs or saves against one at a time.

use super::bench_measures::{Measures, parallel, pipeline_rate};
use anyhow::Result;
use facecurate::facenet::SpecEmbedder;
use facecurate::facenet::engine::open_batched;
use facecurate::pipeline::PipelineConfig;
use facecurate::runtime::Runtime;
use image::RgbImage;
use std::path::PathBuf;

/// The decoded photos and each photo's aligned crops, from the per-photo
/// stages that ran before.
pub struct Inputs<'a> {
    pub photos: &'a [PathBuf],
    pub images: &'a [RgbImage],
    pub crops: &'a [Vec<RgbImage>],
}

/// Each stage at each batch size, with the configuration's workers and
/// threads.
pub fn measure(
    rt: &Runtime,
    base: &PipelineConfig,
    inputs: &Inputs,
    batches: &[usize],
    out: &mut Measures,
) -> Result<()> {
    let (workers, threads) = (base.workers, base.intra_threads);
    for &batch in batches {
        let layout = format!("batch {batch}, {workers}x{threads}");
        let groups: Vec<Vec<&RgbImage>> = inputs
            .images
            .chunks(batch)
            .map(|c| c.iter().collect())
            .collect();
        let make = || {
            Ok(open_batched(
                rt,
                &base.models.detector,
                base.detect,
                threads,
            )?)
        };
        let v = parallel(&groups, workers, make, |d, group| {
            let _ = d.detect_batch(group);
        })?;
        out.push(
            "detect",
            layout.clone(),
            v * batch_share(inputs.images.len(), groups.len()),
        );
        let faces: Vec<Vec<RgbImage>> = inputs
            .crops
            .chunks(batch)
            .map(|c| c.iter().flatten().cloned().collect())
            .collect();
        let make = || Ok(SpecEmbedder::open(rt, &base.models.embedder, threads)?);
        let v = parallel(&faces, workers, make, |e, group| {
            let _ = e.embed(group);
        })?;
        out.push(
            "embed",
            layout.clone(),
            v * batch_share(inputs.crops.len(), faces.len()),
        );
        let mut config = base.clone();
        config.batch = batch;
        let v = pipeline_rate(rt, &config, inputs.photos)?;
        out.push("pipeline", layout, v);
    }
    Ok(())
}

/// Photos per group, to turn groups/s into photos/s.
fn batch_share(photos: usize, groups: usize) -> f64 {
    photos as f64 / groups.max(1) as f64
}
