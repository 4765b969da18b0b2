//! The curation report as one static HTML page (`facecurate report --html
//! DIR` writes `DIR/index.html`).
//!
//! It exists for the curator's teammate, who has neither the tool nor the
//! dataset: the page opens from disk in any browser, needs no server, no
//! network and no JavaScript (folding is `<details>`), and carries its
//! pictures inside it as small JPEG `data:` URIs, so the one file can be
//! mailed or attached to a ticket. It shows the same [`Report`] the other
//! front ends print (the worst photos with the person each resembles,
//! duplicate pairs side by side, each flagged person's photos as the
//! analysis groups them) plus a confusion table ([`Confusions`]). Every
//! section is capped ([`Limits`]) and says so, so the page stays a few
//! megabytes however large the dataset is.
//!
//! Dataset names are untrusted: the page is written with maud, which
//! escapes every value put into it, names go through [`crate::shown`] as
//! on a terminal, and a Content-Security-Policy forbids scripts and any
//! outside resource even if something slipped through.

mod confusion;
mod page;
mod pics;
mod sections;
mod select;

pub use confusion::{ConfusionRow, Confusions, Source};

use crate::analysis::Report;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// How many items each section shows at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Flagged photos, worst first.
    pub findings: usize,
    /// Duplicate pairs.
    pub duplicates: usize,
    /// Flagged persons.
    pub persons: usize,
    /// Photos shown per group of a person.
    pub per_group: usize,
    /// Rows of the confusion table.
    pub confusions: usize,
}

impl Default for Limits {
    /// Sized so that a full page stays well under 20 MB: about 2,000
    /// pictures of 2–8 kB each.
    fn default() -> Limits {
        Limits {
            findings: 200,
            duplicates: 100,
            persons: 60,
            per_group: 12,
            confusions: 50,
        }
    }
}

/// What a page is made of.
pub struct PageInput<'a> {
    pub report: &'a Report,
    /// The dataset folder, where the pictures are read from.
    pub root: &'a Path,
    /// The dataset's name, for the title.
    pub title: &'a str,
    pub confusions: &'a Confusions,
}

/// Why the page could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot write the HTML report: {cause}", crate::shown::path(path))]
pub struct HtmlError {
    pub path: PathBuf,
    pub cause: std::io::Error,
}

/// The page as text.
pub fn render(input: &PageInput, limits: &Limits) -> String {
    let selection = select::Selection::of(input.report, input.confusions, limits);
    let uris = pics::encode_all(input.root, selection.pics());
    page::document(input, &selection, &uris).into_string()
}

/// Writes the page as `dir/index.html` (the folder made if needed, the file
/// replaced whole: a reader never sees half a page); returns its path and size.
pub fn write(dir: &Path, input: &PageInput, limits: &Limits) -> Result<(PathBuf, u64), HtmlError> {
    let page = render(input, limits);
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |cause| HtmlError { path, cause }
    };
    std::fs::create_dir_all(dir).map_err(err(dir))?;
    let path = dir.join("index.html");
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(err(dir))?;
    file.write_all(page.as_bytes()).map_err(err(&path))?;
    // A temporary file is private to its owner; the page is for sharing.
    let readable = std::os::unix::fs::PermissionsExt::from_mode(0o644);
    file.as_file()
        .set_permissions(readable)
        .map_err(err(&path))?;
    file.persist(&path).map_err(|e| err(&path)(e.error))?;
    Ok((path, page.len() as u64))
}

#[cfg(test)]
mod tests;
