//! A standalone embedder spec (`--embedder-spec FILE.yaml`): the fields of a
//! workspace's `models.embedders` entry in a file of their own, for users
//! without a workspace. Checked like the workspace's, with line numbers.

use super::error::ConfigError;
use super::models::check_spec;
use crate::facenet::EmbedderSpec;
use std::path::Path;

/// Reads and checks the spec in `path`; its `model` is relative to the
/// spec file's folder, and its name defaults to the file's stem.
pub fn load_embedder_spec(path: &Path) -> Result<EmbedderSpec, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    parse_embedder_spec(&text, path)
}

/// Checks `text` as the spec file at `path` (which need not exist).
pub fn parse_embedder_spec(text: &str, path: &Path) -> Result<EmbedderSpec, ConfigError> {
    let file = super::paths::absolute(path);
    let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut spec: EmbedderSpec = super::parse::parse_tracked(text, &file, "")?;
    if spec.name.is_empty() {
        spec.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "custom".to_string());
    }
    check_spec(spec, text, &file, &base, &[])
}
