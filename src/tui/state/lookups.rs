//! Indexes into a dataset view (`model::DatasetView`), so that drawing a
//! frame or moving the cursor costs what is on screen, not what is in the
//! dataset: at a million photos, filtering every photo for the Review count
//! or for one person's photos on each frame was most of a frame's time. A
//! view is replaced whole when the dataset changes, so its indexes are
//! built once (by the backend, beside the view) and never go stale; a test
//! that edits a view's rows does so before showing it.
//!
//! Plain indices and names only: the view builds them from its rows.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Built on first use from the view's rows. Derived data: two views
/// compare equal whatever their lookups hold, and a copy of a view builds
/// its own.
#[derive(Debug, Default)]
pub struct Lookups(Box<Inner>);

/// Boxed: a view travels to the UI in a message that should stay small.
#[derive(Debug, Default)]
struct Inner {
    index: OnceLock<Index>,
    /// The People list's orders: by slot, the last key asked and its order.
    people: Mutex<[Option<KeyedOrder>; 2]>,
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

/// A People order and the key it was made for.
type KeyedOrder = (String, Arc<[usize]>);

/// One photo as the index sees it.
pub struct PhotoKey<'a> {
    pub flagged: bool,
    pub person: &'a str,
    pub path: &'a Path,
}

#[derive(Debug, Default)]
pub struct Index {
    /// Indices of the flagged photos, in the photos' order.
    pub flagged: Vec<usize>,
    /// Each person's photo indices, in the photos' order.
    pub by_person: HashMap<String, Vec<usize>>,
    pub person_at: HashMap<String, usize>,
    pub photo_at: HashMap<PathBuf, usize>,
    /// Each person's name in lower case, for the search.
    pub lower_names: Vec<String>,
}

impl Index {
    pub fn build<'a>(
        photos: impl Iterator<Item = PhotoKey<'a>>,
        persons: impl Iterator<Item = &'a str>,
    ) -> Index {
        let mut index = Index::default();
        for (i, p) in photos.enumerate() {
            if p.flagged {
                index.flagged.push(i);
            }
            index
                .by_person
                .entry(p.person.to_string())
                .or_default()
                .push(i);
            index.photo_at.entry(p.path.to_path_buf()).or_insert(i);
        }
        for (i, name) in persons.enumerate() {
            index.person_at.entry(name.to_string()).or_insert(i);
            index.lower_names.push(name.to_lowercase());
        }
        index
    }
}

impl Lookups {
    /// The index, built by `build` the first time.
    pub fn index(&self, build: impl FnOnce() -> Index) -> &Index {
        self.0.index.get_or_init(build)
    }

    /// A People order kept in `slot` (0: the whole list in one sort, 1: a
    /// search's matches) for `key`: `make` runs only when the key differs
    /// from the last asked of that slot.
    pub fn people_order(
        &self,
        slot: PeopleSlot,
        key: &str,
        make: impl FnOnce() -> Vec<usize>,
    ) -> Arc<[usize]> {
        let i = slot as usize;
        let known = self.0.people.lock().map_or_else(
            |poisoned| poisoned.into_inner()[i].clone(),
            |memo| memo[i].clone(),
        );
        if let Some((known, order)) = known
            && known == key
        {
            return order;
        }
        // Made outside the lock: a search's order is made from the sorted one.
        let order: Arc<[usize]> = make().into();
        let mut memo = self
            .0
            .people
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        memo[i] = Some((key.to_string(), Arc::clone(&order)));
        order
    }
}

/// Which People order a memo slot keeps.
#[derive(Debug, Clone, Copy)]
pub enum PeopleSlot {
    Sorted = 0,
    Searched = 1,
}
