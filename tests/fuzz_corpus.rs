//! The fuzz corpora (`fuzz/corpus/<target>/`, seeds plus whatever the fuzzer
//! kept, crashes it found included) replayed on stable through the same
//! entry points `cargo fuzz` drives, so a fixed crash stays fixed. The
//! decode target also gets the fetched sample photos.

mod common;

use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{target}: empty corpus");
    files
}

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let files = corpus(target);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        if std::panic::catch_unwind(|| run(&data)).is_err() {
            panic!("{target}: {} fails", f.display());
        }
    }
    files.len()
}

#[test]
fn decode_corpus_and_sample_photos() {
    let n = replay("decode", facecurate::fuzzing::decode);
    let samples = common::photos_under(&common::setup().celeb5);
    for p in &samples {
        facecurate::fuzzing::decode(&std::fs::read(p).unwrap());
    }
    eprintln!("decode: {n} corpus files, {} sample photos", samples.len());
}

#[test]
fn exif_orientation_is_applied() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decode");
    let dims = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        facecurate::pipeline::decode::decode_bytes(&bytes)
            .unwrap()
            .dimensions()
    };
    assert_eq!(dims("exif_orientation_1.jpg"), (12, 8));
    assert_eq!(
        dims("exif_orientation_6.jpg"),
        (8, 12),
        "rotated a quarter turn"
    );
    assert_eq!(dims("exif_orientation_8.jpg"), (8, 12));
}

#[test]
fn text_corpora() {
    for (target, run) in [
        (
            "workspace_yaml",
            facecurate::fuzzing::workspace_yaml as fn(&[u8]),
        ),
        ("journal_steps", facecurate::fuzzing::journal_steps),
        ("pair_file", facecurate::fuzzing::pair_file),
        ("embedder_spec", facecurate::fuzzing::embedder_spec),
    ] {
        let n = replay(target, run);
        eprintln!("{target}: {n} corpus files");
    }
}

#[test]
fn a_journal_step_leaving_the_dataset_is_refused() {
    let text = r#"[{"step":"move_file","from":{"data":"../etc/passwd"},"to":{"data":"bob/a.jpg"},"hash":"ab"}]"#;
    let e = facecurate::ops::journal::decode_steps(text).unwrap_err();
    assert!(e.contains("not a plain relative path"), "{e}");
}

#[test]
fn a_pair_naming_a_folder_outside_the_root_is_skipped() {
    let parsed = facecurate::lfw::pairs::parse_pairs("../x 1 2\nA 1 ../../B 2\nC 1 2\n");
    assert_eq!(parsed.pairs.len(), 1);
    assert_eq!(parsed.skipped.len(), 2, "{:?}", parsed.skipped);
}
