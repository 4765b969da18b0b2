//! numpy's `.npy`: the vectors as one float32 matrix of `[faces, dim]`
//! that `numpy.load` maps straight into memory, with a CSV beside it
//! (`<name>.csv`) holding every row's other columns and `npy_row`, the
//! row of the matrix that is its vector (empty for a photo without a
//! face). The format is a fixed magic, a small Python-literal header and
//! the raw little-endian data, so it is written here by hand.

use super::csv::{fields, line};
use super::table::{COLUMNS, ExchangeError, Table, write_file};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes the matrix to `out` and the rows to `<out without extension>.csv`;
/// returns both paths.
pub(super) fn write(table: &Table, out: &Path) -> Result<Vec<PathBuf>, ExchangeError> {
    let sidecar = out.with_extension("csv");
    if sidecar == out {
        return Err(ExchangeError::Invalid {
            path: out.to_path_buf(),
            message: "an npy export needs a name not ending in .csv (its rows go to NAME.csv)"
                .into(),
        });
    }
    let faces: usize = table.photos.iter().map(|p| p.faces.len()).sum();
    write_file(out, |w| {
        w.write_all(&header(faces, table.dim))
            .map_err(|e| e.to_string())?;
        for row in table.rows() {
            if let Some((_, face)) = row.face {
                let bytes: Vec<u8> = face
                    .embedding
                    .iter()
                    .flat_map(|v| v.to_le_bytes())
                    .collect();
                w.write_all(&bytes).map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    })?;
    write_file(&sidecar, |w| {
        let names = COLUMNS[..COLUMNS.len() - 1].iter().chain(&["npy_row"]);
        line(w, names.map(|c| c.to_string()))?;
        let mut next = 0usize;
        for row in table.rows() {
            let mut record = fields(table, row);
            record.push(match row.face {
                Some(_) => {
                    next += 1;
                    (next - 1).to_string()
                }
                None => String::new(),
            });
            line(w, record)?;
        }
        Ok(())
    })?;
    Ok(vec![out.to_path_buf(), sidecar])
}

/// The `.npy` version 1.0 header of a C-order float32 `[rows, cols]`
/// array, padded with spaces so the data starts on a 64-byte boundary.
pub(super) fn header(rows: usize, cols: usize) -> Vec<u8> {
    let dict = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
    // magic (6) + version (2) + header length (2) + dict + padding + '\n'
    let unpadded = 10 + dict.len() + 1;
    let padding = (64 - unpadded % 64) % 64;
    let len = dict.len() + padding + 1;
    let mut out = Vec::with_capacity(10 + len);
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(len as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.extend(std::iter::repeat_n(b' ', padding));
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::header;

    #[test]
    fn the_header_is_aligned_and_names_the_shape() {
        let h = header(3, 128);
        assert_eq!(h.len() % 64, 0);
        assert_eq!(&h[..8], b"\x93NUMPY\x01\x00");
        let len = u16::from_le_bytes([h[8], h[9]]) as usize;
        assert_eq!(len + 10, h.len());
        let text = std::str::from_utf8(&h[10..]).unwrap();
        assert!(text.contains("'shape': (3, 128)"), "{text}");
        assert!(text.ends_with('\n'));
    }
}
