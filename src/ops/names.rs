//! Checking what users type before anything moves: person names that cannot
//! escape the dataset or hide in it, photo paths that stay inside the root,
//! and fresh names so a destination is never overwritten.

use std::ffi::{OsStr, OsString};
use std::path::{Component, Path, PathBuf};

/// Longest person name accepted, in bytes (file systems allow 255).
pub const MAX_NAME_BYTES: usize = 200;

/// Why a name or path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("person name is empty")]
    Empty,
    #[error("person name `{0}` contains a path separator")]
    Separator(String),
    #[error("person name `{0}` is `.` or `..`")]
    Dots(String),
    #[error("person name `{0}` starts with a dot (it would be hidden)")]
    Hidden(String),
    #[error("person name {0:?} contains a control character (NUL, newline, …)")]
    Control(String),
    #[error("person name is {0} bytes long; at most {MAX_NAME_BYTES} are allowed")]
    TooLong(usize),
    #[error("`{0}` already exists in the dataset as a file, not a person folder")]
    IsAFile(String),
    #[error("{0}: not inside the dataset folder")]
    Outside(String),
    #[error("{0}: is a symbolic link; facecurate never follows links out of the dataset")]
    Symlink(String),
    #[error("{0}: not a photo directly inside a person folder")]
    NotAPhoto(String),
    #[error("{0}: no such photo")]
    Missing(String),
}

/// Validates a person (folder) name.
pub fn check_person(root: &Path, name: &str) -> Result<(), NameError> {
    if name.is_empty() || name.trim().is_empty() {
        return Err(NameError::Empty);
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(NameError::TooLong(name.len()));
    }
    if name.chars().any(char::is_control) {
        return Err(NameError::Control(name.to_string()));
    }
    if name.contains('/') || name.contains('\\') {
        return Err(NameError::Separator(name.to_string()));
    }
    if name == "." || name == ".." {
        return Err(NameError::Dots(name.to_string()));
    }
    if name.starts_with('.') {
        return Err(NameError::Hidden(name.to_string()));
    }
    let existing = root.join(name);
    if let Ok(meta) = std::fs::symlink_metadata(&existing) {
        if meta.file_type().is_symlink() {
            return Err(NameError::Symlink(name.to_string()));
        }
        if !meta.is_dir() {
            return Err(NameError::IsAFile(name.to_string()));
        }
    }
    Ok(())
}

/// Resolves a photo argument (absolute, or relative to the current folder
/// or to the dataset root) to its dataset-relative path `person/file`.
pub fn photo_rel(root: &Path, arg: &Path) -> Result<PathBuf, NameError> {
    let shown = arg.display().to_string();
    let root_abs = root
        .canonicalize()
        .map_err(|_| NameError::Missing(root.display().to_string()))?;
    let candidates = if arg.is_absolute() {
        vec![arg.to_path_buf()]
    } else {
        vec![root.join(arg), arg.to_path_buf()]
    };
    let found = candidates
        .into_iter()
        .find(|c| std::fs::symlink_metadata(c).is_ok());
    let Some(path) = found else {
        return Err(NameError::Missing(shown));
    };
    let meta = std::fs::symlink_metadata(&path).map_err(|_| NameError::Missing(shown.clone()))?;
    if meta.file_type().is_symlink() {
        return Err(NameError::Symlink(shown));
    }
    if !meta.is_file() {
        return Err(NameError::NotAPhoto(shown));
    }
    // The folder is canonicalised (links resolved) and must be a direct child of the root.
    let parent = path
        .parent()
        .ok_or_else(|| NameError::NotAPhoto(shown.clone()))?;
    let parent_abs = parent
        .canonicalize()
        .map_err(|_| NameError::Missing(shown.clone()))?;
    if parent_abs.parent() != Some(root_abs.as_path()) {
        return Err(if parent_abs.starts_with(&root_abs) {
            NameError::NotAPhoto(shown)
        } else {
            NameError::Outside(shown)
        });
    }
    let person = parent_abs
        .file_name()
        .ok_or_else(|| NameError::NotAPhoto(shown.clone()))?;
    let file = path
        .file_name()
        .ok_or_else(|| NameError::NotAPhoto(shown.clone()))?;
    if person.to_string_lossy().starts_with('.') {
        return Err(NameError::NotAPhoto(shown));
    }
    Ok(PathBuf::from(person).join(file))
}

/// `dir/name`, or `dir/stem-2.ext`, `dir/stem-3.ext`… — the first that is
/// neither on disk nor in `taken`.
pub fn fresh_name(dir: &Path, name: &OsStr, taken: &dyn Fn(&Path) -> bool) -> PathBuf {
    let first = dir.join(name);
    if !exists(&first) && !taken(&first) {
        return first;
    }
    let p = Path::new(name);
    let stem = p.file_stem().unwrap_or_default();
    let candidate = |n: usize| {
        // The name's own bytes, so a name that is not UTF-8 stays as it was.
        let mut c = OsString::from(stem);
        c.push(format!("-{n}"));
        if let Some(ext) = p.extension() {
            c.push(".");
            c.push(ext);
        }
        dir.join(c)
    };
    (2..)
        .map(candidate)
        .find(|c| !exists(c) && !taken(c))
        .unwrap_or(first)
}

fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

/// True when `rel` is a plain relative path with no `..`, root or prefix.
pub fn is_plain_relative(rel: &Path) -> bool {
    rel.components().all(|c| matches!(c, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_person_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        let long = "a".repeat(300);
        for bad in [
            "",
            "  ",
            "../../etc",
            "a/b",
            "a\\b",
            "..",
            ".",
            ".hidden",
            "nul\0byte",
            "new\nline",
            &long,
            "notes.txt",
        ] {
            assert!(check_person(dir.path(), bad).is_err(), "{bad:?} accepted");
        }
        for good in ["Aaron_Peirsol", "José María", "Nan Wang"] {
            assert!(check_person(dir.path(), good).is_ok(), "{good:?} refused");
        }
    }

    #[test]
    fn photo_paths_must_stay_inside_the_root() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("data");
        std::fs::create_dir_all(root.join("ann")).unwrap();
        std::fs::write(root.join("ann/a.jpg"), b"x").unwrap();
        std::fs::write(outer.path().join("secret.jpg"), b"x").unwrap();
        assert_eq!(
            photo_rel(&root, Path::new("ann/a.jpg")).unwrap(),
            PathBuf::from("ann/a.jpg")
        );
        assert_eq!(
            photo_rel(&root, &root.join("ann/a.jpg")).unwrap(),
            PathBuf::from("ann/a.jpg")
        );
        assert!(matches!(
            photo_rel(&root, &outer.path().join("secret.jpg")),
            Err(NameError::Outside(_))
        ));
        assert!(photo_rel(&root, Path::new("ann/../../secret.jpg")).is_err());
        assert!(matches!(
            photo_rel(&root, Path::new("ann/missing.jpg")),
            Err(NameError::Missing(_))
        ));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outer.path().join("secret.jpg"), root.join("ann/link.jpg"))
                .unwrap();
            assert!(matches!(
                photo_rel(&root, Path::new("ann/link.jpg")),
                Err(NameError::Symlink(_))
            ));
            std::os::unix::fs::symlink(outer.path(), root.join("escape")).unwrap();
            assert!(
                check_person(&root, "escape").is_err(),
                "a symlinked person folder is refused"
            );
        }
    }

    #[test]
    fn fresh_names_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.jpg"), b"x").unwrap();
        std::fs::write(dir.path().join("a-2.jpg"), b"x").unwrap();
        assert_eq!(
            fresh_name(dir.path(), OsStr::new("a.jpg"), &|_| false),
            dir.path().join("a-3.jpg")
        );
        assert_eq!(
            fresh_name(dir.path(), OsStr::new("b.jpg"), &|_| false),
            dir.path().join("b.jpg")
        );
        let taken = dir.path().join("b.jpg");
        assert_eq!(
            fresh_name(dir.path(), OsStr::new("b.jpg"), &|p| p == taken),
            dir.path().join("b-2.jpg")
        );
    }
}
