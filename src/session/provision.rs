//! From a bare machine to a loaded pipeline for the session's models:
//! fetch what is missing from the cache, load ONNX Runtime on the session's
//! device, and size the worker pool from the cores and the overrides.

use super::error::SessionError;
use super::events::Event;
use super::open::Session;
use crate::dataset::{Engine, LazyEngine};
use crate::models::{Cache, fetch};
use crate::pipeline::PipelineConfig;
use crate::runtime::{self, Runtime};

/// A loaded runtime and the pipeline settings of the session's models.
pub struct Pipeline {
    pub runtime: Runtime,
    pub config: PipelineConfig,
}

impl Session {
    /// The model cache the workspace names, else the default one.
    pub fn cache(&self) -> Cache {
        self.ws
            .models
            .cache
            .clone()
            .map(Cache::new)
            .unwrap_or_else(Cache::default_location)
    }

    /// Fetches each named artifact that is missing; each step is logged.
    pub fn provision(&self, names: &[&str]) -> Result<(), SessionError> {
        self.provision_from(names, &fetch::Source::Network)
    }

    /// [`Session::provision`] from a chosen source (a copied cache, for
    /// machines without a network).
    pub fn provision_from(
        &self,
        names: &[&str],
        source: &fetch::Source,
    ) -> Result<(), SessionError> {
        let cache = self.cache();
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| {
                self.manifest
                    .get(n)
                    .map(|a| !matches!(fetch::status(&cache, a), Ok(fetch::Status::Present)))
                    .unwrap_or(true)
            })
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        fetch::ensure_from(&cache, &self.manifest, &missing, source, &mut |line| {
            self.emit(Event::Log(line.to_string()))
        })?;
        Ok(())
    }

    /// Loads ONNX Runtime (fetching it when missing) on the session's device.
    /// The CUDA build is used when `models fetch --with cuda` provisioned it
    /// (see `runtime::select`); the CPU build is fetched only when chosen.
    pub fn runtime(&self) -> Result<Runtime, SessionError> {
        let selection = runtime::select(&self.cache(), &self.manifest, self.device())?;
        if let Some(note) = selection.note() {
            self.emit(Event::Log(note.to_string()));
        }
        if selection.needs_cpu_library() {
            let mut names = fetch::default_names(&self.manifest);
            names.retain(|n| self.manifest.get(n).is_some_and(|a| a.kind == "runtime"));
            self.provision(&names)?;
        }
        Ok(runtime::init(selection.library(), self.device())?)
    }

    /// The workspace's detector and embedder, fetched and ready to load;
    /// the log names them with the provider and the pool.
    pub fn pipeline(&self) -> Result<Pipeline, SessionError> {
        self.provision(&self.ws.models.manifest_names())?;
        let pipeline = self.pipeline_unannounced()?;
        let models = self.workspace_models();
        self.announce(&pipeline.runtime, &pipeline.config, &models);
        Ok(pipeline)
    }

    /// The workspace's models as the log names them (`yunet + sface
    /// int8`): which SFace build embeds decides the vectors.
    fn workspace_models(&self) -> String {
        let models = &self.ws.models;
        let embedder = match models.precision {
            crate::config::Precision::Int8 if models.embedder == "sface" => "sface int8",
            _ => models.embedder.as_str(),
        };
        format!("{} + {embedder}", models.detector)
    }

    /// [`Session::pipeline`] without fetching the workspace's models and
    /// without the log line, for a command that runs models of its own
    /// choosing: it fetches those, sets `config.models` if it uses it, and
    /// names them with [`Session::announce`]. (A machine holding only
    /// FaceNet's models can run `embed --embedder facenet`.)
    pub fn pipeline_unannounced(&self) -> Result<Pipeline, SessionError> {
        let runtime = self.runtime()?;
        let cache = self.cache();
        let models = self
            .ws
            .models
            .files(&cache, &self.manifest)
            .map_err(SessionError::Message)?;
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let mut config = PipelineConfig::for_cores(models, cores);
        config.detect = self.ws.detect;
        config.intra_threads = self.overrides.threads.unwrap_or(self.ws.threads).max(1);
        config.workers = self
            .overrides
            .workers
            .or(self.ws.workers)
            .unwrap_or(cores / config.intra_threads)
            .max(1);
        config.batch = self.overrides.batch.unwrap_or(match runtime.provider {
            runtime::Provider::Cuda => 32,
            _ => 1,
        });
        Ok(Pipeline { runtime, config })
    }

    /// Logs which models run (`models`, as the user would name them), on
    /// which provider, with how many workers and which ONNX Runtime.
    pub fn announce(&self, runtime: &Runtime, config: &PipelineConfig, models: &str) {
        self.emit(Event::Log(format!(
            "{models}, {} provider, {} worker(s) x {} thread(s){}, ONNX Runtime {}",
            runtime.provider,
            config.workers,
            config.intra_threads,
            match config.batch {
                1 => String::new(),
                b => format!(", batches of {b}"),
            },
            runtime.library.display()
        )));
    }

    /// The pipeline engine, built only when a photo first needs it (a warm
    /// rescan never loads ONNX Runtime).
    pub fn lazy_engine(&self) -> LazyEngine {
        let session = self.clone();
        LazyEngine::new(move || {
            let p = session.pipeline().map_err(|e| e.to_string())?;
            Ok(Engine::new(p.runtime, p.config))
        })
    }
}
