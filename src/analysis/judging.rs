//! Duplicate verdicts on candidate pairs, registering only the pairs the
//! memo of an earlier run does not know (see [`crate::analysis::memo`]).

use super::dupes::{self, Verdict};
use super::memo::{self, FaceKey, PairMemo};
use super::state::Analysis;
use std::collections::{BTreeMap, HashMap};

impl Analysis {
    /// Verdicts on the candidate pairs, registering in parallel only those
    /// the memo does not know; the memo is left holding exactly the pairs
    /// used, so it stays the size of the dataset's candidates. A panic on a
    /// pair fails the whole call, naming the two photos.
    pub(super) fn judge_pairs(
        &mut self,
        pairs: &[(u32, u32, f32)],
    ) -> BTreeMap<(u32, u32), Verdict> {
        let this = &*self;
        let all = crate::par::map(
            pairs,
            |&(i, j, _)| format!("duplicate check of {} and {}", this.shown(i), this.shown(j)),
            |&pair| {
                #[cfg(test)]
                for k in [pair.0, pair.1] {
                    if let Some(slot) = &this.slots[k as usize] {
                        use crate::par::fault;
                        fault::path(fault::Site::Judge, &slot.record.path);
                    }
                }
                this.judge_remembering(pair)
            },
        );
        let mut out = BTreeMap::new();
        let mut used = HashMap::new();
        let mut fresh = false;
        for judged in all.into_iter().flatten() {
            if let Some(entry) = judged.memo_entry {
                fresh |= entry.fresh;
                used.insert(entry.pair, entry.correlation);
            }
            if let Some(v) = judged.verdict {
                out.insert(judged.key, v);
            }
        }
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
