//! `facecurate report --html DIR` through the real binary on a workspace of
//! the fetched celebrity photos with planted problems and hostile names:
//! one self-contained page (every picture a `data:` URI, no outside
//! reference, no script), every section there, names escaped, size bounded;
//! after `train`, the confusion table is the classifier's; a page that
//! cannot be written is an error.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A folder name that is markup (a `/` cannot be in a name, so the closing
/// tag uses a backslash) and a photo name that is an element with a handler.
const HOSTILE_PERSON: &str = "<script>alert('person')<\\script>";
const HOSTILE_PHOTO: &str = "<img src=x onerror=alert(2)>.jpg";

fn run(ws: &Path, args: &[&str]) -> (i32, String) {
    common::setup(); // models fetched once for the whole test binary
    let out = Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(["--device", "cpu", "-w"])
        .arg(ws)
        .args(args)
        .output()
        .expect("run facecurate");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    (out.status.code().unwrap_or(-1), stderr)
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("list")
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

/// Six photos of each celebrity, one of Elton John's filed under Madonna
/// with a name that is markup, an exact copy of a Ben Affleck photo under
/// Mindy Kaling, and three of Ben Affleck's photos in a folder named like
/// markup (the person his other photos then resemble).
fn planted_workspace(dir: &Path) -> PathBuf {
    let root = common::dataset(dir, 6);
    let elton = sorted(&root.join("elton_john"));
    std::fs::rename(&elton[0], root.join("madonna").join(HOSTILE_PHOTO)).expect("move");
    let ben = sorted(&root.join("ben_afflek"));
    std::fs::copy(&ben[0], root.join("mindy_kaling/copy.jpg")).expect("copy");
    let hostile = root.join(HOSTILE_PERSON);
    std::fs::create_dir(&hostile).expect("hostile folder");
    for (i, photo) in ben[3..6].iter().enumerate() {
        std::fs::rename(photo, hostile.join(format!("b{i}.jpg"))).expect("move");
    }
    let ws = dir.join("workspace.yaml");
    let (code, err) = run(&ws, &["init", root.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    ws
}

/// Every value of `attr="…"` in the page.
fn values<'a>(page: &'a str, attr: &str) -> Vec<&'a str> {
    let open = format!(" {attr}=\"");
    page.match_indices(&open)
        .map(|(at, _)| {
            let rest = &page[at + open.len()..];
            &rest[..rest.find('"').unwrap_or(rest.len())]
        })
        .collect()
}

/// Writes the page and checks what every page must be; returns its text.
fn page_of(ws: &Path, out: &Path) -> String {
    let (code, err) = run(ws, &["report", "--html", out.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("index.html"), "names the page it wrote: {err}");
    let files: Vec<_> = sorted(out);
    assert_eq!(
        files,
        vec![out.join("index.html")],
        "one file, nothing beside it"
    );
    let page = std::fs::read_to_string(&files[0]).expect("the page is UTF-8");
    assert!(page.len() < 20_000_000, "{} bytes", page.len());
    let images = page.matches("<img").count();
    let srcs = values(&page, "src");
    assert!(images >= 8, "the photos are shown: {images} images");
    assert_eq!(srcs.len(), images, "every image has its source");
    for src in srcs {
        assert!(src.starts_with("data:image/jpeg;base64,"), "{src:.60}");
    }
    for href in values(&page, "href") {
        assert!(href.starts_with('#'), "links stay in the page: {href}");
    }
    let lower = page.to_lowercase();
    for outside in ["http://", "https://", "url(", "<script", "<link", "@import"] {
        assert!(!lower.contains(outside), "{outside} in the page");
    }
    for id in ["findings", "duplicates", "persons", "confusions"] {
        assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    page
}

#[test]
fn the_html_report_is_one_safe_page_with_every_section() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = planted_workspace(dir.path());
    let page = page_of(&ws, &dir.path().join("page"));

    // The hostile names are there, as text.
    let person = "&lt;script&gt;alert('person')&lt;\\script&gt;";
    assert!(page.contains(person), "the person's name, escaped");
    let photo = "madonna/&lt;img src=x onerror=alert(2)&gt;.jpg";
    assert!(page.contains(photo), "the photo's name, escaped");
    assert!(!page.contains("<img src=x"));
    // The planted problems, with what they look like.
    assert!(
        page.contains("looks like <b>elton_john</b>"),
        "the mislabel, with its suggestion"
    );
    assert!(page.contains("mindy_kaling/copy.jpg"), "the copy is paired");
    assert!(page.contains("group 2 · "), "a split person's groups");
    // Caps are stated; this dataset is under all of them.
    assert!(
        page.contains("Worst photos <small>all "),
        "the cap is stated"
    );
    assert!(
        page.contains("No trained classifier was used"),
        "says what the confusion table is without a classifier"
    );

    let (code, err) = run(&ws, &["train"]);
    assert_eq!(code, 0, "{err}");
    let page = page_of(&ws, &dir.path().join("trained"));
    assert!(
        page.contains("The workspace's trained classifier ("),
        "the confusion table is the classifier's once there is one"
    );

    // A page that cannot be written is an error naming where.
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, b"not a folder").expect("write");
    let (code, err) = run(&ws, &["report", "--html", blocked.to_str().expect("utf-8")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a-file"), "{err}");
}
