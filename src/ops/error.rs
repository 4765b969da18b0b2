//! Why a label edit failed, in a leaf of its own so planning, running and
//! syncing the store can all return it without importing the module root.

use super::journal::JournalError;
use super::names::NameError;
use crate::store::StoreError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error(transparent)]
    Name(#[from] NameError),
    #[error("refused: {0}")]
    Changed(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{action} {}: {source}", crate::shown::Shown(path))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// A step failed (a full disk, a read-only folder) and the steps done
    /// before it were put back: the operation did not happen.
    #[error("{0}; nothing was changed")]
    RolledBack(Box<OpError>),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
