//! The shared vocabulary of the exchange formats: the columns, the
//! formats, their errors, the table the writers walk row by row, and the
//! one way every writer puts a file in place.

use crate::pipeline::Face;
use crate::store::{StoreError, StoredPhoto};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The columns of every format, in order (`npy` moves `embedding` to its
/// matrix and puts `npy_row` in its place).
pub const COLUMNS: [&str; 14] = [
    "path",
    "person",
    "hash",
    "size",
    "mtime_ns",
    "width",
    "height",
    "error",
    "fingerprint",
    "face_index",
    "bbox",
    "landmarks",
    "score",
    "embedding",
];

/// Which file `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Parquet,
    Npy,
    Csv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Npy => "npy",
            Format::Csv => "csv",
        }
    }

    /// `facecurate-export.<format>` in the current folder.
    pub fn default_out(self) -> PathBuf {
        PathBuf::from(format!("facecurate-export.{}", self.name()))
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "parquet" => Ok(Format::Parquet),
            "npy" => Ok(Format::Npy),
            "csv" => Ok(Format::Csv),
            other => Err(format!(
                "unknown format `{other}` (expected parquet, npy or csv)"
            )),
        }
    }
}

/// Why an export or an import failed; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("{}: cannot write: {cause}", path.display())]
    Write { path: PathBuf, cause: String },
    #[error("{}: cannot read: {cause}", path.display())]
    Read { path: PathBuf, cause: String },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error(
        "{}: its vectors were made under pipeline fingerprint {found}, this workspace's is {expected}; nothing imported",
        path.display()
    )]
    Fingerprint {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// Photos, with or without faces.
    pub photos: usize,
    pub faces: usize,
    /// The files written (the `.npy` and its CSV for `npy`).
    pub files: Vec<PathBuf>,
}

/// What the writers write: the photos, their fingerprint and the length
/// of every vector.
pub(super) struct Table<'a> {
    pub photos: &'a [StoredPhoto],
    pub fingerprint: &'a str,
    pub dim: usize,
}

/// One row: a photo and one of its faces, or a photo without any.
#[derive(Clone, Copy)]
pub(super) struct Row<'a> {
    pub photo: &'a StoredPhoto,
    pub face: Option<(usize, &'a Face)>,
}

impl<'a> Table<'a> {
    pub fn rows(&self) -> impl Iterator<Item = Row<'a>> + 'a {
        self.photos.iter().flat_map(|photo| {
            let faces = photo.faces.iter().enumerate().map(move |(i, f)| Row {
                photo,
                face: Some((i, f)),
            });
            let none = photo.faces.is_empty().then_some(Row { photo, face: None });
            faces.chain(none)
        })
    }
}

/// The length every vector has (0 when there is no face); faces of
/// differing lengths cannot share one column.
pub(super) fn dimension(photos: &[StoredPhoto]) -> Result<usize, String> {
    let mut faces = photos
        .iter()
        .flat_map(|p| p.faces.iter().map(move |f| (p, f)));
    let Some((_, first)) = faces.next() else {
        return Ok(0);
    };
    let dim = first.embedding.len();
    match faces.find(|(_, f)| f.embedding.len() != dim) {
        Some((p, f)) => Err(format!(
            "the store holds vectors of {dim} and of {} values ({}); cannot export them as one table",
            f.embedding.len(),
            p.path
        )),
        None => Ok(dim),
    }
}

/// Writes `out` through a temporary file beside it, renamed into place
/// once complete: a failed export leaves no half-written file.
pub(super) fn write_file(
    out: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&mut std::fs::File>) -> Result<(), String>,
) -> Result<(), ExchangeError> {
    let failed = |cause: String| ExchangeError::Write {
        path: out.to_path_buf(),
        cause,
    };
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| failed(e.to_string()))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut w).map_err(failed)?;
        w.flush().map_err(|e| failed(e.to_string()))?;
    }
    tmp.persist(out).map_err(|e| failed(e.error.to_string()))?;
    Ok(())
}
