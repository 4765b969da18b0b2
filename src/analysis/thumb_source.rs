//! What an analysis is given besides its records: the memos of earlier
//! runs, and where the thumbs its records lack can be read (see
//! `thumbs.rs`). A leaf, so that the state can hold them.

use super::memo::PairMemo;
use super::scan_memo::SavedScan;

/// Where thumbs left out of the records can be read.
pub trait ThumbSource: Send + Sync {
    /// The thumb of each face (photo hash, face index); `None` where the
    /// source has none. An error says why none could be read.
    fn thumbs(&self, faces: &[(String, usize)]) -> Result<Vec<Option<Vec<u8>>>, String>;
    /// Whether the face has a thumb at all (without reading it).
    fn has_thumb(&self, hash: &str, face: usize) -> bool;
}

/// What an analysis can reuse from earlier runs, and where its records'
/// missing thumbs are.
#[derive(Default)]
pub struct Remembered {
    pub pairs: PairMemo,
    pub scan: Option<SavedScan>,
    pub thumbs: Option<Box<dyn ThumbSource>>,
}
