//! Finding the CUDA build of ONNX Runtime that `models fetch --with cuda`
//! provisions, without loading anything.
//!
//! The CUDA provider (`libonnxruntime_providers_cuda.so`, loaded by ONNX
//! Runtime from its own folder) links cuDNN, cuBLAS, cudart, cuFFT and
//! cuRAND by soname, and those load further NVIDIA libraries by soname. The
//! wheels put each in a folder of its own (`<cache>/cuda/<name>/`), where the
//! dynamic loader would never look; so each library is loaded beforehand,
//! globally, in the order [`PRELOAD`] gives (every one after what it needs),
//! and the provider's own lookups then find them already in the process.
//! This file only decides what is there, what is missing and in which order
//! to load; `preload.rs` does the loading. Keeping the two apart lets the
//! tests check discovery against a fake layout on a machine with no GPU.

use crate::models::{Cache, Manifest};
use std::path::PathBuf;

/// What fetches the whole layout.
pub const FETCH_COMMAND: &str = "facecurate models fetch --with cuda";
/// The manifest artifact holding the CUDA build of ONNX Runtime itself.
pub const ORT_ARTIFACT: &str = "cuda-onnxruntime";
/// Libraries ONNX Runtime loads from its own folder (found there, not preloaded).
pub const ORT_PROVIDERS: &[&str] = &[
    "libonnxruntime_providers_shared.so",
    "libonnxruntime_providers_cuda.so",
];

/// One NVIDIA library: the manifest artifact holding it, and its file name
/// in that artifact's folder (its soname).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lib {
    pub artifact: &'static str,
    pub file: &'static str,
}

const fn lib(artifact: &'static str, file: &'static str) -> Lib {
    Lib { artifact, file }
}

/// Every NVIDIA library, in load order: each after the ones it links.
/// cudart first (the others link it); nvJitLink before cuFFT; NVRTC's
/// builtins before NVRTC (which opens them by name) and NVRTC before cuBLAS
/// and cuDNN's runtime-compiled engines; cuBLASLt before cuBLAS; cuDNN's
/// graph library before its engines and operations, the `libcudnn.so.9`
/// front (what the provider links) last.
pub const PRELOAD: &[Lib] = &[
    lib("cuda-cudart", "libcudart.so.12"),
    lib("cuda-nvjitlink", "libnvJitLink.so.12"),
    lib("cuda-nvrtc", "libnvrtc-builtins.so.12.9"),
    lib("cuda-nvrtc", "libnvrtc.so.12"),
    lib("cuda-cublas", "libcublasLt.so.12"),
    lib("cuda-cublas", "libcublas.so.12"),
    lib("cuda-curand", "libcurand.so.10"),
    lib("cuda-cufft", "libcufft.so.11"),
    lib("cuda-cudnn", "libcudnn_graph.so.9"),
    lib("cuda-cudnn", "libcudnn_engines_precompiled.so.9"),
    lib("cuda-cudnn", "libcudnn_engines_runtime_compiled.so.9"),
    lib("cuda-cudnn", "libcudnn_engines_tensor_ir.so.9"),
    lib("cuda-cudnn", "libcudnn_heuristic.so.9"),
    lib("cuda-cudnn", "libcudnn_ops.so.9"),
    lib("cuda-cudnn", "libcudnn_cnn.so.9"),
    lib("cuda-cudnn", "libcudnn_adv.so.9"),
    lib("cuda-cudnn", "libcudnn_ext.so.9"),
    lib("cuda-cudnn", "libcudnn.so.9"),
];

/// A file the layout needs and the cache lacks, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub file: String,
    pub artifact: String,
    /// The pinned wheel holding it (empty when the manifest lacks the artifact).
    pub archive: String,
}

/// A complete layout: the library to load and what to load before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CudaLayout {
    /// The CUDA build of `libonnxruntime.so`, its providers beside it.
    pub library: PathBuf,
    /// The NVIDIA libraries, in [`PRELOAD`] order.
    pub preload: Vec<PathBuf>,
}

/// What the cache holds of the CUDA layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    /// Nothing of it: CUDA was never fetched.
    Absent,
    /// Some of it; these files are missing.
    Incomplete(Vec<Missing>),
    Ready(CudaLayout),
}

/// Where each needed file should be, by artifact and file name.
fn expected(cache: &Cache, manifest: &Manifest) -> Vec<(Missing, Option<PathBuf>)> {
    let ort_library = manifest
        .get(ORT_ARTIFACT)
        .and_then(|a| a.files.iter().find(|f| f.starts_with("libonnxruntime.so")))
        .map_or("libonnxruntime.so", String::as_str);
    let mut wanted: Vec<(&str, &str)> = vec![(ORT_ARTIFACT, ort_library)];
    wanted.extend(ORT_PROVIDERS.iter().map(|file| (ORT_ARTIFACT, *file)));
    wanted.extend(PRELOAD.iter().map(|l| (l.artifact, l.file)));
    wanted
        .into_iter()
        .map(|(artifact, file)| {
            let entry = manifest.get(artifact);
            let path = entry.map(|a| cache.path_of(&a.file).join(file));
            let missing = Missing {
                file: file.to_string(),
                artifact: artifact.to_string(),
                archive: entry.map_or(String::new(), |a| a.archive.clone()),
            };
            (missing, path)
        })
        .collect()
}

/// Looks for the CUDA layout in the cache (file presence only: `models
/// verify` re-hashes the 3 GB, a start-up must not).
pub fn discover(cache: &Cache, manifest: &Manifest) -> Discovery {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for (what, path) in expected(cache, manifest) {
        match path.filter(|p| p.is_file()) {
            Some(path) => found.push(path),
            None => missing.push(what),
        }
    }
    if found.is_empty() {
        return Discovery::Absent;
    }
    if !missing.is_empty() {
        return Discovery::Incomplete(missing);
    }
    // `expected` lists the ORT library and its providers first, then PRELOAD.
    let library = found.remove(0);
    let preload = found.split_off(ORT_PROVIDERS.len());
    Discovery::Ready(CudaLayout { library, preload })
}

/// One line naming every missing file, grouped by the wheel that holds it.
pub fn describe_missing(missing: &[Missing]) -> String {
    let mut groups: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for m in missing {
        match groups.iter_mut().find(|g| g.0 == m.artifact) {
            Some(group) => group.2.push(&m.file),
            None => groups.push((&m.artifact, &m.archive, vec![&m.file])),
        }
    }
    groups
        .iter()
        .map(|(artifact, archive, files)| {
            let from = if archive.is_empty() {
                String::new()
            } else {
                format!(", from {archive}")
            };
            format!("{} ({artifact}{from})", files.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
#[path = "cuda_layout_tests.rs"]
mod tests;
