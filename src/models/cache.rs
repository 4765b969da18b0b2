//! Where provisioned files live: one user-wide cache shared by every clone and
//! workspace, so a 40 MB model is fetched once per machine, not per checkout.

use std::fs;
use std::path::{Path, PathBuf};

/// Environment variable that overrides the cache location.
pub const CACHE_ENV: &str = "FACECURATE_CACHE";

/// `$FACECURATE_CACHE`, else `$XDG_CACHE_HOME/facecurate`, else `~/.cache/facecurate`.
pub fn cache_root() -> PathBuf {
    if let Some(dir) = non_empty_env(CACHE_ENV) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = non_empty_env("XDG_CACHE_HOME") {
        return Path::new(&dir).join("facecurate");
    }
    match non_empty_env("HOME") {
        Some(home) => Path::new(&home).join(".cache").join("facecurate"),
        None => std::env::temp_dir().join("facecurate-cache"),
    }
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A handle on the cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    pub fn new(root: PathBuf) -> Cache {
        Cache { root }
    }

    pub fn default_location() -> Cache {
        Cache::new(cache_root())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Absolute path of a manifest `file` entry.
    pub fn path_of(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Scratch space for downloads; lives inside the cache so the final
    /// rename stays on one filesystem and is atomic.
    pub fn scratch(&self) -> PathBuf {
        self.root.join("tmp")
    }
}

/// Removes a file or a folder tree, whichever is there; nothing there is fine.
pub(super) fn remove_any(path: &Path) {
    let _ = fs::remove_dir_all(path);
    let _ = fs::remove_file(path);
}
