//! The shared vocabulary between the store, the analyses and the front ends:
//! one photo of the dataset, whose person it is filed under, and its faces.

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
}

impl PhotoRecord {
    pub fn has_face(&self) -> bool {
        !self.faces.is_empty()
    }
}
