//! The one door into the library for a workspace. A session owns the
//! workspace and everything that follows from it: the store's fingerprint,
//! the embedder's identity, the models (fetched and loaded on first use),
//! the store, the watcher, the analysis, the classifier and the journaled
//! edits. Every front end — each CLI command and the terminal UI — opens a
//! session and only parses arguments, renders and picks exit codes, so all
//! of them run the same models on the same store by construction. What the
//! session has to say goes out as [`Event`]s to the front end's [`Sink`].

mod classifier;
mod edits;
mod error;
mod events;
mod exchange;
mod inbox;
mod live;
mod open;
mod precision_choice;
mod provision;
mod review;
mod scanning;
mod shards;

pub use error::SessionError;
pub use events::{ClassifierEvent, Event, Sink, quiet};
pub use live::Retrainer;
pub use open::{Overrides, Session};
pub use provision::Pipeline;

#[cfg(test)]
mod saved_report_tests;
#[cfg(test)]
mod tests;
