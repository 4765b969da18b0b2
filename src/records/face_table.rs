//! What a view of the dataset needs of its records once the analysis is
//! done: each photo's faces as unit vectors in one flat array, which of
//! them is its main face, its person, and why an unusable photo is so.
//! At a million photos the records take about a gigabyte (every face's
//! vector an allocation of its own, beside content hashes, boxes and
//! landmarks) and the views built two more copies of the vectors on top;
//! this table holds them once, and a view finds a photo in it by binary
//! search on its report key instead of through maps of every path.

use super::{PhotoRecord, PhotoStatus};
use crate::pathkey::key_or_lossy;
use crate::pipeline::main_face_index;
use crate::vector::{dot, normalized};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One photo: its report key, its person, its faces' rows `start..end` in
/// the vectors, its main face's row, and why it is unusable if it is.
struct Photo {
    key: String,
    person: u32,
    start: u32,
    end: u32,
    main: Option<u32>,
    problem: Option<Box<str>>,
}

/// The records' faces and persons, keyed like the report's photos.
#[derive(Default)]
pub struct FaceTable {
    dim: usize,
    /// Sorted by key.
    photos: Vec<Photo>,
    person_ids: HashMap<String, u32>,
    /// Each person's photos (indexes into `photos`), by person id.
    members: Vec<Vec<u32>>,
    /// Unit vectors, `dim` floats per face.
    vectors: Vec<f32>,
    /// Every person's centre, made on first use: the view's distances and
    /// the persons' maps both need them.
    centres: OnceLock<Vec<Option<Vec<f32>>>>,
}

impl FaceTable {
    /// The table of `records`, taking them (each record is freed as it is
    /// read). Faces whose vector length differs from the first face's are
    /// left out, as the analysis leaves them out.
    pub fn new(records: Vec<PhotoRecord>) -> FaceTable {
        let dim = (records.iter())
            .find_map(|r| r.faces.first())
            .map_or(0, |f| f.embedding.len());
        let mut table = FaceTable {
            dim,
            ..FaceTable::default()
        };
        for record in records {
            table.push(record);
        }
        table.photos.sort_by(|a, b| a.key.cmp(&b.key));
        table.vectors.shrink_to_fit();
        for (i, photo) in table.photos.iter().enumerate() {
            table.members[photo.person as usize].push(i as u32);
        }
        table
    }

    fn push(&mut self, record: PhotoRecord) {
        let person = self.person_id(&record.person);
        let start = (self.vectors.len() / self.dim.max(1)) as u32;
        let usable = record.status == PhotoStatus::Ok;
        let boxes: Vec<[f32; 4]> = record.faces.iter().map(|f| f.bbox).collect();
        let main = usable
            .then(|| main_face_index(&boxes, record.width, record.height))
            .flatten();
        let mut main_row = None;
        for (i, face) in record.faces.iter().enumerate() {
            if usable && self.dim > 0 && face.embedding.len() == self.dim {
                if main == Some(i) {
                    main_row = Some((self.vectors.len() / self.dim) as u32);
                }
                self.vectors.extend(normalized(&face.embedding));
            }
        }
        let problem = match record.status {
            PhotoStatus::Error(cause) => Some(cause.into_boxed_str()),
            PhotoStatus::Ok if record.faces.is_empty() => Some("no face found".into()),
            PhotoStatus::Ok => None,
        };
        self.photos.push(Photo {
            key: key_or_lossy(&record.path),
            person,
            start,
            end: (self.vectors.len() / self.dim.max(1)) as u32,
            main: main_row,
            problem,
        });
    }

    fn person_id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.person_ids.get(name) {
            return id;
        }
        let id = self.members.len() as u32;
        self.person_ids.insert(name.to_string(), id);
        self.members.push(Vec::new());
        id
    }

    /// Photos in the table.
    pub fn len(&self) -> usize {
        self.photos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.photos.is_empty()
    }

    /// The photo with report key `key`, if the table has it.
    pub fn find(&self, key: &str) -> Option<usize> {
        self.photos
            .binary_search_by(|p| p.key.as_str().cmp(key))
            .ok()
    }

    /// Photo `i`'s report key.
    pub fn key(&self, i: usize) -> &str {
        &self.photos[i].key
    }

    /// Why photo `i` cannot be used (unreadable, or no face found).
    pub fn problem(&self, i: usize) -> Option<&str> {
        self.photos[i].problem.as_deref()
    }

    /// Photo `i`'s main face (facenet's largest-and-central choice), unit.
    pub fn main_vector(&self, i: usize) -> Option<&[f32]> {
        let row = self.photos[i].main? as usize;
        Some(&self.vectors[row * self.dim..(row + 1) * self.dim])
    }

    /// The person filed as `name`, if any photo is.
    pub fn person(&self, name: &str) -> Option<usize> {
        self.person_ids.get(name).map(|&id| id as usize)
    }

    /// Person `p`'s photos, in key order.
    pub fn members(&self, p: usize) -> &[u32] {
        &self.members[p]
    }

    /// Every person's centre, the unit mean of their photos' main faces
    /// (none for a person without one), by person.
    pub fn centres(&self) -> &[Option<Vec<f32>>] {
        self.centres.get_or_init(|| self.make_centres())
    }

    fn make_centres(&self) -> Vec<Option<Vec<f32>>> {
        (0..self.members.len())
            .map(|p| {
                let mut sum = vec![0f32; self.dim];
                let mut any = false;
                for v in self.members[p]
                    .iter()
                    .filter_map(|&i| self.main_vector(i as usize))
                {
                    sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
                    any = true;
                }
                any.then(|| normalized(&sum))
            })
            .collect()
    }

    /// Each photo's cosine distance from its person's centre (see
    /// [`FaceTable::centres`]), by photo; a photo with several faces is
    /// judged by the one nearest the centre.
    pub fn centre_distances(&self) -> Vec<Option<f32>> {
        let centres = self.centres();
        (self.photos.iter())
            .map(|p| {
                let c = centres[p.person as usize].as_deref()?;
                (p.start..p.end)
                    .map(|row| row as usize * self.dim)
                    .map(|at| 1.0 - dot(&self.vectors[at..at + self.dim], c))
                    .min_by(f32::total_cmp)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Face;

    fn face(x: f32, y: f32, bbox: [f32; 4]) -> Face {
        Face {
            bbox,
            landmarks: [[0.0; 2]; 5],
            score: 0.9,
            embedding: vec![x, y, 0.0],
            thumb: Vec::new(),
        }
    }

    fn record(path: &str, status: PhotoStatus, faces: Vec<Face>) -> PhotoRecord {
        PhotoRecord {
            path: path.into(),
            person: path.split('/').next().unwrap_or_default().into(),
            hash: path.into(),
            width: 100,
            height: 100,
            status,
            faces,
            reviewed: false,
            not_duplicate_of: Vec::new(),
        }
    }

    const CENTRAL: [f32; 4] = [30.0, 30.0, 40.0, 40.0];
    const CORNER: [f32; 4] = [0.0, 0.0, 20.0, 20.0];

    /// Out of path order on purpose: the table is found by key all the same.
    fn table() -> FaceTable {
        FaceTable::new(vec![
            record("b/2.jpg", PhotoStatus::Ok, vec![face(0.0, 3.0, CENTRAL)]),
            record("a/1.jpg", PhotoStatus::Ok, vec![face(2.0, 0.0, CENTRAL)]),
            // The main face (central) on the other axis; a corner face between.
            record(
                "a/2.jpg",
                PhotoStatus::Ok,
                vec![face(1.0, 1.0, CORNER), face(0.0, 5.0, CENTRAL)],
            ),
            record("a/3.jpg", PhotoStatus::Error("truncated".into()), vec![]),
            record("b/1.jpg", PhotoStatus::Ok, vec![]),
        ])
    }

    #[test]
    fn photos_are_found_by_key_with_their_unit_main_face_and_problem() {
        let t = table();
        assert_eq!(t.len(), 5);
        let two = t.find("a/2.jpg").unwrap_or(usize::MAX);
        assert_eq!(t.key(two), "a/2.jpg");
        assert_eq!(t.main_vector(two), Some(&[0.0, 1.0, 0.0][..]));
        let bad = t.find("a/3.jpg").unwrap_or(usize::MAX);
        assert_eq!(t.problem(bad), Some("truncated"));
        assert!(t.main_vector(bad).is_none());
        let faceless = t.find("b/1.jpg").unwrap_or(usize::MAX);
        assert_eq!(t.problem(faceless), Some("no face found"));
        assert_eq!(t.find("c/1.jpg"), None);
        let a = t.person("a").unwrap_or(usize::MAX);
        let keys: Vec<&str> = t.members(a).iter().map(|&i| t.key(i as usize)).collect();
        assert_eq!(keys, ["a/1.jpg", "a/2.jpg", "a/3.jpg"]);
    }

    #[test]
    fn faces_without_a_vector_leave_the_photo_without_a_main_face() {
        let mut empty = face(0.0, 0.0, CENTRAL);
        empty.embedding.clear();
        let t = FaceTable::new(vec![record("a/1.jpg", PhotoStatus::Ok, vec![empty])]);
        let one = t.find("a/1.jpg").unwrap_or(usize::MAX);
        assert_eq!(t.main_vector(one), None);
        assert_eq!(t.centre_distances(), [None]);
    }

    #[test]
    fn distances_are_from_the_mean_of_main_faces_and_take_the_nearest_face() {
        let t = table();
        let d = t.centre_distances();
        let at = |key: &str| t.find(key).and_then(|i| d[i]);
        // a's centre: the unit mean of (1, 0) and (0, 1), at 45°.
        let want_1 = 1.0 - std::f32::consts::FRAC_1_SQRT_2;
        let got_1 = at("a/1.jpg").unwrap_or(f32::NAN);
        assert!((got_1 - want_1).abs() < 1e-5, "{got_1} against {want_1}");
        // a/2's main face is as far, but its other face lies on the centre.
        let got_2 = at("a/2.jpg").unwrap_or(f32::NAN);
        assert!(got_2.abs() < 1e-5, "{got_2}");
        assert_eq!(at("a/3.jpg"), None);
        assert_eq!(at("b/1.jpg"), None);
        assert!(at("b/2.jpg").is_some_and(|x| x.abs() < 1e-6));
    }
}
