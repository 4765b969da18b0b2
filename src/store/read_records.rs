//! Reading the store into [`PhotoRecord`]s, for the analysis and the
//! inbox. What the pipeline made of each content (its size, its error, its
//! faces) is read first, table by table in one sequential pass each, into
//! a map by content hash; the paths are then read in order and each takes
//! its content from the map. Joining `content` to every path in SQL cost a
//! B-tree search per path: 2.7 s of a 7.5 s read at a million photos,
//! against 0.2 s for the scan.

use super::error::StoreError;
use super::open::Store;
use crate::pipeline::Face;
use crate::records::{PhotoRecord, PhotoStatus};
use std::collections::{HashMap, HashSet};

/// What the pipeline made of one content under the store's fingerprint.
#[derive(Default, Clone)]
pub(super) struct Content {
    pub width: u32,
    pub height: u32,
    pub error: Option<String>,
    /// With their index in the photo, sorted by it once all are read.
    pub faces: Vec<(i64, Face)>,
}

/// Contents by hash. The keys are content hashes the store made, not
/// names a dataset chooses, so foldhash (fast, not built to resist chosen
/// keys) is safe here.
pub(super) type Contents = HashMap<String, Content, foldhash::fast::RandomState>;

const CONTENTS: &str = "SELECT hash, width, height, error FROM content WHERE fingerprint = ?1";
const CONTENTS_OF: &str = "SELECT DISTINCT c.hash, c.width, c.height, c.error
     FROM files f JOIN content c ON c.hash = f.hash AND c.fingerprint = ?1
     WHERE f.person = ?2";
/// Thumbs are left empty: their pages (most of a face row's bytes) are
/// never read here; the analysis reads the few it needs through
/// [`Store::thumb_source`].
const FACES: &str =
    "SELECT hash, idx, bbox, landmarks, score, embedding, x'' FROM faces WHERE fingerprint = ?1";
const FACES_OF: &str = "SELECT DISTINCT fa.hash, fa.idx, fa.bbox, fa.landmarks, fa.score,
        fa.embedding, x''
     FROM files f JOIN faces fa ON fa.hash = f.hash AND fa.fingerprint = ?1
     WHERE f.person = ?2";
const PATHS: &str = "SELECT f.path, f.person, f.hash, f.error, r.hash IS NOT NULL
     FROM files f LEFT JOIN reviewed r ON r.hash = f.hash";

impl Store {
    /// Every photo whose content has been processed under this store's
    /// fingerprint (and every unreadable file), sorted by path, with faces
    /// and embeddings but no thumbs (the analysis reads the few it needs
    /// through [`Store::thumb_source`]). Photos still waiting for the pipeline are left out;
    /// [`Store::pending`] counts them.
    pub fn records(&self) -> Result<Vec<PhotoRecord>, StoreError> {
        self.in_one_state(|| {
            let mut contents = self.contents(None)?;
            self.records_with(&mut contents, None)
        })
    }

    /// The records of the photos filed under `person` alone (the inbox), as
    /// [`Store::records`] gives them, without reading anyone else's faces.
    pub fn records_of(&self, person: &str) -> Result<Vec<PhotoRecord>, StoreError> {
        self.in_one_state(|| {
            let mut contents = self.contents(Some(person))?;
            self.records_with(&mut contents, Some(person))
        })
    }

    /// Runs `read` in a read transaction (unless one is open already), so
    /// that its several queries see one state of the file: in WAL mode a
    /// scan committing between them could otherwise file a path whose
    /// content the first query did not see.
    pub(super) fn in_one_state<T>(
        &self,
        read: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if !self.conn.is_autocommit() {
            return read();
        }
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let value = read()?;
        tx.finish().map_err(|e| self.err(e))?;
        Ok(value)
    }

    /// The contents processed under this fingerprint (those of `person`'s
    /// paths only, when given), with their faces in index order.
    pub(super) fn contents(&self, person: Option<&str>) -> Result<Contents, StoreError> {
        let fingerprint = self.fingerprint.as_str();
        let query = |sql: &str| -> Result<_, StoreError> {
            let stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
            Ok(stmt)
        };
        let mut contents = Contents::default();
        let mut stmt = query(if person.is_some() {
            CONTENTS_OF
        } else {
            CONTENTS
        })?;
        let mut rows = match person {
            Some(p) => stmt.query([fingerprint, p]),
            None => stmt.query([fingerprint]),
        }
        .map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let content = Content {
                width: row.get(1).map_err(|e| self.err(e))?,
                height: row.get(2).map_err(|e| self.err(e))?,
                error: row.get(3).map_err(|e| self.err(e))?,
                faces: Vec::new(),
            };
            contents.insert(row.get(0).map_err(|e| self.err(e))?, content);
        }
        let mut stmt = query(if person.is_some() { FACES_OF } else { FACES })?;
        let mut rows = match person {
            Some(p) => stmt.query([fingerprint, p]),
            None => stmt.query([fingerprint]),
        }
        .map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let hash = row.get_ref(0).and_then(|v| Ok(v.as_str()?));
            // A face whose content row is missing belongs to no record.
            if let Some(content) = contents.get_mut(hash.map_err(|e| self.err(e))?) {
                content.faces.push(self.indexed_face(row)?);
            }
        }
        for content in contents.values_mut() {
            content.faces.sort_by_key(|(i, _)| *i);
        }
        Ok(contents)
    }

    /// Every `files` row (or those filed under `person`) as a record, in
    /// path order, with the faces of its content taken from `contents`.
    fn records_with(
        &self,
        contents: &mut Contents,
        person: Option<&str>,
    ) -> Result<Vec<PhotoRecord>, StoreError> {
        let not_duplicates = self.not_duplicates()?;
        let shared = self.shared_contents(person)?;
        let sql = match person {
            Some(_) => format!("{PATHS} WHERE f.person = ?1 ORDER BY f.path"),
            None => format!("{PATHS} ORDER BY f.path"),
        };
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = match person {
            Some(p) => stmt.query([p]),
            None => stmt.query([]),
        }
        .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            if let Some(record) = self.record_of(row, contents, &shared, &not_duplicates)? {
                out.push(record);
            }
        }
        Ok(out)
    }

    /// The record of one path, with its content; `None` for a readable
    /// photo still waiting for the pipeline. A content held under one path
    /// gives its faces away; one held under several (`shared`) lends
    /// copies (copying them all held the faces twice, a gigabyte at a
    /// million photos).
    fn record_of(
        &self,
        row: &rusqlite::Row,
        contents: &mut Contents,
        shared: &HashSet<String>,
        not_duplicates: &HashMap<String, Vec<String>>,
    ) -> Result<Option<PhotoRecord>, StoreError> {
        let file_error: Option<String> = row.get(3).map_err(|e| self.err(e))?;
        let hash: Option<String> = row.get(2).map_err(|e| self.err(e))?;
        let hash = hash.unwrap_or_default();
        // Removed as it is used, so that the map's memory goes back as the
        // records take theirs (keeping it whole to the end raised the
        // bench's peak at a million photos by 60 to 110 MB).
        let content = match shared.contains(&hash) {
            true => contents.get(&hash).cloned(),
            false => contents.remove(&hash),
        };
        if file_error.is_none() && content.is_none() {
            return Ok(None);
        }
        let content = content.unwrap_or_default();
        let (width, height, content_error, faces) =
            (content.width, content.height, content.error, content.faces);
        let status = match file_error.or(content_error) {
            Some(cause) => PhotoStatus::Error(cause),
            None => PhotoStatus::Ok,
        };
        let path: String = row.get(0).map_err(|e| self.err(e))?;
        Ok(Some(PhotoRecord {
            path: crate::pathkey::path_of(&path),
            person: row.get(1).map_err(|e| self.err(e))?,
            faces: faces.into_iter().map(|(_, f)| f).collect(),
            not_duplicate_of: not_duplicates.get(&hash).cloned().unwrap_or_default(),
            hash,
            width,
            height,
            status,
            reviewed: row.get(4).map_err(|e| self.err(e))?,
        }))
    }

    /// Content hashes filed under two or more paths (or two paths of
    /// `person`).
    fn shared_contents(&self, person: Option<&str>) -> Result<HashSet<String>, StoreError> {
        let sql = match person {
            Some(_) => {
                "SELECT hash FROM files WHERE person = ?1 AND hash IS NOT NULL
                        GROUP BY hash HAVING count(*) > 1"
            }
            None => {
                "SELECT hash FROM files WHERE hash IS NOT NULL
                     GROUP BY hash HAVING count(*) > 1"
            }
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let hash = |r: &rusqlite::Row| r.get::<_, String>(0);
        let found: rusqlite::Result<HashSet<String>> = match person {
            Some(p) => stmt.query_map([p], hash).and_then(|rows| rows.collect()),
            None => stmt.query_map([], hash).and_then(|rows| rows.collect()),
        };
        found.map_err(|e| self.err(e))
    }
}
