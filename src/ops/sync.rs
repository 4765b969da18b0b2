//! Bringing the store's path table in line with the steps just run, so
//! embeddings follow their photos (content is keyed by hash; only the path
//! rows change). Every write here is idempotent.

use super::change::Change;
use super::error::OpError;
use super::journal::{Loc, Step};
use crate::store::{FileRow, Reviewed, Store};
use std::collections::BTreeSet;
use std::path::Path;

fn person_of(key: &str) -> String {
    key.split('/').next().unwrap_or_default().to_string()
}

fn row_for(root: &Path, key: &str, hash: &str) -> Option<FileRow> {
    let meta = std::fs::metadata(crate::pathkey::join(root, key)).ok()?;
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0);
    Some(FileRow {
        person: person_of(key),
        size: meta.len(),
        mtime_ns,
        hash: Some(hash.to_string()),
        error: None,
    })
}

pub fn store(store: &mut Store, root: &Path, steps: &[Step]) -> Result<Change, OpError> {
    let mut change = Change::default();
    let mut touch = |key: &str| {
        change.persons.insert(person_of(key));
        change.paths.insert(crate::pathkey::path_of(key));
    };
    let mut dir_moves = Vec::new();
    for step in steps {
        if let Step::MoveDir { from, to } = step {
            let persons: BTreeSet<String> = [from.clone()].into();
            dir_moves.push((from.clone(), to.clone(), store.file_rows(Some(&persons))?));
        }
    }
    let batch = store.batch()?;
    for step in steps {
        match step {
            Step::MoveFile { from, to, hash } => {
                if let Loc::Data(key) = from {
                    batch.remove_file(key)?;
                    touch(key);
                }
                if let Loc::Data(key) = to {
                    if let Some(row) = row_for(root, key, hash) {
                        batch.put_file(key, &row)?;
                    }
                    touch(key);
                }
            }
            Step::MoveDir { .. }
            | Step::MakeDir { .. }
            | Step::RemoveDir { .. }
            | Step::Review { .. }
            | Step::NotDuplicate { .. } => {}
        }
    }
    for (from, to, rows) in &dir_moves {
        for (key, row) in rows {
            let new_key = format!(
                "{to}/{}",
                key.strip_prefix(&format!("{from}/")).unwrap_or(key)
            );
            batch.remove_file(key)?;
            batch.put_file(
                &new_key,
                &FileRow {
                    person: to.clone(),
                    ..row.clone()
                },
            )?;
            touch(key);
            touch(&new_key);
        }
    }
    batch.commit()?;
    for step in steps {
        match step {
            Step::Review { hash, on, .. } => {
                store.set_reviewed(Reviewed::Hash(hash), *on)?;
            }
            Step::NotDuplicate { a, b, on, .. } => {
                store.set_not_duplicate(a, b, *on)?;
            }
            _ => {}
        }
    }
    Ok(change)
}
