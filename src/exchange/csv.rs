//! CSV, for tools that read nothing else (a spreadsheet, `awk`, any
//! language's standard library): every column of [`super::COLUMNS`], an
//! empty field for a missing value, and each list (box, landmarks, vector)
//! as one field of space-separated numbers. Numbers are written with
//! Rust's shortest round-trip form, so parsing one as an f32 gives back the
//! stored value bit for bit. Fields are quoted as RFC 4180 says.

use super::table::{COLUMNS, ExchangeError, Row, Table, write_file};
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

pub(super) fn write(table: &Table, out: &Path) -> Result<(), ExchangeError> {
    write_file(out, |w| {
        line(w, COLUMNS.iter().map(|c| c.to_string()))?;
        for row in table.rows() {
            let mut fields = fields(table, row);
            fields.push(match row.face {
                Some((_, face)) => floats(&face.embedding),
                None => String::new(),
            });
            line(w, fields)?;
        }
        Ok(())
    })
}

/// The fields of one row up to the score (every column but `embedding`).
pub(super) fn fields(table: &Table, row: Row) -> Vec<String> {
    let p = row.photo;
    let read = p.file.hash.is_some();
    let number = |n: u32| if read { n.to_string() } else { String::new() };
    let mut out = vec![
        p.path.clone(),
        p.file.person.clone(),
        p.file.hash.clone().unwrap_or_default(),
        p.file.size.to_string(),
        p.file.mtime_ns.to_string(),
        number(p.width),
        number(p.height),
        p.error().unwrap_or_default().to_string(),
        table.fingerprint.to_string(),
    ];
    match row.face {
        Some((i, face)) => out.extend([
            i.to_string(),
            floats(&face.bbox),
            floats(face.landmarks.as_flattened()),
            face.score.to_string(),
        ]),
        None => out.extend(std::iter::repeat_n(String::new(), 4)),
    }
    out
}

/// Space-separated, each in the shortest form that parses back exactly.
pub(super) fn floats(values: &[f32]) -> String {
    let mut out = String::with_capacity(values.len() * 12);
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&v.to_string());
    }
    out
}

/// One CSV record.
pub(super) fn line(
    w: &mut impl Write,
    fields: impl IntoIterator<Item = String>,
) -> Result<(), String> {
    let mut text = String::new();
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&quote(&f));
    }
    text.push_str("\r\n");
    w.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

/// A field as RFC 4180 writes it: quoted when it holds a comma, a quote,
/// a line break or leading or trailing space, with quotes doubled.
fn quote(field: &str) -> Cow<'_, str> {
    let special =
        field.contains([',', '"', '\r', '\n']) || field.starts_with(' ') || field.ends_with(' ');
    if special {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(quote("ann/1.jpg"), "ann/1.jpg");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn floats_parse_back_bit_for_bit() {
        let values = [
            0.1f32,
            -0.0,
            1e-39,
            f32::MAX,
            f32::MIN_POSITIVE,
            0.123_456_79,
        ];
        let text = floats(&values);
        let back: Vec<f32> = text.split(' ').map(|s| s.parse().unwrap()).collect();
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back), bits(&values));
    }
}
