//! Every branch of the device decision, with fake discoveries and a fake
//! driver probe.

use super::*;
use crate::runtime::cuda_layout::Missing;
use std::cell::Cell;

fn layout() -> CudaLayout {
    CudaLayout {
        library: PathBuf::from("/c/cuda/onnxruntime/libonnxruntime.so.1.26.0"),
        preload: vec![PathBuf::from("/c/cuda/cudart/libcudart.so.12")],
    }
}

fn incomplete() -> Discovery {
    Discovery::Incomplete(vec![Missing {
        file: "libcudnn.so.9".to_string(),
        artifact: "cuda-cudnn".to_string(),
        archive: "nvidia_cudnn_cu12-9.28.0.42-py3-none-manylinux_2_27_x86_64.whl".to_string(),
    }])
}

fn run(
    user: Option<&str>,
    device: Device,
    discovery: Discovery,
    driver: Result<(), String>,
) -> (Result<Selection, RuntimeError>, usize) {
    let asked = Cell::new(0);
    let probe = || {
        asked.set(asked.get() + 1);
        driver.clone()
    };
    let selection = choose(
        user.map(PathBuf::from),
        device,
        PathBuf::from("/c/lib/libonnxruntime.so.1.32.0"),
        Path::new("/c/cuda"),
        discovery,
        &probe,
    );
    (selection, asked.get())
}

fn cuda_selection() -> Selection {
    Selection::Cuda {
        layout: layout(),
        cpu_library: PathBuf::from("/c/lib/libonnxruntime.so.1.32.0"),
    }
}

fn cpu(note: Option<&str>) -> Selection {
    Selection::Cpu {
        library: PathBuf::from("/c/lib/libonnxruntime.so.1.32.0"),
        note: note.map(str::to_string),
    }
}

#[test]
fn the_users_library_always_wins() {
    for device in [Device::Auto, Device::Cpu, Device::Cuda] {
        let (s, asked) = run(
            Some("/opt/ort.so"),
            device,
            Discovery::Ready(layout()),
            Ok(()),
        );
        assert_eq!(s.ok(), Some(Selection::User(PathBuf::from("/opt/ort.so"))));
        assert_eq!(asked, 0);
    }
}

#[test]
fn cpu_never_looks_at_cuda() {
    let (s, asked) = run(None, Device::Cpu, Discovery::Ready(layout()), Ok(()));
    assert_eq!(s.ok(), Some(cpu(None)));
    assert_eq!(asked, 0);
}

#[test]
fn auto_takes_a_complete_layout_when_the_driver_loads() {
    let (s, asked) = run(None, Device::Auto, Discovery::Ready(layout()), Ok(()));
    let s = s.expect("selected");
    assert_eq!(s, cuda_selection());
    assert_eq!(s.library(), layout().library);
    assert!(!s.needs_cpu_library());
    assert_eq!(asked, 1);
}

#[test]
fn auto_falls_back_to_the_cpu_and_says_why() {
    let (s, asked) = run(None, Device::Auto, Discovery::Absent, Ok(()));
    assert_eq!(s.ok(), Some(cpu(None)), "nothing fetched: nothing to say");
    assert_eq!(asked, 0);

    let (s, _) = run(None, Device::Auto, incomplete(), Ok(()));
    let s = s.expect("selected");
    assert!(s.needs_cpu_library());
    assert_eq!(
        s.note(),
        Some(
            "CUDA not used: /c/cuda lacks libcudnn.so.9 (cuda-cudnn, from \
             nvidia_cudnn_cu12-9.28.0.42-py3-none-manylinux_2_27_x86_64.whl); \
             `facecurate models fetch --with cuda` completes it"
        )
    );

    let (s, _) = run(
        None,
        Device::Auto,
        Discovery::Ready(layout()),
        Err("libcuda.so.1: cannot open shared object file".to_string()),
    );
    let note = s.expect("selected").note().map(str::to_string);
    assert_eq!(
        note.as_deref(),
        Some(
            "CUDA not used: the NVIDIA driver (libcuda.so.1) cannot be loaded \
             (libcuda.so.1: cannot open shared object file)"
        )
    );
}

#[test]
fn cuda_fails_naming_what_is_missing_and_the_command() {
    let (s, _) = run(None, Device::Cuda, Discovery::Absent, Ok(()));
    let text = s.expect_err("refused").to_string();
    assert!(text.contains("not in /c/cuda"), "{text}");
    assert!(
        text.contains("`facecurate models fetch --with cuda`"),
        "{text}"
    );

    let (s, asked) = run(None, Device::Cuda, incomplete(), Ok(()));
    let text = s.expect_err("refused").to_string();
    assert!(
        text.contains(
            "missing libcudnn.so.9 (cuda-cudnn, from nvidia_cudnn_cu12-9.28.0.42-py3-none-manylinux_2_27_x86_64.whl)"
        ),
        "{text}"
    );
    assert!(
        text.contains("`facecurate models fetch --with cuda`"),
        "{text}"
    );
    assert_eq!(asked, 0);

    let (s, _) = run(
        None,
        Device::Cuda,
        Discovery::Ready(layout()),
        Err("no driver".to_string()),
    );
    let text = s.expect_err("refused").to_string();
    assert!(
        text.contains("libcuda.so.1") && text.contains("no driver"),
        "{text}"
    );
}

#[test]
fn cuda_takes_a_complete_layout() {
    let (s, _) = run(None, Device::Cuda, Discovery::Ready(layout()), Ok(()));
    assert_eq!(s.ok(), Some(cuda_selection()));
}

#[test]
fn a_library_that_fails_to_load_stops_cuda_and_sends_auto_to_the_cpu() {
    let loaded = Cell::new(0);
    let ok = |libs: &[PathBuf]| {
        loaded.set(libs.len());
        Ok(())
    };
    let s = preload_with(cuda_selection(), Device::Cuda, &ok).expect("loaded");
    assert_eq!((s, loaded.get()), (cuda_selection(), 1));

    let fail = |libs: &[PathBuf]| Err((libs[0].clone(), "file too short".to_string()));
    let text = preload_with(cuda_selection(), Device::Cuda, &fail)
        .expect_err("refused")
        .to_string();
    assert!(
        text.starts_with("cannot load /c/cuda/cudart/libcudart.so.12, a library"),
        "{text}"
    );
    assert!(
        text.contains("file too short") && text.contains("--with cuda"),
        "{text}"
    );

    let s = preload_with(cuda_selection(), Device::Auto, &fail).expect("fell back");
    assert_eq!(
        s,
        cpu(Some(
            "CUDA not used: cannot load /c/cuda/cudart/libcudart.so.12 (file too short)"
        ))
    );
    // Nothing to load for the other selections.
    let never = |_: &[PathBuf]| -> Result<(), (PathBuf, String)> { panic!("loaded") };
    assert_eq!(
        preload_with(cpu(None), Device::Auto, &never).ok(),
        Some(cpu(None))
    );
}
