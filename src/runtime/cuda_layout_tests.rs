//! Discovery against fake layouts: temp folders holding the expected file
//! names as empty files. Nothing is loaded.

use super::*;
use std::fs;
use std::path::Path;

fn manifest() -> Manifest {
    Manifest::builtin().expect("manifest parses")
}

/// Every file of every `cuda` artifact, empty, where `models fetch` puts it.
fn fake_layout(root: &Path, manifest: &Manifest) {
    for a in manifest.artifacts.iter().filter(|a| a.kind == "cuda") {
        let dir = root.join(&a.file);
        fs::create_dir_all(&dir).expect("temp dir");
        for f in &a.files {
            fs::write(dir.join(f), b"").expect("temp file");
        }
    }
}

fn name_of(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

#[test]
fn an_empty_cache_has_no_layout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::new(dir.path().to_path_buf());
    assert_eq!(discover(&cache, &manifest()), Discovery::Absent);
}

#[test]
fn a_complete_layout_gives_the_library_and_the_preloads_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let m = manifest();
    fake_layout(dir.path(), &m);
    let cache = Cache::new(dir.path().to_path_buf());
    let Discovery::Ready(layout) = discover(&cache, &m) else {
        panic!("layout not found");
    };
    assert_eq!(
        layout.library,
        dir.path().join("cuda/onnxruntime/libonnxruntime.so.1.26.0")
    );
    let names: Vec<&str> = layout.preload.iter().map(|p| name_of(p)).collect();
    let expected: Vec<&str> = PRELOAD.iter().map(|l| l.file).collect();
    assert_eq!(names, expected);
    assert_eq!(
        layout.preload[0],
        dir.path().join("cuda/cudart/libcudart.so.12")
    );
    assert_eq!(
        layout.preload.last(),
        Some(&dir.path().join("cuda/cudnn/libcudnn.so.9"))
    );
    // The providers are left to ONNX Runtime, which finds them beside itself.
    for provider in ORT_PROVIDERS {
        assert!(!names.contains(provider));
        assert!(layout.library.with_file_name(provider).is_file());
    }
}

#[test]
fn a_partial_layout_names_each_missing_file_and_its_wheel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let m = manifest();
    fake_layout(dir.path(), &m);
    fs::remove_dir_all(dir.path().join("cuda/cudnn")).expect("remove");
    fs::remove_file(dir.path().join("cuda/curand/libcurand.so.10")).expect("remove");
    fs::remove_file(
        dir.path()
            .join("cuda/onnxruntime/libonnxruntime_providers_cuda.so"),
    )
    .expect("remove");
    let cache = Cache::new(dir.path().to_path_buf());
    let Discovery::Incomplete(missing) = discover(&cache, &m) else {
        panic!("the gaps were not seen");
    };
    let files: Vec<&str> = missing.iter().map(|m| m.file.as_str()).collect();
    assert_eq!(files.len(), 12, "{files:?}");
    assert_eq!(files[0], "libonnxruntime_providers_cuda.so");
    assert_eq!(files[1], "libcurand.so.10");
    assert!(files[2..].iter().all(|f| f.starts_with("libcudnn")));
    let curand = &missing[1];
    assert_eq!(curand.artifact, "cuda-curand");
    assert_eq!(
        curand.archive,
        "nvidia_curand_cu12-10.3.10.19-py3-none-manylinux_2_27_x86_64.whl"
    );
    let text = describe_missing(&missing[..3]);
    assert_eq!(
        text,
        "libonnxruntime_providers_cuda.so (cuda-onnxruntime, from \
         onnxruntime_gpu-1.26.0-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl); \
         libcurand.so.10 (cuda-curand, from \
         nvidia_curand_cu12-10.3.10.19-py3-none-manylinux_2_27_x86_64.whl); \
         libcudnn_graph.so.9 (cuda-cudnn, from \
         nvidia_cudnn_cu12-9.28.0.42-py3-none-manylinux_2_27_x86_64.whl)"
    );
    // One group per wheel, however many of its files are missing.
    let all = describe_missing(&missing);
    assert_eq!(all.matches("cuda-cudnn").count(), 1, "{all}");
    assert!(all.contains("libcudnn_graph.so.9, libcudnn_engines_precompiled.so.9"));
}

#[test]
fn a_manifest_without_the_group_reports_files_without_a_wheel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut m = manifest();
    m.artifacts.retain(|a| a.name != "cuda-cufft");
    fake_layout(dir.path(), &m);
    let cache = Cache::new(dir.path().to_path_buf());
    let Discovery::Incomplete(missing) = discover(&cache, &m) else {
        panic!("cuFFT's absence was not seen");
    };
    assert_eq!(describe_missing(&missing), "libcufft.so.11 (cuda-cufft)");
}

#[test]
fn the_preload_list_and_the_manifest_name_the_same_files() {
    let m = manifest();
    for l in PRELOAD {
        let a = m
            .get(l.artifact)
            .unwrap_or_else(|| panic!("{} listed", l.artifact));
        assert!(
            a.files.iter().any(|f| f == l.file),
            "{} in {}",
            l.file,
            a.name
        );
    }
    let ort = m.get(ORT_ARTIFACT).expect("the CUDA build is listed");
    for f in &ort.files {
        let library = f.starts_with("libonnxruntime.so.");
        assert!(library || ORT_PROVIDERS.contains(&f.as_str()), "{f}");
    }
    // Nothing fetched goes unused: every NVIDIA file is preloaded.
    for a in m
        .artifacts
        .iter()
        .filter(|a| a.kind == "cuda" && a.name != ORT_ARTIFACT)
    {
        for f in &a.files {
            assert!(
                PRELOAD.iter().any(|l| l.artifact == a.name && l.file == f),
                "{f} of {} is never loaded",
                a.name
            );
        }
    }
}

#[test]
fn each_library_is_loaded_after_what_it_needs() {
    let at = |file: &str| {
        PRELOAD
            .iter()
            .position(|l| l.file == file)
            .unwrap_or_else(|| panic!("{file} preloaded"))
    };
    assert_eq!(at("libcudart.so.12"), 0);
    assert_eq!(at("libcudnn.so.9"), PRELOAD.len() - 1);
    assert!(at("libnvrtc-builtins.so.12.9") < at("libnvrtc.so.12"));
    assert!(at("libnvrtc.so.12") < at("libcublasLt.so.12"));
    assert!(at("libcublasLt.so.12") < at("libcublas.so.12"));
    assert!(at("libnvJitLink.so.12") < at("libcufft.so.11"));
    assert!(at("libcublas.so.12") < at("libcudnn_graph.so.9"));
    for l in PRELOAD.iter().filter(|l| l.file.starts_with("libcudnn_")) {
        assert!(at("libcudnn_graph.so.9") <= at(l.file), "{}", l.file);
    }
    assert!(at("libcudnn_ops.so.9") < at("libcudnn_cnn.so.9"));
    assert!(at("libcudnn_ops.so.9") < at("libcudnn_adv.so.9"));
}
