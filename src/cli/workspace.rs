//! From `-w FILE` to what the workspace commands need: the validated
//! workspace, its store, and a pipeline engine that is only provisioned and
//! loaded when some photo needs it. Command-line flags override the file.

use super::{Cli, setup};
use anyhow::{Context, Result};
use facecurate::config::Workspace;
use facecurate::dataset::{self, Engine, LazyEngine};
use facecurate::models::{Cache, Manifest};
use facecurate::pipeline::PipelineConfig;
use facecurate::runtime::{self, Device};
use facecurate::store::Store;

pub fn load(cli: &Cli) -> Result<Workspace> {
    Ok(Workspace::load(&cli.workspace)?)
}

pub fn fingerprint(ws: &Workspace) -> Result<String> {
    let manifest = Manifest::builtin().context("the built-in model manifest is invalid")?;
    dataset::workspace_fingerprint(ws, &manifest).map_err(anyhow::Error::msg)
}

/// Opens the workspace's store (reading every page first when `check`),
/// telling the user when an unusable one was kept aside.
pub fn open_store(ws: &Workspace, fingerprint: &str, check: bool) -> Result<Store> {
    let store = if check {
        Store::open_checked(&ws.store_path(), fingerprint)?
    } else {
        Store::open(&ws.store_path(), fingerprint)?
    };
    if let Some(r) = store.recovery() {
        errln!(
            "facecurate: {}: {}; kept it aside as {} and started a new store",
            ws.store_path().display(),
            r.reason,
            r.kept_aside.display()
        );
    }
    Ok(store)
}

/// The settings that decide the engine, copied so the engine can be built
/// later on another thread.
#[derive(Clone)]
struct EngineSettings {
    ws: Workspace,
    device: Device,
    workers: Option<usize>,
    threads: Option<usize>,
}

pub fn lazy_engine(cli: &Cli, ws: &Workspace) -> LazyEngine {
    let settings = EngineSettings {
        ws: ws.clone(),
        device: cli.device.unwrap_or(ws.device),
        workers: cli.workers,
        threads: cli.threads,
    };
    LazyEngine::new(move || build(&settings).map_err(|e| format!("{e:#}").into()))
}

fn build(s: &EngineSettings) -> Result<Engine> {
    let ws = &s.ws;
    let cache = ws
        .models
        .cache
        .clone()
        .map(Cache::new)
        .unwrap_or_else(Cache::default_location);
    let manifest = Manifest::builtin().context("the built-in model manifest is invalid")?;
    let mut names = facecurate::models::fetch::default_names(&manifest);
    names.retain(|n| manifest.get(n).is_some_and(|a| a.kind == "runtime"));
    names.extend(ws.models.manifest_names());
    setup::ensure(&cache, &manifest, &names)?;
    let library = runtime::library_path(&cache, &manifest);
    let runtime = runtime::init(&library, s.device)?;
    let models = ws
        .models
        .files(&cache, &manifest)
        .map_err(anyhow::Error::msg)?;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut config = PipelineConfig::for_cores(models, cores);
    config.detect = ws.detect;
    config.intra_threads = s.threads.unwrap_or(ws.threads).max(1);
    config.workers = s
        .workers
        .or(ws.workers)
        .unwrap_or(cores / config.intra_threads)
        .max(1);
    errln!(
        "facecurate: {} + {}, {} provider, {} worker(s) x {} thread(s), ONNX Runtime {}",
        ws.models.detector,
        ws.models.embedder,
        runtime.provider,
        config.workers,
        config.intra_threads,
        runtime.library.display()
    );
    Ok(Engine::new(runtime, config))
}

/// Ctrl-C sets `stop` so work ends cleanly after the photos in flight; a
/// second Ctrl-C quits at once.
pub fn stop_on_ctrl_c() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let result = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        errln!("\nfacecurate: stopping after the photos in flight (Ctrl-C again to quit now)");
    });
    if let Err(e) = result {
        errln!("facecurate: Ctrl-C will not stop cleanly: {e}");
    }
    stop
}
