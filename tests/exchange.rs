//! Exchange formats on real photos (the fetched 5-celebrity set, plus an
//! exact copy, a copy with other bytes, a photo without a face and a file
//! that is not a photo): `export` writes the store's vectors bit for bit
//! (Parquet read back with the `parquet` crate, npy and CSV parsed here),
//! `import` into a fresh workspace on the same folder gives the same
//! report but for the pixel checks it cannot make, and a file of another
//! pipeline, a malformed file or vectors of the wrong length are refused
//! with nothing written.

mod common;
// A test crate's root looks for modules beside it, not in its own folder.
#[path = "exchange/support.rs"]
mod support;

use facecurate::exchange::{Format, export};
use facecurate::store::Store;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::{
    csv_rows, facecurate, facecurate_ok, faces_of_paths, files_in, fingerprint_of, parquet_vectors,
    s, store_of, store_vectors, workspace,
};

/// The original workspace: scanned, reported and exported once per run.
struct Original {
    dir: PathBuf,
    root: PathBuf,
    ws: PathBuf,
    parquet: PathBuf,
    report: Value,
}

fn original() -> &'static Original {
    static ORIGINAL: OnceLock<Original> = OnceLock::new();
    ORIGINAL.get_or_init(|| {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .expect("tempdir")
            .keep();
        let root = common::dataset(&dir, 5);
        plant(&root);
        let ws = workspace(&dir.join("a"), &root);
        let (code, _, err) = facecurate(&ws, &["scan"]);
        assert_eq!(
            code, 1,
            "the broken file fails, the rest is embedded: {err}"
        );
        let report = common::facecurate_json(&["-w", s(&ws), "report", "--json"]);
        let parquet = dir.join("a/export.parquet");
        facecurate_ok(&ws, &["export", "--out", s(&parquet)]);
        Original {
            dir,
            root,
            ws,
            parquet,
            report,
        }
    })
}

/// An exact copy, a copy with other bytes (pixels the same), a photo
/// without a face and a file that is not a photo.
fn plant(root: &Path) {
    let photo = root.join("madonna/madonna_000.jpg");
    std::fs::copy(&photo, root.join("madonna/exact.jpg")).expect("exact copy");
    let mut bytes = std::fs::read(&photo).expect("photo");
    bytes.extend_from_slice(b"trailing bytes after the image");
    std::fs::write(root.join("elton_john/copy.jpg"), bytes).expect("copy");
    image::GrayImage::from_pixel(160, 120, image::Luma([128]))
        .save(root.join("ben_afflek/blank.png"))
        .expect("blank photo");
    std::fs::write(root.join("mindy_kaling/broken.jpg"), b"not a jpeg").expect("broken");
}

#[test]
fn parquet_export_holds_the_store_vectors_bit_for_bit_and_every_photo() {
    let o = original();
    let (vectors, faceless) = parquet_vectors(&o.parquet);
    let stored = store_vectors(&o.ws);
    assert!(stored.len() >= 25, "{} faces", stored.len());
    assert_eq!(vectors, stored);
    let paths: BTreeSet<&str> = faceless.iter().map(|f| f.0.as_str()).collect();
    assert!(paths.contains("ben_afflek/blank.png"), "{faceless:?}");
    let broken = faceless
        .iter()
        .find(|f| f.0 == "mindy_kaling/broken.jpg")
        .expect("the broken file has a row");
    assert!(broken.1.is_some() && broken.2.is_some(), "{broken:?}");
}

/// What a report's duplicates say, keyed by their pair.
fn pairs(report: &Value) -> BTreeMap<(String, String), Value> {
    let list = report["duplicates"].as_array().expect("duplicates");
    list.iter()
        .map(|d| {
            let key = (d["a"].as_str().expect("a"), d["b"].as_str().expect("b"));
            ((key.0.to_string(), key.1.to_string()), d.clone())
        })
        .collect()
}

#[test]
fn import_into_a_fresh_workspace_gives_the_same_report_but_for_the_pixel_checks() {
    let o = original();
    let ws = workspace(&o.dir.join("b"), &o.root);
    let imported: Value =
        serde_json::from_str(&facecurate_ok(&ws, &["import", s(&o.parquet), "--json"]))
            .expect("import summary");
    assert_eq!(imported["failed"], 1, "{imported}");
    let scan: Value =
        serde_json::from_str(&facecurate_ok(&ws, &["scan", "--json"])).expect("scan summary");
    for key in ["new", "changed", "moved", "removed", "embedded"] {
        assert_eq!(scan[key], 0, "nothing is re-read or re-embedded: {scan}");
    }
    assert_eq!(store_vectors(&ws), store_vectors(&o.ws));
    let report = common::facecurate_json(&["-w", s(&ws), "report", "--json"]);
    compare_reports(&o.report, &report, faces_of_paths(&ws));
}

/// The report after an import against the original. The missing thumbs
/// change exactly this: non-exact pairs lose their correlation and are
/// `similar` (a copy is listed only when its cosine reaches
/// `similar_cosine`), a photo keeps its `duplicate` flag only through an
/// exact pair, and `warnings` counts the faces without a thumb. Every other
/// field is equal.
fn compare_reports(a: &Value, b: &Value, faces: usize) {
    let (pa, pb) = (pairs(a), pairs(b));
    type Pairs = BTreeMap<(String, String), Value>;
    let exact = |p: &Pairs| -> Pairs {
        p.iter()
            .filter(|(_, d)| d["kind"] == "exact")
            .map(|(k, d)| (k.clone(), d.clone()))
            .collect()
    };
    assert_eq!(exact(&pa), exact(&pb));
    assert!(!exact(&pa).is_empty(), "the planted exact copy is found");
    assert!(pa.values().any(|d| d["kind"] == "copy"), "{pa:?}");
    let similar_cosine = f64::from(facecurate::analysis::Settings::default().similar_cosine);
    let expected: BTreeMap<_, _> = pa
        .iter()
        .filter(|(_, d)| d["kind"] != "exact" && d["cosine"].as_f64() >= Some(similar_cosine))
        .map(|(k, d)| (k.clone(), d["cosine"].clone()))
        .collect();
    let got: BTreeMap<_, _> = pb
        .iter()
        .filter(|(_, d)| d["kind"] != "exact")
        .map(|(k, d)| {
            assert_eq!(
                (&d["kind"], &d["correlation"]),
                (&"similar".into(), &Value::Null)
            );
            (k.clone(), d["cosine"].clone())
        })
        .collect();
    assert_eq!(got, expected);

    let in_exact: BTreeSet<String> = exact(&pa).into_keys().flat_map(|(x, y)| [x, y]).collect();
    let (photos_a, photos_b) = (
        a["photos"].as_array().expect("photos"),
        b["photos"].as_array().expect("photos"),
    );
    assert_eq!(photos_a.len(), photos_b.len());
    for (x, y) in photos_a.iter().zip(photos_b) {
        let mut want = x.clone();
        let keep = in_exact.contains(x["path"].as_str().expect("path"));
        if let Some(flags) = want["flags"].as_array_mut() {
            flags.retain(|f| keep || f != "duplicate");
        }
        assert_eq!(&want, y);
    }
    assert_eq!(a["persons"], b["persons"]);
    assert_eq!(a["inbox"], b["inbox"]);
    assert!(a.get("warnings").is_none(), "{}", a["warnings"]);
    let warning = b["warnings"][0]
        .as_str()
        .expect("a warning after an import");
    assert!(
        warning.starts_with(&format!("{faces} faces have no thumb (imported)")),
        "{warning}"
    );
    let keys = |v: &Value| {
        v.as_object()
            .map(|m| m.keys().cloned().collect::<BTreeSet<_>>())
    };
    let mut keys_b = keys(b).expect("object");
    keys_b.remove("warnings");
    assert_eq!(keys(a), Some(keys_b));
}

#[test]
fn a_file_of_another_pipeline_is_refused_and_nothing_is_written() {
    let o = original();
    let dir = o.dir.join("c");
    let ws = workspace(&dir, &o.root);
    let text = std::fs::read_to_string(&ws).expect("workspace file");
    let other = text.replace("score_threshold: 0.6", "score_threshold: 0.61");
    assert_ne!(text, other);
    std::fs::write(&ws, other).expect("workspace file");
    let (code, _, err) = facecurate(&ws, &["import", s(&o.parquet)]);
    assert_eq!(code, 2, "{err}");
    let (ours, theirs) = (fingerprint_of(&ws), fingerprint_of(&o.ws));
    assert_ne!(ours, theirs);
    for part in [s(&o.parquet), &ours, &theirs] {
        assert!(err.contains(part), "{part} not in: {err}");
    }
    assert_eq!(files_in(&ws), 0);
}

#[test]
fn malformed_files_and_wrong_vectors_are_refused_naming_the_file() {
    let o = original();
    let ws = workspace(&o.dir.join("d"), &o.root);
    let bytes = std::fs::read(&o.parquet).expect("export");
    let truncated = o.dir.join("d/truncated.parquet");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("truncated");
    let garbage = o.dir.join("d/garbage.parquet");
    std::fs::write(&garbage, b"PAR1 this is not a parquet file at all PAR1").expect("garbage");
    let short = o.dir.join("d/short.parquet");
    let fp = fingerprint_of(&o.ws);
    let mut photos = Store::open(&store_of(&o.ws), &fp)
        .expect("store")
        .exchange_photos()
        .expect("photos");
    for face in photos.iter_mut().flat_map(|p| p.faces.iter_mut()) {
        face.embedding.truncate(64);
    }
    export(&photos, &fp, Format::Parquet, &short).expect("export short vectors");
    for (file, cause) in [
        (&truncated, "Parquet"),
        (&garbage, "Parquet"),
        (&short, "embedding"),
    ] {
        let (code, _, err) = facecurate(&ws, &["import", s(file)]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(s(file)) && err.contains(cause), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(files_in(&ws), 0);
}

#[test]
fn npy_and_csv_exports_hold_the_same_vectors() {
    let o = original();
    let stored = store_vectors(&o.ws);
    let npy = o.dir.join("a/export.npy");
    facecurate_ok(&o.ws, &["export", "--format", "npy", "--out", s(&npy)]);
    let bytes = std::fs::read(&npy).expect("npy");
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + header_len]).expect("header");
    let rows = csv_rows(&npy.with_extension("csv"));
    let faces = rows.iter().filter(|r| !r["npy_row"].is_empty()).count();
    assert!(
        header.contains(&format!("'shape': ({faces}, 128)")),
        "{header}"
    );
    let data = &bytes[10 + header_len..];
    assert_eq!(data.len(), faces * 128 * 4);
    for r in rows.iter().filter(|r| !r["npy_row"].is_empty()) {
        let at: usize = r["npy_row"].parse().expect("row number");
        let bits: Vec<u32> = data[at * 512..(at + 1) * 512]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let key = (r["hash"].clone(), r["face_index"].parse().expect("index"));
        assert_eq!(stored[&key], bits);
    }
    let csv = o.dir.join("a/export.csv");
    facecurate_ok(&o.ws, &["export", "--format", "csv", "--out", s(&csv)]);
    let rows = csv_rows(&csv);
    assert_eq!(
        rows.len(),
        faces + 2,
        "one row per face, the blank and the broken photo"
    );
    for r in rows.iter().filter(|r| !r["face_index"].is_empty()) {
        let bits: Vec<u32> = r["embedding"]
            .split(' ')
            .map(|v| v.parse::<f32>().expect("a float").to_bits())
            .collect();
        let key = (r["hash"].clone(), r["face_index"].parse().expect("index"));
        assert_eq!(stored[&key], bits);
    }
}
