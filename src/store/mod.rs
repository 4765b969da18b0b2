//! The face store: what the pipeline found in every photo of the dataset,
//! kept in one embedded SQLite file in the state folder so a dataset is
//! processed once and then only kept in step with its folder.
//!
//! WAL mode lets the TUI read while a scan or the watcher writes, and a
//! process killed mid-write loses only its uncommitted batch. A store that
//! is not a readable facecurate store, or was written by a newer schema, is
//! renamed aside (never overwritten) and a fresh one is built in its place;
//! [`Store::recovery`] says what happened so the front end can tell the user.

mod batch;
mod error;
mod exchange_queries;
mod open;
mod pair_memo;
mod pairs;
pub mod queries;
mod read_records;
pub mod schema;
mod shards;
mod side_files;
mod state;
mod thumbs;

pub use batch::Batch;
pub use error::{StoreError, describe};
pub use exchange_queries::{PutSummary, StoredPhoto};
pub use open::{Recovery, Store, holds_fingerprint};
pub use queries::{FileRow, Reviewed};
pub use shards::{Merged, keys as meta_keys};
pub use state::StateToken;

#[cfg(test)]
mod tests;
