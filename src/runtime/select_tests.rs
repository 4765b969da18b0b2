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
    assert_eq!(s, Selection::Cuda(layout()));
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
    assert_eq!(s.ok(), Some(Selection::Cuda(layout())));
}
