//! The duplicate verdicts by pair, findable from either photo. An edit
//! drops the verdicts on the changed photos' pairs; a map keyed by (low,
//! high) finds a photo's pairs as the low one by range, and the mirror set
//! finds them as the high one, where a filter over every verdict was most
//! of a small edit's time past a hundred thousand photos.

use super::dupes::Verdict;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
pub struct PairBook {
    verdicts: BTreeMap<(u32, u32), Verdict>,
    /// Every key of `verdicts`, as (high, low).
    by_high: BTreeSet<(u32, u32)>,
}

impl PairBook {
    pub fn new(verdicts: BTreeMap<(u32, u32), Verdict>) -> PairBook {
        let by_high = verdicts.keys().map(|&(a, b)| (b, a)).collect();
        PairBook { verdicts, by_high }
    }

    /// The verdict on `key` (low, high), replacing any before.
    pub fn insert(&mut self, key: (u32, u32), verdict: Verdict) {
        self.by_high.insert((key.1, key.0));
        self.verdicts.insert(key, verdict);
    }

    /// Drops every verdict on a pair with one of `photos`.
    pub fn remove_touching(&mut self, photos: &[u32]) {
        for &p in photos {
            let as_low: Vec<(u32, u32)> = self
                .verdicts
                .range((p, 0)..=(p, u32::MAX))
                .map(|(&k, _)| k)
                .collect();
            let as_high: Vec<(u32, u32)> = self
                .by_high
                .range((p, 0)..=(p, u32::MAX))
                .map(|&(b, a)| (a, b))
                .collect();
            for key in as_low.into_iter().chain(as_high) {
                self.verdicts.remove(&key);
                self.by_high.remove(&(key.1, key.0));
            }
        }
    }

    /// Every verdict, by (low, high).
    pub fn iter(&self) -> impl Iterator<Item = (&(u32, u32), &Verdict)> {
        self.verdicts.iter()
    }
}
