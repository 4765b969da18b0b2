//! The inbox on real photos (the fetched 5-celebrity set): a workspace
//! whose `_inbox` holds a held-out photo of a known person and photos of a
//! person absent from the dataset. The inbox is scanned but is never a
//! person, and `report --json` and `classify --inbox` carry the same
//! predictions, with `suggested_person` only above the threshold.

mod common;

use std::path::Path;

fn move_into(inbox: &Path, photo: &Path) {
    let name = photo.file_name().expect("a file name");
    std::fs::rename(photo, inbox.join(name)).expect("move into the inbox");
}

#[test]
fn the_inbox_is_not_a_person_and_report_and_classify_predict_it_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = common::dataset(dir.path(), 12);
    let mut persons: Vec<String> = std::fs::read_dir(&root)
        .expect("dataset")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    persons.sort();
    let (known, absent) = (persons[0].clone(), persons[persons.len() - 1].clone());
    let inbox = root.join("_inbox");
    std::fs::create_dir(&inbox).expect("inbox");
    let held_out = format!("{known}_011.jpg");
    move_into(&inbox, &root.join(&known).join(&held_out));
    for i in 0..2 {
        move_into(
            &inbox,
            &root.join(&absent).join(format!("{absent}_{i:03}.jpg")),
        );
    }
    std::fs::remove_dir_all(root.join(&absent)).expect("the absent person's folder");

    let ws = dir.path().join("ws.yaml");
    let ws = ws.to_str().expect("utf-8");
    common::facecurate_json(&["-w", ws, "init", root.to_str().expect("utf-8")]);
    common::facecurate_json(&["-w", ws, "scan"]);
    let trained = common::facecurate_json(&["-w", ws, "train", "--json"]);
    assert_eq!(trained["classes"], persons.len() - 1, "{trained}");
    let report = common::facecurate_json(&["-w", ws, "report", "--json"]);

    let names: Vec<&str> = report["persons"]
        .as_array()
        .expect("persons")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(!names.contains(&"_inbox"), "{names:?}");
    assert!(names.contains(&known.as_str()));
    let photos = report["photos"].as_array().expect("photos");
    assert!(
        photos
            .iter()
            .all(|p| !p["path"].as_str().unwrap_or("").starts_with("_inbox/"))
    );

    let predicted = report["inbox"].as_array().expect("an inbox array");
    assert_eq!(predicted.len(), 3, "{predicted:?}");
    for p in predicted {
        let unknown = p["unknown"].as_bool().expect("unknown flag");
        assert_eq!(p["suggested_person"].is_null(), unknown, "{p}");
        assert_eq!(p["unknown_group"].is_null(), !unknown, "{p}");
    }
    let held = predicted
        .iter()
        .find(|p| p["path"] == format!("_inbox/{held_out}"))
        .expect("the held-out photo");
    assert_eq!(held["suggested_person"], known.as_str(), "{held}");
    assert!(held["probability"].as_f64().expect("probability") > 0.5);
    for p in predicted.iter().filter(|p| *p != held) {
        assert_ne!(
            p["person"],
            absent.as_str(),
            "the absent person is unknown to the model"
        );
    }

    let classified = common::facecurate_json(&["-w", ws, "classify", "--inbox", "--json"]);
    assert_eq!(classified["inbox"], report["inbox"]);
}
