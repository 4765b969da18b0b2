//! Training data as the classifier sees it: one embedding per photo (the
//! face that stands for it), labelled by person.

use super::keys::sample_key;
use crate::pipeline::{Face, main_face_index};
use crate::records::{PhotoRecord, PhotoStatus};
use rayon::prelude::*;
use std::collections::HashMap;

/// The face that stands for a photo: its only face, or with several the one
/// facenet's alignment would keep ([`main_face_index`]). None for photos
/// that failed or show no face.
pub fn face_of(record: &PhotoRecord) -> Option<&Face> {
    if record.status != PhotoStatus::Ok {
        return None;
    }
    main_face(&record.faces, record.width, record.height).and_then(|i| record.faces.get(i))
}

/// Index of the face that stands for a photo of this size (see [`face_of`]).
pub fn main_face(faces: &[Face], width: u32, height: u32) -> Option<usize> {
    match faces.len() {
        0 => None,
        1 => Some(0),
        _ => {
            let boxes: Vec<[f32; 4]> = faces.iter().map(|f| f.bbox).collect();
            main_face_index(&boxes, width, height)
        }
    }
}

/// Training data: one embedding per photo, labelled by class index.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// Person names, sorted; a label is an index into this.
    pub classes: Vec<String>,
    pub embeddings: Vec<Vec<f32>>,
    pub labels: Vec<usize>,
    /// For each sample, the index of the record it came from (or the
    /// caller's own index when built with [`Samples::from_labelled`]).
    pub origin: Vec<usize>,
    /// Each sample's [`sample_key`] (empty when built by hand: then
    /// [`Samples::keys`] computes them).
    pub keys: Vec<u64>,
}

impl Samples {
    /// The photos with a usable face, of persons with at least `min_images`
    /// such photos.
    pub fn from_records(records: &[PhotoRecord], min_images: usize) -> Samples {
        let items = records.iter().enumerate().filter_map(|(i, r)| {
            face_of(r).map(|f| (i, r.person.as_str(), f.embedding.as_slice()))
        });
        Samples::from_labelled(items, min_images)
    }

    /// Builds samples from `(origin, person, embedding)`, keeping persons with
    /// at least `min_images` of them. Samples are ordered by their key
    /// ([`sample_key`]), not by origin: a photo keeps its place among the
    /// others when it moves to another person or the records are reordered,
    /// so the fits it does not take part in see the very same problem.
    pub fn from_labelled<'a>(
        items: impl IntoIterator<Item = (usize, &'a str, &'a [f32])>,
        min_images: usize,
    ) -> Samples {
        let items: Vec<_> = items.into_iter().collect();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (_, person, _) in &items {
            *counts.entry(person).or_default() += 1;
        }
        let mut classes: Vec<String> = counts
            .iter()
            .filter(|(_, n)| **n >= min_images.max(1))
            .map(|(p, _)| p.to_string())
            .collect();
        classes.sort_unstable();
        let index: HashMap<&str, usize> = classes
            .iter()
            .enumerate()
            .map(|(k, c)| (c.as_str(), k))
            .collect();
        // Only the photos of persons kept are hashed (a third at 1M faces).
        let mut kept: Vec<(u64, usize, usize)> = items
            .par_iter()
            .enumerate()
            .filter_map(|(i, (_, person, e))| Some((sample_key(e), *index.get(person)?, i)))
            .collect();
        kept.par_sort_unstable_by_key(|&(key, label, i)| (key, &classes[label], i));
        let mut out = Samples {
            keys: Vec::with_capacity(kept.len()),
            ..Samples::default()
        };
        for (key, label, i) in kept {
            let (origin, _, embedding) = items[i];
            out.keys.push(key);
            out.embeddings.push(embedding.to_vec());
            out.labels.push(label);
            out.origin.push(origin);
        }
        out.classes = classes;
        out
    }

    /// Each sample's [`sample_key`].
    pub fn keys(&self) -> Vec<u64> {
        if self.keys.len() == self.len() {
            self.keys.clone()
        } else {
            super::keys::sample_keys(&self.embeddings)
        }
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The samples at `rows`, keeping the same classes.
    pub fn subset(&self, rows: &[usize]) -> Samples {
        Samples {
            classes: self.classes.clone(),
            embeddings: rows.iter().map(|&r| self.embeddings[r].clone()).collect(),
            labels: rows.iter().map(|&r| self.labels[r]).collect(),
            origin: rows.iter().map(|&r| self.origin[r]).collect(),
            keys: match self.keys.len() == self.len() {
                true => rows.iter().map(|&r| self.keys[r]).collect(),
                false => Vec::new(),
            },
        }
    }
}
