//! What the exchange tests share: running the binary on a workspace, and
//! reading vectors back from a store, a Parquet file and a CSV file.

use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Int32Type};
use facecurate::store::Store;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A vector by content hash and face index, as bit patterns.
pub type Vectors = BTreeMap<(String, i64), Vec<u32>>;

/// A row without a face: its path, content hash and error.
pub type Faceless = (String, Option<String>, Option<String>);

pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `dir/ws.yaml` on `root` (state in `dir/facecurate-state`).
pub fn workspace(dir: &Path, root: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).expect("workspace folder");
    let ws = dir.join("ws.yaml");
    facecurate_ok(&ws, &["init", s(root)]);
    ws
}

pub fn facecurate(ws: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(["-w", s(ws)])
        .args(args)
        .output()
        .expect("run facecurate");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

pub fn facecurate_ok(ws: &Path, args: &[&str]) -> String {
    let (code, out, err) = facecurate(ws, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

pub fn store_of(ws: &Path) -> PathBuf {
    facecurate::config::Workspace::load(ws)
        .expect("workspace")
        .store_path()
}

/// The store's vectors, read straight from its `faces.embedding` blobs.
pub fn store_vectors(ws: &Path) -> Vectors {
    let conn = rusqlite::Connection::open(store_of(ws)).expect("store");
    let mut stmt = conn
        .prepare("SELECT hash, idx, embedding FROM faces")
        .expect("query");
    let rows = stmt
        .query_map([], |r| {
            let blob: Vec<u8> = r.get(2)?;
            let bits = blob
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            Ok(((r.get(0)?, r.get(1)?), bits))
        })
        .expect("rows");
    rows.map(|r| r.expect("row")).collect()
}

/// Faces of every path (a content at two paths counts twice).
pub fn faces_of_paths(ws: &Path) -> usize {
    let conn = rusqlite::Connection::open(store_of(ws)).expect("store");
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM files f JOIN faces c ON c.hash = f.hash",
            [],
            |r| r.get(0),
        )
        .expect("count");
    n as usize
}

/// The Parquet file's vectors, and its rows without a face as (path, hash, error).
pub fn parquet_vectors(file: &Path) -> (Vectors, Vec<Faceless>) {
    let f = std::fs::File::open(file).expect("export");
    let reader = ParquetRecordBatchReaderBuilder::try_new(f)
        .expect("a Parquet file")
        .build()
        .expect("reader");
    let (mut vectors, mut faceless) = (Vectors::new(), Vec::new());
    for batch in reader {
        let batch = batch.expect("batch");
        let col = |n: &str| batch.column_by_name(n).expect(n);
        let (path, hash, error) = (
            col("path").as_string::<i32>(),
            col("hash").as_string::<i32>(),
            col("error").as_string::<i32>(),
        );
        let index = col("face_index").as_primitive::<Int32Type>();
        let embedding = col("embedding").as_fixed_size_list();
        for i in 0..batch.num_rows() {
            let hash_of = |i| (!hash.is_null(i)).then(|| hash.value(i).to_string());
            if index.is_null(i) {
                let error = (!error.is_null(i)).then(|| error.value(i).to_string());
                faceless.push((path.value(i).to_string(), hash_of(i), error));
                continue;
            }
            let values = embedding.value(i);
            let bits = values.as_primitive::<Float32Type>();
            let bits: Vec<u32> = bits.values().iter().map(|v| v.to_bits()).collect();
            let key = (
                hash_of(i).expect("a face has a hash"),
                i64::from(index.value(i)),
            );
            if let Some(before) = vectors.insert(key, bits.clone()) {
                assert_eq!(before, bits, "paths sharing a content share its vectors");
            }
        }
    }
    (vectors, faceless)
}

pub fn fingerprint_of(ws: &Path) -> String {
    let quiet = facecurate::session::quiet();
    facecurate::session::Session::open(ws, Default::default(), quiet)
        .expect("session")
        .fingerprint()
        .to_string()
}

pub fn files_in(ws: &Path) -> usize {
    let fp = fingerprint_of(ws);
    Store::open(&store_of(ws), &fp)
        .expect("store")
        .count_files()
        .expect("count")
}

/// The records of a CSV file as maps from the header's names (RFC 4180).
pub fn csv_rows(file: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(file).expect("csv");
    let mut records: Vec<Vec<String>> = vec![vec![String::new()]];
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        let record = records.last_mut().expect("a record");
        let field = record.last_mut().expect("a field");
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(String::new()),
            ('\r', false) => {}
            ('\n', false) => records.push(vec![String::new()]),
            (c, _) => field.push(c),
        }
    }
    records.pop();
    let header = records.remove(0);
    records
        .into_iter()
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}
