//! Paths as a workspace file writes them, resolved the same way for every
//! key that names a file or folder.

use std::path::{Path, PathBuf};

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
