//! The one error of reading a workspace or spec file, in a leaf of its own
//! so every step of parsing can return it without importing the module root.

use std::path::PathBuf;

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
