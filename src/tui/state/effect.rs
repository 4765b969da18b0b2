//! What `update` asks the library to do: the changes to the dataset the
//! run loop carries out off the UI thread. Apart from `update` so the
//! screens' own key handlers (`inbox`) can name them without importing it.

use std::path::PathBuf;

/// A change the user asked for, carried out by the library.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Move {
        photo: PathBuf,
        to: String,
    },
    /// Several photos into one person (created when new), as one step.
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
