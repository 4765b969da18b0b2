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
mod events;
mod live;
mod provision;
mod review;
mod scanning;

pub use classifier::load_model;
pub use events::{ClassifierEvent, Event, Sink, quiet};
pub use live::Retrainer;
pub use provision::Pipeline;
pub use review::Reviewed;

use crate::config::{ConfigError, Workspace};
use crate::models::Manifest;
use crate::runtime::Device;
use std::path::Path;

/// What the command line may override in the workspace file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides {
    pub device: Option<Device>,
    pub workers: Option<usize>,
    pub threads: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Scan(#[from] crate::dataset::ScanError),
    #[error(transparent)]
    Ops(#[from] crate::ops::OpError),
    #[error(transparent)]
    Classify(#[from] crate::classify::ClassifyError),
    #[error(transparent)]
    Watch(#[from] crate::dataset::watch::WatchError),
    #[error(transparent)]
    Runtime(#[from] crate::runtime::RuntimeError),
    #[error(transparent)]
    Fetch(#[from] crate::models::fetch::FetchError),
    #[error("{0}")]
    Message(String),
    #[error("stopped before the scan finished")]
    Stopped,
}

/// An open workspace; cheap to clone for background threads.
#[derive(Clone)]
pub struct Session {
    ws: Workspace,
    manifest: Manifest,
    fingerprint: String,
    embedder: String,
    overrides: Overrides,
    sink: Sink,
    /// No workspace file: defaults, with the classifier straight in
    /// `./facecurate-state` as before workspaces existed.
    bare: bool,
}

impl Session {
    /// Opens the workspace file `file`.
    pub fn open(file: &Path, overrides: Overrides, sink: Sink) -> Result<Session, SessionError> {
        Session::of(Workspace::load(file)?, overrides, sink)
    }

    /// A session without a workspace file, for the commands that also run
    /// on bare folders and photos: built-in models and every default, the
    /// state in `facecurate-state` beside `file` (where a workspace file
    /// would be).
    pub fn bare(file: &Path, overrides: Overrides, sink: Sink) -> Result<Session, SessionError> {
        let mut session = Session::of(Workspace::defaults(file)?, overrides, sink)?;
        session.bare = true;
        Ok(session)
    }

    /// A session over an already loaded workspace.
    pub fn of(ws: Workspace, overrides: Overrides, sink: Sink) -> Result<Session, SessionError> {
        let manifest = Manifest::builtin()
            .map_err(|e| SessionError::Message(format!("the built-in model manifest: {e}")))?;
        let fingerprint =
            crate::dataset::workspace_fingerprint(&ws, &manifest).map_err(SessionError::Message)?;
        let embedder =
            crate::dataset::embedder_identity(&ws, &manifest).map_err(SessionError::Message)?;
        Ok(Session {
            ws,
            manifest,
            fingerprint,
            embedder,
            overrides,
            sink,
            bare: false,
        })
    }

    /// The same session reporting to another sink (the UI's channel, once
    /// it exists).
    pub fn with_sink(&self, sink: Sink) -> Session {
        Session {
            sink,
            ..self.clone()
        }
    }

    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// Identifies the pipeline whose faces the store holds.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Identifies the embedder: vectors, and classifiers trained on them,
    /// are comparable only under the same identity.
    pub fn embedder_identity(&self) -> &str {
        &self.embedder
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The device the models run on: the command line's, else the workspace's.
    pub fn device(&self) -> Device {
        self.overrides.device.unwrap_or(self.ws.device)
    }

    fn emit(&self, event: Event) {
        (self.sink)(event);
    }
}

#[cfg(test)]
mod tests;
