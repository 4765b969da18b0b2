//! Duplicate verdicts on candidate pairs, registering only the pairs the
//! memo of an earlier run does not know (see [`crate::analysis::memo`]).

use super::Analysis;
use crate::analysis::dupes::{self, Verdict};
use crate::analysis::memo::{self, FaceKey, PairMemo};
use std::collections::{BTreeMap, HashMap};

impl Analysis {
    /// Verdicts on the candidate pairs, registering in parallel only those
    /// the memo does not know; the memo is left holding exactly the pairs
    /// used, so it stays the size of the dataset's candidates.
    pub(super) fn judge_pairs(
        &mut self,
        pairs: &[(u32, u32, f32)],
    ) -> BTreeMap<(u32, u32), Verdict> {
        let chunk = pairs.len().div_ceil(self.threads).max(1);
        let mut out = BTreeMap::new();
        let mut used = HashMap::new();
        let mut fresh = false;
        let this = &*self;
        std::thread::scope(|scope| {
            let handles: Vec<_> = pairs
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .filter_map(|&p| this.judge_remembering(p))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                for (key, verdict, lookup) in h.join().unwrap_or_default() {
                    if let Some((pair, correlation, new)) = lookup {
                        fresh |= new;
                        used.insert(pair, correlation);
                    }
                    if let Some(v) = verdict {
                        out.insert(key, v);
                    }
                }
            }
        });
        let changed = fresh || used.len() != self.memo.len();
        self.memo = PairMemo {
            correlations: used,
            changed,
        };
        out
    }

    /// The registered correlations this analysis used, and whether they
    /// differ from the memo it was given (worth saving when they do).
    pub fn pair_memo(&self) -> &PairMemo {
        &self.memo
    }

    /// None when a photo has no content hash (then the pair is registered
    /// every time rather than remembered under a key others could share).
    fn memo_key(&self, i: u32, j: u32) -> Option<(FaceKey, FaceKey)> {
        let key = |k: u32| {
            let slot = self.slots.get(k as usize)?.as_ref()?;
            let hash = Some(slot.record.hash.as_str()).filter(|h| !h.is_empty())?;
            Some(memo::face_key(hash, slot.choice?.face))
        };
        Some(memo::pair_key(key(i)?, key(j)?))
    }

    /// The verdict on one pair, with the memo entry it rests on: the key,
    /// the correlation and whether it was registered just now.
    #[allow(clippy::type_complexity)]
    fn judge_remembering(
        &self,
        (i, j, cosine): (u32, u32, f32),
    ) -> Option<(
        (u32, u32),
        Option<Verdict>,
        Option<((FaceKey, FaceKey), f32, bool)>,
    )> {
        let key = (i.min(j), i.max(j));
        let (ta, tb) = (self.thumb(i)?, self.thumb(j)?);
        let pair = self.memo_key(i, j);
        let remembered = pair.as_ref().and_then(|p| self.memo.get(p));
        let (correlation, lookup) = match (remembered, pair) {
            (Some(c), Some(pair)) => (c, Some((pair, c, false))),
            (_, pair) => {
                let (pa, pb) = (
                    self.prechecks[i as usize].as_ref(),
                    self.prechecks[j as usize].as_ref(),
                );
                match dupes::registered(ta, pa, tb, pb, cosine, &self.settings) {
                    Some(c) => (c, pair.map(|p| (p, c, true))),
                    None => (0.0, None),
                }
            }
        };
        let verdict = dupes::verdict(correlation, cosine, &self.settings);
        Some((key, verdict, lookup))
    }

    pub(super) fn judge(&self, pair: (u32, u32, f32)) -> Option<((u32, u32), Verdict)> {
        let (key, verdict, _) = self.judge_remembering(pair)?;
        Some((key, verdict?))
    }
}
