//! A folder member with `files`: only the named ones are taken, and a named
//! one the wheel lacks is an error naming it (tiny fake wheels).

use super::*;
use crate::models::Manifest;
use std::io::Write;

fn wheel(dir: &Path, members: &[&str]) -> std::path::PathBuf {
    let path = dir.join("nvidia_fake_cu12-1.0-py3-none-manylinux_2_27_x86_64.whl");
    let file = File::create(&path).expect("temp file");
    let mut zip = zip::ZipWriter::new(file);
    for name in members {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        zip.write_all(name.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip");
    path
}

fn artifact(files: &[&str]) -> Artifact {
    let mut a = Manifest::builtin()
        .expect("manifest parses")
        .get("cuda-curand")
        .cloned()
        .expect("cuda-curand listed");
    a.member = "nvidia/fake/lib/".to_string();
    a.files = files.iter().map(|f| f.to_string()).collect();
    a
}

#[test]
fn only_the_named_files_are_taken() {
    let dir = tempfile::tempdir().expect("temp dir");
    let archive = wheel(
        dir.path(),
        &[
            "nvidia/fake/lib/__init__.py",
            "nvidia/fake/lib/libfake.so.1",
            "nvidia/fake/lib/libfake_static.a",
            "nvidia/fake/include/fake.h",
        ],
    );
    let dest = dir.path().join("out");
    extract_tree(&archive, &artifact(&["libfake.so.1"]), &dest).expect("extracted");
    let names: Vec<String> = fs::read_dir(&dest)
        .expect("listed")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, ["libfake.so.1"]);
}

#[test]
fn a_named_file_the_wheel_lacks_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let archive = wheel(dir.path(), &["nvidia/fake/lib/libfake.so.1"]);
    let wanted = artifact(&["libfake.so.1", "libfakeLt.so.1"]);
    let err = extract_tree(&archive, &wanted, &dir.path().join("out"))
        .expect_err("refused")
        .to_string();
    assert!(err.contains("nvidia/fake/lib/libfakeLt.so.1"), "{err}");
}
