//! Synthetic records for the analysis tests (no models needed): persons
//! are clusters of random unit vectors, thumbs random noise. A file of its
//! own so that every test file can use them without importing another.

use crate::analysis::settings::Settings;
use crate::pipeline::Face;
use crate::records::{PhotoRecord, PhotoStatus};
use std::path::PathBuf;

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    }
    pub fn unit(&mut self, dim: usize) -> Vec<f32> {
        let v: Vec<f32> = (0..dim).map(|_| self.next()).collect();
        crate::vector::normalized(&v)
    }
}

pub const DIM: usize = 64;

pub fn face(embedding: Vec<f32>, thumb: Vec<u8>) -> Face {
    Face {
        bbox: [50.0, 50.0, 100.0, 100.0],
        landmarks: [[0.0; 2]; 5],
        score: 0.95,
        embedding,
        thumb,
    }
}

/// `a·centre + b·noise`, normalised.
pub fn blend(centre: &[f32], noise: &[f32], a: f32, b: f32) -> Vec<f32> {
    let e: Vec<f32> = centre
        .iter()
        .zip(noise)
        .map(|(c, x)| a * c + b * x)
        .collect();
    crate::vector::normalized(&e)
}

/// A photo of `centre` with noise such that two photos of one person have
/// cosine ≈ 0.65 and two persons ≈ 0.
pub fn photo(rng: &mut Rng, person: &str, n: usize, centre: &[f32]) -> PhotoRecord {
    let e = blend(centre, &rng.unit(DIM), 0.8, 0.6);
    let thumb: Vec<u8> = (0..64 * 64)
        .map(|_| ((rng.next() + 0.5) * 255.0) as u8)
        .collect();
    PhotoRecord {
        path: PathBuf::from(format!("{person}/{person}_{n:04}.jpg")),
        person: person.to_string(),
        hash: format!("{person}{n}"),
        width: 200,
        height: 200,
        status: PhotoStatus::Ok,
        faces: vec![face(e, thumb)],
        reviewed: false,
        not_duplicate_of: Vec::new(),
    }
}

pub fn dataset() -> Vec<PhotoRecord> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::new();
    for p in 0..12 {
        let centre = rng.unit(DIM);
        let count = [12, 8, 6, 5, 3, 2, 1, 1, 1, 1, 7, 9][p];
        for n in 0..count {
            out.push(photo(&mut rng, &format!("Person_{p:02}"), n, &centre));
        }
    }
    out
}

pub fn settings() -> Settings {
    Settings {
        neighbours: 16,
        ..Settings::default()
    }
}

/// A near copy of `records[3]` (new bytes, every pixel a little brighter)
/// filed under Person_03.
pub fn with_near_copy() -> Vec<PhotoRecord> {
    let mut records = dataset();
    let mut copy = records[3].clone();
    copy.path = PathBuf::from("Person_03/brighter.jpg");
    copy.person = "Person_03".into();
    copy.hash = "brighter".into();
    for v in &mut copy.faces[0].thumb {
        *v = v.saturating_add(3);
    }
    records.push(copy);
    records
}
