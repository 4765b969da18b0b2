//! What the terminal UI shows, as plain data: built from the library's
//! records and analysis results by the run loop, never computed in `render`.

use super::lookups::{Index, Lookups, PhotoKey};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonRow {
    pub name: String,
    pub photos: usize,
    pub flags: Vec<String>,
    /// How many of their photos are flagged: the work left on them.
    pub flagged: usize,
    /// The groups of their faces, largest first (the analysis's clusters).
    pub clusters: Vec<ClusterRow>,
    /// Their faces on a plane, among the centres of the persons nearest.
    pub map: PersonMap,
}

/// One group of a person's faces: the same groups behind the `split` flag.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterRow {
    /// Relative to the dataset root.
    pub photos: Vec<PathBuf>,
    /// Mean cosine between its faces (none for a single face).
    pub cohesion: Option<f32>,
    /// The other person whose centre is nearest the cluster's centre.
    pub nearest: Option<String>,
    pub nearest_cosine: Option<f32>,
}

/// A person's faces projected on the plane of their two principal
/// components (PCA over the faces and the centres shown), computed off the
/// UI thread: only coordinates reach the state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonMap {
    /// Each photo's main face.
    pub faces: Vec<(PathBuf, [f32; 2])>,
    /// Centres: the person's own first, then each cluster's nearest person.
    pub centres: Vec<(String, [f32; 2])>,
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
    /// Held-out recall per person, as the last evaluation measured it.
    pub recall: Vec<RecallRow>,
    /// How long the last retrain took (evaluation and full fit).
    pub seconds: Option<f64>,
    /// Per-person fits the last retrain ran, and those it reused.
    pub refits: Option<(usize, usize)>,
    /// Held-out accuracy of every retrain since the UI opened, oldest first.
    pub history: Vec<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecallRow {
    pub person: String,
    /// Held-out photos of this person.
    pub photos: usize,
    pub recall: Option<f64>,
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
    /// A first look while the analysis runs: the persons are the store's
    /// folders with their photo counts, and nothing is flagged yet.
    pub analysing: bool,
    /// Indexes into the rows above (see [`super::lookups`]); leave it default.
    pub lookups: Lookups,
}

impl DatasetView {
    fn index(&self) -> &Index {
        self.lookups.index(|| {
            let photos = self.photos.iter().map(|p| PhotoKey {
                flagged: !p.flags.is_empty(),
                person: &p.person,
                path: &p.path,
            });
            Index::build(photos, self.persons.iter().map(|p| p.name.as_str()))
        })
    }

    /// Builds the indexes now: the backend calls it on the view it made,
    /// so the UI thread never pays for them.
    pub fn prepare(&self) {
        self.index();
    }

    /// The flagged photos, worst first (the order `photos` is kept in).
    pub fn flagged(&self) -> impl Iterator<Item = &PhotoRow> {
        self.index().flagged.iter().map(|&i| &self.photos[i])
    }

    pub fn flagged_count(&self) -> usize {
        self.index().flagged.len()
    }

    /// A person's photos, worst first.
    pub fn photos_of<'a>(&'a self, person: &str) -> impl Iterator<Item = &'a PhotoRow> + 'a {
        let indices = self.index().by_person.get(person).map(Vec::as_slice);
        indices.unwrap_or_default().iter().map(|&i| &self.photos[i])
    }

    pub fn person_named(&self, name: &str) -> Option<&PersonRow> {
        self.persons.get(*self.index().person_at.get(name)?)
    }

    pub fn photo_at(&self, path: &Path) -> Option<&PhotoRow> {
        self.photos.get(*self.index().photo_at.get(path)?)
    }

    /// Person `i`'s name in lower case.
    pub fn lower_name(&self, i: usize) -> &str {
        self.index().lower_names.get(i).map_or("", String::as_str)
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
