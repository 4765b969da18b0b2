//! Curation analysis: which photos do not belong to their person (outliers,
//! likely mislabels naming where they belong), which folders hold two people
//! or are one person under two names, which photos are copies of each other,
//! and which photos have no usable face.
//!
//! It works on [`PhotoRecord`](crate::records::PhotoRecord)s only (no files, no store), so any front end
//! can feed it. [`analyze`] runs everything at once; [`Analysis`] keeps the
//! state so that [`Analysis::update`] after adding, moving or deleting a
//! photo recomputes only the persons involved and that photo's neighbours.
//! Thresholds live in [`Settings`]; the flags a report uses are [`Flag`].

mod bytes;
mod clusters;
pub(crate) mod codes;
mod dupes;
mod elsewhere;
pub mod embedder_scale;
mod faces;
pub(crate) mod flat_lists;
mod graph_search;
mod groups;
pub(crate) mod hnsw;
mod identity;
pub(crate) mod ivf;
pub mod memo;
pub(crate) mod nndescent;
mod person_report;
mod pixels;
mod registration;
mod report;
pub mod saved_report;
pub mod scan_memo;
pub(crate) mod search;
mod settings;
pub(crate) mod similarity;
mod small_folders;
mod state;

pub use clusters::ClusterReport;
pub use kinds::{DuplicateKind, Flag};
pub use memo::PairMemo;
pub use report::{DuplicateReport, PersonReport, PhotoReport, Report, analyze};
pub use settings::{EvidenceGrowth, Settings};
pub use state::{Analysis, Change};

// What a report names (a leaf every part of the analysis can use without
// importing another), and the parts of `Analysis` kept in files of their own.
mod judging;
mod kinds;
mod measured;
mod pair_book;
mod refresh;
mod reuse;
mod reverse;
mod thumb_source;
mod thumbless;
mod thumbs;

pub use thumb_source::{Remembered, ThumbSource};
mod update;

#[cfg(test)]
mod tests;
