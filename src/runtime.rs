//! Loading ONNX Runtime and choosing the execution provider.
//!
//! The runtime library is loaded at run time (`ort`'s `load-dynamic`), from
//! `ORT_DYLIB_PATH` when the user sets it, else from the provisioned copy in
//! the cache: the CUDA build under `cuda/` when it is complete and the device
//! allows it (`select`), after its NVIDIA libraries (`preload`), else the CPU
//! build. The provider actually in use is always reported: a user asking for
//! CUDA must never be silently given the CPU.

pub mod cuda_layout;
mod device;
pub mod preload;
pub mod select;

pub use device::{Device, ORT_DYLIB_ENV, Provider, RuntimeError};
pub use select::{Selection, library_path, select};

use ort::environment::Environment;
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// What was loaded, for status lines and `--json` output.
#[derive(Debug, Clone)]
pub struct Runtime {
    pub library: PathBuf,
    pub provider: Provider,
    environment: Environment,
}

/// ONNX Runtime can be loaded once per process; every later `init` reuses it.
static LOADED: OnceLock<Result<(PathBuf, Environment), String>> = OnceLock::new();

/// Loads ONNX Runtime once per process and resolves `device` to a provider.
pub fn init(library: &Path, device: Device) -> Result<Runtime, RuntimeError> {
    let loaded = LOADED.get_or_init(|| {
        let builder = ort::init_from(library).map_err(|e| e.to_string())?;
        builder
            .with_name("facecurate")
            .build()
            .map(|env| (library.to_path_buf(), env))
            .map_err(|e| e.to_string())
    });
    let (library, environment) = match loaded {
        Ok((path, env)) => (path.clone(), env.clone()),
        Err(cause) => {
            return Err(RuntimeError::Load {
                path: library.to_path_buf(),
                cause: cause.clone(),
            });
        }
    };
    let provider = match device {
        Device::Cpu => Provider::Cpu,
        Device::Auto => match cuda_available() {
            Ok(()) => Provider::Cuda,
            Err(_) => Provider::Cpu,
        },
        Device::Cuda => match cuda_available() {
            Ok(()) => Provider::Cuda,
            Err(cause) => return Err(RuntimeError::NoCuda { library, cause }),
        },
    };
    Ok(Runtime {
        library,
        provider,
        environment,
    })
}

fn cuda_available() -> Result<(), String> {
    use ort::ep::ExecutionProvider;
    match <ort::ep::CUDA as ExecutionProvider>::is_available() {
        Ok(true) => Ok(()),
        Ok(false) => Err("the library was built without the CUDA provider".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

impl Runtime {
    /// A session for `model` on this runtime's provider with `threads`
    /// intra-op threads. Each worker owns its sessions (`run` takes `&mut`).
    pub fn session(&self, model: &Path, threads: usize) -> Result<Session, RuntimeError> {
        let fail = |cause: String| RuntimeError::Session {
            model: model.to_path_buf(),
            cause,
        };
        self.builder(threads)
            .map_err(fail)?
            .commit_from_file(model)
            .map_err(|e| fail(e.to_string()))
    }

    /// A session for a model rewritten in memory (the batched YuNet);
    /// `model` names the file it was made from, for messages.
    pub fn session_from_bytes(
        &self,
        model: &Path,
        bytes: &[u8],
        threads: usize,
    ) -> Result<Session, RuntimeError> {
        let fail = |cause: String| RuntimeError::Session {
            model: model.to_path_buf(),
            cause,
        };
        self.builder(threads)
            .map_err(fail)?
            .commit_from_memory(bytes)
            .map_err(|e| fail(e.to_string()))
    }

    fn builder(&self, threads: usize) -> Result<ort::session::builder::SessionBuilder, String> {
        let text = |e: ort::Error<_>| e.to_string();
        let mut builder = Session::builder(&self.environment)
            .map_err(|e| e.to_string())?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(text)?
            .with_intra_threads(threads.max(1))
            .map_err(text)?
            .with_inter_threads(1)
            .map_err(text)?
            // A worker holds two sessions (detector, embedder), each with its
            // own intra-op pool; a pool that spins while the other session
            // runs takes its cores, which made 1 worker x 2 threads half as
            // fast as 1 x 1 end to end (BENCHMARKS.md, "1 x 2 against 2 x 1").
            // With one thread there is no pool, and nothing changes.
            .with_intra_op_spinning(threads <= 1)
            .map_err(text)?;
        if self.provider == Provider::Cuda {
            builder = builder
                .with_execution_providers([ort::ep::CUDA::default().build().error_on_failure()])
                .map_err(|e| e.to_string())?;
        }
        Ok(builder)
    }
}
