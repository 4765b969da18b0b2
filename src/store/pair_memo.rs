//! The analysis's memo of registered pair correlations (see
//! [`crate::analysis::memo`]), kept so that a warm `report` does not
//! register tens of thousands of thumb pairs again.

use super::error::StoreError;
use super::open::Store;
use crate::analysis::{Analysis, PairMemo, Settings, memo};
use crate::records::PhotoRecord;
use std::collections::HashMap;

impl Store {
    fn memo_tag(&self, settings_tag: &str) -> String {
        format!("{}|{settings_tag}", self.fingerprint)
    }

    /// The memo saved under this store's fingerprint and `settings_tag`;
    /// empty when it was saved under another one (or never).
    pub fn pair_memo(&self, settings_tag: &str) -> Result<PairMemo, StoreError> {
        let saved: Option<String> = self
            .conn
            .query_row("SELECT tag FROM pair_memo_tag LIMIT 1", [], |r| r.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(|e| self.err(e))?;
        if saved.as_deref() != Some(self.memo_tag(settings_tag).as_str()) {
            return Ok(PairMemo::default());
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT a, b, correlation FROM pair_correlations")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(((r.get(0)?, r.get(1)?), r.get::<_, f64>(2)? as f32))
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<HashMap<_, _>, _>>()
            .map_err(|e| self.err(e))?;
        Ok(PairMemo::new(rows))
    }

    /// Replaces the saved memo with `memo`, made under `settings_tag`.
    pub fn save_pair_memo(&self, settings_tag: &str, memo: &PairMemo) -> Result<(), StoreError> {
        let tag = self.memo_tag(settings_tag);
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let result = (|| {
            tx.execute_batch("DELETE FROM pair_correlations; DELETE FROM pair_memo_tag;")?;
            tx.execute("INSERT INTO pair_memo_tag (tag) VALUES (?1)", [&tag])?;
            let mut insert = tx.prepare_cached(
                "INSERT OR REPLACE INTO pair_correlations (a, b, correlation) VALUES (?1, ?2, ?3)",
            )?;
            for ((a, b), c) in &memo.correlations {
                insert.execute(rusqlite::params![a, b, f64::from(*c)])?;
            }
            drop(insert);
            tx.commit()
        })();
        result.map_err(|e| self.err(e))
    }

    /// The analysis of `records` (this store's records) under `settings`,
    /// reusing the pairs this store remembers and saving back the ones the
    /// analysis used. The memo only saves time: a failure to read or write
    /// it is handed back, for the front end to mention, and never stops the
    /// analysis.
    pub fn analyse(
        &self,
        records: Vec<PhotoRecord>,
        settings: Settings,
    ) -> (Analysis, Vec<StoreError>) {
        let mut problems = Vec::new();
        let tag = memo::tag(&settings);
        let remembered = self.pair_memo(&tag).unwrap_or_else(|e| {
            problems.push(e);
            PairMemo::default()
        });
        let saved_scan = self.saved_scan().unwrap_or_else(|e| {
            problems.push(e);
            None
        });
        let mut analysis = Analysis::with_memos(records, settings, remembered, saved_scan);
        if analysis.pair_memo().changed
            && let Err(e) = self.save_pair_memo(&tag, analysis.pair_memo())
        {
            problems.push(e);
        }
        if let Some(scan) = analysis.take_scan_to_save()
            && let Err(e) = self.save_scan(&scan)
        {
            problems.push(e);
        }
        (analysis, problems)
    }
}
