//! Which face of a photo stands for its person: in a multi-face photo, the
//! face closest to the person's other photos (the biggest face is often a
//! bystander); the facenet-style large-and-central choice only where the
//! person has no other photo to compare with, or where no face resembles
//! the person (then the photo is likely misfiled: it is judged by the face
//! that clearly is someone else, when one is, else by that main face). A
//! face that plainly matches a quarter of the person's photos resembles
//! the person even when intruders in a small folder pull its median down.

use super::settings::Settings;
use crate::pipeline::main_face_index;
use crate::records::PhotoRecord;

/// The face used for a photo and whether the choice was a close call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    pub face: usize,
    pub ambiguous: bool,
}

/// First choice, before the person's other photos are known.
pub fn initial(record: &PhotoRecord, dim: usize) -> Option<usize> {
    let usable: Vec<usize> = (0..record.faces.len())
        .filter(|&k| record.faces[k].embedding.len() == dim)
        .collect();
    match usable.len() {
        0 => None,
        1 => Some(usable[0]),
        _ => {
            let boxes: Vec<[f32; 4]> = usable.iter().map(|&k| record.faces[k].bbox).collect();
            main_face_index(&boxes, record.width, record.height).map(|k| usable[k])
        }
    }
}

/// Picks the face whose median cosine to `others` (the person's other
/// chosen faces) is highest. When none resembles the person, the photo is
/// judged as `misfiled_face` says, `elsewhere` giving a face's median
/// cosine to the other person it matches best: in a misfiled group photo
/// the face that is someone else is the evidence of where it belongs, not
/// a main face that matches nobody.
pub fn choose(
    record: &PhotoRecord,
    dim: usize,
    others: &[&[f32]],
    settings: &Settings,
    elsewhere: &dyn Fn(&[f32]) -> Option<f32>,
) -> Option<Choice> {
    // Two standard deviations below a person's typical cosine: a face less
    // alike than that does not look like the person at all.
    let plausible = settings.same_mean - 2.0 * settings.same_sd;
    let first = initial(record, dim)?;
    if record.faces.len() < 2 || others.is_empty() {
        return Some(Choice {
            face: first,
            ambiguous: false,
        });
    }
    let sorted_sims = |f: &[f32]| {
        let mut sims: Vec<f32> = others.iter().map(|o| crate::vector::dot(f, o)).collect();
        sims.sort_by(|a, b| a.total_cmp(b));
        sims
    };
    let faces: Vec<(usize, Vec<f32>)> = record
        .faces
        .iter()
        .enumerate()
        .filter(|(_, f)| f.embedding.len() == dim)
        .map(|(k, f)| (k, sorted_sims(&f.embedding)))
        .collect();
    let mut scored: Vec<(usize, f32)> = faces
        .iter()
        .map(|(k, sims)| (*k, sims[sims.len() / 2]))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // When no face looks like the person, the photo is probably misfiled:
    // judge it by the face that plainly is someone else, else by its main
    // face, not by whichever bystander fits the person best. A face that
    // plainly matches a quarter of the person's photos is the person's,
    // though: a small folder holding intruders drags every median down.
    if scored[0].1 < plausible {
        let face = upper_quartile_match(&faces, plausible)
            .unwrap_or_else(|| misfiled_face(record, first, others.len(), plausible, elsewhere));
        return Some(Choice {
            face,
            ambiguous: false,
        });
    }
    let ambiguous = scored.len() >= 2
        && scored[1].1 >= plausible
        && scored[0].1 - scored[1].1 < settings.ambiguous_face_margin;
    Some(Choice {
        face: scored[0].0,
        ambiguous,
    })
}

/// The face whose cosine to the best quarter of the person's other photos
/// (its ⌈n/4⌉-th highest) is the highest, when that reaches `plausible`.
fn upper_quartile_match(faces: &[(usize, Vec<f32>)], plausible: f32) -> Option<usize> {
    faces
        .iter()
        .map(|(k, sims)| (*k, sims[sims.len() - sims.len().div_ceil(4)]))
        .filter(|&(_, s)| s >= plausible)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(k, _)| k)
}

/// The face a photo none of whose faces resembles its person is judged
/// by: its main face, unless that face matches nobody else either and
/// another face plainly is someone else (median cosine to that person's
/// photos at least `plausible`). Only where the person has two or more other
/// photos: against a single one, "no face resembles the person" says as
/// little as that one pair does (an untypical photo of the person beside a
/// famous bystander would be named after the bystander).
fn misfiled_face(
    record: &PhotoRecord,
    first: usize,
    others: usize,
    plausible: f32,
    elsewhere: &dyn Fn(&[f32]) -> Option<f32>,
) -> usize {
    let fits = |k: usize| {
        elsewhere(&record.faces[k].embedding)
            .filter(|&s| s >= plausible)
            .map(|s| (k, s))
    };
    if others < 2 || fits(first).is_some() {
        return first;
    }
    (0..record.faces.len())
        .filter(|&k| {
            k != first && record.faces[k].embedding.len() == record.faces[first].embedding.len()
        })
        .filter_map(fits)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map_or(first, |o| o.0)
}

/// Tests of the choice, and records with several faces for the analysis'
/// own tests (`tests/faces.rs`).
#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::pipeline::Face;
    use crate::records::PhotoStatus;

    const DIM: usize = 8;

    /// A unit vector mostly along axis `axis`, tilted by `tilt` along the last.
    pub fn vector(axis: usize, tilt: f32) -> Vec<f32> {
        let mut v = vec![0.0; DIM];
        v[axis] = 1.0;
        v[DIM - 1] += tilt;
        crate::vector::normalized(&v)
    }

    pub fn face(embedding: Vec<f32>, bbox: [f32; 4]) -> Face {
        Face {
            bbox,
            landmarks: [[0.0; 2]; 5],
            score: 0.95,
            embedding,
            thumb: Vec::new(),
        }
    }

    pub const BIG_CENTRAL: [f32; 4] = [50.0, 50.0, 100.0, 100.0];
    pub const SMALL_CORNER: [f32; 4] = [0.0, 0.0, 40.0, 40.0];

    pub fn record(person: &str, n: usize, faces: Vec<Face>) -> PhotoRecord {
        PhotoRecord {
            path: format!("{person}/{person}_{n:04}.jpg").into(),
            person: person.to_string(),
            hash: format!("{person}{n}"),
            width: 200,
            height: 200,
            status: PhotoStatus::Ok,
            faces,
            reviewed: false,
            not_duplicate_of: Vec::new(),
        }
    }

    /// The face chosen for `photo` of person A, whose other photos lie
    /// along the first axis.
    fn choose_for_a(photo: &PhotoRecord) -> Option<Choice> {
        let others = [vector(0, 0.2), vector(0, 0.4)];
        let others: Vec<&[f32]> = others.iter().map(Vec::as_slice).collect();
        choose(photo, DIM, &others, &Settings::default(), &|_| None)
    }

    #[test]
    fn the_face_like_the_person_wins_over_a_bigger_bystander() {
        let mine = vector(0, 0.3);
        let photo = record(
            "A",
            0,
            vec![face(vector(1, 0.0), BIG_CENTRAL), face(mine, SMALL_CORNER)],
        );
        assert_eq!(initial(&photo, DIM), Some(0), "alone, the big central face");
        assert_eq!(
            choose_for_a(&photo),
            Some(Choice {
                face: 1,
                ambiguous: false
            })
        );
    }

    #[test]
    fn two_faces_that_both_fit_are_ambiguous_and_none_that_fits_means_the_main_one() {
        let both = record(
            "A",
            0,
            vec![
                face(vector(0, 0.25), SMALL_CORNER),
                face(vector(0, 0.35), BIG_CENTRAL),
            ],
        );
        let choice = choose_for_a(&both);
        assert!(choice.is_some_and(|c| c.ambiguous), "{choice:?}");
        let strangers = record(
            "A",
            1,
            vec![
                face(vector(2, 0.0), SMALL_CORNER),
                face(vector(3, 0.0), BIG_CENTRAL),
            ],
        );
        assert_eq!(
            choose_for_a(&strangers),
            Some(Choice {
                face: 1,
                ambiguous: false
            })
        );
    }

    #[test]
    fn in_a_small_folder_with_intruders_the_face_matching_the_person_still_wins() {
        // Person A's folder: one photo of A and two photos of other people.
        let others = [vector(0, 0.2), vector(4, 0.0), vector(5, 0.0)];
        let others: Vec<&[f32]> = others.iter().map(Vec::as_slice).collect();
        let group = record(
            "A",
            0,
            vec![
                face(vector(1, 0.0), BIG_CENTRAL),
                face(vector(0, 0.3), SMALL_CORNER),
            ],
        );
        let choice = choose(&group, DIM, &others, &Settings::default(), &|_| None);
        assert_eq!(
            choice,
            Some(Choice {
                face: 1,
                ambiguous: false
            }),
            "no median reaches the person's, but the corner face is plainly A"
        );
        // One photo of A among seven of others is not a quarter of them.
        let mut many = vec![vector(0, 0.2)];
        many.extend([2, 3, 4, 5, 2, 3].map(|axis| vector(axis, 0.0)));
        let many: Vec<&[f32]> = many.iter().map(Vec::as_slice).collect();
        let choice = choose(&group, DIM, &many, &Settings::default(), &|_| None);
        assert_eq!(choice.map(|c| c.face), Some(0), "the main face, as before");
    }
}
