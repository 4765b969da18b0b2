//! Dataset-relative paths as text, exactly. The store, the journal and the
//! analyses name photos and persons by `/`-separated strings, but a name on
//! disk is bytes and need not be UTF-8 (a scraped file name in Latin-1, say).
//! Such a name is kept byte for byte: each byte that is not part of valid
//! UTF-8 (always 0x80..=0xFF) becomes one character of the last 128 code
//! points of Unicode's private use plane 16 (U+10FF80 + byte − 0x80), and
//! turning the text back into a path restores the byte. A name already
//! valid UTF-8 keeps its text, so stores written before this stay valid.
//! A name that itself holds one of those 128 characters would be read back
//! wrongly, so it is refused with a message instead.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};

use crate::raw_bytes::{char_of, raw_byte};

/// Why a path cannot be keyed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("{0}: the name holds a reserved private-use character (U+10FF80 to U+10FFFF)")]
    Reserved(String),
    #[error("{0}: not a plain relative path")]
    NotRelative(String),
}

/// One file or folder name as key text.
pub fn name_of(name: &OsStr) -> Result<String, KeyError> {
    let bytes = name.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        if chunk.valid().chars().any(|c| raw_byte(c).is_some()) {
            return Err(KeyError::Reserved(
                crate::shown::escape_os(name).into_owned(),
            ));
        }
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            out.push(char_of(b));
        }
    }
    Ok(out)
}

/// A plain relative path (`person/photo.jpg`) as `/`-separated key text.
pub fn key_of(rel: &Path) -> Result<String, KeyError> {
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(name) => parts.push(name_of(name)?),
            _ => {
                return Err(KeyError::NotRelative(crate::shown::path(rel).into_owned()));
            }
        }
    }
    Ok(parts.join("/"))
}

/// [`key_of`], or for a path it cannot hold (never one the store gave) the
/// lossy text, so a report still names it.
pub fn key_or_lossy(rel: &Path) -> String {
    key_of(rel).unwrap_or_else(|_| rel.to_string_lossy().into_owned())
}

/// The name on disk a key (or one part of it) stands for, byte for byte.
pub fn os_of(key: &str) -> OsString {
    if !key.chars().any(|c| raw_byte(c).is_some()) {
        return OsString::from(key);
    }
    let mut bytes = Vec::with_capacity(key.len());
    let mut buf = [0u8; 4];
    for c in key.chars() {
        match raw_byte(c) {
            Some(b) => bytes.push(b),
            None => bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
        }
    }
    OsString::from_vec(bytes)
}

/// The relative path a key stands for, byte for byte.
pub fn path_of(key: &str) -> PathBuf {
    PathBuf::from(os_of(key))
}

/// Where a key (a path or a person) is under `root` on disk.
pub fn join(root: &Path, key: &str) -> PathBuf {
    root.join(os_of(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_names_keep_their_text() {
        let p = Path::new("José/José_0001.jpg");
        assert_eq!(key_of(p).unwrap(), "José/José_0001.jpg");
        assert_eq!(path_of("José/José_0001.jpg"), p);
    }

    #[test]
    fn names_that_are_not_utf8_round_trip_byte_for_byte() {
        for raw in [
            &b"Jos\xe9/x\xff\xfe.jpg"[..],
            b"\x80/\xc3",
            b"a\xed\xa0\x80b/c",
        ] {
            let p = Path::new(OsStr::from_bytes(raw));
            let key = key_of(p).unwrap();
            assert_eq!(path_of(&key).as_os_str().as_bytes(), raw);
        }
    }

    #[test]
    fn reserved_characters_and_non_plain_paths_are_refused() {
        assert!(matches!(
            key_of(Path::new("a/\u{10ff90}.jpg")),
            Err(KeyError::Reserved(_))
        ));
        assert!(matches!(
            key_of(Path::new("../x.jpg")),
            Err(KeyError::NotRelative(_))
        ));
        assert!(matches!(
            key_of(Path::new("/x.jpg")),
            Err(KeyError::NotRelative(_))
        ));
    }
}
