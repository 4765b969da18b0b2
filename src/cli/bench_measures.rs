//! What `facecurate bench` measures with: a stage's items per second on
//! worker threads through the pipeline's pool, and the list of measures
//! printed as they are taken. Shared by the per-photo stages (`bench.rs`)
//! and the batched ones (`bench_batch.rs`).

use anyhow::Result;
use facecurate::facenet::pool;
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
