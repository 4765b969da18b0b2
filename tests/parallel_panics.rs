//! The face pipeline's worker pool under a panic, through the library: the
//! photo whose processing panics gets an error naming it, and every other
//! photo's result is its own (the results are matched to photos by index,
//! so one lost or shifted result would put faces on the wrong photo). The
//! panic is injected with `FACECURATE_FAULT_PANIC`; this file holds a
//! single test, so setting the variable races with nothing.
//! `panic_photo.rs` checks the same through the binary and the store.

mod common;

use facecurate::pipeline::Failure;

#[test]
fn a_panicking_photo_gets_its_own_error_and_the_others_their_own_faces() {
    // SAFETY: the only test of this binary, run before anything reads the
    // environment on another thread.
    unsafe { std::env::set_var("FACECURATE_FAULT_PANIC", "madonna_001") };
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = common::photos_under(&common::dataset(dir.path(), 3));
    assert_eq!(paths.len(), 15);
    let results = common::process(&paths);
    let mut failed = Vec::new();
    for (path, result) in paths.iter().zip(&results) {
        match result {
            Ok(photo) => {
                assert_eq!(&photo.path, path, "a result in another photo's place");
                assert!(!photo.faces.is_empty(), "{}: no face", path.display());
            }
            Err(e) => {
                assert_eq!(&e.path, path, "an error in another photo's place");
                assert!(
                    matches!(&e.cause, Failure::Internal(m) if m.contains("injected fault")),
                    "{e}"
                );
                failed.push(path.file_name().map(|n| n.to_string_lossy().to_string()));
            }
        }
    }
    assert_eq!(failed, vec![Some("madonna_001.jpg".to_string())]);
}
