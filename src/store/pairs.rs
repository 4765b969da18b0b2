//! Pairs of photos the user said are not duplicates. Kept by content hash
//! like the review marks, so a mark follows the photos through moves and
//! renames, and a photo whose content changes is judged afresh.

use super::error::StoreError;
use super::open::Store;
use std::collections::HashMap;

/// The two hashes in the order the table keeps them (`a <= b`).
fn ordered<'h>(a: &'h str, b: &'h str) -> (&'h str, &'h str) {
    if a <= b { (a, b) } else { (b, a) }
}

impl Store {
    /// Marks (or unmarks) the photos with contents `a` and `b` as not
    /// duplicates of each other. Returns whether the mark changed.
    pub fn set_not_duplicate(&self, a: &str, b: &str, on: bool) -> Result<bool, StoreError> {
        let (a, b) = ordered(a, b);
        let sql = if on {
            "INSERT OR IGNORE INTO not_duplicates (a, b) VALUES (?1, ?2)"
        } else {
            "DELETE FROM not_duplicates WHERE a = ?1 AND b = ?2"
        };
        let n = self.conn.execute(sql, [a, b]).map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    pub fn is_not_duplicate(&self, a: &str, b: &str) -> Result<bool, StoreError> {
        let (a, b) = ordered(a, b);
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM not_duplicates WHERE a = ?1 AND b = ?2)",
                [a, b],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Every mark, both ways round: hash → the hashes it is not a duplicate of.
    pub fn not_duplicates(&self) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT a, b FROM not_duplicates")
            .map_err(|e| self.err(e))?;
        let pairs = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for (a, b) in pairs {
            out.entry(a.clone()).or_default().push(b.clone());
            if a != b {
                out.entry(b).or_default().push(a);
            }
        }
        Ok(out)
    }
}
