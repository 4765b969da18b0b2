//! Turning a request into journal steps, checking names and that every
//! source is still what the user was shown (the store's content hash).

use super::error::OpError;
use super::journal::{Loc, Step};
use super::names;
use crate::pathkey;
use crate::records::hash_file;
use crate::store::Store;
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// What a plan is checked against: the dataset on disk and the store's
/// record of what the user was shown.
pub struct Dataset<'a> {
    pub root: &'a Path,
    pub store: &'a Store,
}

/// "ann/1.jpg" for one photo, "3 photos" for several.
pub fn describe_steps(steps: &[Step]) -> String {
    let sources: Vec<&str> = steps
        .iter()
        .filter_map(|s| match s {
            Step::MoveFile {
                from: Loc::Data(key),
                ..
            } => Some(key.as_str()),
            Step::Review { hash, .. } => Some(&hash[..hash.len().min(12)]),
            _ => None,
        })
        .collect();
    match sources.as_slice() {
        [one] => one.to_string(),
        many => format!("{} photos", many.len()),
    }
}

/// The store's key for a relative path: `/`-separated text, byte for byte.
pub fn key(rel: &Path) -> Result<String, OpError> {
    pathkey::key_of(rel).map_err(|e| OpError::Invalid(e.to_string()))
}

fn person_of(rel: &Path) -> String {
    crate::dataset::person_of(rel).unwrap_or_default()
}

/// The photo's current hash, refusing when it differs from what the store
/// (and so the user) saw.
fn current_hash(ds: &Dataset, rel: &Path) -> Result<String, OpError> {
    let abs = ds.root.join(rel);
    let hash = hash_file(&abs).map_err(|source| OpError::Io {
        action: "reading",
        path: abs.clone(),
        source,
    })?;
    let persons: BTreeSet<String> = [person_of(rel)].into();
    let rows = ds.store.file_rows(Some(&persons))?;
    if let Some(row) = rows.get(&key(rel)?)
        && let Some(known) = &row.hash
        && known != &hash
    {
        return Err(OpError::Changed(format!(
            "{} changed on disk since it was scanned; run `facecurate scan` and look again",
            rel.display()
        )));
    }
    Ok(hash)
}

fn resolve(ds: &Dataset, photos: &[PathBuf]) -> Result<Vec<PathBuf>, OpError> {
    if photos.is_empty() {
        return Err(OpError::Invalid("no photo given".into()));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for p in photos {
        let rel = names::photo_rel(ds.root, p)?;
        if seen.insert(rel.clone()) {
            out.push(rel);
        }
    }
    Ok(out)
}

fn person_dir_exists(ds: &Dataset, person: &str) -> bool {
    std::fs::symlink_metadata(pathkey::join(ds.root, person))
        .map(|m| m.is_dir())
        .unwrap_or(false)
}

fn moves_into(ds: &Dataset, rels: &[PathBuf], person: &str) -> Result<Vec<Step>, OpError> {
    let dir = pathkey::join(ds.root, person);
    let mut taken: HashSet<PathBuf> = HashSet::new();
    let mut steps = Vec::new();
    for rel in rels {
        if person_of(rel) == person {
            continue;
        }
        let hash = current_hash(ds, rel)?;
        let name = rel.file_name().unwrap_or_default();
        let dst = names::fresh_name(&dir, name, &|p| taken.contains(p));
        taken.insert(dst.clone());
        let dst_rel = pathkey::path_of(person).join(dst.file_name().unwrap_or_default());
        steps.push(Step::MoveFile {
            from: Loc::Data(key(rel)?),
            to: Loc::Data(key(&dst_rel)?),
            hash,
        });
    }
    Ok(steps)
}

pub fn mv(
    ds: &Dataset,
    photos: &[PathBuf],
    person: &str,
    create: bool,
) -> Result<Vec<Step>, OpError> {
    names::check_person(ds.root, person)?;
    let rels = resolve(ds, photos)?;
    let mut steps = Vec::new();
    if !person_dir_exists(ds, person) {
        if !create {
            return Err(OpError::Invalid(format!(
                "no person `{person}` in the dataset; add --new to create it"
            )));
        }
        steps.push(Step::MakeDir {
            dir: person.to_string(),
        });
    }
    steps.extend(moves_into(ds, &rels, person)?);
    Ok(steps)
}

pub fn rename(ds: &Dataset, person: &str, new: &str) -> Result<Vec<Step>, OpError> {
    names::check_person(ds.root, person)?;
    names::check_person(ds.root, new)?;
    if !person_dir_exists(ds, person) {
        return Err(OpError::Invalid(format!(
            "no person `{person}` in the dataset"
        )));
    }
    if person_dir_exists(ds, new) {
        return Err(OpError::Invalid(format!(
            "`{new}` exists already; use `facecurate merge {person} {new}`"
        )));
    }
    Ok(vec![Step::MoveDir {
        from: person.to_string(),
        to: new.to_string(),
    }])
}

pub fn merge(ds: &Dataset, from: &str, into: &str) -> Result<Vec<Step>, OpError> {
    names::check_person(ds.root, from)?;
    names::check_person(ds.root, into)?;
    if from == into {
        return Err(OpError::Invalid("cannot merge a person into itself".into()));
    }
    for p in [from, into] {
        if !person_dir_exists(ds, p) {
            return Err(OpError::Invalid(format!("no person `{p}` in the dataset")));
        }
    }
    let mut rels = Vec::new();
    let from_dir = pathkey::join(ds.root, from);
    let entries = std::fs::read_dir(&from_dir).map_err(|source| OpError::Io {
        action: "listing",
        path: from_dir.clone(),
        source,
    })?;
    for entry in entries.flatten() {
        let meta = std::fs::symlink_metadata(entry.path());
        if meta.map(|m| m.is_file()).unwrap_or(false) {
            rels.push(pathkey::path_of(from).join(entry.file_name()));
        }
    }
    rels.sort();
    let mut steps = moves_into(ds, &rels, into)?;
    steps.push(Step::RemoveDir {
        dir: from.to_string(),
    });
    Ok(steps)
}

pub fn rm(ds: &Dataset, photos: &[PathBuf], _id: i64) -> Result<Vec<Step>, OpError> {
    let rels = resolve(ds, photos)?;
    // A folder per deletion keeps same-named photos of different persons apart.
    let batch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut steps = Vec::new();
    for rel in rels {
        let hash = current_hash(ds, &rel)?;
        let to = format!("{batch}/{}", key(&rel)?);
        steps.push(Step::MoveFile {
            from: Loc::Data(key(&rel)?),
            to: Loc::Trash(to),
            hash,
        });
    }
    Ok(steps)
}

pub fn ok(ds: &Dataset, photos: &[PathBuf]) -> Result<Vec<Step>, OpError> {
    let rels = resolve(ds, photos)?;
    let reviewed: HashSet<String> = ds
        .store
        .records()?
        .into_iter()
        .filter(|r| r.reviewed)
        .map(|r| r.hash)
        .collect();
    let mut steps = Vec::new();
    for rel in rels {
        let hash = current_hash(ds, &rel)?;
        if !reviewed.contains(&hash) {
            steps.push(Step::Review {
                was: false,
                on: true,
                hash,
            });
        }
    }
    if steps.is_empty() {
        return Err(OpError::Invalid("already marked reviewed".into()));
    }
    Ok(steps)
}

pub fn not_duplicate(ds: &Dataset, a: &Path, b: &Path) -> Result<Vec<Step>, OpError> {
    let rels = resolve(ds, &[a.to_path_buf(), b.to_path_buf()])?;
    let [a, b] = rels.as_slice() else {
        return Err(OpError::Invalid(format!(
            "{} is one photo, not a pair",
            rels.first()
                .map(|r| r.display().to_string())
                .unwrap_or_default()
        )));
    };
    let (ha, hb) = (current_hash(ds, a)?, current_hash(ds, b)?);
    if ds.store.is_not_duplicate(&ha, &hb)? {
        return Err(OpError::Invalid("already marked not duplicates".into()));
    }
    Ok(vec![Step::NotDuplicate {
        a: ha,
        b: hb,
        on: true,
        was: false,
    }])
}
