//! The curation report as one static HTML page (`facecurate report --html
//! DIR` writes `DIR/index.html`).
//!
//! It exists for the curator's teammate, who has neither the tool nor the
//! dataset: the page opens from disk in any browser, needs no server, no
//! network and no JavaScript (folding is `<details>`), and carries its
//! pictures inside it as small JPEG `data:` URIs, so the one file can be
//! mailed or attached to a ticket. It shows the same
//! [`Report`](crate::analysis::Report) the other front ends print (the
//! worst photos with the person each resembles, duplicate pairs side by
//! side, each flagged person's photos as the analysis groups them) plus a
//! confusion table ([`Confusions`]). Every section is capped ([`Limits`])
//! and says so, so the page stays a few megabytes however large the
//! dataset is.
//!
//! Dataset names are untrusted: the page is written with maud, which
//! escapes every value put into it, names go through [`crate::shown`] as
//! on a terminal, and a Content-Security-Policy forbids scripts and any
//! outside resource even if something slipped through.

mod confusion;
mod input;
mod page;
mod parts;
mod pics;
mod sections;
mod select;

pub use confusion::{ConfusionRow, Confusions, NEIGHBOUR_MIN_PHOTOS, Source};
pub use input::{Limits, PageInput};

use std::io::Write as _;
use std::path::{Path, PathBuf};

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
