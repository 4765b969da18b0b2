//! The analysis's candidate search taken from the saved one where it still
//! holds (see [`super::scan_memo`]), and handed back for saving when it
//! changed; a file apart so that the state need not know how.

use super::hnsw::Index;
use super::scan_memo::{self, SavedScan};
use super::search;
use super::similarity::Scan;
use super::state::Analysis;

impl Analysis {
    /// The candidate search, from the saved one where it holds; leaves in
    /// `scan_memo` the search worth saving (exact searches only: the
    /// index path is not remembered).
    pub(super) fn search_remembering(&mut self) -> (Scan, Option<Index>) {
        let saved = self.scan_memo.take();
        let tag = scan_memo::tag(&self.settings, self.vectors.dim);
        let keys = scan_memo::row_keys(&self.vectors);
        // The same test as the search's own choice of the index path.
        if keys.iter().flatten().count() > self.settings.exact_search_max_faces {
            return search::scan(&self.vectors, &self.search_query());
        }
        let (k, pair_min) = (
            self.settings.neighbours,
            self.settings.duplicate_candidate_cosine,
        );
        let reused = saved
            .filter(|s| s.tag == tag)
            .and_then(|s| scan_memo::reuse(&self.vectors, &keys, &s, k, pair_min));
        let (scan, unchanged) = match reused {
            Some(r) => (r.scan, r.unchanged),
            None => (search::scan(&self.vectors, &self.search_query()).0, false),
        };
        if !unchanged {
            self.scan_memo = Some(SavedScan {
                tag,
                keys,
                neighbours: scan.neighbours.clone(),
                pairs: scan.pairs.clone(),
            });
        }
        (scan, None)
    }

    /// The candidate search to save for the next run, when this one did
    /// not simply reuse the saved one.
    pub fn take_scan_to_save(&mut self) -> Option<SavedScan> {
        self.scan_memo.take()
    }
}
