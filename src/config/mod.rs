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

mod error;
mod models;
mod parse;
mod paths;
mod precision;
mod raw;
mod spec_file;
mod template;
mod values;
mod workspace;

use std::path::Path;

pub use error::ConfigError;
pub use models::{BUILTIN_DETECTORS, BUILTIN_EMBEDDERS, MTCNN_NAMES, ModelSettings};
pub use paths::{absolute, resolve};
pub use precision::{Host, Precision};
pub use spec_file::{load_embedder_spec, parse_embedder_spec};
pub use template::{EXAMPLE_DATASET, template};
pub use workspace::{
    DEFAULT_INBOX, DEFAULT_STATE_DIR, DEFAULT_WORKSPACE, WatchSettings, Workspace,
};

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
}

#[cfg(test)]
mod models_tests;
#[cfg(test)]
mod tests;
