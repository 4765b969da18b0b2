//! How well a face matches some other person, for the choice of face in a
//! group photo that matches nobody of its own folder (see `faces.rs`): a
//! misfiled group photo is best judged by the face that is plainly someone
//! else. A file of its own because the choice runs before the neighbour
//! lists exist, so it searches the vectors itself; it runs only for the few
//! multi-face photos none of whose faces resembles their person.

use super::identity::sample_members;
use super::similarity::{NeighbourList, insert_top};
use super::state::Analysis;
use crate::vector::dot;

/// Nearest photos of other persons whose persons are weighed.
const CANDIDATES: usize = 8;

fn median(v: &mut [f32]) -> Option<f32> {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some(0.5 * (v[n / 2 - 1] + v[n / 2])),
    }
}

impl Analysis {
    /// The highest median cosine of `face` to the photos of a person other
    /// than `person`, over the persons of its nearest photos.
    pub(super) fn best_elsewhere(&self, face: &[f32], person: u32) -> Option<f32> {
        if face.len() != self.vectors.dim {
            return None;
        }
        let mut nearest = NeighbourList::new();
        for j in 0..self.vectors.rows() {
            if self.vectors.is_zero(j) || self.person_of(j as u32).is_none_or(|q| q == person) {
                continue;
            }
            insert_top(
                &mut nearest,
                CANDIDATES,
                j as u32,
                dot(face, self.vectors.row(j)),
            );
        }
        let mut persons: Vec<u32> = nearest
            .iter()
            .filter_map(|&(j, _)| self.person_of(j))
            .collect();
        persons.sort_unstable();
        persons.dedup();
        persons
            .into_iter()
            .filter_map(|q| {
                let sample =
                    sample_members(&self.members[q as usize], self.settings.sample_members);
                let mut sims: Vec<f32> = sample
                    .iter()
                    .map(|&j| dot(face, self.vectors.row(j as usize)))
                    .collect();
                median(&mut sims)
            })
            .reduce(f32::max)
    }
}
