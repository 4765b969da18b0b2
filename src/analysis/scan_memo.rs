//! The candidate search's result remembered between runs, so that a warm
//! `report` or TUI start does not multiply every face against every other
//! again (the n² cosine scan was a third of a warm report at LFW size).
//!
//! A row is known by a digest of its vector's bytes, not by its slot or
//! path: identical vectors give identical cosines, so any row whose digest
//! was seen before keeps its remembered neighbours and pairs, wherever it
//! moved. Only what changed is computed again: rows never seen before
//! (searched against everyone, and offered to everyone's lists) and rows
//! that lost a neighbour (searched again). When too much changed (a
//! quarter of the rows on the exact path, a few thousand on the index
//! path, where each is still compared with every row), the full search
//! runs as before.

use super::bytes::{Hashing, Reader, put_u32};
use super::ivf::saved::SavedIndex;
use super::settings::Settings;
use super::similarity::{COL_BLOCK, NeighbourList, Scan, Vectors, insert_top, nearest_of, product};
use std::collections::HashMap;
use std::io::Write;

/// A row's identity: the first 16 bytes of the BLAKE3 of its vector.
pub type RowKey = [u8; 16];

/// Bumped whenever the saved layout or what the search returns changes.
const MAGIC: &[u8; 8] = b"FCSCAN02";

/// One search's result with the keys of the rows it was made over.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedScan {
    /// What the result depends on besides the vectors (see [`tag`]).
    pub tag: String,
    /// Per row; `None` for a dead (all-zero) row.
    pub keys: Vec<Option<RowKey>>,
    pub neighbours: Vec<NeighbourList>,
    pub pairs: Vec<(u32, u32, f32)>,
    /// The inverted file the search was made with, on the index path.
    pub index: Option<SavedIndex>,
}

/// The settings a saved exact search is valid for.
pub fn tag(settings: &Settings, dim: usize) -> String {
    format!(
        "exact|k={}|pair_min={:08x}|dim={dim}",
        settings.neighbours,
        settings.duplicate_candidate_cosine.to_bits()
    )
}

/// Every row's key, `None` for dead rows.
pub fn row_keys(v: &Vectors) -> Vec<Option<RowKey>> {
    // On all cores, each row's bytes hashed in one call (the same bytes, so
    // the same key, as hashing them float by float: that took 1.7 s at a
    // million faces).
    crate::par::map_with(
        v.rows(),
        Vec::new,
        |i| format!("key of vector #{i}"),
        |bytes: &mut Vec<u8>, i| {
            let row = v.row(i);
            if row.iter().all(|&x| x == 0.0) {
                return None;
            }
            bytes.clear();
            bytes.extend(row.iter().flat_map(|x| x.to_le_bytes()));
            let mut key = [0u8; 16];
            key.copy_from_slice(&blake3::hash(bytes).as_bytes()[..16]);
            Some(key)
        },
    )
}

/// A search rebuilt from a saved one.
pub struct Reused {
    pub scan: Scan,
    /// True when every row was known and kept all its neighbours: the
    /// saved result needs no rewriting.
    pub unchanged: bool,
    /// Per row: the saved row it was, if any.
    pub old_of: Vec<Option<u32>>,
}

/// The rows of the current vectors mapped to the saved rows with the same
/// key (the n-th row with a key to the n-th saved row with it).
struct Mapping {
    old_of: Vec<Option<u32>>,
    new_of: Vec<Option<u32>>,
}

fn map_rows(keys: &[Option<RowKey>], saved: &[Option<RowKey>]) -> Mapping {
    let mut by_key: HashMap<RowKey, (Vec<u32>, usize)> = HashMap::with_capacity(saved.len());
    for (o, key) in saved.iter().enumerate() {
        if let Some(key) = key {
            by_key.entry(*key).or_default().0.push(o as u32);
        }
    }
    let mut old_of = vec![None; keys.len()];
    let mut new_of = vec![None; saved.len()];
    for (i, key) in keys.iter().enumerate() {
        let Some((rows, next)) = key.as_ref().and_then(|k| by_key.get_mut(k)) else {
            continue;
        };
        if let Some(&o) = rows.get(*next) {
            *next += 1;
            old_of[i] = Some(o);
            new_of[o as usize] = Some(i as u32);
        }
    }
    Mapping { old_of, new_of }
}

/// The exact search of `v` (whose row keys are `keys`) from `saved`, or
/// `None` when more than a quarter of the rows would need searching again
/// (then the full search costs about as much).
pub fn reuse(
    v: &Vectors,
    keys: &[Option<RowKey>],
    saved: &SavedScan,
    k: usize,
    pair_min: f32,
) -> Option<Reused> {
    reuse_at_most(v, keys, saved, k, pair_min, v.rows() / 4)
}

/// [`reuse`], or `None` when more than `max_searched` rows would need
/// searching again. Each is compared with every row, so the index path
/// (millions of rows, where the full search is not n² but n log n) allows
/// only a few thousand.
pub fn reuse_at_most(
    v: &Vectors,
    keys: &[Option<RowKey>],
    saved: &SavedScan,
    k: usize,
    pair_min: f32,
    max_searched: usize,
) -> Option<Reused> {
    let n = v.rows();
    if saved.neighbours.len() != saved.keys.len() || keys.len() != n {
        return None;
    }
    let m = map_rows(keys, &saved.keys);
    let fresh: Vec<u32> = (0..n as u32)
        .filter(|&i| keys[i as usize].is_some() && m.old_of[i as usize].is_none())
        .collect();
    let mut neighbours = vec![NeighbourList::new(); n];
    let mut stale = Vec::new();
    for (i, old) in m.old_of.iter().enumerate() {
        let Some(o) = old else { continue };
        let list: Option<NeighbourList> = saved.neighbours[*o as usize]
            .iter()
            .map(|&(j, s)| Some((m.new_of.get(j as usize).copied().flatten()?, s)))
            .collect();
        match list {
            Some(list) => neighbours[i] = list,
            None => stale.push(i as u32),
        }
    }
    if fresh.len() + stale.len() > max_searched {
        return None;
    }
    let unchanged = fresh.is_empty() && stale.is_empty() && saved.keys.len() == n;
    let mut pairs: Vec<(u32, u32, f32)> = saved
        .pairs
        .iter()
        .filter_map(|&(a, b, s)| {
            let a = m.new_of.get(a as usize).copied().flatten()?;
            let b = m.new_of.get(b as usize).copied().flatten()?;
            Some((a.min(b), a.max(b), s))
        })
        .collect();
    for (i, list) in stale.iter().zip(nearest_of(v, &stale, k)) {
        neighbours[*i as usize] = list;
    }
    add_fresh(
        v,
        keys,
        &fresh,
        &stale,
        k,
        pair_min,
        &mut neighbours,
        &mut pairs,
    );
    pairs.sort_by_key(|&(i, j, _)| (i, j));
    pairs.dedup_by_key(|p| (p.0, p.1));
    Some(Reused {
        scan: Scan { neighbours, pairs },
        unchanged,
        old_of: m.old_of,
    })
}

/// Each fresh row's own list and pairs, and its cosine offered to the lists
/// of the rows kept from the saved search (stale rows were searched whole).
#[allow(clippy::too_many_arguments)]
fn add_fresh(
    v: &Vectors,
    keys: &[Option<RowKey>],
    fresh: &[u32],
    stale: &[u32],
    k: usize,
    pair_min: f32,
    neighbours: &mut [NeighbourList],
    pairs: &mut Vec<(u32, u32, f32)>,
) {
    let n = v.rows();
    let mut is_fresh = vec![false; n];
    fresh.iter().for_each(|&f| is_fresh[f as usize] = true);
    let mut searched_whole = is_fresh.clone();
    stale
        .iter()
        .for_each(|&s| searched_whole[s as usize] = true);
    let mut queries = Vec::with_capacity(fresh.len() * v.dim);
    for &f in fresh {
        queries.extend_from_slice(v.row(f as usize));
    }
    let mut c = vec![0f32; fresh.len() * COL_BLOCK.min(n)];
    for c0 in (0..n).step_by(COL_BLOCK) {
        let bn = COL_BLOCK.min(n - c0);
        product(&queries, fresh.len(), v, c0, bn, &mut c);
        for (qi, &f) in fresh.iter().enumerate() {
            let f = f as usize;
            for (cj, &s) in c[qi * bn..(qi + 1) * bn].iter().enumerate() {
                let j = c0 + cj;
                if j == f || keys[j].is_none() {
                    continue;
                }
                insert_top(&mut neighbours[f], k, j as u32, s);
                if s >= pair_min && (!is_fresh[j] || f < j) {
                    pairs.push((f.min(j) as u32, f.max(j) as u32, s));
                }
                if !searched_whole[j] {
                    insert_top(&mut neighbours[j], k, f as u32, s);
                }
            }
        }
    }
}

impl SavedScan {
    /// The saved form: magic, tag, rows, lists and pairs, then the BLAKE3
    /// of all of it, so a torn or altered file is recognised.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing into a `Vec` cannot fail.
        let _ = write_scan(self, &self.neighbours, &mut out);
        out
    }

    /// Reads what [`SavedScan::encode`] wrote; says why when it cannot.
    pub fn decode(bytes: &[u8]) -> Result<SavedScan, String> {
        read_checked(bytes, bytes.len() as u64)
    }

    /// [`SavedScan::decode`] of the file `file`, parsed as it is read, so
    /// that its bytes are never held whole (658 MB at a million faces).
    pub fn read_from(file: std::fs::File) -> Result<SavedScan, String> {
        let len = file.metadata().map_err(|e| e.to_string())?.len();
        read_checked(file, len)
    }
}

/// The saved search in the `len` bytes `src` gives: the body parsed as it
/// is read and hashed on the way, then checked against the checksum that
/// closes it.
fn read_checked(src: impl std::io::Read, len: u64) -> Result<SavedScan, String> {
    let body_len = len.checked_sub(32).ok_or("shorter than its checksum")?;
    let mut hashing = Hashing {
        inner: src.take(body_len),
        hasher: blake3::Hasher::new(),
    };
    let mut reader = Reader(std::io::BufReader::with_capacity(1 << 16, &mut hashing));
    let parsed = parse(&mut reader, body_len as usize);
    // What a failed parse left unread still counts in the checksum: a
    // torn file says so rather than what broke first.
    let drained = std::io::copy(&mut reader.0, &mut std::io::sink());
    drained.map_err(|e| e.to_string())?;
    let mut digest = [0u8; 32];
    let mut rest = hashing.inner.into_inner();
    rest.read_exact(&mut digest).map_err(|e| e.to_string())?;
    if hashing.hasher.finalize().as_bytes() != &digest {
        return Err(TORN.into());
    }
    parsed
}

const TORN: &str = "its checksum does not match (torn or altered)";

/// The body of a saved search (`body_len` bytes, its checksum already
/// checked or checked once it is read).
fn parse<R: std::io::Read>(r: &mut Reader<R>, body_len: usize) -> Result<SavedScan, String> {
    if r.take(MAGIC.len())? != MAGIC {
        return Err("not a saved search of this version".into());
    }
    let tag_len = r.u32()? as usize;
    let tag = String::from_utf8(r.take(tag_len)?).map_err(|e| e.to_string())?;
    let rows = r.u32()? as usize;
    let mut keys = Vec::with_capacity(rows.min(body_len / 16));
    for _ in 0..rows {
        let key: [u8; 16] = r.array()?;
        keys.push(Some(key).filter(|k| k != &[0; 16]));
    }
    let mut neighbours = Vec::with_capacity(rows.min(body_len / 4));
    for _ in 0..rows {
        let len = r.u32()? as usize;
        let list = (0..len)
            .map(|_| Ok((r.u32()?, r.f32()?)))
            .collect::<Result<NeighbourList, String>>()?;
        neighbours.push(list);
    }
    let count = u64::from_le_bytes(r.array()?) as usize;
    let pairs = (0..count)
        .map(|_| Ok((r.u32()?, r.u32()?, r.f32()?)))
        .collect::<Result<Vec<_>, String>>()?;
    let index = match r.u32()? {
        0 => None,
        _ => Some(SavedIndex::decode(r)?),
    };
    if !r.at_end()? {
        return Err("trailing bytes".into());
    }
    Ok(SavedScan {
        tag,
        keys,
        neighbours,
        pairs,
        index,
    })
}

/// A search to save whose neighbour lists are the analysis's own, so that
/// saving it copies neither them (256 MB at a million faces) nor the whole
/// file's bytes (620 MB) into memory: it is written out as it is encoded.
pub struct ScanToSave<'a> {
    /// Everything but the lists.
    pub(super) saved: SavedScan,
    pub(super) neighbours: &'a [NeighbourList],
}

impl ScanToSave<'_> {
    /// Writes what [`SavedScan::encode`] makes to `w`.
    pub fn write_to(&self, w: impl Write) -> std::io::Result<()> {
        write_scan(&self.saved, self.neighbours, w)
    }
}

/// Bytes gathered before each write: the file is written in pieces this
/// size, whatever the number of rows.
const PIECE: usize = 1 << 16;

/// `scan`'s saved form with `neighbours` as its lists, written to `w` in
/// pieces, each hashed on the way for the closing checksum.
fn write_scan(
    scan: &SavedScan,
    neighbours: &[NeighbourList],
    mut w: impl Write,
) -> std::io::Result<()> {
    let mut hasher = blake3::Hasher::new();
    let mut out = Vec::with_capacity(PIECE + 64);
    let mut emit = |out: &mut Vec<u8>, done: bool| -> std::io::Result<()> {
        if done || out.len() >= PIECE {
            hasher.update(out);
            w.write_all(out)?;
            out.clear();
        }
        Ok(())
    };
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, scan.tag.len() as u32);
    out.extend_from_slice(scan.tag.as_bytes());
    put_u32(&mut out, scan.keys.len() as u32);
    for key in &scan.keys {
        out.extend_from_slice(&key.unwrap_or([0; 16]));
        emit(&mut out, false)?;
    }
    for list in neighbours {
        put_u32(&mut out, list.len() as u32);
        for &(j, s) in list {
            put_u32(&mut out, j);
            out.extend_from_slice(&s.to_le_bytes());
        }
        emit(&mut out, false)?;
    }
    out.extend_from_slice(&(scan.pairs.len() as u64).to_le_bytes());
    for &(a, b, s) in &scan.pairs {
        put_u32(&mut out, a);
        put_u32(&mut out, b);
        out.extend_from_slice(&s.to_le_bytes());
        emit(&mut out, false)?;
    }
    put_u32(&mut out, u32::from(scan.index.is_some()));
    if let Some(index) = &scan.index {
        index.encode(&mut out);
    }
    emit(&mut out, true)?;
    w.write_all(hasher.finalize().as_bytes())
}
