//! The workspace file: which dataset to curate, where facecurate keeps its
//! state, and the pipeline settings, so a user names the dataset once and
//! every later command (and the TUI) agrees on it.
//!
//! Parsing is two steps: the YAML is read into raw structs that reject
//! unknown keys and ill-typed values (serde-saphyr reports the line), then
//! validated into a [`Workspace`] with resolved absolute paths. Every error
//! names the file, the line, the key and what is allowed.
//!
//! The `analysis:` and `classifier:` sections belong to those features: this
//! module only checks that they are maps and hands them over through
//! [`Workspace::section`], which parses one section into the owner's own type
//! with the same line-numbered errors.

mod models;
mod parse;
mod raw;
mod spec_file;
mod template;
mod values;

use crate::pipeline::detect::DetectSettings;
use crate::runtime::Device;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use models::{BUILTIN_DETECTORS, BUILTIN_EMBEDDERS, MTCNN_NAMES, ModelSettings};
pub use spec_file::{load_embedder_spec, parse_embedder_spec};
pub use template::{EXAMPLE_DATASET, template};

/// The workspace file commands use unless `-w/--workspace` says otherwise.
pub const DEFAULT_WORKSPACE: &str = "workspace.yaml";
/// The state folder's name, beside the workspace file, unless `state_dir` says otherwise.
pub const DEFAULT_STATE_DIR: &str = "facecurate-state";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: no workspace file here; create one with `facecurate init DATASET` (or pass -w FILE)", path.display())]
    Missing { path: PathBuf },
    #[error("{}: cannot read the workspace file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A key with a bad value, an unknown key, or a YAML syntax error.
    #[error("{}{}: {}{message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default(), key.as_ref().map(|k| format!("`{k}`: ")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: Option<u64>,
        key: Option<String>,
        message: String,
    },
}

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
    /// `None`: one worker per core.
    pub workers: Option<usize>,
    pub threads: usize,
    pub detect: DetectSettings,
    pub watch: WatchSettings,
    source: String,
}

impl Workspace {
    /// Reads and validates the workspace file at `path`.
    pub fn load(path: &Path) -> Result<Workspace, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing {
                    path: path.to_path_buf(),
                });
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Workspace::parse(&text, path)
    }

    /// Validates `text` as the workspace file at `path` (relative paths in it
    /// are resolved against `path`'s folder).
    pub fn parse(text: &str, path: &Path) -> Result<Workspace, ConfigError> {
        let file = absolute(path);
        let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let raw: raw::RawWorkspace = raw::parse(text, &file)?;
        raw.validate(text, &file, &base)
    }

    /// The workspace of a folder that has no workspace file: see
    /// [`raw::RawWorkspace::defaults`].
    pub fn defaults(path: &Path) -> Result<Workspace, ConfigError> {
        let file = absolute(path);
        let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
        raw::RawWorkspace::defaults(&file, &base)
    }

    /// Parses one top-level section (e.g. `analysis`) into the owner's type;
    /// `None` when the file does not have it. Errors carry the line, as for
    /// the keys this module owns.
    pub fn section<T: serde::de::DeserializeOwned>(
        &self,
        key: &'static str,
    ) -> Result<Option<T>, ConfigError> {
        parse::section(&self.source, &self.file, key)
    }

    /// The SQLite store of faces and embeddings.
    pub fn store_path(&self) -> PathBuf {
        self.state_dir.join("store.sqlite")
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

/// `path` made absolute against the current folder, without resolving links
/// (a workspace reached through a link keeps its state beside the link).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Resolves a path written in the workspace file: `~/` is the home folder,
/// relative paths start at the workspace file's folder.
pub fn resolve(written: &str, base: &Path) -> PathBuf {
    let expanded = match written.strip_prefix("~/") {
        Some(rest) => match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            Some(home) => Path::new(&home).join(rest),
            None => PathBuf::from(written),
        },
        None => PathBuf::from(written),
    };
    let joined = if expanded.is_absolute() {
        expanded
    } else {
        base.join(expanded)
    };
    normalize(&joined)
}

/// Drops `.` and folds `..` lexically, so a state dir written `../state`
/// compares correctly against the dataset path.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod models_tests;
#[cfg(test)]
mod tests;
