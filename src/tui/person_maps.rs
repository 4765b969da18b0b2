//! Each person's 2-D map, computed with the view on the backend's thread
//! (never on the UI thread): the main face of each of their photos and the
//! centres of the persons their clusters are nearest, projected on the
//! plane of the two principal components of those vectors
//! (`facecurate::projection`, PCA). Only the coordinates reach the state.

use super::state::model::PersonMap;
use facecurate::analysis::Report;
use facecurate::projection::Plane;
use facecurate::records::{PhotoRecord, PhotoStatus};
use facecurate::vector::normalized as unit;
use std::collections::HashMap;

/// One photo's main face: its report key and unit embedding.
struct Face {
    key: String,
    vector: Vec<f32>,
}

/// Every person's map, by name.
pub fn maps(records: &[PhotoRecord], report: &Report) -> HashMap<String, PersonMap> {
    let faces = main_faces(records);
    let centres: HashMap<&str, Vec<f32>> = faces
        .iter()
        .filter_map(|(person, faces)| Some((*person, centre(faces)?)))
        .collect();
    report
        .persons
        .iter()
        .filter_map(|p| {
            let own = faces.get(p.name.as_str())?;
            let mut names: Vec<&str> = vec![p.name.as_str()];
            for c in &p.clusters {
                if let Some(n) = c.nearest_person.as_deref()
                    && !names.contains(&n)
                    && centres.contains_key(n)
                {
                    names.push(n);
                }
            }
            let shown: Vec<(&str, &Vec<f32>)> = names
                .iter()
                .filter_map(|n| Some((*n, centres.get(n)?)))
                .collect();
            let rows: Vec<&[f32]> = own
                .iter()
                .map(|f| f.vector.as_slice())
                .chain(shown.iter().map(|(_, c)| c.as_slice()))
                .collect();
            let plane = Plane::fit(&rows)?;
            let map = PersonMap {
                faces: own
                    .iter()
                    .map(|f| {
                        let path = facecurate::pathkey::path_of(&f.key);
                        (path, plane.project(&f.vector))
                    })
                    .collect(),
                centres: shown
                    .iter()
                    .map(|(n, c)| (n.to_string(), plane.project(c)))
                    .collect(),
            };
            Some((p.name.clone(), map))
        })
        .collect()
}

/// The main face (facenet's largest-and-central choice) of every usable
/// photo, by person.
fn main_faces(records: &[PhotoRecord]) -> HashMap<&str, Vec<Face>> {
    let mut by: HashMap<&str, Vec<Face>> = HashMap::new();
    for r in records
        .iter()
        .filter(|r| r.status == PhotoStatus::Ok && !r.faces.is_empty())
    {
        let boxes: Vec<[f32; 4]> = r.faces.iter().map(|f| f.bbox).collect();
        let Some(main) = facecurate::pipeline::main_face_index(&boxes, r.width, r.height) else {
            continue;
        };
        by.entry(r.person.as_str()).or_default().push(Face {
            key: facecurate::pathkey::key_or_lossy(&r.path),
            vector: unit(&r.faces[main].embedding),
        });
    }
    by
}

/// The unit mean of `faces` (those of the first face's length).
fn centre(faces: &[Face]) -> Option<Vec<f32>> {
    let dim = faces.first()?.vector.len();
    let mut sum = vec![0.0f32; dim];
    for f in faces.iter().filter(|f| f.vector.len() == dim) {
        sum.iter_mut().zip(&f.vector).for_each(|(s, x)| *s += x);
    }
    Some(unit(&sum))
}
