//! What `facecurate bench` measures with: a stage's items per second on
//! worker threads through the pipeline's pool, and the list of measures
//! printed as they are taken. Shared by the per-photo stages (`bench.rs`)
//! and the batched ones (`bench_batch.rs`).

use anyhow::Result;
use facecurate::facenet::pool;
use facecurate::pipeline::{self, PipelineConfig};
use facecurate::runtime::Runtime;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

#[derive(serde::Serialize)]
pub struct Measure {
    stage: &'static str,
    layout: String,
    photos_per_s: f64,
}

/// Runs `f` over `items` on `workers` threads, each with its own state from
/// `make` (built before the clock starts), through the pipeline's worker
/// pool; returns items per second. A panic fails the measurement.
pub fn parallel<T: Sync, S: Send>(
    items: &[T],
    workers: usize,
    make: impl Fn() -> Result<S> + Sync,
    f: impl Fn(&mut S, &T) + Sync,
) -> Result<f64> {
    let mut states = Vec::new();
    for _ in 0..workers {
        states.push(make()?);
    }
    let start = Instant::now();
    pool::run_states(items, states, f, &AtomicBool::new(false), |_, ()| {});
    Ok(items.len() as f64 / start.elapsed().as_secs_f64().max(1e-9))
}

/// The measures taken so far, each also printed as it is taken.
#[derive(Default)]
pub struct Measures(pub Vec<Measure>);

impl Measures {
    pub fn push(&mut self, stage: &'static str, layout: String, v: f64) {
        errln!("{stage:<8} {layout:<22} {v:>8.1} photos/s");
        self.0.push(Measure {
            stage,
            layout,
            photos_per_s: v,
        });
    }
}

/// Photos/s of the whole pipeline under `config`, timed from the first
/// result to the last: sessions open inside `run`, before any result, and
/// the first batch's own time is not inside the span, so its photos are
/// not counted.
pub fn pipeline_rate(rt: &Runtime, config: &PipelineConfig, photos: &[PathBuf]) -> Result<f64> {
    let mut first = None;
    let mut count = 0usize;
    pipeline::run(rt, config, photos, &AtomicBool::new(false), |_, _| {
        first.get_or_insert_with(Instant::now);
        count += 1;
    })?;
    let elapsed = first.map(|t| t.elapsed().as_secs_f64()).unwrap_or(0.0);
    let untimed = config.batch.clamp(1, count.max(1));
    Ok(count.saturating_sub(untimed) as f64 / elapsed.max(1e-9))
}
