//! `facecurate show` as a user runs it over SSH: every face of a photo is
//! listed with its box, landmarks and score; with a workspace whose
//! classifier is trained, with the person it resembles; a file that is not
//! a photo is named with its cause and the others still shown.

mod common;

use common::{person_of, photos_under, setup};
use std::process::{Command, Output};

fn facecurate(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(args)
        .output()
        .expect("run facecurate")
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

#[test]
fn show_lists_each_face_and_who_it_resembles() {
    let celeb5 = &setup().celeb5;
    let dir = tempfile::tempdir().expect("temp dir");
    for photo in photos_under(&celeb5.join("train")) {
        let person = dir.path().join("dataset").join(person_of(&photo));
        std::fs::create_dir_all(&person).expect("person folder");
        std::fs::copy(&photo, person.join(photo.file_name().expect("name"))).expect("copy");
    }
    let ws = dir.path().join("ws.yaml");
    std::fs::write(&ws, "dataset: dataset\nstate_dir: state\n").expect("workspace file");
    let madonna = photos_under(&celeb5.join("val").join("madonna"));
    let broken = dir.path().join("broken.jpg");
    std::fs::write(&broken, b"not a photo").expect("write");

    // Without a classifier: the faces alone.
    let out = facecurate(&[os("-w"), ws.as_os_str(), os("show"), madonna[0].as_os_str()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("face 0: box [") && text.contains("score 0."),
        "{text}"
    );
    assert!(
        text.contains("landmarks (") && !text.contains("resembles"),
        "{text}"
    );

    let trained = facecurate(&[
        os("-w"),
        ws.as_os_str(),
        os("train"),
        os("--min-images"),
        os("5"),
    ]);
    assert!(
        trained.status.success(),
        "{}",
        String::from_utf8_lossy(&trained.stderr)
    );
    let out = facecurate(&[
        os("-w"),
        ws.as_os_str(),
        os("show"),
        broken.as_os_str(),
        madonna[0].as_os_str(),
        madonna[1].as_os_str(),
    ]);
    let (text, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "one photo failed: {err}");
    assert!(err.contains(&broken.display().to_string()), "{err}");
    let resembles = text.matches("resembles madonna").count();
    assert_eq!(resembles, 2, "both Madonna photos: {text}");
}
