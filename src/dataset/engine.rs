//! The pipeline as the scanner and the watcher use it: started only when
//! some photo actually needs embedding (a warm rescan never loads ONNX
//! Runtime), and keeping one worker's sessions alive between the watcher's
//! small batches instead of rebuilding them for every photo copied in.

use crate::facenet::EngineError as LoadError;
use crate::pipeline::{self, PhotoResult, PipelineConfig, Worker};
use crate::runtime::Runtime;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// Batches up to this size run on the kept worker; larger ones on the pool.
const SMALL_BATCH: usize = 4;

/// A loaded runtime and pipeline settings.
pub struct Engine {
    runtime: Runtime,
    config: PipelineConfig,
    kept: Option<Worker>,
}

impl Engine {
    pub fn new(runtime: Runtime, config: PipelineConfig) -> Engine {
        Engine {
            runtime,
            config,
            kept: None,
        }
    }

    pub fn config(&self) -> &PipelineConfig {
        &self.config
    }

    /// Processes `paths`, handing each result with its index to `on_result`
    /// on the calling thread as it completes; `stop` ends the run after the
    /// photos in flight.
    pub fn run(
        &mut self,
        paths: &[PathBuf],
        stop: &AtomicBool,
        mut on_result: impl FnMut(usize, PhotoResult),
    ) -> Result<(), LoadError> {
        if paths.len() > SMALL_BATCH && self.config.workers > 1 {
            return pipeline::run(&self.runtime, &self.config, paths, stop, on_result);
        }
        let worker = match &mut self.kept {
            Some(worker) => worker,
            None => self.kept.insert(Worker::new(&self.runtime, &self.config)?),
        };
        for (i, path) in paths.iter().enumerate() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            on_result(i, worker.process_path(path));
        }
        Ok(())
    }
}

/// Why the engine could not be started (models missing, no runtime).
pub type EngineError = Box<dyn std::error::Error + Send + Sync>;

type Make = Box<dyn FnOnce() -> Result<Engine, EngineError> + Send>;

/// An [`Engine`] built on first use.
pub struct LazyEngine {
    engine: Option<Engine>,
    make: Option<Make>,
    failed: Option<String>,
}

impl LazyEngine {
    /// `make` runs at most once, the first time a photo needs the pipeline.
    pub fn new(make: impl FnOnce() -> Result<Engine, EngineError> + Send + 'static) -> LazyEngine {
        LazyEngine {
            engine: None,
            make: Some(Box::new(make)),
            failed: None,
        }
    }

    pub fn ready(engine: Engine) -> LazyEngine {
        LazyEngine {
            engine: Some(engine),
            make: None,
            failed: None,
        }
    }

    /// Whether the engine has been built.
    pub fn is_started(&self) -> bool {
        self.engine.is_some()
    }

    /// The engine, building it now if needed; a failure is remembered and
    /// returned again rather than retried.
    pub fn get(&mut self) -> Result<&mut Engine, String> {
        if let Some(make) = self.make.take() {
            match make() {
                Ok(engine) => self.engine = Some(engine),
                Err(e) => self.failed = Some(e.to_string()),
            }
        }
        match (&mut self.engine, &self.failed) {
            (Some(engine), _) => Ok(engine),
            (None, Some(cause)) => Err(cause.clone()),
            (None, None) => Err("no pipeline engine was configured".to_string()),
        }
    }
}
