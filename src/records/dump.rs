//! The `facecurate embed --json` dump, written and read back through one
//! set of types. One embedding run of a dataset is slow; training, the
//! analysis and the benches then start from its dump many times over
//! (`train --embeddings`, `report --records-json`, `benches/`). With the
//! writer and every reader sharing these structs the format is stated once,
//! and a dump that does not match it is refused with its cause instead of
//! being read as zeros.

use super::{PhotoRecord, PhotoStatus, hash_file};
use crate::pipeline::{Face, PhotoError, PhotoFaces};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A whole dump: `{"failed":[…],"photos":[…],"seconds":…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dump {
    pub photos: Vec<DumpPhoto>,
    #[serde(default)]
    pub failed: Vec<DumpFailure>,
    /// How long the embedding run took; informative only.
    #[serde(default)]
    pub seconds: f64,
}

/// A photo the pipeline processed, with every face found (maybe none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DumpPhoto {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub faces: Vec<DumpFace>,
}

/// [`Face`] as a dump holds it; the pipeline's own type is serialise-only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DumpFace {
    pub bbox: [f32; 4],
    pub landmarks: [[f32; 2]; 5],
    pub score: f32,
    pub embedding: Vec<f32>,
    /// Hex in the file; dumps from before thumbnails existed lack it.
    #[serde(default, with = "hex_bytes")]
    pub thumb: Vec<u8>,
}

/// A photo the pipeline could not process, with the cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DumpFailure {
    pub path: PathBuf,
    pub error: String,
}

/// Why a dump could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not the output of `facecurate embed --json`: {source}", path.display())]
    Format {
        path: PathBuf,
        source: serde_json::Error,
    },
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        hex::decode(text).map_err(serde::de::Error::custom)
    }
}

impl From<Face> for DumpFace {
    fn from(f: Face) -> DumpFace {
        DumpFace {
            bbox: f.bbox,
            landmarks: f.landmarks,
            score: f.score,
            embedding: f.embedding,
            thumb: f.thumb,
        }
    }
}

impl From<DumpFace> for Face {
    fn from(f: DumpFace) -> Face {
        Face {
            bbox: f.bbox,
            landmarks: f.landmarks,
            score: f.score,
            embedding: f.embedding,
            thumb: f.thumb,
        }
    }
}

impl From<PhotoFaces> for DumpPhoto {
    fn from(p: PhotoFaces) -> DumpPhoto {
        DumpPhoto {
            path: p.path,
            width: p.width,
            height: p.height,
            faces: p.faces.into_iter().map(DumpFace::from).collect(),
        }
    }
}

impl From<&PhotoError> for DumpFailure {
    fn from(e: &PhotoError) -> DumpFailure {
        DumpFailure {
            path: e.path.clone(),
            error: e.cause.to_string(),
        }
    }
}

/// The folder a dumped photo sits in: its person, as in a dataset.
fn person_of(path: &Path) -> String {
    path.parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `person/file` of a dumped path, so that a dump made anywhere matches
/// the dataset folder it was made of.
fn in_dataset(path: &Path) -> Option<PathBuf> {
    let file = path.file_name()?;
    let person = path.parent()?.file_name()?;
    Some(Path::new(person).join(file))
}

fn record(path: PathBuf, status: PhotoStatus, photo: Option<DumpPhoto>) -> PhotoRecord {
    let (width, height, faces) = photo.map_or((0, 0, Vec::new()), |p| {
        let faces = p.faces.into_iter().map(Face::from).collect();
        (p.width, p.height, faces)
    });
    PhotoRecord {
        person: person_of(&path),
        path,
        hash: String::new(),
        width,
        height,
        status,
        faces,
        reviewed: false,
        not_duplicate_of: Vec::new(),
    }
}

impl Dump {
    /// What `embed --json` prints for a run's results.
    pub fn new(photos: Vec<PhotoFaces>, failed: &[PhotoError], seconds: f64) -> Dump {
        Dump {
            photos: photos.into_iter().map(DumpPhoto::from).collect(),
            failed: failed.iter().map(DumpFailure::from).collect(),
            seconds,
        }
    }

    /// The dump as one line of JSON.
    pub fn to_json(&self) -> serde_json::Result<String> {
        // Through a `Value`, as the writer always went: its keys come out
        // sorted and its f32s widened to f64 text, the bytes existing dumps
        // and the scripts comparing against them have.
        serde_json::to_string(&serde_json::to_value(self)?)
    }

    /// Reads a dump file.
    pub fn read(file: &Path) -> Result<Dump, DumpError> {
        let bytes = std::fs::read(file).map_err(|source| DumpError::Read {
            path: file.to_path_buf(),
            source,
        })?;
        serde_json::from_slice(&bytes).map_err(|source| DumpError::Format {
            path: file.to_path_buf(),
            source,
        })
    }

    /// Every photo, failures included, as a record: paths as written, the
    /// person its parent folder, no content hash. Sorted by path.
    pub fn into_records(self) -> Vec<PhotoRecord> {
        let photos = self
            .photos
            .into_iter()
            .map(|p| record(p.path.clone(), PhotoStatus::Ok, Some(p)));
        let failed =
            (self.failed.into_iter()).map(|f| record(f.path, PhotoStatus::Error(f.error), None));
        let mut out: Vec<PhotoRecord> = photos.chain(failed).collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    /// The records of the dataset folder `root` the dump was made of, as
    /// a scan would give them: paths `person/file` relative to `root` and
    /// content hashes read from there (empty where the file is gone), so
    /// the duplicate checks work. Paths without a folder are left out.
    pub fn into_dataset_records(self, root: &Path) -> Vec<PhotoRecord> {
        let mut out = self.into_records();
        out.retain_mut(|r| match in_dataset(&r.path) {
            Some(path) => {
                r.hash = hash_file(&root.join(&path)).unwrap_or_default();
                r.path = path;
                true
            }
            None => false,
        });
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Failure;

    fn face(seed: f32) -> Face {
        Face {
            bbox: [seed, 2.5, 30.25, 40.0],
            landmarks: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8], [0.9, 1.0]],
            score: 0.93,
            embedding: vec![0.1, -0.7, seed / 3.0],
            thumb: vec![0, 7, 255],
        }
    }

    fn run_results() -> (Vec<PhotoFaces>, Vec<PhotoError>) {
        let photo = |path: &str, faces| PhotoFaces {
            path: PathBuf::from(path),
            width: 250,
            height: 200,
            faces,
        };
        let ok = vec![
            photo("/data/lfw/Bob/b.jpg", vec![face(1.0), face(2.0)]),
            photo("/data/lfw/Alice/a.jpg", vec![]),
        ];
        let failed = vec![PhotoError {
            path: PathBuf::from("/data/lfw/Carol/c.jpg"),
            cause: Failure::Model("bad input".into()),
        }];
        (ok, failed)
    }

    #[test]
    fn writes_the_bytes_embed_json_always_wrote() {
        let (ok, failed) = run_results();
        let failed_json: Vec<_> = (failed.iter())
            .map(|e| serde_json::json!({"path": e.path, "error": e.cause.to_string()}))
            .collect();
        let old = serde_json::json!({"photos": ok, "failed": failed_json, "seconds": 1.25});
        let new = Dump::new(ok, &failed, 1.25).to_json().expect("json");
        assert_eq!(new, serde_json::to_string(&old).expect("json"));
    }

    #[test]
    fn reads_back_what_it_wrote_as_records() {
        let (ok, failed) = run_results();
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("dump.json");
        let text = Dump::new(ok, &failed, 1.0).to_json().expect("json");
        std::fs::write(&file, text).expect("write");
        let records = Dump::read(&file).expect("read").into_records();
        let people: Vec<&str> = records.iter().map(|r| r.person.as_str()).collect();
        assert_eq!(people, ["Alice", "Bob", "Carol"]);
        let bob = &records[1];
        assert_eq!(bob.path, Path::new("/data/lfw/Bob/b.jpg"));
        assert_eq!((bob.width, bob.height, bob.faces.len()), (250, 200, 2));
        let want = face(2.0);
        let got = &bob.faces[1];
        assert_eq!((got.bbox, got.landmarks), (want.bbox, want.landmarks));
        assert_eq!(
            (got.embedding.clone(), got.thumb.clone()),
            (want.embedding, want.thumb)
        );
        assert_eq!(
            records[2].status,
            PhotoStatus::Error("model error: bad input".into())
        );
    }

    #[test]
    fn dataset_records_are_relative_with_hashes_from_the_folder() {
        let (ok, failed) = run_results();
        let root = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(root.path().join("Bob")).expect("mkdir");
        std::fs::write(root.path().join("Bob/b.jpg"), b"bytes").expect("write");
        let mut dump = Dump::new(ok, &failed, 1.0);
        dump.failed.push(DumpFailure {
            path: PathBuf::from("loose.jpg"),
            error: "x".into(),
        });
        let records = dump.into_dataset_records(root.path());
        let paths: Vec<&Path> = records.iter().map(|r| r.path.as_path()).collect();
        let want = ["Alice/a.jpg", "Bob/b.jpg", "Carol/c.jpg"].map(Path::new);
        assert_eq!(paths, want);
        assert_eq!(records[1].hash, blake3::hash(b"bytes").to_hex().to_string());
        assert_eq!(records[0].hash, "");
    }

    #[test]
    fn a_file_that_is_not_a_dump_is_refused_with_its_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("other.json");
        std::fs::write(&file, r#"{"photos":[{"path":"a/b.jpg"}]}"#).expect("write");
        let err = Dump::read(&file).expect_err("no width").to_string();
        assert!(err.contains("other.json") && err.contains("width"), "{err}");
        let missing = Dump::read(&dir.path().join("none.json"));
        assert!(matches!(missing, Err(DumpError::Read { .. })));
    }
}
