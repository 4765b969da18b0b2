//! From the rows of an exchange file to the photos a store holds, checking
//! everything the store and the analyses rely on, since the file may come
//! from anywhere: paths are `person/photo` under their person, hashes are
//! BLAKE3 hex, a photo's rows agree on its columns, face indices run from
//! 0 without a gap, every list has its length (vectors the embedder's) and
//! every number is finite, and paths that share a content share its faces.

use super::read::ImportRow;
use crate::pipeline::Face;
use crate::store::{FileRow, StoredPhoto};
use std::collections::{BTreeMap, HashMap};

/// The photos of `rows`, sorted by path. `dim` is the length of the
/// workspace's vectors when known; otherwise the file's first vector's
/// length is required of all.
pub(super) fn photos(rows: Vec<ImportRow>, dim: Option<usize>) -> Result<Vec<StoredPhoto>, String> {
    let dim = dim.or_else(|| rows.iter().find_map(|r| r.embedding.as_ref().map(Vec::len)));
    let mut by_path: BTreeMap<String, Vec<(usize, ImportRow)>> = BTreeMap::new();
    for (i, row) in rows.into_iter().enumerate() {
        by_path.entry(row.path.clone()).or_default().push((i, row));
    }
    let mut out = Vec::with_capacity(by_path.len());
    for (path, rows) in by_path {
        out.push(photo(path, rows, dim.unwrap_or(0))?);
    }
    same_content_same_faces(&out)?;
    Ok(out)
}

/// One photo from its rows (at least one).
fn photo(path: String, rows: Vec<(usize, ImportRow)>, dim: usize) -> Result<StoredPhoto, String> {
    let Some((first_at, first)) = rows.first() else {
        return Err(format!("{path} has no row"));
    };
    check_path(&path, &first.person).map_err(|e| format!("row {first_at}: {e}"))?;
    let mut faces: Vec<(i64, Face)> = Vec::new();
    let mut faceless = 0;
    for (i, row) in &rows {
        if !same_photo(first, row) {
            return Err(format!(
                "rows {first_at} and {i} give {path} different photo columns"
            ));
        }
        match row.face_index {
            Some(index) => {
                faces.push((index, face(row, dim).map_err(|e| format!("row {i}: {e}"))?))
            }
            None => faceless += 1,
        }
    }
    if faceless > 1 || (faceless == 1 && !faces.is_empty()) {
        return Err(format!(
            "row {first_at}: {path} has a row without a face besides others; a photo has either faces or one row without"
        ));
    }
    faces.sort_by_key(|(index, _)| *index);
    if faces
        .iter()
        .enumerate()
        .any(|(k, (index, _))| *index != k as i64)
    {
        return Err(format!(
            "row {first_at}: the face indices of {path} do not run 0, 1, 2, … once each"
        ));
    }
    let faces = faces.into_iter().map(|(_, f)| f).collect();
    stored(path, first, faces).map_err(|e| format!("row {first_at}: {e}"))
}

/// Whether two rows agree on every photo column.
fn same_photo(a: &ImportRow, b: &ImportRow) -> bool {
    (
        &a.person, &a.hash, a.size, a.mtime_ns, a.width, a.height, &a.error,
    ) == (
        &b.person, &b.hash, b.size, b.mtime_ns, b.width, b.height, &b.error,
    )
}

/// A store key of the dataset's layout: `person/photo` as the scan writes it.
fn check_path(path: &str, person: &str) -> Result<(), String> {
    let key = crate::pathkey::key_of(&crate::pathkey::path_of(path)).ok();
    let parts: Vec<&str> = path.split('/').collect();
    let plain = key.as_deref() == Some(path)
        && parts.len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && *p != "." && *p != "..");
    if !plain {
        return Err(format!(
            "path {path:?} is not `person/photo` relative to the dataset"
        ));
    }
    if parts[0] != person || person.starts_with('.') {
        return Err(format!(
            "path {path:?} is not in person {person:?}'s folder"
        ));
    }
    Ok(())
}

/// The stored photo of a row's photo columns and the faces of its rows.
fn stored(path: String, row: &ImportRow, faces: Vec<Face>) -> Result<StoredPhoto, String> {
    let size = u64::try_from(row.size).map_err(|_| format!("size {} is negative", row.size))?;
    let pixels = |v: Option<i64>, name: &str| {
        v.and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("{path} has a content hash but no valid `{name}`"))
    };
    let Some(hash) = &row.hash else {
        if row.error.is_none() || !faces.is_empty() {
            return Err(format!(
                "{path} has no content hash: it must be an unreadable file, with an `error` and no face"
            ));
        }
        let file = file_row(row, size, None, row.error.clone());
        return Ok(StoredPhoto {
            path,
            file,
            width: 0,
            height: 0,
            content_error: None,
            faces,
        });
    };
    if hash.len() != 64 || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(format!(
            "{path}: hash {hash:?} is not BLAKE3 hex (64 lowercase hex digits)"
        ));
    }
    if row.error.is_some() && !faces.is_empty() {
        return Err(format!("{path} has both an `error` and faces"));
    }
    Ok(StoredPhoto {
        width: pixels(row.width, "width")?,
        height: pixels(row.height, "height")?,
        file: file_row(row, size, Some(hash.clone()), None),
        path,
        content_error: row.error.clone(),
        faces,
    })
}

fn file_row(row: &ImportRow, size: u64, hash: Option<String>, error: Option<String>) -> FileRow {
    FileRow {
        person: row.person.clone(),
        size,
        mtime_ns: row.mtime_ns,
        hash,
        error,
    }
}

/// The face of a row with a face index.
fn face(row: &ImportRow, dim: usize) -> Result<Face, String> {
    if dim == 0 {
        return Err("a face with an empty `embedding`".into());
    }
    let list = |v: &Option<Vec<f32>>, name: &str, len: usize| match v {
        Some(v) if v.len() == len && v.iter().all(|x| x.is_finite()) => Ok(v.clone()),
        Some(v) if v.len() != len => Err(format!(
            "`{name}` has {} values, it must have {len}{}",
            v.len(),
            if name == "embedding" {
                " (the length of this workspace's vectors)"
            } else {
                ""
            }
        )),
        Some(_) => Err(format!("`{name}` holds a value that is not finite")),
        None => Err(format!("a face without `{name}`")),
    };
    let bbox = list(&row.bbox, "bbox", 4)?;
    let marks = list(&row.landmarks, "landmarks", 10)?;
    let embedding = list(&row.embedding, "embedding", dim)?;
    let score = row
        .score
        .filter(|s| s.is_finite())
        .ok_or("a face without a finite `score`")?;
    let mut landmarks = [[0f32; 2]; 5];
    for (k, p) in marks.chunks_exact(2).enumerate() {
        landmarks[k] = [p[0], p[1]];
    }
    Ok(Face {
        bbox: [bbox[0], bbox[1], bbox[2], bbox[3]],
        landmarks,
        score,
        embedding,
        thumb: Vec::new(),
    })
}

/// Paths with one content hash must carry the same content: the store
/// keeps one copy of it.
fn same_content_same_faces(photos: &[StoredPhoto]) -> Result<(), String> {
    let mut first: HashMap<&str, &StoredPhoto> = HashMap::new();
    for p in photos {
        let Some(hash) = p.file.hash.as_deref() else {
            continue;
        };
        let a = *first.entry(hash).or_insert(p);
        let same = (a.width, a.height, &a.content_error) == (p.width, p.height, &p.content_error)
            && a.faces.len() == p.faces.len()
            && a.faces.iter().zip(&p.faces).all(|(x, y)| same_face(x, y));
        if !same {
            return Err(format!(
                "{} and {} have the same content hash but different faces",
                a.path, p.path
            ));
        }
    }
    Ok(())
}

fn same_face(a: &Face, b: &Face) -> bool {
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    bits(&a.bbox) == bits(&b.bbox)
        && bits(a.landmarks.as_flattened()) == bits(b.landmarks.as_flattened())
        && a.score.to_bits() == b.score.to_bits()
        && bits(&a.embedding) == bits(&b.embedding)
}
