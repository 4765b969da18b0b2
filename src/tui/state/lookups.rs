//! Indexes into a [`DatasetView`], so that drawing a frame or moving the
//! cursor costs what is on screen, not what is in the dataset: at a million
//! photos, filtering every photo for the Review count or for one person's
//! photos on each frame was most of a frame's time. A view is replaced
//! whole when the dataset changes, so its indexes are built once, on first
//! use, and never go stale (a test that edits a view's rows does so before
//! showing it).

use super::app::SortBy;
use super::model::{DatasetView, PersonRow, PhotoRow};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Built on first use from the view's rows. Derived data: two views
/// compare equal whatever their lookups hold, and a copy of a view builds
/// its own (a test may edit the copy's rows).
#[derive(Debug, Default)]
pub struct Lookups(Box<Inner>);

/// Boxed: a view travels to the UI in a message that should stay small.
#[derive(Debug, Default)]
struct Inner {
    index: OnceLock<Index>,
    /// The People list's order for one search and sort: the last asked.
    people: Mutex<Option<PeopleOrder>>,
}

#[derive(Debug)]
struct PeopleOrder {
    search: String,
    sort: SortBy,
    order: Arc<[usize]>,
}

impl PartialEq for Lookups {
    fn eq(&self, _: &Lookups) -> bool {
        true
    }
}

impl Clone for Lookups {
    fn clone(&self) -> Lookups {
        Lookups::default()
    }
}

#[derive(Debug, Clone, Default)]
struct Index {
    /// Indices of the flagged photos, in the photos' order.
    flagged: Vec<usize>,
    /// Each person's photo indices, in the photos' order.
    by_person: HashMap<String, Vec<usize>>,
    person_at: HashMap<String, usize>,
    photo_at: HashMap<PathBuf, usize>,
    /// Each person's name in lower case, for the search.
    lower_names: Vec<String>,
}

impl Index {
    fn of(view: &DatasetView) -> Index {
        let mut index = Index::default();
        for (i, p) in view.photos.iter().enumerate() {
            if !p.flags.is_empty() {
                index.flagged.push(i);
            }
            index.by_person.entry(p.person.clone()).or_default().push(i);
            index.photo_at.entry(p.path.clone()).or_insert(i);
        }
        for (i, p) in view.persons.iter().enumerate() {
            index.person_at.entry(p.name.clone()).or_insert(i);
            index.lower_names.push(p.name.to_lowercase());
        }
        index
    }
}

impl DatasetView {
    fn index(&self) -> &Index {
        self.lookups.0.index.get_or_init(|| Index::of(self))
    }

    /// Builds the indexes now: the backend calls it on the view it made,
    /// so the UI thread never pays for them.
    pub fn prepare(&self) {
        self.index();
    }

    /// Person `i`'s name in lower case.
    pub fn lower_name(&self, i: usize) -> &str {
        self.index().lower_names.get(i).map_or("", String::as_str)
    }

    /// The People list's order (indices into `persons`) for `search` and
    /// `sort`: `make` runs only when they differ from the last asked.
    pub fn people_order(
        &self,
        search: &str,
        sort: SortBy,
        make: impl FnOnce() -> Vec<usize>,
    ) -> Arc<[usize]> {
        let mut memo = self
            .lookups
            .0
            .people
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match memo.as_ref() {
            Some(m) if m.search == search && m.sort == sort => Arc::clone(&m.order),
            _ => {
                let order: Arc<[usize]> = make().into();
                *memo = Some(PeopleOrder {
                    search: search.to_string(),
                    sort,
                    order: Arc::clone(&order),
                });
                order
            }
        }
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
        let i = *self.index().person_at.get(name)?;
        self.persons.get(i)
    }

    pub fn photo_at(&self, path: &Path) -> Option<&PhotoRow> {
        let i = *self.index().photo_at.get(path)?;
        self.photos.get(i)
    }
}
