//! Opening a session: the workspace it is opened on and what follows
//! from it at once (the store's fingerprint, the embedder's identity, the
//! command line's overrides, the sink). The other files of `session` add
//! what it can do, each in its own `impl Session`.

use super::error::SessionError;
use super::events::{Event, Sink};
use crate::config::Workspace;
use crate::models::Manifest;
use crate::runtime::Device;
use std::path::Path;

/// What the command line may override in the workspace file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides {
    pub device: Option<Device>,
    pub workers: Option<usize>,
    pub threads: Option<usize>,
    pub precision: Option<crate::config::Precision>,
    /// Photos per model run (`--batch`); default by provider.
    pub batch: Option<usize>,
}

/// An open workspace; cheap to clone for background threads.
#[derive(Clone)]
pub struct Session {
    pub(super) ws: Workspace,
    pub(super) manifest: Manifest,
    pub(super) fingerprint: String,
    pub(super) embedder: String,
    pub(super) overrides: Overrides,
    pub(super) sink: Sink,
    /// No workspace file: defaults, with the classifier straight in
    /// `./facecurate-state` as before workspaces existed.
    pub(super) bare: bool,
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
        let mut ws = ws.with_precision(overrides.precision, overrides.device);
        let manifest = Manifest::builtin()
            .map_err(|e| SessionError::Message(format!("the built-in model manifest: {e}")))?;
        let kept =
            super::precision_choice::keep_fp32_store(&mut ws, &manifest, overrides.precision);
        let fingerprint =
            crate::dataset::workspace_fingerprint(&ws, &manifest).map_err(SessionError::Message)?;
        let embedder =
            crate::dataset::embedder_identity(&ws, &manifest).map_err(SessionError::Message)?;
        let session = Session {
            ws,
            manifest,
            fingerprint,
            embedder,
            overrides,
            sink,
            bare: false,
        };
        if let Some(line) = kept {
            session.emit(Event::Log(line));
        }
        Ok(session)
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

    pub(super) fn emit(&self, event: Event) {
        (self.sink)(event);
    }
}
