//! Face thumbs on demand. A thumb (64×64 grey pixels) is most of a stored
//! face's bytes, yet only the duplicate check of a candidate pair the
//! memo does not already know needs it: a warm analysis of a 10k-photo
//! store needs none. Records from the store therefore come without
//! thumbs, and the analysis asks a [`ThumbSource`] for the few it needs,
//! just before judging the pairs that need them.

use super::registration::SIDE;
use super::state::{Analysis, Slot};

/// The chosen face of `slot` when its thumb is not loaded, and whether the
/// record lists that face at all; `None` for no choice or a loaded thumb.
fn unloaded_choice(slot: &Slot) -> Option<(usize, bool)> {
    let face = slot.choice?.face;
    match slot.record.faces.get(face) {
        Some(f) if !f.thumb.is_empty() => None,
        listed => Some((face, listed.is_some())),
    }
}

impl Analysis {
    /// Reads the thumbs of the chosen faces of `slots` that are not loaded
    /// yet (each face asked for once); a failure is kept for the caller.
    pub(super) fn fetch_thumbs(&mut self, slots: impl IntoIterator<Item = u32>) {
        let mut wanted: Vec<(u32, usize)> = Vec::new();
        for i in slots {
            let slot = self.slots.get(i as usize).and_then(Option::as_ref);
            let Some((face, _)) = slot.and_then(unloaded_choice) else {
                continue;
            };
            if self.thumbs_asked.insert((i, face)) {
                wanted.push((i, face));
            }
        }
        let Some(source) = self.thumb_source.as_ref().filter(|_| !wanted.is_empty()) else {
            return;
        };
        let keys: Vec<(String, usize)> = wanted
            .iter()
            .filter_map(|&(i, f)| Some((self.slots[i as usize].as_ref()?.record.hash.clone(), f)))
            .collect();
        match source.thumbs(&keys) {
            Ok(thumbs) => {
                for ((i, f), thumb) in wanted.into_iter().zip(thumbs) {
                    self.set_thumb(i, f, thumb.unwrap_or_default());
                }
            }
            Err(e) => self.thumb_problems.push(e),
        }
    }

    /// Marks as asked the chosen faces the source has no thumb for at all
    /// (imported ones), so that their pairs are judged by their vectors at
    /// once instead of waiting on a read that finds nothing: a million
    /// such faces cost a second judging pass over every candidate pair and
    /// six seconds of single queries.
    pub(super) fn skip_thumbless(&mut self) {
        let Some(source) = self.thumb_source.as_ref() else {
            return;
        };
        for (i, slot) in self.slots.iter().enumerate() {
            let Some(slot) = slot else { continue };
            let Some((face, _)) = unloaded_choice(slot) else {
                continue;
            };
            if !source.has_thumb(&slot.record.hash, face) {
                self.thumbs_asked.insert((i as u32, face));
            }
        }
    }

    fn set_thumb(&mut self, i: u32, face: usize, thumb: Vec<u8>) {
        let Some(slot) = self.slots.get_mut(i as usize).and_then(Option::as_mut) else {
            return;
        };
        if let Some(f) = slot.record.faces.get_mut(face) {
            f.thumb = thumb;
        }
        self.prechecks[i as usize] = self.precheck_of(i);
    }

    /// True when slot `i`'s chosen face has no thumb loaded yet and the
    /// source has not been asked for it.
    pub(super) fn thumbs_unread(&self, i: u32) -> bool {
        if self.thumb_source.is_none() {
            return false;
        }
        let slot = self.slots.get(i as usize).and_then(Option::as_ref);
        match slot.and_then(unloaded_choice) {
            Some((face, true)) => !self.thumbs_asked.contains(&(i, face)),
            _ => false,
        }
    }

    /// Why thumbs could not be read (the pairs concerned were judged by
    /// their vectors alone).
    pub fn thumb_problems(&self) -> &[String] {
        &self.thumb_problems
    }

    /// Whether a face with no thumb loaded has none at all.
    pub(super) fn thumbless(&self, hash: &str, face: usize, loaded: &[u8]) -> bool {
        loaded.len() != SIDE * SIDE
            && self
                .thumb_source
                .as_ref()
                .is_none_or(|s| !s.has_thumb(hash, face))
    }
}
