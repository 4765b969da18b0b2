//! Loading ONNX Runtime and choosing the execution provider.
//!
//! The runtime library is loaded at run time (`ort`'s `load-dynamic`), from
//! `ORT_DYLIB_PATH` when the user sets it, else from the provisioned copy in
//! the cache: the CUDA build under `cuda/` when it is complete and the device
//! allows it (`select`), after its NVIDIA libraries (`preload`), else the CPU
//! build. The provider actually in use is always reported: a user asking for
//! CUDA must never be silently given the CPU.

pub mod cuda_layout;
pub mod preload;
pub mod select;

pub use select::{Selection, select};

use crate::models::{Cache, Manifest};
use ort::environment::Environment;
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where the user may point at their own ONNX Runtime library.
pub const ORT_DYLIB_ENV: &str = "ORT_DYLIB_PATH";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    #[default]
    Auto,
    Cpu,
    Cuda,
}

impl std::str::FromStr for Device {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Device::Auto),
            "cpu" => Ok(Device::Cpu),
            "cuda" => Ok(Device::Cuda),
            other => Err(format!(
                "unknown device `{other}` (expected auto, cpu or cuda)"
            )),
        }
    }
}

/// The execution provider sessions will actually run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Cpu,
    Cuda,
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Provider::Cpu => "cpu",
            Provider::Cuda => "cuda",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("cannot load ONNX Runtime from {path}: {cause}")]
    Load { path: PathBuf, cause: String },
    #[error(
        "device `cuda` was requested but the ONNX Runtime at {library} has no usable CUDA provider ({cause}). Fetch the CUDA build with `facecurate models fetch --with cuda` (and leave ORT_DYLIB_PATH unset), or point ORT_DYLIB_PATH at a CUDA build's libonnxruntime.so, or use `--device cpu`"
    )]
    NoCuda { library: PathBuf, cause: String },
    #[error(
        "device `cuda` was requested but the CUDA build of ONNX Runtime is not in {dir}. Fetch it with `facecurate models fetch --with cuda` (about 2 GB), or point ORT_DYLIB_PATH at a CUDA build's libonnxruntime.so, or use `--device cpu`"
    )]
    CudaNotFetched { dir: PathBuf },
    #[error(
        "device `cuda` was requested but the CUDA layout in {dir} is incomplete: missing {missing}. Run `facecurate models fetch --with cuda` to complete it, or use `--device cpu`"
    )]
    CudaIncomplete { dir: PathBuf, missing: String },
    #[error(
        "device `cuda` was requested but the NVIDIA driver's library (libcuda.so.1) cannot be loaded ({cause}). Install an NVIDIA driver for CUDA 12 (525 or newer), or use `--device cpu`"
    )]
    NoDriver { cause: String },
    #[error(
        "cannot load {library}, a library ONNX Runtime's CUDA provider needs: {cause}. `facecurate models verify` re-checks the cached copies and `facecurate models fetch --with cuda` restores them; `--device cpu` runs without CUDA"
    )]
    Preload { library: PathBuf, cause: String },
    #[error("cannot create a session for {model}: {cause}")]
    Session { model: PathBuf, cause: String },
}

/// What was loaded, for status lines and `--json` output.
#[derive(Debug, Clone)]
pub struct Runtime {
    pub library: PathBuf,
    pub provider: Provider,
    environment: Environment,
}

/// ONNX Runtime can be loaded once per process; every later `init` reuses it.
static LOADED: OnceLock<Result<(PathBuf, Environment), String>> = OnceLock::new();

/// The library `init` will load on the CPU: `ORT_DYLIB_PATH` if set, else
/// the cached CPU build ([`select`] also considers the CUDA build).
pub fn library_path(cache: &Cache, manifest: &Manifest) -> PathBuf {
    if let Some(p) = std::env::var_os(ORT_DYLIB_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    cpu_library_path(cache, manifest)
}

/// The provisioned CPU build's path in the cache.
fn cpu_library_path(cache: &Cache, manifest: &Manifest) -> PathBuf {
    let file = manifest
        .get("onnxruntime")
        .map(|a| a.file.clone())
        .unwrap_or_else(|| "lib/libonnxruntime.so".to_string());
    cache.path_of(&file)
}

/// [`init`] on what [`select`] chose: for the CUDA build, its NVIDIA
/// libraries are loaded first, in dependency order.
pub fn init_selected(selection: &Selection, device: Device) -> Result<Runtime, RuntimeError> {
    if let Selection::Cuda(layout) = selection {
        preload::preload(&layout.preload)
            .map_err(|(library, cause)| RuntimeError::Preload { library, cause })?;
    }
    init(selection.library(), device)
}

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
        let mut builder = Session::builder(&self.environment)
            .map_err(|e| fail(e.to_string()))?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| fail(e.to_string()))?
            .with_intra_threads(threads.max(1))
            .map_err(|e| fail(e.to_string()))?
            .with_inter_threads(1)
            .map_err(|e| fail(e.to_string()))?;
        if self.provider == Provider::Cuda {
            builder = builder
                .with_execution_providers([ort::ep::CUDA::default().build().error_on_failure()])
                .map_err(|e| fail(e.to_string()))?;
        }
        builder
            .commit_from_file(model)
            .map_err(|e| fail(e.to_string()))
    }
}
