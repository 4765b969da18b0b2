//! Reading an exchange Parquet file into rows, as untrusted input: a file
//! that is not Parquet, lacks a column, has a column of an unexpected type
//! or a null where a value must be gives an error naming the column and
//! row, never a panic. Files written by other tools read too: strings may
//! be large or view strings, integers of any width, floats of 32 or 64
//! bits (cast to f32), lists fixed-size or not, any compression the
//! reader was built with (none and Snappy).

use super::table::ExchangeError;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::Path;

/// One row of an exchange file as read, before any check of its meaning.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ImportRow {
    pub path: String,
    pub person: String,
    pub hash: Option<String>,
    pub size: i64,
    pub mtime_ns: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub error: Option<String>,
    pub fingerprint: String,
    pub face_index: Option<i64>,
    pub bbox: Option<Vec<f32>>,
    pub landmarks: Option<Vec<f32>>,
    pub score: Option<f32>,
    pub embedding: Option<Vec<f32>>,
}

/// Every row of the Parquet file at `file`.
pub(super) fn rows(file: &Path) -> Result<Vec<ImportRow>, ExchangeError> {
    let unreadable = |cause: String| ExchangeError::Read {
        path: file.to_path_buf(),
        cause,
    };
    let f = std::fs::File::open(file).map_err(|e| unreadable(e.to_string()))?;
    // The decoder is not ours: a panic on a hostile file is its bug, and
    // becomes this file's error rather than the end of the process.
    crate::panics::catch(|| read_all(f))
        .and_then(|r| r)
        .map_err(unreadable)
}

fn read_all(f: std::fs::File) -> Result<Vec<ImportRow>, String> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(f)
        .and_then(|b| b.with_batch_size(8192).build())
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| format!("not a readable Parquet file: {e}"))?;
        rows_of(&batch, rows.len(), &mut rows)?;
    }
    Ok(rows)
}

/// The rows of one batch; `first` is the number of the batch's first row
/// in the file (for messages).
fn rows_of(batch: &RecordBatch, first: usize, out: &mut Vec<ImportRow>) -> Result<(), String> {
    let path = typed(batch, "path", strings)?;
    let person = typed(batch, "person", strings)?;
    let hash = typed(batch, "hash", strings)?;
    let size = typed(batch, "size", ints)?;
    let mtime_ns = typed(batch, "mtime_ns", ints)?;
    let width = typed(batch, "width", ints)?;
    let height = typed(batch, "height", ints)?;
    let error = typed(batch, "error", strings)?;
    let fingerprint = typed(batch, "fingerprint", strings)?;
    let face_index = typed(batch, "face_index", ints)?;
    let bbox = typed(batch, "bbox", lists)?;
    let landmarks = typed(batch, "landmarks", lists)?;
    let score = typed(batch, "score", floats)?;
    let embedding = typed(batch, "embedding", lists)?;
    for i in 0..batch.num_rows() {
        let row = first + i;
        let needed = |name: &str| format!("row {row}: `{name}` is empty; it must have a value");
        out.push(ImportRow {
            path: path[i].clone().ok_or_else(|| needed("path"))?,
            person: person[i].clone().ok_or_else(|| needed("person"))?,
            hash: hash[i].clone(),
            size: size[i].ok_or_else(|| needed("size"))?,
            mtime_ns: mtime_ns[i].ok_or_else(|| needed("mtime_ns"))?,
            width: width[i],
            height: height[i],
            error: error[i].clone(),
            fingerprint: fingerprint[i]
                .clone()
                .ok_or_else(|| needed("fingerprint"))?,
            face_index: face_index[i],
            bbox: bbox[i].clone(),
            landmarks: landmarks[i].clone(),
            score: score[i],
            embedding: embedding[i].clone(),
        });
    }
    Ok(())
}

/// Column `name` of `batch`, converted by `convert`.
fn typed<T>(
    batch: &RecordBatch,
    name: &str,
    convert: fn(&dyn Array) -> Result<T, String>,
) -> Result<T, String> {
    let column = batch
        .column_by_name(name)
        .ok_or_else(|| format!("no column `{name}`"))?;
    convert(column.as_ref()).map_err(|e| format!("column `{name}`: {e}"))
}

fn wrong_type(a: &dyn Array, wanted: &str) -> String {
    format!("it is {}, not {wanted}", a.data_type())
}

/// A text column.
fn strings(a: &dyn Array) -> Result<Vec<Option<String>>, String> {
    let own = |v: Option<&str>| v.map(str::to_string);
    if let Some(s) = a.as_string_opt::<i32>() {
        Ok(s.iter().map(own).collect())
    } else if let Some(s) = a.as_string_opt::<i64>() {
        Ok(s.iter().map(own).collect())
    } else if let Some(s) = a.as_string_view_opt() {
        Ok(s.iter().map(own).collect())
    } else {
        Err(wrong_type(a, "text"))
    }
}

/// An integer column of any width.
fn ints(a: &dyn Array) -> Result<Vec<Option<i64>>, String> {
    macro_rules! widen {
        ($($t:ty),*) => {
            $(if let Some(p) = a.as_primitive_opt::<$t>() {
                return p
                    .iter()
                    .map(|v| v.map(i64::try_from).transpose().map_err(|_| "an integer out of range".to_string()))
                    .collect();
            })*
        };
    }
    widen!(
        Int64Type, Int32Type, Int16Type, Int8Type, UInt64Type, UInt32Type, UInt16Type, UInt8Type
    );
    Err(wrong_type(a, "integers"))
}

/// A float column (f64 narrowed to f32).
fn floats(a: &dyn Array) -> Result<Vec<Option<f32>>, String> {
    if let Some(p) = a.as_primitive_opt::<Float32Type>() {
        Ok(p.iter().collect())
    } else if let Some(p) = a.as_primitive_opt::<Float64Type>() {
        Ok(p.iter().map(|v| v.map(|x| x as f32)).collect())
    } else {
        Err(wrong_type(a, "floats"))
    }
}

/// A column of float lists, fixed-size or not.
fn lists(a: &dyn Array) -> Result<Vec<Option<Vec<f32>>>, String> {
    let each =
        |n: usize, is_null: &dyn Fn(usize) -> bool, value: &dyn Fn(usize) -> Vec<Option<f32>>| {
            (0..n)
                .map(|i| match is_null(i) {
                    true => Ok(None),
                    false => value(i)
                        .into_iter()
                        .collect::<Option<Vec<f32>>>()
                        .map(Some)
                        .ok_or_else(|| "a list holds an empty value".to_string()),
                })
                .collect()
        };
    let items = |v: &dyn Array| floats(v).unwrap_or_default();
    let list_of_floats = match a.data_type() {
        DataType::FixedSizeList(f, _) | DataType::List(f) | DataType::LargeList(f) => {
            matches!(f.data_type(), DataType::Float32 | DataType::Float64)
        }
        _ => false,
    };
    if !list_of_floats {
        return Err(wrong_type(a, "a list of floats"));
    }
    if let Some(l) = a.as_fixed_size_list_opt() {
        each(l.len(), &|i| l.is_null(i), &|i| items(l.value(i).as_ref()))
    } else if let Some(l) = a.as_list_opt::<i32>() {
        each(l.len(), &|i| l.is_null(i), &|i| items(l.value(i).as_ref()))
    } else if let Some(l) = a.as_list_opt::<i64>() {
        each(l.len(), &|i| l.is_null(i), &|i| items(l.value(i).as_ref()))
    } else {
        Err(wrong_type(a, "a list of floats"))
    }
}
