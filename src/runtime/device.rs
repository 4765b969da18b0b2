//! The words of the runtime's interface: the device a user asks for, the
//! provider sessions actually run on, and every way loading can fail, each
//! message saying what is missing and what to do. Kept apart so the
//! decision (`select`) and the loading (`runtime`) share them without
//! depending on each other.

use std::path::PathBuf;

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
