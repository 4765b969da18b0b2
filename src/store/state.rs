//! Whether the store changed, answered in one query. SQLite triggers
//! (schema V6) replace a random token on every write to the tables the
//! records are read from (files, content, faces, review marks, not-duplicate
//! marks), so a report saved under a token is still the report of the
//! store as long as the token is the same, and a warm `report` need not read
//! every record to find that out (at 13k photos that read was a quarter of
//! its time; at a million it is most of it).
//!
//! The records and the token they belong to are read in one transaction:
//! a token read after the records could already name a later write.

use super::error::StoreError;
use super::open::Store;
use crate::records::PhotoRecord;

/// Names one state of the store's records; any write that could change a
/// record gives a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateToken(pub [u8; 16]);

impl Store {
    /// The token of the store's records as they are now.
    pub fn state_token(&self) -> Result<StateToken, StoreError> {
        let token: Vec<u8> = self
            .conn
            .query_row("SELECT token FROM store_state", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let bytes: [u8; 16] = token
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::Invalid {
                path: self.path.clone(),
                message: format!("store state token of {} bytes, not 16", token.len()),
            })?;
        Ok(StateToken(bytes))
    }

    /// [`Store::records`] and the token of the state they were read in.
    pub fn snapshot(&self) -> Result<(Vec<PhotoRecord>, StateToken), StoreError> {
        // A read transaction: in WAL mode it sees one state of the file throughout.
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let token = self.state_token()?;
        let records = self.records()?;
        tx.finish().map_err(|e| self.err(e))?;
        Ok((records, token))
    }
}

#[cfg(test)]
mod tests {
    use super::super::FileRow;
    use super::*;
    use crate::pipeline::Face;
    use crate::store::Reviewed;
    use std::path::Path;

    fn face(seed: f32) -> Face {
        Face {
            bbox: [1.0, 2.0, 30.0, 40.0],
            landmarks: [[seed; 2]; 5],
            score: 0.9,
            embedding: vec![seed; 8],
            thumb: vec![7; 16],
        }
    }

    fn put(store: &mut Store, path: &str, person: &str, hash: &str) {
        let row = FileRow {
            person: person.into(),
            size: 10,
            mtime_ns: 1,
            hash: Some(hash.into()),
            error: None,
        };
        let b = store.batch().unwrap();
        b.put_content(hash, 20, 20, Ok(&[face(hash.len() as f32)]))
            .unwrap();
        b.put_file(path, &row).unwrap();
        b.commit().unwrap();
    }

    #[test]
    fn every_write_a_record_depends_on_gives_a_new_token_and_reads_keep_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("store.sqlite"), "fp").unwrap();
        let mut seen = vec![store.state_token().unwrap()];
        let mut changed = |store: &Store, what: &str| {
            let now = store.state_token().unwrap();
            assert!(!seen.contains(&now), "{what} kept an old token");
            seen.push(now);
        };
        put(&mut store, "Ann/a.jpg", "Ann", "h1");
        changed(&store, "a new photo");
        put(&mut store, "Bob/b.jpg", "Bob", "h22");
        changed(&store, "a second photo");
        let before = store.state_token().unwrap();
        store.records().unwrap();
        store.snapshot().unwrap();
        store.records_of("Ann").unwrap();
        assert_eq!(store.state_token().unwrap(), before, "reads keep the token");
        store
            .set_reviewed(Reviewed::Path(Path::new("Ann/a.jpg")), true)
            .unwrap();
        changed(&store, "a review mark");
        store.set_not_duplicate("h1", "h22", true).unwrap();
        changed(&store, "a not-duplicate mark");
        let b = store.batch().unwrap();
        b.remove_file("Bob/b.jpg").unwrap();
        b.commit().unwrap();
        changed(&store, "a deleted photo");
        store.collect_garbage().unwrap();
        changed(&store, "forgotten content");
        drop(store);
        let reopened = Store::open(&dir.path().join("store.sqlite"), "fp").unwrap();
        assert_eq!(&reopened.state_token().unwrap(), seen.last().unwrap());
    }

    #[test]
    fn a_store_from_before_the_token_gets_one_that_writes_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for step in &super::super::schema::MIGRATIONS[..5] {
                conn.execute_batch(step).unwrap();
            }
            conn.execute_batch(&format!(
                "PRAGMA user_version = 5; PRAGMA application_id = {};",
                super::super::schema::APPLICATION_ID
            ))
            .unwrap();
        }
        let mut store = Store::open(&path, "fp").unwrap();
        assert!(store.recovery().is_none(), "migrated, not kept aside");
        let before = store.state_token().unwrap();
        put(&mut store, "Ann/a.jpg", "Ann", "h1");
        assert_ne!(store.state_token().unwrap(), before);
    }

    #[test]
    fn one_folders_records_are_those_of_all_records_filed_there() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("store.sqlite"), "fp").unwrap();
        put(&mut store, "_inbox/x.jpg", "_inbox", "h1");
        // The same content twice in the folder, and once elsewhere.
        put(&mut store, "_inbox/y.jpg", "_inbox", "h22");
        put(&mut store, "_inbox/y_copy.jpg", "_inbox", "h22");
        put(&mut store, "Ann/a.jpg", "Ann", "h22");
        store.set_not_duplicate("h1", "h22", true).unwrap();
        let all: Vec<_> = store
            .records()
            .unwrap()
            .into_iter()
            .filter(|r| r.person == "_inbox")
            .collect();
        assert_eq!(all.len(), 3);
        // Faces and vectors included (records have no `PartialEq`).
        let one_folder = store.records_of("_inbox").unwrap();
        assert_eq!(format!("{one_folder:?}"), format!("{all:?}"));
        assert!(store.records_of("Nobody").unwrap().is_empty());
    }
}
