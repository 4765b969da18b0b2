//! Getting from a bare machine to a ready pipeline: fetch what is missing
//! (with a spinner), load ONNX Runtime, size the worker pool.

use super::Cli;
use anyhow::{Context, Result};
use facecurate::models::{Cache, Manifest, fetch};
use facecurate::pipeline::{ModelFiles, PipelineConfig};
use facecurate::runtime::{self, Runtime};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A spinner on stderr (hidden when stderr is not a terminal) that prints
/// each provisioning step.
pub fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Fetches each named artifact that is missing, reporting progress.
pub fn ensure(cache: &Cache, manifest: &Manifest, names: &[&str]) -> Result<()> {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| {
            manifest
                .get(n)
                .map(|a| !matches!(fetch::status(cache, a), Ok(fetch::Status::Present)))
                .unwrap_or(true)
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let bar = spinner();
    let result = fetch::ensure(cache, manifest, &missing, &mut |line| {
        let line = facecurate::shown::escape_text(line);
        bar.println(line.as_ref());
        bar.set_message(line.into_owned());
    });
    bar.finish_and_clear();
    result.context("provisioning failed")?;
    Ok(())
}

/// Everything a pipeline command needs.
pub struct Ready {
    pub cache: Cache,
    pub manifest: Manifest,
    pub runtime: Runtime,
    pub config: PipelineConfig,
}

pub fn ready(cli: &Cli) -> Result<Ready> {
    let cache = Cache::default_location();
    let manifest = Manifest::builtin().context("the built-in model manifest is invalid")?;
    let defaults = fetch::default_names(&manifest);
    ensure(&cache, &manifest, &defaults)?;
    let library = runtime::library_path(&cache, &manifest);
    let runtime = runtime::init(&library, cli.device.unwrap_or_default())?;
    let file = |name: &str| {
        manifest
            .get(name)
            .map(|a| cache.path_of(&a.file))
            .with_context(|| format!("manifest lacks `{name}`"))
    };
    let models = ModelFiles::builtin(file("yunet")?, file("sface")?);
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut config = PipelineConfig::for_cores(models, cores);
    if let Some(w) = cli.workers {
        config.workers = w.max(1);
    }
    if let Some(t) = cli.threads {
        config.intra_threads = t.max(1);
    }
    errln!(
        "facecurate: {} provider, {} worker(s) x {} thread(s), ONNX Runtime {}",
        runtime.provider,
        config.workers,
        config.intra_threads,
        runtime.library.display()
    );
    Ok(Ready {
        cache,
        manifest,
        runtime,
        config,
    })
}

/// Every photo of a dataset folder run through the pipeline without a
/// store, with a progress bar (for `report DATASET`, `train DATASET`, `demo`).
pub fn folder_records(
    ready: &Ready,
    dataset: &std::path::Path,
) -> Result<Vec<facecurate::records::PhotoRecord>> {
    let bar = ProgressBar::new(0);
    bar.set_style(super::bench::bar_style());
    let records = facecurate::records::from_pipeline(
        &ready.runtime,
        &ready.config,
        dataset,
        &std::sync::atomic::AtomicBool::new(false),
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )?;
    bar.finish_and_clear();
    Ok(records)
}
