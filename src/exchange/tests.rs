//! Exchange round trips on made-up photos, without models: every kind of
//! photo (faces, none, a pipeline failure, an unreadable file, two paths
//! of one content) comes back from Parquet exactly, thumbs aside; a store
//! without faces exports too; and rows that would corrupt a store are
//! refused with the row named.

use super::read::ImportRow;
use super::*;
use crate::pipeline::Face;
use crate::store::{FileRow, Store};

fn face(seed: f32) -> Face {
    Face {
        bbox: [1.0, 2.0, 30.5, seed],
        landmarks: [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0], [9.0, seed]],
        score: 0.875,
        embedding: (0..8).map(|i| seed + i as f32 * 1e-3).collect(),
        thumb: vec![7; 64 * 64],
    }
}

fn hash(c: char) -> String {
    std::iter::repeat_n(c, 64).collect()
}

fn photo(path: &str, hash: Option<String>, faces: Vec<Face>) -> StoredPhoto {
    let person = path.split('/').next().unwrap_or_default().to_string();
    StoredPhoto {
        path: path.into(),
        file: FileRow {
            person,
            size: 1234,
            mtime_ns: 1_700_000_000_123_456_789,
            error: hash.is_none().then(|| "cannot read file: denied".into()),
            hash,
        },
        width: 250,
        height: 200,
        content_error: None,
        faces,
    }
}

fn every_kind() -> Vec<StoredPhoto> {
    let mut failed = photo("bob/bad.jpg", Some(hash('c')), vec![]);
    failed.content_error = Some("not an image, \"really\"".into());
    let mut unreadable = photo("bob/locked.jpg", None, vec![]);
    (unreadable.width, unreadable.height) = (0, 0);
    vec![
        photo("ann/1.jpg", Some(hash('a')), vec![face(0.5), face(-0.25)]),
        photo(
            "ann/copy.jpg",
            Some(hash('a')),
            vec![face(0.5), face(-0.25)],
        ),
        photo("ann/none.png", Some(hash('b')), vec![]),
        failed,
        unreadable,
    ]
}

fn store(dir: &std::path::Path, name: &str) -> Store {
    Store::open(&dir.join(name), "fp1").unwrap()
}

/// What must survive a round trip: everything but the thumbs.
fn summary(photos: &[StoredPhoto]) -> Vec<String> {
    photos
        .iter()
        .map(|p| {
            let faces: Vec<_> = p
                .faces
                .iter()
                .map(|f| (f.bbox, f.landmarks, f.score, f.embedding.clone()))
                .collect();
            format!(
                "{} {:?} {} {} {:?} {faces:?}",
                p.path, p.file, p.width, p.height, p.content_error
            )
        })
        .collect()
}

#[test]
fn every_kind_of_photo_comes_back_from_parquet_without_thumbs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.parquet");
    let photos = every_kind();
    let written = export(&photos, "fp1", Format::Parquet, &file).unwrap();
    assert_eq!((written.photos, written.faces), (5, 4));
    let mut into = store(dir.path(), "b.sqlite");
    let got = import(&mut into, &file, Some(8)).unwrap();
    assert_eq!(
        (got.photos, got.contents, got.kept, got.failed),
        (5, 3, 0, 2)
    );
    let back = into.exchange_photos().unwrap();
    assert_eq!(summary(&back), summary(&photos));
    assert!(
        back.iter()
            .flat_map(|p| &p.faces)
            .all(|f| f.thumb.is_empty())
    );
    // Again: every content is there already and kept as it is.
    let again = import(&mut into, &file, Some(8)).unwrap();
    assert_eq!((again.contents, again.kept), (0, 3));
}

#[test]
fn a_store_without_faces_exports_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let photos = vec![photo("ann/none.png", Some(hash('b')), vec![])];
    for format in [Format::Parquet, Format::Npy, Format::Csv] {
        let out = dir.path().join(format!("x.{}", format.name()));
        assert_eq!(export(&photos, "fp1", format, &out).unwrap().faces, 0);
    }
    let mut into = store(dir.path(), "b.sqlite");
    import(&mut into, &dir.path().join("x.parquet"), None).unwrap();
    assert_eq!(into.exchange_photos().unwrap().len(), 1);
}

fn rows() -> Vec<ImportRow> {
    let face_row = |index: i64| ImportRow {
        path: "ann/1.jpg".into(),
        person: "ann".into(),
        hash: Some(hash('a')),
        size: 10,
        mtime_ns: 5,
        width: Some(100),
        height: Some(80),
        error: None,
        fingerprint: "fp1".into(),
        face_index: Some(index),
        bbox: Some(vec![1.0; 4]),
        landmarks: Some(vec![2.0; 10]),
        score: Some(0.9),
        embedding: Some(vec![0.5; 8]),
    };
    vec![face_row(0), face_row(1)]
}

fn refused(change: impl Fn(&mut Vec<ImportRow>), expected: &str) {
    let mut r = rows();
    change(&mut r);
    match validate::photos(r, Some(8)) {
        Ok(_) => panic!("accepted; expected {expected:?}"),
        Err(e) => assert!(e.contains(expected), "{e:?} lacks {expected:?}"),
    }
}

#[test]
fn rows_that_would_corrupt_a_store_are_refused() {
    assert_eq!(validate::photos(rows(), Some(8)).unwrap()[0].faces.len(), 2);
    refused(
        |r| r[1].embedding = Some(vec![0.5; 7]),
        "row 1: `embedding` has 7",
    );
    refused(|r| r[1].face_index = Some(2), "face indices");
    refused(|r| r[1].size = 11, "rows 0 and 1");
    refused(|r| r[0].bbox = Some(vec![f32::NAN; 4]), "not finite");
    refused(|r| r[0].score = None, "score");
    refused(
        |r| r.iter_mut().for_each(|x| x.path = "../1.jpg".into()),
        "not `person/photo`",
    );
    refused(
        |r| r.iter_mut().for_each(|x| x.path = "bob/1.jpg".into()),
        "person",
    );
    refused(
        |r| r.iter_mut().for_each(|x| x.hash = Some("xyz".into())),
        "BLAKE3",
    );
    refused(|r| r.iter_mut().for_each(|x| x.width = None), "width");
    refused(
        |r| r.iter_mut().for_each(|x| x.hash = None),
        "no content hash",
    );
    refused(
        |r| {
            r[1].path = "ann/2.jpg".into();
            r[1].face_index = Some(0);
            r[1].score = Some(0.1);
        },
        "same content hash but different faces",
    );
}

#[test]
fn a_file_of_another_fingerprint_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.parquet");
    export(&every_kind(), "other", Format::Parquet, &file).unwrap();
    let mut into = store(dir.path(), "b.sqlite");
    let err = import(&mut into, &file, Some(8)).unwrap_err().to_string();
    assert!(err.contains("other") && err.contains("fp1"), "{err}");
    assert_eq!(into.count_files().unwrap(), 0);
}
