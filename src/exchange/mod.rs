//! Exchange formats: the face store as one table that other tools read as
//! is (Parquet for pandas, pyarrow, DuckDB or Spark; a `.npy` matrix with a
//! CSV of its rows for numpy; plain CSV), and Parquet files back into a
//! store, so vectors computed on one machine serve another. One row per
//! face, and one row with empty face columns per photo without a face or
//! with a failure, so an import knows every photo; each row also carries
//! what the store keys and checks a photo by (content hash, size, mtime,
//! pixel size) so that a scan after an import re-reads and re-embeds
//! nothing. Thumbs are not carried: imported faces have none.

mod csv;
mod import;
mod npy;
mod parquet;
mod read;
mod table;
mod validate;

#[cfg(test)]
mod tests;

pub use import::{ImportSummary, import};
pub use table::{COLUMNS, ExchangeError, ExportSummary, Format};

use crate::store::StoredPhoto;
use std::path::Path;
use table::{Table, dimension};

/// Writes `photos`, processed under `fingerprint`, to `out` as `format`.
pub fn export(
    photos: &[StoredPhoto],
    fingerprint: &str,
    format: Format,
    out: &Path,
) -> Result<ExportSummary, ExchangeError> {
    let dim = dimension(photos).map_err(|message| ExchangeError::Invalid {
        path: out.to_path_buf(),
        message,
    })?;
    let table = Table {
        photos,
        fingerprint,
        dim,
    };
    let files = match format {
        Format::Parquet => parquet::write(&table, out).map(|()| vec![out.to_path_buf()])?,
        Format::Csv => csv::write(&table, out).map(|()| vec![out.to_path_buf()])?,
        Format::Npy => npy::write(&table, out)?,
    };
    Ok(ExportSummary {
        photos: photos.len(),
        faces: photos.iter().map(|p| p.faces.len()).sum(),
        files,
    })
}
