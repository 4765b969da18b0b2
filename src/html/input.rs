//! What a page is made of and how much of it is shown: the plain values
//! the front end hands over, a leaf every part of the page can name.

use super::confusion::Confusions;
use crate::analysis::Report;
use std::path::Path;

/// How many items each section shows at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Flagged photos, worst first.
    pub findings: usize,
    /// Duplicate pairs.
    pub duplicates: usize,
    /// Flagged persons.
    pub persons: usize,
    /// Groups shown per person (a split folder can fall into many).
    pub groups: usize,
    /// Photos shown per group of a person.
    pub per_group: usize,
    /// Rows of the confusion table.
    pub confusions: usize,
}

impl Default for Limits {
    /// Sized so that a full page stays under 20 MB: at most 3,600
    /// pictures of 2–7 kB each (about 12 MB estimated with every section
    /// full; the 9,525-photo LFW training set makes 2.2 MB).
    fn default() -> Limits {
        Limits {
            findings: 200,
            duplicates: 100,
            persons: 50,
            groups: 5,
            per_group: 12,
            confusions: 50,
        }
    }
}

/// What a page is made of.
pub struct PageInput<'a> {
    pub report: &'a Report,
    /// The dataset folder, where the pictures are read from.
    pub root: &'a Path,
    /// The dataset's name, for the title.
    pub title: &'a str,
    pub confusions: &'a Confusions,
}
