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
        let mut verdicts = Verdicts::default();
        // Pairs the memo does not know whose thumbs are still in the store:
        // read those thumbs in one go, then judge just these pairs again.
        // (pair positions as u32: the pairs themselves would fill memory
        // long before 2³² of them)
        let mut pending: Vec<u32> = Vec::new();
        for (c, chunk) in pairs.chunks(JUDGE_CHUNK).enumerate() {
            for (x, judged) in self.judge_each(chunk).into_iter().enumerate() {
                match judged {
                    Some(j) if j.pending => pending.push((c * JUDGE_CHUNK + x) as u32),
                    Some(j) => verdicts.take(j),
                    None => {}
                }
            }
        }
        if !pending.is_empty() {
            let pair = |x: &u32| pairs[*x as usize];
            self.fetch_thumbs(pending.iter().flat_map(|x| [pair(x).0, pair(x).1]));
            // In chunks as above: at a million faces without thumbs every
            // pair is pending, and judging them all at once held 2.1 GB.
            for chunk in pending.chunks(JUDGE_CHUNK) {
                let again: Vec<_> = chunk.iter().map(pair).collect();
                for judged in self.judge_each(&again).into_iter().flatten() {
                    verdicts.take(judged);
                }
            }
        }
        let changed = verdicts.fresh || verdicts.used.len() != self.memo.len();
        self.memo = PairMemo {
            correlations: verdicts.used,
            changed,
        };
        verdicts.out
    }

    /// [`Analysis::judge_remembering`] of every pair, in parallel.
    fn judge_each(&self, pairs: &[(u32, u32, f32)]) -> Vec<Option<Judged>> {
        let this = self;
        crate::par::map(
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
        )
    }

    /// The registered correlations this analysis used, and whether they
    /// differ from the memo it was given (worth saving when they do).
    pub fn pair_memo(&self) -> &PairMemo {
        &self.memo
    }

    /// None when a photo has no content hash (then the pair is registered
    /// every time rather than remembered under a key others could share).
    pub(super) fn memo_key(&self, i: u32, j: u32) -> Option<(FaceKey, FaceKey)> {
        let key = |k: u32| {
            let slot = self.slots.get(k as usize)?.as_ref()?;
            Some(memo::face_key(slot.content?, slot.choice?.face))
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
            (_, _) if self.thumbs_unread(i) || self.thumbs_unread(j) => {
                return Some(Judged {
                    key,
                    verdict: None,
                    memo_entry: None,
                    pending: true,
                });
            }
            (_, pair) => {
                let (pa, pb) = (
                    self.prechecks[i as usize].as_deref(),
                    self.prechecks[j as usize].as_deref(),
                );
                // A pair the pre-check rules out is remembered too (as 0,
                // what the verdict takes it for), so that a warm run need
                // not read its thumbs again; one missing a thumb is not.
                let checked = pa.is_some() && pb.is_some();
                match dupes::registered(ta, pa, tb, pb, cosine, &self.settings) {
                    Some(correlation) => {
                        (correlation, pair.map(|p| MemoEntry::fresh(p, correlation)))
                    }
                    None if checked => (0.0, pair.map(|p| MemoEntry::fresh(p, 0.0))),
                    None => (0.0, None),
                }
            }
        };
        Some(Judged {
            key,
            verdict: dupes::verdict(correlation, cosine, &self.settings),
            memo_entry,
            pending: false,
        })
    }

    /// The verdict on one pair, as the incremental update needs it: when
    /// the memo does not know the pair, its thumbs are read first.
    pub(super) fn judge(&mut self, pair: (u32, u32, f32)) -> Option<((u32, u32), Verdict)> {
        let mut judged = self.judge_remembering(pair)?;
        if judged.pending {
            self.fetch_thumbs([pair.0, pair.1]);
            judged = self.judge_remembering(pair)?;
        }
        Some((judged.key, judged.verdict?))
    }
}

/// Pairs judged between two foldings of their verdicts: the judgements of
/// all the candidate pairs at once took 382 MB at 350k faces.
const JUDGE_CHUNK: usize = 1 << 16;

/// The verdicts and the memo entries used, folded in chunk by chunk.
#[derive(Default)]
struct Verdicts {
    out: BTreeMap<(u32, u32), Verdict>,
    used: HashMap<(FaceKey, FaceKey), f32>,
    fresh: bool,
}

impl Verdicts {
    fn take(&mut self, judged: Judged) {
        if let Some(entry) = judged.memo_entry {
            self.fresh |= entry.fresh;
            self.used.insert(entry.pair, entry.correlation);
        }
        if let Some(v) = judged.verdict {
            self.out.insert(judged.key, v);
        }
    }
}

/// One candidate pair judged: its slots (lower first), its verdict, and the
/// registered correlation it rests on when the memo can key it.
struct Judged {
    key: (u32, u32),
    verdict: Option<Verdict>,
    memo_entry: Option<MemoEntry>,
    /// Not judged yet: it needs thumbs still to be read.
    pending: bool,
}

struct MemoEntry {
    pair: (FaceKey, FaceKey),
    correlation: f32,
    /// Registered in this run rather than taken from the memo.
    fresh: bool,
}

impl MemoEntry {
    fn fresh(pair: (FaceKey, FaceKey), correlation: f32) -> MemoEntry {
        MemoEntry {
            pair,
            correlation,
            fresh: true,
        }
    }
}
