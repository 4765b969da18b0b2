//! The changes `update` asks the library to make, as plain values: the run
//! loop hands them to the backend off the UI thread. Its own file so the
//! state's helpers (`clusters`, `picker`, `inbox`) can name them without
//! importing `update`, which calls them.

use std::path::PathBuf;

/// A change the user asked for, carried out by the library.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Move {
        photo: PathBuf,
        to: String,
    },
    /// Several photos into one person (created when new), as one journaled
    /// step that one undo reverses: a whole cluster, or an inbox group.
    MoveAll {
        photos: Vec<PathBuf>,
        to: String,
    },
    Delete {
        photo: PathBuf,
    },
    Reviewed {
        photo: PathBuf,
    },
    /// The pair is not a duplicate: never report it again.
    NotDuplicate {
        a: PathBuf,
        b: PathBuf,
    },
    Undo,
    Redo,
    Retrain,
}
