//! Each person's 2-D map, computed on the backend's thread (never on the UI
//! thread) right after the view it belongs to was sent, so that the first
//! frame does not wait for a PCA per person (half of building the view at a
//! million faces): the main face of each of their photos and the centres of
//! the persons their clusters are nearest, projected on the plane of the
//! two principal components of those vectors (`facecurate::projection`,
//! PCA). Only the coordinates reach the state.

use super::state::model::{DatasetView, PersonMap};
use facecurate::projection::Plane;
use facecurate::records::face_table::FaceTable;
use std::collections::HashMap;

/// A person to map: the name, and the persons their clusters are nearest.
pub struct Wanted {
    name: String,
    nearest: Vec<String>,
}

/// What [`maps`] needs of `view`, taken before the view is sent.
pub fn wanted(view: &DatasetView) -> Vec<Wanted> {
    (view.persons.iter())
        .map(|p| Wanted {
            name: p.name.clone(),
            nearest: p
                .clusters
                .iter()
                .filter_map(|c| c.nearest.clone())
                .collect(),
        })
        .collect()
}

/// Every `wanted` person's map, by name, from the faces of `table`.
pub fn maps(table: &FaceTable, wanted: &[Wanted]) -> HashMap<String, PersonMap> {
    let centres = table.centres();
    let centre = |name: &str| centres.get(table.person(name)?)?.as_deref();
    // One PCA per person, on all cores (a dataset of thousands of people
    // refreshes its view after every edit).
    let one = |p: &Wanted| -> Option<PersonMap> {
        let own: Vec<(u32, &[f32])> = (table.members(table.person(&p.name)?).iter())
            .filter_map(|&i| Some((i, table.main_vector(i as usize)?)))
            .collect();
        let mut names: Vec<&str> = vec![p.name.as_str()];
        for n in p.nearest.iter().map(String::as_str) {
            if !names.contains(&n) && centre(n).is_some() {
                names.push(n);
            }
        }
        let shown: Vec<(&str, &[f32])> = names
            .iter()
            .filter_map(|n| Some((*n, centre(n)?)))
            .collect();
        let rows: Vec<&[f32]> = (own.iter().map(|f| f.1))
            .chain(shown.iter().map(|c| c.1))
            .collect();
        let plane = Plane::fit(&rows)?;
        Some(PersonMap {
            faces: own
                .iter()
                .map(|&(i, v)| {
                    let path = facecurate::pathkey::path_of(table.key(i as usize));
                    (path, plane.project(v))
                })
                .collect(),
            centres: shown
                .iter()
                .map(|(n, c)| (n.to_string(), plane.project(c)))
                .collect(),
        })
    };
    let maps = facecurate::par::map(wanted, |p| format!("map of {}", p.name), one);
    wanted
        .iter()
        .zip(maps)
        .filter_map(|(p, map)| Some((p.name.clone(), map?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use facecurate::analysis::{Settings, analyze};
    use facecurate::pipeline::Face;
    use facecurate::records::{PhotoRecord, PhotoStatus};

    fn record(person: &str, n: usize, axis: usize) -> PhotoRecord {
        let mut v = vec![0.0f32; 32];
        v[axis] = 1.0;
        v[8 + n] = 0.15;
        PhotoRecord {
            path: format!("{person}/{n}.jpg").into(),
            person: person.into(),
            hash: format!("{person}{n}"),
            width: 200,
            height: 200,
            status: PhotoStatus::Ok,
            faces: vec![Face {
                bbox: [50.0, 50.0, 100.0, 100.0],
                landmarks: [[0.0; 2]; 5],
                score: 0.95,
                embedding: v,
                thumb: Vec::new(),
            }],
            reviewed: false,
            not_duplicate_of: Vec::new(),
        }
    }

    #[test]
    fn a_folder_of_two_people_maps_to_two_sides_with_its_own_centre_first() {
        let mut records = Vec::new();
        for n in 0..6 {
            records.push(record("mixed", n, if n < 3 { 0 } else { 1 }));
            records.push(record("a", n, 0));
            records.push(record("b", n, 1));
        }
        let report = analyze(&records, &Settings::default());
        let table = FaceTable::new(records);
        let view = super::super::data::view_of_report(std::path::Path::new("."), &table, report);
        let maps = maps(&table, &wanted(&view));
        let mixed = &maps["mixed"];
        assert_eq!(mixed.faces.len(), 6);
        assert_eq!(mixed.centres[0].0, "mixed");
        let x = |n: usize| {
            let path = std::path::PathBuf::from(format!("mixed/{n}.jpg"));
            mixed
                .faces
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, xy)| xy[0])
                .unwrap_or(f32::NAN)
        };
        let side = x(0).signum();
        assert!((0..3).all(|n| x(n).signum() == side), "{mixed:?}");
        assert!((3..6).all(|n| x(n).signum() == -side), "{mixed:?}");
        assert!(
            mixed
                .centres
                .iter()
                .all(|(n, _)| ["mixed", "a", "b"].contains(&n.as_str()))
        );
    }
}
