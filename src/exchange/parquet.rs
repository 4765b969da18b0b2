//! Writing the exchange table as Parquet through Arrow, the format that
//! pandas, pyarrow, polars, DuckDB and Spark read without a converter.
//! Lists are fixed-size lists of float32 (`bbox` of 4, `landmarks` of 10,
//! `embedding` of the store's dimension), so pyarrow hands the vectors to
//! numpy as one `[n, dim]` block; integers are signed 64-bit (Spark has no
//! unsigned types). Snappy, in pure Rust, keeps the file near the size of
//! the raw floats. The fingerprint is also in the file's key-value metadata.

use super::table::{ExchangeError, Row, Table, write_file};
use arrow_array::builder::{
    FixedSizeListBuilder, Float32Builder, Int32Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use std::path::Path;
use std::sync::Arc;

/// Rows per Arrow batch (and at most per row group).
const BATCH_ROWS: usize = 8192;

/// The key of the fingerprint in the file's key-value metadata.
pub const FINGERPRINT_KEY: &str = "facecurate.fingerprint";

pub(super) fn write(table: &Table, out: &Path) -> Result<(), ExchangeError> {
    let invalid = |e: String| ExchangeError::Invalid {
        path: out.to_path_buf(),
        message: e,
    };
    let rows: Vec<Row> = table.rows().collect();
    let batches = rows
        .chunks(BATCH_ROWS)
        .map(|chunk| batch(table, chunk))
        .collect::<Result<Vec<_>, _>>()
        .map_err(invalid)?;
    // The schema from an empty batch: a table without rows has one too.
    let schema = batch(table, &[]).map_err(invalid)?.schema();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("facecurate {}", env!("CARGO_PKG_VERSION")))
        .set_key_value_metadata(Some(vec![KeyValue::new(
            FINGERPRINT_KEY.to_string(),
            table.fingerprint.to_string(),
        )]))
        .build();
    write_file(out, |w| {
        let mut writer = ArrowWriter::try_new(w, schema, Some(props)).map_err(|e| e.to_string())?;
        for b in &batches {
            writer.write(b).map_err(|e| e.to_string())?;
        }
        writer.close().map(|_| ()).map_err(|e| e.to_string())
    })
}

/// The Arrow columns of some rows, one builder each.
struct Columns {
    path: StringBuilder,
    person: StringBuilder,
    hash: StringBuilder,
    size: Int64Builder,
    mtime_ns: Int64Builder,
    width: Int64Builder,
    height: Int64Builder,
    error: StringBuilder,
    fingerprint: StringBuilder,
    face_index: Int32Builder,
    bbox: FixedSizeListBuilder<Float32Builder>,
    landmarks: FixedSizeListBuilder<Float32Builder>,
    score: Float32Builder,
    embedding: FixedSizeListBuilder<Float32Builder>,
}

/// A fixed-size list builder of float32; each row appends `len` values or
/// `len` nulls.
fn floats(len: usize) -> FixedSizeListBuilder<Float32Builder> {
    FixedSizeListBuilder::new(Float32Builder::new(), len as i32)
}

fn push_floats(b: &mut FixedSizeListBuilder<Float32Builder>, values: Option<&[f32]>, len: usize) {
    match values {
        Some(v) => {
            b.values().append_slice(v);
            b.append(true);
        }
        None => {
            b.values().append_nulls(len);
            b.append(false);
        }
    }
}

impl Columns {
    fn new(dim: usize) -> Columns {
        Columns {
            path: StringBuilder::new(),
            person: StringBuilder::new(),
            hash: StringBuilder::new(),
            size: Int64Builder::new(),
            mtime_ns: Int64Builder::new(),
            width: Int64Builder::new(),
            height: Int64Builder::new(),
            error: StringBuilder::new(),
            fingerprint: StringBuilder::new(),
            face_index: Int32Builder::new(),
            bbox: floats(4),
            landmarks: floats(10),
            score: Float32Builder::new(),
            embedding: floats(dim),
        }
    }

    fn push(&mut self, table: &Table, row: Row) -> Result<(), String> {
        let p = row.photo;
        let read = p.file.hash.is_some();
        self.path.append_value(&p.path);
        self.person.append_value(&p.file.person);
        self.hash.append_option(p.file.hash.as_deref());
        self.size.append_value(
            i64::try_from(p.file.size).map_err(|_| format!("{}: size out of range", p.path))?,
        );
        self.mtime_ns.append_value(p.file.mtime_ns);
        self.width.append_option(read.then_some(i64::from(p.width)));
        self.height
            .append_option(read.then_some(i64::from(p.height)));
        self.error.append_option(p.error());
        self.fingerprint.append_value(table.fingerprint);
        let face = row.face.map(|(_, f)| f);
        self.face_index.append_option(
            row.face
                .map(|(i, _)| i32::try_from(i).map_err(|_| format!("{}: too many faces", p.path)))
                .transpose()?,
        );
        push_floats(&mut self.bbox, face.map(|f| &f.bbox[..]), 4);
        push_floats(
            &mut self.landmarks,
            face.map(|f| f.landmarks.as_flattened()),
            10,
        );
        self.score.append_option(face.map(|f| f.score));
        push_floats(
            &mut self.embedding,
            face.map(|f| f.embedding.as_slice()),
            table.dim,
        );
        Ok(())
    }

    fn finish(mut self) -> Result<RecordBatch, String> {
        let col = |a: ArrayRef| a;
        let columns: [(&str, ArrayRef, bool); 14] = [
            ("path", col(Arc::new(self.path.finish())), false),
            ("person", col(Arc::new(self.person.finish())), false),
            ("hash", col(Arc::new(self.hash.finish())), true),
            ("size", col(Arc::new(self.size.finish())), false),
            ("mtime_ns", col(Arc::new(self.mtime_ns.finish())), false),
            ("width", col(Arc::new(self.width.finish())), true),
            ("height", col(Arc::new(self.height.finish())), true),
            ("error", col(Arc::new(self.error.finish())), true),
            (
                "fingerprint",
                col(Arc::new(self.fingerprint.finish())),
                false,
            ),
            ("face_index", col(Arc::new(self.face_index.finish())), true),
            ("bbox", col(Arc::new(self.bbox.finish())), true),
            ("landmarks", col(Arc::new(self.landmarks.finish())), true),
            ("score", col(Arc::new(self.score.finish())), true),
            ("embedding", col(Arc::new(self.embedding.finish())), true),
        ];
        RecordBatch::try_from_iter_with_nullable(columns).map_err(|e| e.to_string())
    }
}

/// One Arrow batch of `rows`.
fn batch(table: &Table, rows: &[Row]) -> Result<RecordBatch, String> {
    let mut columns = Columns::new(table.dim);
    for &row in rows {
        columns.push(table, row)?;
    }
    columns.finish()
}
