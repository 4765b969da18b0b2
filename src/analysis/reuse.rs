//! The analysis's candidate search taken from the saved one where it still
//! holds (see [`super::scan_memo`]), and handed back for saving when it
//! changed; a file apart so that the state need not know how.

use super::ivf::Ivf;
use super::scan_memo::{self, SavedScan, ScanToSave};
use super::search;
use super::similarity::Scan;
use super::state::Analysis;

/// Rows a saved search on the index path may have to search again (each
/// against every row) before searching all afresh costs less: about a
/// second per thousand rows at a million faces.
const INDEX_PATH_RESEARCH: usize = 4096;

impl Analysis {
    /// The candidate search, from the saved one where it holds; leaves in
    /// `scan_memo` the search worth saving.
    pub(super) fn search_remembering(&mut self) -> (Scan, Option<Ivf>) {
        let saved = self.scan_memo.take();
        let tag = scan_memo::tag(&self.settings, self.vectors.dim);
        let keys = scan_memo::row_keys(&self.vectors);
        let (k, pair_min) = (
            self.settings.neighbours,
            self.settings.duplicate_candidate_cosine,
        );
        // The same test as the search's own choice of the index path.
        let exact = keys.iter().flatten().count() <= self.settings.exact_search_max_faces;
        let at_most = if exact {
            keys.len() / 4
        } else {
            INDEX_PATH_RESEARCH
        };
        let saved = saved.filter(|s| s.tag == tag);
        let reused = saved
            .as_ref()
            .and_then(|s| scan_memo::reuse_at_most(&self.vectors, &keys, s, k, pair_min, at_most));
        let (scan, index, unchanged) = match reused {
            Some(r) => {
                // A report never needs the inverted file, but the first
                // edit does: the saved one spares it training the cells.
                let index = saved
                    .as_ref()
                    .and_then(|s| s.index.as_ref())
                    .filter(|_| !exact)
                    .and_then(|i| Ivf::from_saved(i, &self.vectors, &r.old_of));
                (r.scan, index, r.unchanged)
            }
            None => {
                let (scan, index) = search::scan(&self.vectors, &self.search_query());
                (scan, index, false)
            }
        };
        if !unchanged {
            self.scan_memo = Some(SavedScan {
                tag,
                // The analysis's own lists, borrowed when saved (see
                // `scan_to_save`).
                neighbours: Vec::new(),
                // Moved in once judged (`keep_pairs_to_save`): a copy held
                // through the judging was 201 MB at 350k faces.
                pairs: Vec::new(),
                index: index.as_ref().map(|i| i.to_saved(keys.len())),
                keys,
            });
        }
        (scan, index)
    }

    /// Hands the search's candidate pairs, once judged, to the search to
    /// save (when there is one).
    pub(super) fn keep_pairs_to_save(&mut self, pairs: Vec<(u32, u32, f32)>) {
        if let Some(saved) = self.scan_memo.as_mut() {
            saved.pairs = pairs;
        }
    }

    /// The candidate search to save for the next run, when this one did
    /// not simply reuse the saved one; its lists are the analysis's own, so
    /// it is asked for before any edit (an edit drops it).
    pub fn scan_to_save(&mut self) -> Option<ScanToSave<'_>> {
        let saved = self.scan_memo.take()?;
        Some(ScanToSave {
            saved,
            neighbours: &self.neighbours,
        })
    }

    /// [`Analysis::scan_to_save`] as a whole saved search, its lists copied.
    pub fn take_scan_to_save(&mut self) -> Option<SavedScan> {
        let mut saved = self.scan_memo.take()?;
        saved.neighbours = self.neighbours.clone();
        Some(saved)
    }
}
