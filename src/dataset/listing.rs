//! Listing one person folder the way `records::list_dataset` lists the
//! whole dataset, for a reconciliation limited to a few persons.

use std::path::Path;

fn hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// The photos of one person folder, as `records::list_dataset` would list
/// them; nothing when the folder is gone or is not a person folder.
pub fn list_person(
    root: &Path,
    person: &str,
    warn: &mut dyn FnMut(String),
) -> Vec<crate::records::DatasetEntry> {
    let dir = crate::pathkey::join(root, person);
    if person.starts_with('.') || !dir.is_dir() {
        return Vec::new();
    }
    let files = match std::fs::read_dir(&dir) {
        Ok(files) => files,
        Err(e) => {
            warn(format!("{}: cannot list folder: {e}", dir.display()));
            return Vec::new();
        }
    };
    let mut names: Vec<_> = files
        .flatten()
        .filter(|f| {
            !hidden(&f.file_name())
                && f.path().is_file()
                && crate::pipeline::decode::is_photo_path(&f.path())
        })
        .map(|f| f.file_name())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| crate::records::DatasetEntry {
            path: crate::pathkey::path_of(person).join(name),
            person: person.to_string(),
        })
        .collect()
}
