//! A finished report kept with a digest of everything it was computed
//! from, so that asking again for the report of an unchanged dataset (the
//! commonest `report`, and every TUI start) costs reading one file instead
//! of the analysis. The digest covers the store's state token (which every
//! write to a record's rows replaces: faces, vectors, labels, review marks;
//! see `store::state`), the fingerprint and inbox the records are read
//! under, the settings and the program itself (the running executable's
//! size and time, so a new build never trusts a report an older one wrote).
//! So an unchanged store is recognised without reading its records. Any
//! change to any of them is a miss, and the caller analyses as before: this
//! only saves time, never changes an answer.
//!
//! The file is the digest, a checksum and the report as JSON together with
//! the face boxes the JSON leaves out (the HTML page crops to them).

use super::bytes::Hashing;
use super::report::Report;
use super::settings::Settings;
use serde::{Deserialize, Serialize};
use std::io::{BufReader, BufWriter, Read, Write};

const MAGIC: &[u8; 8] = b"FCREPRT1";
/// Bumped when the report's shape or meaning changes without a new build
/// being involved (it is part of every digest).
const FORMAT: u32 = 2;

/// What a saved report was computed from.
pub type InputKey = [u8; 32];

#[derive(Deserialize)]
struct Saved {
    report: Report,
    /// `report.photos[i].face_box`, which the report's JSON skips.
    face_boxes: Vec<Option<[f32; 4]>>,
}

/// [`Saved`] as written: the report borrowed, not copied.
#[derive(Serialize)]
struct Saving<'a> {
    report: &'a Report,
    face_boxes: Vec<Option<[f32; 4]>>,
}

/// What the analysis of a store's records is computed from, besides the
/// program: the store's state, the pipeline fingerprint its records are
/// read under, the inbox folder left out of them and the settings.
pub struct Inputs<'a> {
    /// The store's [`crate::store::StateToken`] when its records were read.
    pub state: [u8; 16],
    pub fingerprint: &'a str,
    pub inbox: &'a str,
    pub settings: &'a Settings,
}

/// The digest of an analysis's inputs; none when the running program cannot
/// be identified (then nothing is saved or reused).
pub fn input_key(inputs: &Inputs) -> Option<InputKey> {
    let mut h = blake3::Hasher::new();
    h.update(&FORMAT.to_le_bytes());
    program_identity(&mut h)?;
    field(&mut h, format!("{:?}", inputs.settings).as_bytes());
    field(&mut h, &inputs.state);
    field(&mut h, inputs.fingerprint.as_bytes());
    field(&mut h, inputs.inbox.as_bytes());
    Some(*h.finalize().as_bytes())
}

fn program_identity(h: &mut blake3::Hasher) -> Option<()> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta.modified().ok()?;
    let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
    h.update(&meta.len().to_le_bytes());
    h.update(&since.as_nanos().to_le_bytes());
    field(h, env!("CARGO_PKG_VERSION").as_bytes());
    Some(())
}

/// A length-prefixed field, so that no two different inputs hash alike.
fn field(h: &mut blake3::Hasher, bytes: &[u8]) {
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// The file's bytes for `report`, computed from inputs with digest `key`.
pub fn encode(key: &InputKey, report: &Report) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write_to(key, report, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// [`encode`] written to `w` as it is made. The JSON is made twice, once
/// for the checksum that precedes it and once to write, so that neither it
/// nor the file is ever held whole: at a million photos that was 920 MB,
/// where making the JSON again takes a third of a second.
pub fn write_to(key: &InputKey, report: &Report, mut w: impl Write) -> std::io::Result<()> {
    let saving = Saving {
        face_boxes: report.photos.iter().map(|p| p.face_box).collect(),
        report,
    };
    let mut hasher = blake3::Hasher::new();
    let mut hashing = BufWriter::with_capacity(PIECE, &mut hasher);
    serde_json::to_writer(&mut hashing, &saving)?;
    hashing.flush()?;
    drop(hashing);
    w.write_all(MAGIC)?;
    w.write_all(key)?;
    w.write_all(hasher.finalize().as_bytes())?;
    let mut out = BufWriter::with_capacity(PIECE, w);
    serde_json::to_writer(&mut out, &saving)?;
    out.flush()
}

/// Bytes of JSON gathered per write.
const PIECE: usize = 1 << 16;

/// Bytes before the JSON: magic, input digest, checksum.
const HEADER: usize = 8 + 32 + 32;

/// The saved report if it was computed from inputs with digest `key`;
/// `Ok(None)` when it was not (another dataset state, settings or build).
/// Bytes that are not a whole saved report are an error.
pub fn decode(bytes: &[u8], key: &InputKey) -> Result<Option<Report>, String> {
    read_from(bytes, key)
}

/// Whether the bytes `src` gives start as a saved report of inputs with
/// digest `key` (only the header is read).
pub fn saved_for(src: impl Read, key: &InputKey) -> bool {
    header_of(src).is_ok_and(|header| &header[8..40] == key)
}

/// The bytes before the JSON, once their magic is checked.
fn header_of(mut src: impl Read) -> Result<[u8; HEADER], String> {
    let mut header = [0u8; HEADER];
    src.read_exact(&mut header).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "too short".to_string(),
        _ => e.to_string(),
    })?;
    if !header.starts_with(MAGIC) {
        return Err("not a saved report of this version".into());
    }
    Ok(header)
}

/// [`decode`] of the bytes `src` gives, parsed as they are read and
/// checked against the checksum once read, so that the file is never held
/// whole beside the report it holds (460 MB at a million photos).
pub fn read_from(mut src: impl Read, key: &InputKey) -> Result<Option<Report>, String> {
    let header = header_of(&mut src)?;
    if &header[8..40] != key {
        return Ok(None);
    }
    let mut hashing = Hashing {
        inner: src,
        hasher: blake3::Hasher::new(),
    };
    let parsed: Result<Saved, _> =
        serde_json::from_reader(BufReader::with_capacity(PIECE, &mut hashing));
    // Whatever the parse left unread counts in the checksum too.
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(|e| e.to_string())?;
    if hashing.hasher.finalize().as_bytes()[..] != header[40..] {
        return Err("checksum mismatch (torn or damaged)".into());
    }
    let saved = parsed.map_err(|e| e.to_string())?;
    let mut report = saved.report;
    if saved.face_boxes.len() != report.photos.len() {
        return Err("face boxes do not match the photos".into());
    }
    for (photo, face_box) in report.photos.iter_mut().zip(saved.face_boxes) {
        photo.face_box = face_box;
    }
    Ok(Some(report))
}
