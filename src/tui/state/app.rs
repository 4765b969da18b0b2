//! The UI's whole state. It changes only in `update` (on the UI thread);
//! `render` reads it. It says what is on screen (which photo, which
//! overlay) but holds nothing made for a particular terminal: images
//! encoded for a graphics protocol are the terminal layer's.

use super::graphics::{Graphics, Setting};
use super::keys::Keymap;
use super::lookups::PeopleSlot;
use super::model::{ClusterRow, DatasetView, DuplicateRow, PersonRow, PhotoRow, Progress};
use super::thumb_cache::ThumbCache;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    People,
    Person,
    Review,
    Duplicates,
    Classifier,
    Problems,
}

impl Screen {
    /// The screens Tab cycles through (Person opens from People).
    pub const TABS: [Screen; 5] = [
        Screen::People,
        Screen::Review,
        Screen::Duplicates,
        Screen::Classifier,
        Screen::Problems,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::People => "People",
            Screen::Person => "Person",
            Screen::Review => "Review",
            Screen::Duplicates => "Duplicates",
            Screen::Classifier => "Classifier",
            Screen::Problems => "Problems",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Flags,
    Name,
    Size,
}

/// A modal on top of the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    /// Typing a search over people.
    Search,
    /// Fuzzy person picker for moving `target`.
    Picker {
        target: MoveTarget,
        query: String,
        selected: usize,
    },
    /// Asking before deleting `photo` to the trash (keeping `kept`, its
    /// duplicate, when the user chose which of a pair to keep).
    ConfirmDelete {
        photo: PathBuf,
        kept: Option<PathBuf>,
    },
    /// Typing the name of a new person for inbox `photos` (one step).
    NewPerson {
        photos: Vec<PathBuf>,
        name: String,
    },
}

/// What the move picker moves: one photo, or a whole cluster in one step.
#[derive(Debug, Clone, PartialEq)]
pub enum MoveTarget {
    Photo(PathBuf),
    Cluster(Vec<PathBuf>),
}

#[derive(Debug, Clone)]
pub struct App {
    pub data: DatasetView,
    pub screen: Screen,
    pub keymap: Keymap,
    pub overlay: Option<Overlay>,
    pub sort: SortBy,
    pub search: String,
    /// Selected row per list screen.
    pub people_sel: usize,
    pub person_sel: usize,
    pub review_sel: usize,
    pub dup_sel: usize,
    pub problem_sel: usize,
    /// On the Duplicates screen: the right photo of the pair is the one
    /// move, delete and review act on (else the left).
    pub dup_right: bool,
    /// The person open on the Person screen.
    pub person: Option<String>,
    /// The cluster (index into the person's `clusters`) the Person screen
    /// is narrowed to; `None` shows all their photos.
    pub cluster: Option<usize>,
    /// The Person screen shows the 2-D map instead of the grid.
    pub map: bool,
    pub progress: Progress,
    /// The last change made, with the key that undoes it.
    pub last_action: Option<String>,
    /// The last change was an undo, so the status bar offers redo.
    pub undone: bool,
    pub error: Option<String>,
    pub color: bool,
    pub quit: bool,
    /// Decoded previews by relative path, filled by the thumbnail worker.
    pub thumbs: ThumbCache,
    /// How photos are drawn (resolved from `graphics_setting` at start).
    pub graphics: Graphics,
    pub graphics_setting: Setting,
    /// The terminal's size in cells, for the Person grid's moves.
    pub size: (u16, u16),
}

impl App {
    pub fn new(data: DatasetView, keymap: Keymap, color: bool) -> App {
        App {
            data,
            screen: Screen::People,
            keymap,
            overlay: None,
            sort: SortBy::default(),
            search: String::new(),
            people_sel: 0,
            person_sel: 0,
            review_sel: 0,
            dup_sel: 0,
            problem_sel: 0,
            dup_right: false,
            person: None,
            cluster: None,
            map: false,
            progress: Progress::default(),
            last_action: None,
            undone: false,
            error: None,
            color,
            quit: false,
            thumbs: ThumbCache::default(),
            graphics: Graphics::Halfblocks,
            graphics_setting: Setting::Auto,
            size: (0, 0),
        }
    }

    /// People as listed: filtered by the search, in the chosen order. The
    /// sorted list is made once per sort and a search filters it, so a key
    /// typed into the search never sorts.
    pub fn people(&self) -> People<'_> {
        let rows = &self.data.persons;
        let sort = format!("{:?}", self.sort);
        let sorted = sorted_people(&self.data, self.sort);
        if self.search.is_empty() {
            return People {
                order: sorted,
                rows,
            };
        }
        let query = self.search.to_lowercase();
        let key = format!("{sort}\n{query}");
        let order = self
            .data
            .lookups
            .people_order(PeopleSlot::Searched, &key, || {
                sorted
                    .iter()
                    .copied()
                    .filter(|&i| fuzzy_score(self.data.lower_name(i), &query).is_some())
                    .collect()
            });
        People { order, rows }
    }

    /// The open person's photos (of the selected cluster, if one is),
    /// farthest from their centre first.
    pub fn person_photos(&self) -> Vec<&PhotoRow> {
        let members: Option<std::collections::HashSet<&Path>> = self
            .selected_cluster()
            .map(|c| c.photos.iter().map(PathBuf::as_path).collect());
        let mut rows: Vec<&PhotoRow> = match &self.person {
            Some(name) => self
                .data
                .photos_of(name)
                .filter(|p| {
                    members
                        .as_ref()
                        .is_none_or(|m| m.contains(p.path.as_path()))
                })
                .collect(),
            None => Vec::new(),
        };
        let key = |p: &PhotoRow| p.distance.unwrap_or(f32::NEG_INFINITY);
        rows.sort_by(|a, b| key(b).total_cmp(&key(a)));
        rows
    }

    /// The open person's row.
    pub fn open_person(&self) -> Option<&PersonRow> {
        self.data.person_named(self.person.as_deref()?)
    }

    /// The cluster the Person screen is narrowed to, if any.
    pub fn selected_cluster(&self) -> Option<&ClusterRow> {
        self.open_person()?.clusters.get(self.cluster?)
    }

    pub fn review_rows(&self) -> Vec<&PhotoRow> {
        self.data.flagged().collect()
    }

    pub fn review_count(&self) -> usize {
        self.data.flagged_count()
    }

    /// The photo under the cursor on the current screen, if any.
    pub fn selected_photo(&self) -> Option<&PhotoRow> {
        match self.screen {
            Screen::Person => self.person_photos().get(self.person_sel).copied(),
            Screen::Review => self.review_rows().get(self.review_sel).copied(),
            Screen::Duplicates => self.data.photo_at(self.selected_path()?),
            _ => None,
        }
    }

    pub fn selected_pair(&self) -> Option<&DuplicateRow> {
        match self.screen {
            Screen::Duplicates => self.data.duplicates.get(self.dup_sel),
            _ => None,
        }
    }

    /// The path of the photo under the cursor (on a pair, the side picked).
    pub fn selected_path(&self) -> Option<&Path> {
        if let Some(row) = self.inbox_selected() {
            return Some(&row.path);
        }
        if self.screen != Screen::Duplicates {
            return self.selected_photo().map(|p| p.path.as_path());
        }
        let pair = self.selected_pair()?;
        Some(if self.dup_right { &pair.b } else { &pair.a })
    }

    /// The photo that stands for `person`: the one nearest their centre.
    /// The large preview shows it beside a photo that resembles them.
    pub fn example_of<'a>(&'a self, person: &'a str) -> Option<&'a PhotoRow> {
        self.data.photos_of(person).min_by(|a, b| {
            let d = |p: &PhotoRow| p.distance.unwrap_or(f32::INFINITY);
            d(a).total_cmp(&d(b))
        })
    }

    /// Candidates for the move picker, best match first.
    pub fn picker_matches(&self, query: &str) -> Vec<String> {
        let q = query.to_lowercase();
        let mut scored: Vec<(i64, &str)> = self
            .data
            .persons
            .iter()
            .filter_map(|p| fuzzy_score(&p.name.to_lowercase(), &q).map(|s| (s, p.name.as_str())))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().map(|(_, n)| n.to_string()).collect()
    }
}

/// Subsequence match: every query character in order. Higher is better
/// (contiguous runs and early starts score more); `None` when it does not match.
pub fn fuzzy_score(candidate: &str, query: &str) -> Option<i64> {
    if query.is_empty() {
        return Some(0);
    }
    let mut score = 0i64;
    let mut last: Option<usize> = None;
    let mut chars = candidate.char_indices();
    for q in query.chars() {
        let (i, _) = chars.by_ref().find(|(_, c)| *c == q)?;
        score += match last {
            Some(l) if i == l + 1 => 10,
            _ => 1,
        };
        if last.is_none() {
            score -= i as i64;
        }
        last = Some(i);
    }
    Some(score)
}

/// The People list: rows of the view in the list's order.
pub struct People<'a> {
    order: std::sync::Arc<[usize]>,
    rows: &'a [PersonRow],
}

impl<'a> People<'a> {
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn get(&self, i: usize) -> Option<&'a PersonRow> {
        self.order.get(i).and_then(|&row| self.rows.get(row))
    }

    /// The rows at list positions `range` (those on screen).
    pub fn window(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = &'a PersonRow> + '_ {
        let rows = self.rows;
        self.order[range].iter().map(move |&i| &rows[i])
    }

    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = &'a PersonRow> + '_ {
        self.window(0..self.order.len())
    }
}

impl std::ops::Index<usize> for People<'_> {
    type Output = PersonRow;

    fn index(&self, i: usize) -> &PersonRow {
        &self.rows[self.order[i]]
    }
}

/// Every person in `sort`'s order, memoised in the view. The backend makes
/// the default order beside the view (see `data::view_of_report`): at a
/// million photos the sort was the first frame's slowest part.
pub fn sorted_people(data: &DatasetView, sort: SortBy) -> std::sync::Arc<[usize]> {
    let rows = &data.persons;
    data.lookups
        .people_order(PeopleSlot::Sorted, &format!("{sort:?}"), || {
            let mut order: Vec<usize> = (0..rows.len()).collect();
            let by = |i: &usize| &rows[*i];
            match sort {
                // Most work first: flagged photos, then the person's own flags.
                SortBy::Flags => order.sort_by(|a, b| {
                    let (a, b) = (by(a), by(b));
                    (b.flagged, b.flags.len())
                        .cmp(&(a.flagged, a.flags.len()))
                        .then(a.name.cmp(&b.name))
                }),
                SortBy::Name => order.sort_by(|a, b| by(a).name.cmp(&by(b).name)),
                SortBy::Size => order.sort_by(|a, b| {
                    let (a, b) = (by(a), by(b));
                    b.photos.cmp(&a.photos).then(a.name.cmp(&b.name))
                }),
            }
            order
        })
}
