//! Which ONNX Runtime library a device gets: the user's own
//! (`ORT_DYLIB_PATH`), the provisioned CUDA build with its NVIDIA libraries,
//! or the provisioned CPU build.
//!
//! The decision is a pure function of what was found ([`choose`]), so every
//! branch — and every message telling the user what is missing and how to
//! get it — is tested without a GPU; [`select`] feeds it the real cache and
//! the real driver probe. `auto` quietly prefers CUDA when it is complete
//! and the driver loads, and otherwise says why it stays on the CPU;
//! `cuda` fails with the reason instead.

use super::cuda_layout::{self, CudaLayout, Discovery, FETCH_COMMAND};
use super::device::{Device, ORT_DYLIB_ENV, RuntimeError};
use super::preload::{self, LoadFailure};
use crate::models::{Cache, Manifest};
use std::path::{Path, PathBuf};

/// The library to load and what comes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// `ORT_DYLIB_PATH`: the user's own library, loaded as it is.
    User(PathBuf),
    /// The provisioned CPU build (fetched when missing), with why CUDA was
    /// not used when `auto` had a reason worth saying.
    Cpu {
        library: PathBuf,
        note: Option<String>,
    },
    /// The provisioned CUDA build and the NVIDIA libraries to load first;
    /// the CPU build is what `auto` falls back to if one fails to load.
    Cuda {
        layout: CudaLayout,
        cpu_library: PathBuf,
    },
}

impl Selection {
    /// The library `init` loads.
    pub fn library(&self) -> &Path {
        match self {
            Selection::User(library) | Selection::Cpu { library, .. } => library,
            Selection::Cuda { layout, .. } => &layout.library,
        }
    }

    /// Whether the provisioned CPU build must be fetched first.
    pub fn needs_cpu_library(&self) -> bool {
        matches!(self, Selection::Cpu { .. })
    }

    /// A line for the log: why `auto` stayed on the CPU.
    pub fn note(&self) -> Option<&str> {
        match self {
            Selection::Cpu { note, .. } => note.as_deref(),
            _ => None,
        }
    }
}

/// The decision. `driver` is only asked when a complete CUDA layout makes
/// the answer matter.
pub fn choose(
    user: Option<PathBuf>,
    device: Device,
    cpu_library: PathBuf,
    cuda_dir: &Path,
    discovery: Discovery,
    driver: &dyn Fn() -> Result<(), String>,
) -> Result<Selection, RuntimeError> {
    if let Some(library) = user {
        return Ok(Selection::User(library));
    }
    let cpu = |note: Option<String>| Selection::Cpu {
        library: cpu_library.clone(),
        note,
    };
    if device == Device::Cpu {
        return Ok(cpu(None));
    }
    let cuda = device == Device::Cuda;
    match discovery {
        Discovery::Absent if cuda => Err(RuntimeError::CudaNotFetched {
            dir: cuda_dir.to_path_buf(),
        }),
        Discovery::Absent => Ok(cpu(None)),
        Discovery::Incomplete(missing) => {
            let missing = cuda_layout::describe_missing(&missing);
            if cuda {
                return Err(RuntimeError::CudaIncomplete {
                    dir: cuda_dir.to_path_buf(),
                    missing,
                });
            }
            Ok(cpu(Some(format!(
                "CUDA not used: {} lacks {missing}; `{FETCH_COMMAND}` completes it",
                cuda_dir.display()
            ))))
        }
        Discovery::Ready(layout) => match driver() {
            Ok(()) => Ok(Selection::Cuda {
                layout,
                cpu_library: cpu_library.clone(),
            }),
            Err(cause) if cuda => Err(RuntimeError::NoDriver { cause }),
            Err(cause) => Ok(cpu(Some(format!(
                "CUDA not used: the NVIDIA driver ({}) cannot be loaded ({cause})",
                preload::DRIVER
            )))),
        },
    }
}

/// Loads a CUDA selection's NVIDIA libraries with `load` (before ONNX
/// Runtime is loaded, so there is still a choice): when one fails, `auto`
/// goes on with the CPU build, saying which and why, and `cuda` stops.
pub fn preload_with(
    selection: Selection,
    device: Device,
    load: &dyn Fn(&[PathBuf]) -> Result<(), LoadFailure>,
) -> Result<Selection, RuntimeError> {
    let Selection::Cuda {
        layout,
        cpu_library,
    } = &selection
    else {
        return Ok(selection);
    };
    match load(&layout.preload) {
        Ok(()) => Ok(selection),
        Err((library, cause)) if device == Device::Cuda => {
            Err(RuntimeError::Preload { library, cause })
        }
        Err((library, cause)) => Ok(Selection::Cpu {
            library: cpu_library.clone(),
            note: Some(format!(
                "CUDA not used: cannot load {} ({cause})",
                library.display()
            )),
        }),
    }
}

/// [`choose`] on this machine (`ORT_DYLIB_PATH`, the cache, the driver),
/// then [`preload_with`] the real loader.
pub fn select(
    cache: &Cache,
    manifest: &Manifest,
    device: Device,
) -> Result<Selection, RuntimeError> {
    let user = std::env::var_os(ORT_DYLIB_ENV)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    // Discovery only when it can matter: `--device cpu` and a user library
    // never look at the CUDA layout.
    let discovery = if user.is_none() && device != Device::Cpu {
        cuda_layout::discover(cache, manifest)
    } else {
        Discovery::Absent
    };
    let selection = choose(
        user,
        device,
        cpu_library_path(cache, manifest),
        &cache.path_of("cuda"),
        discovery,
        &preload::driver_present,
    )?;
    preload_with(selection, device, &preload::preload)
}

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

#[cfg(test)]
#[path = "select_tests.rs"]
mod tests;
