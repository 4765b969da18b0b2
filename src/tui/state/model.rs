//! What the terminal UI shows, as plain data: built from the library's
//! records and analysis results by the run loop, never computed in `render`.

use std::path::PathBuf;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonRow {
    pub name: String,
    pub photos: usize,
    pub flags: Vec<String>,
    /// How many of their photos are flagged: the work left on them.
    pub flagged: usize,
}

/// One photo with how much it does not belong (higher is worse).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhotoRow {
    /// Relative to the dataset root.
    pub path: PathBuf,
    pub person: String,
    pub flags: Vec<String>,
    pub score: f32,
    pub suggested: Option<String>,
    pub margin: Option<f32>,
    /// Cosine distance of its face from its person's centre (mean face).
    pub distance: Option<f32>,
    /// The other person it looks most like, flagged or not.
    pub resembles: Option<String>,
}

impl PhotoRow {
    /// Whose photo goes beside it: the suggestion, else its closest other person.
    pub fn lookalike(&self) -> Option<&str> {
        self.suggested.as_deref().or(self.resembles.as_deref())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DuplicateRow {
    pub a: PathBuf,
    pub b: PathBuf,
    pub cosine: f32,
    /// `exact`, `copy` or `similar`.
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProblemRow {
    pub path: PathBuf,
    pub cause: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassifierView {
    pub accuracy: Option<f64>,
    pub previous_accuracy: Option<f64>,
    pub classes: usize,
    /// (true person, predicted person, count)
    pub confused: Vec<(String, String, usize)>,
    pub training: bool,
    /// Why there is no model, when that is the dataset's state (too small).
    pub state: Option<String>,
}

/// Everything on screen that comes from the dataset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatasetView {
    pub root: PathBuf,
    pub persons: Vec<PersonRow>,
    /// Every photo with a face, worst first.
    pub photos: Vec<PhotoRow>,
    pub duplicates: Vec<DuplicateRow>,
    pub problems: Vec<ProblemRow>,
    pub classifier: ClassifierView,
    /// The inbox's photos with their predictions, in path order.
    pub inbox: Vec<InboxRow>,
}

impl DatasetView {
    pub fn flagged(&self) -> impl Iterator<Item = &PhotoRow> {
        self.photos.iter().filter(|p| !p.flags.is_empty())
    }

    /// A person's photos, worst first (the order `photos` is kept in).
    pub fn photos_of<'a>(&'a self, person: &'a str) -> impl Iterator<Item = &'a PhotoRow> + 'a {
        self.photos.iter().filter(move |p| p.person == person)
    }
}

/// Progress of the background pipeline, for the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub failed: usize,
    pub faces_per_s: f64,
    pub eta_s: Option<f64>,
    pub provider: String,
    /// What is being recomputed right now, if anything.
    pub activity: Option<String>,
}

/// One inbox photo as the UI shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboxRow {
    /// Relative to the dataset root.
    pub path: PathBuf,
    /// The most likely known person (even when unknown).
    pub predicted: Option<String>,
    pub probability: Option<f64>,
    /// The person `a` files it under: set only above the threshold.
    pub suggested: Option<String>,
    /// Unknowns with alike faces share a group.
    pub group: Option<usize>,
    /// Why there is no prediction, when there is none.
    pub note: Option<String>,
}
