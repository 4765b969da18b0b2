//! Loading a Parquet exchange file into a store: read, then check
//! everything (the fingerprint first: vectors of another pipeline are
//! never mixed in), then write in one transaction. Any failure before the
//! commit writes nothing. Content the store already holds under its
//! fingerprint is kept as it is, with its thumbs.

use super::table::ExchangeError;
use super::{read, validate};
use crate::store::Store;
use std::path::Path;

/// What an import brought into the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Paths written (with or without faces).
    pub photos: usize,
    /// Faces in the file, each content counted once.
    pub faces: usize,
    /// Contents written with their faces.
    pub contents: usize,
    /// Contents the store already held, kept as they were.
    pub kept: usize,
    /// Photos recorded as failed (unreadable, or the pipeline's error).
    pub failed: usize,
}

/// Imports the Parquet file at `file` into `store`. `dim` is the length
/// of the workspace's vectors when known.
pub fn import(
    store: &mut Store,
    file: &Path,
    dim: Option<usize>,
) -> Result<ImportSummary, ExchangeError> {
    let rows = read::rows(file)?;
    if let Some(other) = rows.iter().find(|r| r.fingerprint != store.fingerprint()) {
        return Err(ExchangeError::Fingerprint {
            path: file.to_path_buf(),
            found: other.fingerprint.clone(),
            expected: store.fingerprint().to_string(),
        });
    }
    let photos = validate::photos(rows, dim).map_err(|message| ExchangeError::Invalid {
        path: file.to_path_buf(),
        message,
    })?;
    let put = store.put_photos(&photos)?;
    let mut counted = std::collections::HashSet::new();
    let faces = photos
        .iter()
        .filter(|p| {
            p.file
                .hash
                .as_ref()
                .is_some_and(|h| counted.insert(h.clone()))
        })
        .map(|p| p.faces.len())
        .sum();
    Ok(ImportSummary {
        photos: put.files,
        faces,
        contents: put.contents,
        kept: put.kept,
        failed: photos.iter().filter(|p| p.error().is_some()).count(),
    })
}
