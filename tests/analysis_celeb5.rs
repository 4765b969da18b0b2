//! The curation analysis end to end on real photos: the fetched
//! 5-celebrity set copied into a dataset folder, with a few photos moved to
//! the wrong person and a few copies added, through the pipeline and the
//! analysis. Needs the models and photos (fetched into the cache on first run).

use facecurate::analysis::{self, Analysis, DuplicateKind, Flag, PairMemo, Report, Settings};
use facecurate::models::{Cache, Manifest, fetch};
use facecurate::pipeline::{ModelFiles, PipelineConfig};
use facecurate::records;
use facecurate::runtime::{self, Device};
use image::ImageEncoder;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

fn copy_photos(from: &Path, to: &Path) {
    for split in ["train", "val"] {
        for person in std::fs::read_dir(from.join(split))
            .expect("celeb5 split")
            .flatten()
        {
            let dest = to.join(person.file_name());
            std::fs::create_dir_all(&dest).expect("person folder");
            for photo in std::fs::read_dir(person.path())
                .expect("person photos")
                .flatten()
            {
                let name = format!("{split}_{}", photo.file_name().to_string_lossy());
                std::fs::copy(photo.path(), dest.join(name)).expect("copy photo");
            }
        }
    }
}

fn photos_of(root: &Path, person: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join(person))
        .expect("folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .expect("inside root")
        .to_string_lossy()
        .replace('\\', "/")
}

fn flags<'a>(report: &'a Report, path: &str) -> &'a analysis::PhotoReport {
    report
        .photos
        .iter()
        .find(|p| p.path == path)
        .unwrap_or_else(|| panic!("{path} not in report"))
}

#[test]
fn finds_injected_mislabels_and_copies_in_real_photos() {
    let cache = Cache::default_location();
    let manifest = Manifest::builtin().expect("manifest");
    let mut names = fetch::default_names(&manifest);
    names.push("celeb5");
    fetch::ensure(&cache, &manifest, &names, &mut |line| eprintln!("{line}"))
        .expect("fetch models and photos");
    let runtime = runtime::init(&runtime::library_path(&cache, &manifest), Device::Cpu)
        .expect("onnx runtime");
    let file = |n: &str| cache.path_of(&manifest.get(n).expect("artifact").file);
    let config = PipelineConfig::for_cores(ModelFiles::builtin(file("yunet"), file("sface")), 2);
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("dataset");
    copy_photos(&file("celeb5"), &root);

    // Two photos filed under the wrong person.
    let mut moved = Vec::new();
    for (from, to, pick) in [
        ("ben_afflek", "madonna", 3),
        ("elton_john", "jerry_seinfeld", 5),
    ] {
        let src = photos_of(&root, from)[pick].clone();
        let dest = root.join(to).join(src.file_name().expect("name"));
        std::fs::rename(&src, &dest).expect("move");
        moved.push((rel(&root, &dest), from));
    }
    // A mirrored copy in the same folder, a half-size JPEG-50 copy under
    // another person, and a byte-for-byte copy.
    let mindy = photos_of(&root, "mindy_kaling")[2].clone();
    let img = image::open(&mindy).expect("decode");
    let mirror = root.join("mindy_kaling/mirrored_copy.png");
    image::imageops::flip_horizontal(&img)
        .save(&mirror)
        .expect("save mirror");
    let jerry = photos_of(&root, "jerry_seinfeld")[1].clone();
    let img = image::open(&jerry).expect("decode").to_rgb8();
    let half = image::imageops::resize(
        &img,
        img.width() / 2,
        img.height() / 2,
        image::imageops::FilterType::Triangle,
    );
    let small = root.join("ben_afflek/small_copy.jpg");
    let out = std::fs::File::create(&small).expect("create");
    image::codecs::jpeg::JpegEncoder::new_with_quality(out, 50)
        .write_image(
            &half,
            half.width(),
            half.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode");
    let madonna = photos_of(&root, "madonna")[0].clone();
    let exact = root.join("elton_john/exact_copy.jpg");
    std::fs::copy(&madonna, &exact).expect("copy");

    let mut records = records::from_pipeline(
        &runtime,
        &config,
        &root,
        &AtomicBool::new(false),
        &mut |_, _| {},
    )
    .expect("pipeline");
    let report = analysis::analyze(&records, &Settings::default());

    // The moved photos rank first among photos and name their true person.
    let ranked: Vec<&str> = report.photos.iter().map(|p| p.path.as_str()).collect();
    let small_path = rel(&root, &small);
    for (path, true_person) in &moved {
        let p = flags(&report, path);
        assert!(p.flags.contains(&Flag::Mislabel), "{p:?}");
        assert_eq!(p.suggested_person.as_deref(), Some(*true_person));
        let rank = ranked.iter().position(|r| r == path).expect("ranked");
        let ahead = ranked[..rank]
            .iter()
            .filter(|r| **r != small_path && !r.contains("exact_copy"))
            .count();
        assert!(
            ahead < moved.len(),
            "{path} ranked {rank}: {:?}",
            &ranked[..rank]
        );
    }
    let kind = |a: &Path, b: &Path| {
        let (a, b) = (rel(&root, a), rel(&root, b));
        report
            .duplicates
            .iter()
            .find(|d| (d.a == a && d.b == b) || (d.a == b && d.b == a))
            .map(|d| d.kind)
    };
    assert_eq!(kind(&mindy, &mirror), Some(DuplicateKind::Copy));
    assert_eq!(kind(&jerry, &small), Some(DuplicateKind::Copy));
    assert_eq!(kind(&madonna, &exact), Some(DuplicateKind::Exact));
    assert!(
        flags(&report, &rel(&root, &mirror))
            .flags
            .contains(&Flag::Duplicate)
    );
    // Each added copy is paired with its original only (the set itself holds
    // a few web photos twice, which are rightly reported too).
    let injected = [rel(&root, &mirror), small_path.clone(), rel(&root, &exact)];
    let claimed = report
        .duplicates
        .iter()
        .filter(|d| {
            d.kind != DuplicateKind::Similar && (injected.contains(&d.a) || injected.contains(&d.b))
        })
        .count();
    assert_eq!(claimed, 3, "{:?}", report.duplicates);

    // A second run that remembers the registered pairs (as `report` on a
    // warm store does) says exactly what registering them again says.
    let first_run = Analysis::with_memo(records.clone(), Settings::default(), PairMemo::default());
    let memo = first_run.pair_memo().clone();
    assert!(!memo.is_empty(), "the copies were registered");
    let warm = Analysis::with_memo(records.clone(), Settings::default(), memo);
    assert!(!warm.pair_memo().changed);
    let json = |r: &Report| serde_json::to_string(r).expect("json");
    assert_eq!(json(&warm.report()), json(&report));

    // Marked as reviewed, a moved photo is no longer flagged.
    let first = &moved[0].0;
    records
        .iter_mut()
        .filter(|r| r.path == Path::new(first))
        .for_each(|r| r.reviewed = true);
    let report = analysis::analyze(&records, &Settings::default());
    assert!(flags(&report, first).flags.is_empty());
}
