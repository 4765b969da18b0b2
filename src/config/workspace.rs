//! The validated workspace, apart from the parsing that builds it (which
//! needs these types, and which [`Workspace::load`] in turn calls).

use super::error::ConfigError;
use super::models::ModelSettings;
use super::precision::{Host, Precision};
use crate::pipeline::detect::DetectSettings;
use crate::runtime::Device;
use std::path::PathBuf;
use std::time::Duration;

/// The workspace file commands use unless `-w/--workspace` says otherwise.
pub const DEFAULT_WORKSPACE: &str = "workspace.yaml";
/// The state folder's name, beside the workspace file, unless `state_dir` says otherwise.
pub const DEFAULT_STATE_DIR: &str = "facecurate-state";
/// The inbox folder's name in the dataset, unless `inbox` says otherwise.
pub const DEFAULT_INBOX: &str = "_inbox";

/// Live watching settings.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchSettings {
    /// Poll the folder instead of OS notifications (network file systems).
    pub poll: bool,
    pub poll_interval: Duration,
    /// Quiet time after an event before it is handled.
    pub debounce: Duration,
    /// How long a file's size and mtime must hold still before it is read.
    pub settle: Duration,
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            poll: false,
            poll_interval: Duration::from_millis(2000),
            debounce: Duration::from_millis(250),
            settle: Duration::from_millis(500),
        }
    }
}

/// A validated workspace: every path absolute, every value in range.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace file itself (absolute).
    pub file: PathBuf,
    pub dataset: PathBuf,
    pub state_dir: PathBuf,
    pub models: ModelSettings,
    pub device: Device,
    /// As written (`models.precision` holds what it resolved to).
    pub precision: Precision,
    /// `None`: one worker per core.
    pub workers: Option<usize>,
    pub threads: usize,
    pub detect: DetectSettings,
    pub watch: WatchSettings,
    /// The folder directly in the dataset that holds photos not yet filed:
    /// never a person; its photos get the classifier's prediction.
    pub inbox: String,
    /// The file's text, for [`Workspace::section`].
    pub(super) source: String,
}

impl Workspace {
    /// Parses one top-level section (e.g. `analysis`) into the owner's type;
    /// `None` when the file does not have it. Errors carry the line, as for
    /// the keys this module owns.
    pub fn section<T: serde::de::DeserializeOwned>(
        &self,
        key: &'static str,
    ) -> Result<Option<T>, ConfigError> {
        super::parse::section(&self.source, &self.file, key)
    }

    /// The SQLite store of faces and embeddings.
    pub fn store_path(&self) -> PathBuf {
        self.state_dir.join("store.sqlite")
    }

    /// The shard stores of a sharded scan: `shards/<N>/<I>.sqlite`.
    pub fn shards_dir(&self) -> PathBuf {
        self.state_dir.join("shards")
    }

    /// The store shard `index` of `count` scans into.
    pub fn shard_store_path(&self, index: u32, count: u32) -> PathBuf {
        self.shards_dir()
            .join(count.to_string())
            .join(format!("{index}.sqlite"))
    }

    /// Where label edits are journalled (for undo).
    pub fn journal_dir(&self) -> PathBuf {
        self.state_dir.join("journal")
    }

    /// Where removed photos go instead of being deleted.
    pub fn trash_dir(&self) -> PathBuf {
        self.state_dir.join("trash")
    }

    /// Where the classifier keeps what it learns.
    pub fn classifier_dir(&self) -> PathBuf {
        self.state_dir.join("classifier")
    }
}

impl Workspace {
    /// The workspace with the built-in SFace's precision resolved again
    /// for the command line's `--precision` and `--device`, when given.
    pub fn with_precision(mut self, precision: Option<Precision>, device: Option<Device>) -> Self {
        if precision.is_none() && device.is_none() {
            return self; // resolved when the file was parsed
        }
        let precision = precision.unwrap_or(self.precision);
        self.models.precision = precision.resolve(device.unwrap_or(self.device), Host::detect());
        self
    }
}
