//! Which persons get taken for which, for the page's confusion table. The
//! saved classifier is asked when the workspace has one for this embedder;
//! without one, the analysis's own nearest-person evidence stands in, and
//! the page says which of the two it shows.

use crate::analysis::Report;
use crate::classify::{Model, face_of};
use crate::records::PhotoRecord;
use std::collections::{BTreeMap, HashMap};

/// Example photos kept per pair of persons.
const EXAMPLES: usize = 4;

/// Persons the nearest-person check counts need this many photos: a photo
/// of a person with one other photo (or none) is compared with almost
/// nothing of its own, so anybody explains it better, and such pairs
/// would fill the table (most of LFW is singletons).
pub const NEIGHBOUR_MIN_PHOTOS: usize = 3;

/// Where the confusions come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The saved classifier's answers on the workspace's labelled photos.
    Classifier {
        /// Persons it knows.
        classes: usize,
        /// Accuracy on a held-out split at training time, when measured.
        held_out_accuracy: Option<f64>,
        /// Photos whose best answer was below its threshold (`unknown`).
        unknown: usize,
    },
    /// Photos that another person's photos explain better than their own
    /// person's (the analysis's leave-one-out score above 0); `why` says
    /// why the classifier was not used.
    Neighbours { why: String },
}

/// One filed person taken for another.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfusionRow {
    pub person: String,
    pub taken_for: String,
    pub count: usize,
    /// Dataset-relative keys of up to a few of those photos, with the box
    /// of the face judged.
    pub examples: Vec<(String, Option<[f32; 4]>)>,
}

/// The confusion table, most frequent pair first.
#[derive(Debug, Clone, PartialEq)]
pub struct Confusions {
    pub source: Source,
    /// Photos that were judged (those with a face, of persons the source knows).
    pub judged: usize,
    pub rows: Vec<ConfusionRow>,
}

impl Confusions {
    /// The saved classifier's answers on `records` (photos with a face, of
    /// persons it knows). It was trained on these very photos, so what it
    /// still gives to someone else is a photo it could not fit.
    pub fn from_classifier(model: &Model, records: &[PhotoRecord]) -> Confusions {
        let known: std::collections::HashSet<&str> = model.class_names().into_iter().collect();
        let judged: Vec<(&PhotoRecord, &crate::pipeline::Face)> = records
            .iter()
            .filter(|r| known.contains(r.person.as_str()))
            .filter_map(|r| face_of(r).map(|f| (r, f)))
            .collect();
        let answers = crate::par::map(
            &judged,
            |(r, _)| format!("classifying {}", crate::shown::path(&r.path)),
            |(_, f)| model.predict(&f.embedding),
        );
        let mut table = Table::default();
        let mut unknown = 0;
        for ((record, face), answer) in judged.iter().zip(&answers) {
            unknown += usize::from(answer.unknown);
            if !answer.unknown && answer.person != record.person {
                let key = crate::pathkey::key_or_lossy(&record.path);
                table.add(&record.person, &answer.person, key, Some(face.bbox));
            }
        }
        Confusions {
            source: Source::Classifier {
                classes: known.len(),
                held_out_accuracy: model.held_out_accuracy,
                unknown,
            },
            judged: judged.len(),
            rows: table.rows(),
        }
    }

    /// The analysis's nearest-person evidence: each photo with a face, of
    /// a person with at least [`NEIGHBOUR_MIN_PHOTOS`] photos, whose score
    /// is above 0, counted under the person it resembles.
    pub fn from_report(report: &Report, why: String) -> Confusions {
        let sizes: HashMap<&str, usize> = report
            .persons
            .iter()
            .map(|p| (p.name.as_str(), p.photos))
            .collect();
        let compared =
            |person: &str| sizes.get(person).copied().unwrap_or(0) >= NEIGHBOUR_MIN_PHOTOS;
        let mut table = Table::default();
        let mut judged = 0;
        let with_face = report.photos.iter().filter(|p| p.face_box.is_some());
        for p in with_face.filter(|p| compared(&p.person)) {
            judged += 1;
            if let (Some(score), Some(other)) = (p.score, &p.nearest_person)
                && score > 0.0
            {
                table.add(&p.person, other, p.path.clone(), p.face_box);
            }
        }
        Confusions {
            source: Source::Neighbours { why },
            judged,
            rows: table.rows(),
        }
    }

    /// Photos taken for another person, over all rows.
    pub fn total(&self) -> usize {
        self.rows.iter().map(|r| r.count).sum()
    }
}

/// Counts per (filed person, taken for), in name order until sorted.
#[derive(Default)]
struct Table(BTreeMap<(String, String), ConfusionRow>);

impl Table {
    fn add(&mut self, person: &str, taken_for: &str, key: String, face: Option<[f32; 4]>) {
        let row = self
            .0
            .entry((person.to_owned(), taken_for.to_owned()))
            .or_insert_with(|| ConfusionRow {
                person: person.to_owned(),
                taken_for: taken_for.to_owned(),
                count: 0,
                examples: Vec::new(),
            });
        row.count += 1;
        if row.examples.len() < EXAMPLES {
            row.examples.push((key, face));
        }
    }

    fn rows(self) -> Vec<ConfusionRow> {
        let mut rows: Vec<ConfusionRow> = self.0.into_values().collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.count));
        rows
    }
}
