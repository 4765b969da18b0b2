//! Which face of a photo stands for its person: in a multi-face photo, the
//! face closest to the person's other photos (the biggest face is often a
//! bystander); the facenet-style large-and-central choice only where the
//! person has no other photo to compare with, or where no face resembles
//! the person (then the photo is likely misfiled and judged by that face).

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
/// chosen faces) is highest.
pub fn choose(
    record: &PhotoRecord,
    dim: usize,
    others: &[&[f32]],
    ambiguous_margin: f32,
    plausible: f32,
) -> Option<Choice> {
    let first = initial(record, dim)?;
    if record.faces.len() < 2 || others.is_empty() {
        return Some(Choice {
            face: first,
            ambiguous: false,
        });
    }
    let mut scored: Vec<(usize, f32)> = record
        .faces
        .iter()
        .enumerate()
        .filter(|(_, f)| f.embedding.len() == dim)
        .map(|(k, f)| {
            let mut sims: Vec<f32> = others
                .iter()
                .map(|o| super::similarity::dot(&f.embedding, o))
                .collect();
            sims.sort_by(|a, b| a.total_cmp(b));
            (k, sims[sims.len() / 2])
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // When no face looks like the person, the photo is probably misfiled:
    // judge it by its main face, not by whichever bystander fits best.
    if scored[0].1 < plausible {
        return Some(Choice {
            face: first,
            ambiguous: false,
        });
    }
    let ambiguous = scored.len() >= 2
        && scored[1].1 >= plausible
        && scored[0].1 - scored[1].1 < ambiguous_margin;
    Some(Choice {
        face: scored[0].0,
        ambiguous,
    })
}
