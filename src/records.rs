//! The shared vocabulary between the store, the analyses and the front ends:
//! one photo of the dataset, whose person it is filed under, and its faces.

pub mod dump;
pub mod face_table;

use crate::pipeline::Face;
use serde::Serialize;
use std::path::PathBuf;

/// What processing a photo gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "cause", rename_all = "snake_case")]
pub enum PhotoStatus {
    /// Decoded and searched; `faces` may still be empty (no face found).
    Ok,
    /// Unreadable, corrupt, too large, or a model error; the cause is kept.
    Error(String),
}

/// One photo of the dataset as the analyses see it.
#[derive(Debug, Clone, Serialize)]
pub struct PhotoRecord {
    /// Path relative to the dataset root, e.g. `Aaron_Peirsol/Aaron_Peirsol_0001.jpg`.
    pub path: PathBuf,
    /// The person folder it is filed under (its label).
    pub person: String,
    /// BLAKE3 of the file's bytes, hex; equal hashes mean identical files.
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub status: PhotoStatus,
    pub faces: Vec<Face>,
    /// Marked fine by the user: not flagged again unless the photo changes.
    pub reviewed: bool,
    /// Content hashes of photos the user said this one is not a duplicate
    /// of: such a pair is not reported again unless one of them changes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_duplicate_of: Vec<String>,
}

impl PhotoRecord {
    pub fn has_face(&self) -> bool {
        !self.faces.is_empty()
    }
}

/// A photo of the dataset before processing: where it is and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetEntry {
    /// Relative to the dataset root.
    pub path: PathBuf,
    pub person: String,
}

/// Lists `root/<person>/<photo>`: every non-hidden folder directly under the
/// root is a person, every photo file directly inside it one of theirs.
/// Unreadable folders are reported through `warn` and skipped. Folders are
/// read in parallel (a warm `report` lists every photo), and the result and
/// warnings come in name order all the same.
pub fn list_dataset(root: &std::path::Path, warn: &mut dyn FnMut(String)) -> Vec<DatasetEntry> {
    use rayon::prelude::*;
    let persons = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) => {
            warn(format!(
                "{}: cannot list the dataset folder: {e}",
                root.display()
            ));
            return Vec::new();
        }
    };
    let mut persons: Vec<_> = persons.flatten().filter(|e| entry_is(e, true)).collect();
    persons.sort_by_key(|e| e.file_name());
    let listed: Vec<Result<Vec<DatasetEntry>, String>> =
        persons.par_iter().map(list_person_folder).collect();
    let mut out = Vec::new();
    for folder in listed {
        match folder {
            Ok(entries) => out.extend(entries),
            Err(warning) => warn(warning),
        }
    }
    out
}

/// One person folder's photos in name order (none for a hidden folder), or
/// why it is skipped.
fn list_person_folder(person: &std::fs::DirEntry) -> Result<Vec<DatasetEntry>, String> {
    let folder = person.file_name();
    let name = crate::pathkey::name_of(&folder).map_err(|e| format!("{e}; folder skipped"))?;
    if name.starts_with('.') {
        return Ok(Vec::new());
    }
    let files = std::fs::read_dir(person.path()).map_err(|e| {
        format!(
            "{}: cannot list folder: {e}",
            crate::shown::path(&person.path())
        )
    })?;
    let mut files: Vec<_> = files
        .flatten()
        .filter(|f| {
            let hidden = f.file_name().to_string_lossy().starts_with('.');
            !hidden && entry_is(f, false) && crate::pipeline::decode::is_photo_path(&f.path())
        })
        .map(|f| f.file_name())
        .collect();
    files.sort();
    Ok(files
        .into_iter()
        .map(|file| DatasetEntry {
            path: PathBuf::from(&folder).join(file),
            person: name.clone(),
        })
        .collect())
}

/// Whether a folder entry is a folder (`dir`) or a file, following links.
/// The type read with the folder answers without a `stat` of each entry
/// (a warm `report` lists every photo); only links and file systems that do
/// not report types need one.
fn entry_is(entry: &std::fs::DirEntry, dir: bool) -> bool {
    match entry.file_type() {
        Ok(t) if !t.is_symlink() => {
            if dir {
                t.is_dir()
            } else {
                t.is_file()
            }
        }
        _ if dir => entry.path().is_dir(),
        _ => entry.path().is_file(),
    }
}

/// BLAKE3 of a file, hex.
pub fn hash_file(path: &std::path::Path) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(std::fs::File::open(path)?)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Processes a whole dataset folder through the pipeline without a store:
/// every listed photo becomes a record (failures included, with their cause).
pub fn from_pipeline(
    runtime: &crate::runtime::Runtime,
    config: &crate::pipeline::PipelineConfig,
    root: &std::path::Path,
    stop: &std::sync::atomic::AtomicBool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<PhotoRecord>, crate::facenet::EngineError> {
    let entries = list_dataset(root, &mut |w| eprintln!("{w}"));
    let paths: Vec<PathBuf> = entries.iter().map(|e| root.join(&e.path)).collect();
    let mut records: Vec<Option<PhotoRecord>> = vec![None; entries.len()];
    let total = entries.len();
    let mut done = 0;
    crate::pipeline::run(runtime, config, &paths, stop, |i, result| {
        let entry = &entries[i];
        let hash = hash_file(&paths[i]).unwrap_or_default();
        let (width, height, status, faces) = match result {
            Ok(photo) => (photo.width, photo.height, PhotoStatus::Ok, photo.faces),
            Err(e) => (0, 0, PhotoStatus::Error(e.cause.to_string()), Vec::new()),
        };
        records[i] = Some(PhotoRecord {
            path: entry.path.clone(),
            person: entry.person.clone(),
            hash,
            width,
            height,
            status,
            faces,
            reviewed: false,
            not_duplicate_of: Vec::new(),
        });
        done += 1;
        progress(done, total);
    })?;
    Ok(records.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::list_dataset;
    use std::path::PathBuf;

    /// Folders are read in parallel, yet the listing comes in name order,
    /// hidden entries and non-photos are left out, and a folder whose name
    /// cannot be a key is warned about while the rest are listed.
    #[test]
    fn the_listing_is_in_name_order_and_a_bad_folder_costs_one_warning() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let bad = format!("bad{}", crate::raw_bytes::char_of(0x80));
        for person in (0..40)
            .map(|n| format!("p{n:02}"))
            .chain([".hidden".into(), bad])
        {
            std::fs::create_dir(root.join(&person)).expect("folder");
            for file in ["2.jpg", "1.jpg", ".x.jpg", "notes.txt"] {
                std::fs::write(root.join(&person).join(file), b"x").expect("file");
            }
        }
        std::fs::write(root.join("loose.jpg"), b"x").expect("file");
        let mut warnings = Vec::new();
        let entries = list_dataset(root, &mut |w| warnings.push(w));
        let expected: Vec<PathBuf> = (0..40)
            .flat_map(|n| ["1.jpg", "2.jpg"].map(|f| PathBuf::from(format!("p{n:02}/{f}"))))
            .collect();
        let listed: Vec<PathBuf> = entries.iter().map(|e| e.path.clone()).collect();
        assert_eq!(listed, expected);
        assert!(entries.iter().all(|e| e.path.starts_with(&e.person)));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("folder skipped"), "{warnings:?}");
    }
}
