//! The entry points the fuzz targets (`fuzz/`) and their corpus replay
//! (`tests/fuzz_corpus.rs`) share, one per parser of untrusted input. Each
//! takes arbitrary bytes, must never panic, and checks what a caller relies
//! on of the result; a crash the fuzzer finds is kept in the corpus, so the
//! replay on stable keeps it fixed. Not part of the library's API.

use std::path::Path;

/// A photo file: decoded (EXIF orientation applied) within the limits, or
/// refused with a cause.
pub fn decode(data: &[u8]) {
    if let Ok(img) = crate::pipeline::decode::decode_bytes(data) {
        let (w, h) = img.dimensions();
        assert!(w > 0 && h > 0, "a decoded photo has pixels");
        assert!(u64::from(w) * u64::from(h) <= crate::pipeline::decode::MAX_PIXELS);
    }
}

/// A workspace file: read into a workspace or refused with a located error.
pub fn workspace_yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("/nonexistent/facecurate-fuzz/workspace.yaml");
    if let Err(e) = crate::config::Workspace::parse(text, path) {
        assert!(!e.to_string().is_empty());
    }
}

/// A journal entry's steps, as replayed at every start: refused, or every
/// place a plain relative path, and undoing twice gives the steps back.
pub fn journal_steps(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(steps) = crate::ops::journal::decode_steps(text) else {
        return;
    };
    for step in &steps {
        for place in step.places() {
            assert!(
                crate::ops::names::is_plain_relative(Path::new(place)),
                "a replayed step leaves the dataset: {place:?}"
            );
        }
        assert_eq!(&step.clone().inverse().inverse(), step);
    }
}

/// An LFW pair file: pairs whose persons are folder names under the root.
pub fn pair_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parsed = crate::lfw::pairs::parse_pairs(&text);
    for pair in &parsed.pairs {
        for side in [&pair.first, &pair.second] {
            let p = Path::new(&side.person);
            assert!(
                p.components().count() == 1 && crate::ops::names::is_plain_relative(p),
                "a pair names a folder outside the root: {:?}",
                side.person
            );
        }
    }
}

/// A standalone embedder spec: accepted only with positive sizes and a
/// vector length, or refused with a located error.
pub fn embedder_spec(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("/nonexistent/facecurate-fuzz/spec.yaml");
    if let Ok(spec) = crate::config::parse_embedder_spec(text, path) {
        assert!(spec.width > 0 && spec.height > 0 && spec.output_dim > 0);
    }
}
