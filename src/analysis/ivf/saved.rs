//! The inverted file kept beside the saved candidate search. A warm start
//! reuses the saved neighbour lists and never needs the index, but the
//! first edit does: without this it trained the cells again (about 2.5 s at
//! a million faces) before it could file one photo. Kept are the centres,
//! the count they were trained on, and each saved row's cell; the rows the
//! saved search did not know are filed by their nearest centre.

use super::{Ivf, NONE};
use crate::analysis::bytes::{Reader, put_u32};
use crate::analysis::similarity::Vectors;

/// An [`Ivf`] as saved: its cells are numbered per saved row.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedIndex {
    dim: u32,
    centres: Vec<f32>,
    trained_on: u32,
    probes: u32,
    /// Per saved row: its cell, or `u32::MAX` when it was not filed.
    cells: Vec<u32>,
}

impl Ivf {
    /// What to save of this index over the first `rows` slots.
    pub fn to_saved(&self, rows: usize) -> SavedIndex {
        let cells = (0..rows)
            .map(|i| self.cell_of.get(i).copied().unwrap_or(NONE))
            .collect();
        SavedIndex {
            dim: self.dim as u32,
            centres: self.centres.clone(),
            trained_on: self.trained_on as u32,
            probes: self.probes as u32,
            cells,
        }
    }

    /// The saved index over `v`, whose row `i` was saved row `old_of[i]`
    /// (`None`: a row the saved search did not know, filed afresh). `None`
    /// when the saved index does not fit these vectors.
    pub fn from_saved(saved: &SavedIndex, v: &Vectors, old_of: &[Option<u32>]) -> Option<Ivf> {
        let dim = saved.dim as usize;
        let count = saved.centres.len().checked_div(dim)?;
        if dim != v.dim || count == 0 || count * dim != saved.centres.len() {
            return None;
        }
        let mut ivf = Ivf {
            dim,
            centres: saved.centres.clone(),
            cell_of: vec![NONE; v.rows()],
            cells: vec![Vec::new(); count],
            probes: (saved.probes as usize).max(1),
            trained_on: saved.trained_on as usize,
        };
        for i in 0..v.rows() {
            // A row mapped to a saved one has that row's vector, so it is
            // live; only the others need reading.
            let saved_row = old_of.get(i).copied().flatten();
            let cell = saved_row
                .and_then(|o| saved.cells.get(o as usize).copied())
                .filter(|&c| (c as usize) < count);
            match cell {
                Some(c) => {
                    ivf.cell_of[i] = c;
                    ivf.cells[c as usize].push(i as u32);
                }
                None if saved_row.is_some() || !v.is_zero(i) => ivf.insert(i as u32, v.row(i)),
                None => {}
            }
        }
        Some(ivf)
    }
}

impl SavedIndex {
    pub(in crate::analysis) fn encode(&self, out: &mut Vec<u8>) {
        for x in [self.dim, self.trained_on, self.probes] {
            put_u32(out, x);
        }
        put_u32(out, self.centres.len() as u32);
        for x in &self.centres {
            out.extend_from_slice(&x.to_le_bytes());
        }
        put_u32(out, self.cells.len() as u32);
        for &c in &self.cells {
            put_u32(out, c);
        }
    }

    pub(in crate::analysis) fn decode<R: std::io::Read>(
        r: &mut Reader<R>,
    ) -> Result<SavedIndex, String> {
        let (dim, trained_on, probes) = (r.u32()?, r.u32()?, r.u32()?);
        let count = r.u32()? as usize;
        let centres = (0..count).map(|_| r.f32()).collect::<Result<_, _>>()?;
        let count = r.u32()? as usize;
        let cells = (0..count).map(|_| r.u32()).collect::<Result<_, _>>()?;
        Ok(SavedIndex {
            dim,
            centres,
            trained_on,
            probes,
            cells,
        })
    }
}
