//! Loading the provisioned NVIDIA libraries into the process before ONNX
//! Runtime's CUDA provider needs them.
//!
//! Each is opened with `RTLD_NOW | RTLD_GLOBAL` in the order `cuda_layout`
//! decides, so that the provider's (and cuDNN's own) lookups by soname find
//! them already loaded instead of searching a library path that never
//! names the cache. The handles are kept for the life of the process: ONNX
//! Runtime itself is never unloaded either. Nothing here runs in the unit
//! tests, which check the order on a fake layout.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The soname of the NVIDIA driver library, which comes with the driver,
/// never from a wheel.
pub const DRIVER: &str = "libcuda.so.1";

/// A library that would not load, and the loader's reason.
pub type LoadFailure = (PathBuf, String);

type Loaded = Result<Vec<libloading::Library>, LoadFailure>;

/// The handles, kept so nothing is unloaded; loaded once per process.
static LOADED: OnceLock<Loaded> = OnceLock::new();
static DRIVER_LIBRARY: OnceLock<Result<libloading::Library, String>> = OnceLock::new();

/// Loads each library in order; the first that fails is returned with the
/// loader's message (which names a missing dependency, if that is why).
/// Later calls return the first call's outcome.
pub fn preload(libraries: &[PathBuf]) -> Result<(), LoadFailure> {
    LOADED
        .get_or_init(|| {
            libraries
                .iter()
                .map(|path| open_global(path).map_err(|cause| (path.clone(), cause)))
                .collect()
        })
        .as_ref()
        .map(|_| ())
        .map_err(Clone::clone)
}

/// Whether the NVIDIA driver's library can be loaded at all: without it the
/// CUDA provider can never start, whatever the cache holds.
pub fn driver_present() -> Result<(), String> {
    DRIVER_LIBRARY
        .get_or_init(|| open_global(Path::new(DRIVER)))
        .as_ref()
        .map(|_| ())
        .map_err(Clone::clone)
}

#[cfg(unix)]
fn open_global(path: &Path) -> Result<libloading::Library, String> {
    use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_NOW};
    // SAFETY: these are the pinned NVIDIA libraries (checked by sha256 when
    // fetched) or the system's driver library; their initialisers are the
    // ones any CUDA program runs when it links them.
    unsafe { Library::open(Some(path), RTLD_NOW | RTLD_GLOBAL) }
        .map(libloading::Library::from)
        .map_err(|e| match std::error::Error::source(&e) {
            // The loader's own words (which file, which missing dependency).
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        })
}

#[cfg(not(unix))]
fn open_global(path: &Path) -> Result<libloading::Library, String> {
    Err(format!(
        "{}: preloading CUDA libraries is only supported on Linux",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A damaged cached copy (here an empty file, nothing real) is refused
    /// with the loader's reason; `preload` itself is not called, since its
    /// outcome is kept for the whole test process.
    #[test]
    fn a_file_that_is_no_library_is_refused_with_the_loaders_reason() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fake = dir.path().join("libcudart.so.12");
        std::fs::write(&fake, b"").expect("temp file");
        let err = open_global(&fake).err().unwrap_or_default();
        assert!(err.contains("libcudart.so.12"), "{err}");
    }
}
