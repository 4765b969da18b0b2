//! The analysis's memo of registered pair correlations (see
//! [`crate::analysis::memo`]), kept so that a warm `report` does not
//! register tens of thousands of thumb pairs again.

use super::error::StoreError;
use super::open::Store;
use crate::analysis::{Analysis, PairMemo, Remembered, Settings, ThumbSource, memo};
use crate::records::PhotoRecord;
use std::collections::HashMap;

/// One saved pair: face key a, face key b (u64), correlation (f32).
const PAIR_BYTES: usize = 20;

impl Store {
    fn memo_tag(&self, settings_tag: &str) -> String {
        format!("{}|{settings_tag}", self.fingerprint)
    }

    /// The memo saved under this store's fingerprint and `settings_tag`;
    /// empty when it was saved under another one (or never).
    pub fn pair_memo(&self, settings_tag: &str) -> Result<PairMemo, StoreError> {
        let saved: Option<(String, Vec<u8>)> = self
            .conn
            .query_row("SELECT tag, pairs FROM pair_memo LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(|e| self.err(e))?;
        let Some((tag, pairs)) = saved.filter(|(t, _)| *t == self.memo_tag(settings_tag)) else {
            return Ok(PairMemo::default());
        };
        if pairs.len() % PAIR_BYTES != 0 {
            return Err(StoreError::Invalid {
                path: self.path.clone(),
                message: format!("remembered pairs under {tag} are torn"),
            });
        }
        let word = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        let correlations = pairs
            .chunks_exact(PAIR_BYTES)
            .map(|p| {
                let c = f32::from_le_bytes(p[16..20].try_into().unwrap_or([0; 4]));
                ((word(&p[..8]), word(&p[8..16])), c)
            })
            .collect::<HashMap<_, _>>();
        Ok(PairMemo::new(correlations))
    }

    /// Replaces the saved memo with `memo`, made under `settings_tag`.
    pub fn save_pair_memo(&self, settings_tag: &str, memo: &PairMemo) -> Result<(), StoreError> {
        let tag = self.memo_tag(settings_tag);
        let mut pairs = Vec::with_capacity(memo.len() * PAIR_BYTES);
        for ((a, b), c) in &memo.correlations {
            pairs.extend_from_slice(&a.to_le_bytes());
            pairs.extend_from_slice(&b.to_le_bytes());
            pairs.extend_from_slice(&c.to_le_bytes());
        }
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let result = (|| {
            tx.execute("DELETE FROM pair_memo", [])?;
            tx.execute(
                "INSERT INTO pair_memo (tag, pairs) VALUES (?1, ?2)",
                rusqlite::params![tag, pairs],
            )?;
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
        let thumbs = self.thumb_source().map_or_else(
            |e| {
                problems.push(e);
                None
            },
            |t| Some(Box::new(t) as Box<dyn ThumbSource>),
        );
        let remembered = Remembered {
            pairs: remembered,
            scan: saved_scan,
            thumbs,
        };
        let mut analysis = Analysis::remembering(records, settings, remembered);
        problems.extend(
            analysis
                .thumb_problems()
                .iter()
                .map(|message| StoreError::Invalid {
                    path: self.path.clone(),
                    message: message.clone(),
                }),
        );
        if analysis.pair_memo().changed
            && let Err(e) = self.save_pair_memo(&tag, analysis.pair_memo())
        {
            problems.push(e);
        }
        if let Some(scan) = analysis.scan_to_save()
            && let Err(e) = self.save_scan(&scan)
        {
            problems.push(e);
        }
        (analysis, problems)
    }
}
