//! What a label edit changed, as the store sync computes it and the front
//! ends report it.

use std::collections::BTreeSet;
use std::path::PathBuf;

/// What an operation (or its undo) changed, for messages and for the
/// analyses and the classifier to update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub description: String,
    /// Persons whose photos changed.
    pub persons: BTreeSet<String>,
    /// Dataset-relative photo paths that appeared or went away.
    pub paths: BTreeSet<PathBuf>,
}
