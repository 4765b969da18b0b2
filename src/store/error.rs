//! The store's one error type, in a leaf of its own so the queries and the
//! code that opens the file can both return it without importing each other.

use rusqlite::ErrorCode;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    #[error("{}: {}", path.display(), describe(source))]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

impl StoreError {
    /// True when SQLite found the file damaged: reopening with
    /// [`Store::open_checked`] keeps it aside and starts afresh.
    pub fn is_corrupt(&self) -> bool {
        match self {
            StoreError::Sqlite { source, .. } => matches!(
                source.sqlite_error_code(),
                Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
            ),
            _ => false,
        }
    }
}

/// SQLite's error in words a user can act on: its I/O errors (a `-shm`
/// file that cannot grow, a write that fails) most often mean a full or
/// failing disk, which its own text does not say.
pub fn describe(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::DiskFull => {
            "the disk is full (SQLite: database or disk is full)".to_string()
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::SystemIoFailure => format!(
            "disk I/O error (SQLite code {}): is the disk holding it full, read-only or failing?",
            f.extended_code
        ),
        other => other.to_string(),
    }
}
