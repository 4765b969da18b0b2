//! MTCNN and `facecurate align` on the fetched sample photos: the cascade
//! agrees with the reference implementation on the same pixels, and `align`
//! writes facenet's layout, box file and crop sizes, re-running only what
//! is new.

mod common;

use common::{photos_under, setup};
use facecurate::facenet::crop::facenet_box;
use facecurate::facenet::mtcnn::{Mtcnn, MtcnnFiles, MtcnnSettings};
use facecurate::models::{Manifest, fetch};
use facecurate::pipeline::decode::decode_file;
use std::path::{Path, PathBuf};
use std::process::Command;

fn mtcnn_files() -> MtcnnFiles {
    let s = setup();
    let manifest = Manifest::builtin().expect("manifest");
    let names = ["mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet"];
    fetch::ensure(&s.cache, &manifest, &names, &mut |l| eprintln!("{l}")).expect("fetch MTCNN");
    let file = |n: &str| s.cache.path_of(&manifest.get(n).expect("listed").file);
    MtcnnFiles {
        pnet: file(names[0]),
        rnet: file(names[1]),
        onet: file(names[2]),
    }
}

fn reference() -> serde_json::Value {
    let text = include_str!("fixtures/mtcnn_celeb5_reference.json");
    serde_json::from_str(text).expect("fixture parses")
}

fn iou(a: [f64; 4], b: [f64; 4]) -> f64 {
    let ix = a[2].min(b[2]) - a[0].max(b[0]);
    let iy = a[3].min(b[3]) - a[1].max(b[1]);
    if ix <= 0.0 || iy <= 0.0 {
        return 0.0;
    }
    let area = |r: [f64; 4]| (r[2] - r[0]) * (r[3] - r[1]);
    ix * iy / (area(a) + area(b) - ix * iy)
}

fn as_box(v: &serde_json::Value) -> [f64; 4] {
    std::array::from_fn(|i| v[i].as_f64().expect("number"))
}

#[test]
fn mtcnn_matches_the_reference_on_the_same_pixels() {
    let s = setup();
    let mut mtcnn =
        Mtcnn::open(&s.runtime, &mtcnn_files(), MtcnnSettings::default(), 2).expect("MTCNN loads");
    let doc = reference();
    let photos = doc["photos"].as_object().expect("photos");
    assert!(
        photos.len() >= 100,
        "{} photos in the fixture",
        photos.len()
    );
    let (mut with_face, mut faces, mut worst_iou, mut worst_landmark) = (0, 0, 1.0f64, 0.0f64);
    let mut close = 0;
    for (rel, expected) in photos {
        let image = decode_file(&s.celeb5.join(rel)).expect("decodes");
        let found = mtcnn.detect_faces(&image).expect("runs");
        with_face += usize::from(!found.is_empty());
        let expected = expected.as_array().expect("faces");
        assert_eq!(found.len(), expected.len(), "{rel}: face count");
        for e in expected {
            faces += 1;
            let want = as_box(&e["box"]);
            let best = found
                .iter()
                .max_by(|a, b| iou(a.corners, want).total_cmp(&iou(b.corners, want)))
                .expect("a face");
            worst_iou = worst_iou.min(iou(best.corners, want));
            close += usize::from(iou(best.corners, want) >= 0.99);
            for k in 0..5 {
                let dx = f64::from(best.landmarks[k][0]) - e["landmarks"][k].as_f64().expect("x");
                let dy =
                    f64::from(best.landmarks[k][1]) - e["landmarks"][k + 5].as_f64().expect("y");
                worst_landmark = worst_landmark.max(dx.abs()).max(dy.abs());
            }
        }
    }
    let rate = with_face as f64 / photos.len() as f64;
    eprintln!(
        "MTCNN: face in {with_face}/{} photos; {faces} faces, {close} at IoU >= 0.99 with the reference, worst IoU {worst_iou:.4}, worst landmark {worst_landmark:.3} px",
        photos.len()
    );
    assert!(rate >= 0.97, "face found in {:.1}% of photos", rate * 100.0);
    // Resampling rounding (OpenCV's fixed point vs f32 here) can tip a
    // near-tie between candidate boxes; it never moves a face far.
    assert!(worst_iou >= 0.9, "worst IoU {worst_iou}");
    assert!(
        close as f64 >= 0.98 * faces as f64,
        "{close}/{faces} faces at IoU >= 0.99"
    );
    assert!(
        worst_landmark < 1.0,
        "worst landmark error {worst_landmark} px"
    );
}

fn facecurate(args: &[&str]) -> (i32, String, String) {
    mtcnn_files();
    let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(["--device", "cpu"])
        .args(args)
        .output()
        .expect("run facecurate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// (output path, box) of each line of `bounding_boxes.txt` that has a box.
fn box_lines(dst: &Path) -> Vec<(PathBuf, [u32; 4])> {
    let text = std::fs::read_to_string(dst.join("bounding_boxes.txt")).expect("box file");
    text.lines()
        .filter_map(|l| {
            let parts: Vec<&str> = l.rsplitn(5, ' ').collect();
            (parts.len() == 5).then(|| {
                let b: Vec<u32> = parts[..4]
                    .iter()
                    .rev()
                    .map(|p| p.parse().expect("int"))
                    .collect();
                (PathBuf::from(parts[4]), [b[0], b[1], b[2], b[3]])
            })
        })
        .collect()
}

#[test]
fn align_writes_facenets_layout_and_reruns_only_new_photos() {
    let s = setup();
    let src = s.celeb5.join("train");
    let dir = tempfile::tempdir().expect("tempdir");
    let dst = dir.path().join("aligned");
    let (src_s, dst_s) = (src.to_str().expect("utf-8"), dst.to_str().expect("utf-8"));
    let (code, stdout, stderr) = facecurate(&[
        "align",
        src_s,
        dst_s,
        "--image-size",
        "182",
        "--margin",
        "44",
    ]);
    assert!(code == 0 || code == 1, "{stderr}");
    let photos = photos_under(&src);
    let outputs = photos_under(&dst);
    eprintln!("{stdout}");
    assert!(
        outputs.len() as f64 >= 0.97 * photos.len() as f64,
        "{} crops for {} photos",
        outputs.len(),
        photos.len()
    );
    // DST/<person>/<name>.png, 182x182, one box line each.
    let lines = box_lines(&dst);
    assert_eq!(lines.len(), outputs.len());
    let doc = reference();
    let mut checked = 0;
    for (out, b) in &lines {
        assert!(out.starts_with(&dst), "{}", out.display());
        let rel = out.strip_prefix(&dst).expect("inside DST");
        assert_eq!(rel.components().count(), 2, "{}", rel.display());
        assert_eq!(image::image_dimensions(out).expect("png"), (182, 182));
        let stem = rel.with_extension("");
        let source = photos
            .iter()
            .find(|p| p.strip_prefix(&src).ok().map(|r| r.with_extension("")) == Some(stem.clone()))
            .expect("the source photo");
        // The box is facenet's: the reference face grown by 22 px a side.
        let key = format!(
            "train/{}",
            source.strip_prefix(&src).expect("rel").display()
        );
        let faces = doc["photos"][&key].as_array().expect("reference faces");
        if faces.len() == 1 {
            let (w, h) = decode_file(source).expect("decodes").dimensions();
            let r = as_box(&faces[0]["box"]);
            let bbox = [
                r[0] as f32,
                r[1] as f32,
                (r[2] - r[0]) as f32,
                (r[3] - r[1]) as f32,
            ];
            let want = facenet_box(&bbox, 44.0, w, h).expect("box");
            for k in 0..4 {
                assert!(want[k].abs_diff(b[k]) <= 1, "{key}: {b:?} vs {want:?}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 80, "{checked} boxes checked");

    // A re-run does nothing; after removing one crop it redoes that one.
    let (_, stdout, _) = facecurate(&["align", src_s, dst_s]);
    assert!(
        stdout.contains("successfully aligned images: 0 "),
        "{stdout}"
    );
    std::fs::remove_file(&outputs[0]).expect("remove");
    let (_, stdout, _) = facecurate(&["align", src_s, dst_s]);
    assert!(
        stdout.contains("successfully aligned images: 1 "),
        "{stdout}"
    );
    assert_eq!(box_lines(&dst).len(), lines.len(), "one line per output");
}

#[test]
fn multiple_faces_get_numbered_crops_of_the_requested_size() {
    let s = setup();
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("group")).expect("mkdir");
    std::fs::copy(s.group.join("t1.jpg"), src.join("group/t1.jpg")).expect("copy");
    let dst = dir.path().join("out");
    let (code, _, stderr) = facecurate(&[
        "align",
        src.to_str().expect("utf-8"),
        dst.to_str().expect("utf-8"),
        "--detect-multiple-faces",
        "--image-size",
        "160",
        "--margin",
        "32",
        "--random-order",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let crops = photos_under(&dst.join("group"));
    assert!(crops.len() >= 6, "{crops:?}");
    assert!(crops[0].ends_with("t1_0.png"), "{crops:?}");
    assert_eq!(image::image_dimensions(&crops[0]).expect("png"), (160, 160));
    let (_, _, stderr) = facecurate(&[
        "align",
        src.to_str().expect("utf-8"),
        dst.to_str().expect("utf-8"),
        "--detect-multiple-faces",
    ]);
    assert!(stderr.contains("1 already aligned"), "{stderr}");
}
