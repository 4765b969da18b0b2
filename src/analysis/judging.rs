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
            for judged in crate::panics::join_all(handles).into_iter().flatten() {
                if let Some(entry) = judged.memo_entry {
                    fresh |= entry.fresh;
                    used.insert(entry.pair, entry.correlation);
                }
                if let Some(v) = judged.verdict {
                    out.insert(judged.key, v);
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

    /// The verdict on one pair, with the memo entry it rests on.
    fn judge_remembering(&self, (i, j, cosine): (u32, u32, f32)) -> Option<Judged> {
        let key = (i.min(j), i.max(j));
        let (ta, tb) = (self.thumb(i)?, self.thumb(j)?);
        let pair = self.memo_key(i, j);
        let remembered = pair.as_ref().and_then(|p| self.memo.get(p));
        let (correlation, memo_entry) = match (remembered, pair) {
            (Some(correlation), Some(pair)) => (
                correlation,
                Some(MemoEntry {
                    pair,
                    correlation,
                    fresh: false,
                }),
            ),
            (_, pair) => {
                let (pa, pb) = (
                    self.prechecks[i as usize].as_ref(),
                    self.prechecks[j as usize].as_ref(),
                );
                match dupes::registered(ta, pa, tb, pb, cosine, &self.settings) {
                    Some(correlation) => (
                        correlation,
                        pair.map(|pair| MemoEntry {
                            pair,
                            correlation,
                            fresh: true,
                        }),
                    ),
                    None => (0.0, None),
                }
            }
        };
        Some(Judged {
            key,
            verdict: dupes::verdict(correlation, cosine, &self.settings),
            memo_entry,
        })
    }

    pub(super) fn judge(&self, pair: (u32, u32, f32)) -> Option<((u32, u32), Verdict)> {
        let judged = self.judge_remembering(pair)?;
        Some((judged.key, judged.verdict?))
    }
}

/// One candidate pair judged: its slots (lower first), its verdict, and the
/// registered correlation it rests on when the memo can key it.
struct Judged {
    key: (u32, u32),
    verdict: Option<Verdict>,
    memo_entry: Option<MemoEntry>,
}

struct MemoEntry {
    pair: (FaceKey, FaceKey),
    correlation: f32,
    /// Registered in this run rather than taken from the memo.
    fresh: bool,
}
