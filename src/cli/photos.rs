//! The photos named on a command line: files as given, folders searched
//! recursively (hidden entries skipped), anything else reported.

use std::path::PathBuf;

/// Expands files and folders (recursively) into photo paths, sorted, with
/// every path that is neither reported on stderr.
pub fn collect_photos(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            walk(input, &mut out);
        } else if input.exists() {
            out.push(input.clone());
        } else {
            errln!("{}: no such file or folder", input.display());
        }
    }
    out
}

fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errln!("{}: cannot list folder: {e}", dir.display());
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .map(|n| n.to_string_lossy().starts_with('.'))
            .unwrap_or(false);
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, out);
        } else if facecurate::pipeline::decode::is_photo_path(&path) {
            out.push(path);
        }
    }
}
