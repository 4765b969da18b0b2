//! What a report says it could not check. Faces imported from an exchange
//! file (`facecurate import`) carry no pixel thumb, so the registration
//! that tells a copy from another shot cannot run on them: such pairs are
//! judged by their vectors alone (never `copy`, no correlation, and a copy
//! whose cosine is below `similar_cosine` is not listed). The report says
//! how many faces that concerns rather than staying silent.

use super::state::Analysis;

impl Analysis {
    /// Warnings for the report; none when every face has its thumb.
    pub(super) fn warnings(&self) -> Vec<String> {
        let thumbless = self
            .slots
            .iter()
            .flatten()
            .flat_map(|s| {
                s.record
                    .faces
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (&s.record.hash, i, f))
            })
            .filter(|(hash, i, f)| self.thumbless(hash, *i, &f.thumb))
            .count();
        if thumbless == 0 {
            return Vec::new();
        }
        vec![format!(
            "{thumbless} faces have no thumb (imported): copies among them are judged by vectors only"
        )]
    }
}
