//! What the page shows of a report: each section cut to its limit, and the
//! list of pictures those items need (asked for once, made in parallel).

use super::confusion::{ConfusionRow, Confusions};
use super::input::Limits;
use super::pics::Pic;
use crate::analysis::{DuplicateReport, Flag, PersonReport, PhotoReport, Report};
use std::collections::HashMap;

/// Longest side of a flagged photo's face.
pub const FINDING_SIDE: u32 = 112;
/// Longest side of each photo of a duplicate pair (kept whole).
pub const PAIR_SIDE: u32 = 160;
/// Longest side of a face in a person's strip.
pub const STRIP_SIDE: u32 = 80;
/// Longest side of an example face in the confusion table.
pub const EXAMPLE_SIDE: u32 = 64;

/// A section's items as shown, and how many there were in all.
pub struct Capped<T> {
    pub shown: Vec<T>,
    pub total: usize,
}

impl<T> Capped<T> {
    fn of(items: impl IntoIterator<Item = T>, limit: usize) -> Capped<T> {
        let mut shown = Vec::new();
        let mut total = 0;
        for item in items {
            total += 1;
            if shown.len() < limit {
                shown.push(item);
            }
        }
        Capped { shown, total }
    }
}

/// A photo in a strip: its key and the face judged.
pub type Face<'a> = (&'a str, Option<[f32; 4]>);

/// Photos shown together: a split group, or one folder's photos.
pub struct Group<'a> {
    /// The folder, when the group is a whole folder (a merge shows the
    /// person's folder beside the folders it is one person with).
    pub folder: Option<&'a str>,
    pub photos: Capped<Face<'a>>,
}

/// A flagged person with their photos as the analysis groups them: the
/// split groups (largest first) or, for a folder that is one person with
/// another, its photos and then the other folders'.
pub struct PersonStrip<'a> {
    pub person: &'a PersonReport,
    pub groups: Capped<Group<'a>>,
}

pub struct Selection<'a> {
    /// Photos with a problem flag, worst first.
    pub findings: Capped<&'a PhotoReport>,
    pub duplicates: Capped<&'a DuplicateReport>,
    pub persons: Capped<PersonStrip<'a>>,
    pub confusions: Capped<&'a ConfusionRow>,
}

impl<'a> Selection<'a> {
    pub fn of(report: &'a Report, confusions: &'a Confusions, limits: &Limits) -> Selection<'a> {
        let is_problem = |p: &&PhotoReport| p.flags.iter().any(|f| f.is_problem());
        let by_key: HashMap<&str, &PhotoReport> =
            report.photos.iter().map(|p| (p.path.as_str(), p)).collect();
        let flagged = report.persons.iter().filter(|p| !p.flags.is_empty());
        let strips = flagged.map(|person| PersonStrip {
            person,
            groups: groups_of(person, report, &by_key, limits),
        });
        Selection {
            findings: Capped::of(report.photos.iter().filter(is_problem), limits.findings),
            duplicates: Capped::of(&report.duplicates, limits.duplicates),
            persons: Capped::of(strips, limits.persons),
            confusions: Capped::of(&confusions.rows, limits.confusions),
        }
    }

    /// Every picture the page will show.
    pub fn pics(&self) -> Vec<Pic> {
        let mut pics = Vec::new();
        for p in &self.findings.shown {
            pics.push(Pic::face(&p.path, FINDING_SIDE, p.face_box));
        }
        for d in &self.duplicates.shown {
            pics.push(Pic::whole(&d.a, PAIR_SIDE));
            pics.push(Pic::whole(&d.b, PAIR_SIDE));
        }
        for strip in &self.persons.shown {
            for &(key, face) in strip.groups.shown.iter().flat_map(|g| &g.photos.shown) {
                pics.push(Pic::face(key, STRIP_SIDE, face));
            }
        }
        for row in &self.confusions.shown {
            for (key, face) in &row.examples {
                pics.push(Pic::face(key, EXAMPLE_SIDE, *face));
            }
        }
        pics
    }
}

/// A person's photos in groups: the split groups the report names (the
/// largest first), else the folder's photos and those of the folders it
/// is one person with, each in the report's order (worst first).
fn groups_of<'a>(
    person: &'a PersonReport,
    report: &'a Report,
    by_key: &HashMap<&str, &'a PhotoReport>,
    limits: &Limits,
) -> Capped<Group<'a>> {
    let per_group = limits.per_group;
    if person.flags.contains(&Flag::Split) && !person.split_groups.is_empty() {
        let face = |key: &'a str| (key, by_key.get(key).and_then(|p| p.face_box));
        let groups = person.split_groups.iter().map(|g| Group {
            folder: None,
            photos: Capped::of(g.iter().map(|k| face(k.as_str())), per_group),
        });
        return Capped::of(groups, limits.groups);
    }
    let folders = std::iter::once(&person.name).chain(&person.merge_with);
    let groups = folders.map(|name| {
        let own = report.photos.iter().filter(|p| &p.person == name);
        Group {
            folder: Some(name.as_str()),
            photos: Capped::of(own.map(|p| (p.path.as_str(), p.face_box)), per_group),
        }
    });
    Capped::of(groups, limits.groups)
}
