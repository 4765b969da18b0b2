//! The store handle and how it comes to be: opening the file, checking its
//! header (or every page), migrating its schema, and setting an unusable
//! file aside instead of overwriting it. The queries live elsewhere.

use super::error::StoreError;
use super::schema;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A store that could not be used and was kept aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// Where the old file now is.
    pub kept_aside: PathBuf,
    /// Why it could not be used.
    pub reason: String,
}

/// An open store for one pipeline fingerprint.
pub struct Store {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    pub(super) fingerprint: String,
    pub(super) recovery: Option<Recovery>,
}

/// Why an existing file cannot serve as the store.
enum Unusable {
    /// Set it aside (with this tag in its new name) and start afresh.
    Aside { tag: &'static str, reason: String },
    /// Something the user must fix (permissions, a full disk): report it.
    Fatal(StoreError),
}

impl Store {
    /// Opens (creating or migrating as needed) the store at `path`, whose
    /// records are those computed under `fingerprint`.
    ///
    /// Only the header and schema are checked, so opening stays fast
    /// whatever the store's size; damage deeper in the file surfaces as an
    /// error from the query that meets it. [`Store::open_checked`] also
    /// reads every page.
    pub fn open(path: &Path, fingerprint: &str) -> Result<Store, StoreError> {
        Store::open_with(path, fingerprint, false)
    }

    /// Like [`Store::open`], but first runs SQLite's `quick_check` over the
    /// whole file and keeps a damaged store aside. For scans and the
    /// watcher, which are about to read most of the store anyway.
    pub fn open_checked(path: &Path, fingerprint: &str) -> Result<Store, StoreError> {
        Store::open_with(path, fingerprint, true)
    }

    fn open_with(path: &Path, fingerprint: &str, check: bool) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.to_path_buf(),
                action: "create the state folder",
                source,
            })?;
        }
        let (conn, recovery) = match connect(path, check) {
            Ok(conn) => (conn, None),
            Err(Unusable::Fatal(e)) => return Err(e),
            Err(Unusable::Aside { tag, reason }) => {
                let kept_aside = set_aside(path, tag)?;
                let conn = connect(path, check).map_err(|e| match e {
                    Unusable::Fatal(e) => e,
                    Unusable::Aside { reason, .. } => StoreError::Invalid {
                        path: path.to_path_buf(),
                        message: format!("a fresh store is unusable too: {reason}"),
                    },
                })?;
                (conn, Some(Recovery { kept_aside, reason }))
            }
        };
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            fingerprint: fingerprint.to_string(),
            recovery,
        })
    }

    /// An empty store in memory: a stand-in while the real one is closed
    /// and opened again.
    pub fn placeholder(fingerprint: &str) -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Sqlite {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        Ok(Store {
            conn,
            path: PathBuf::new(),
            fingerprint: fingerprint.to_string(),
            recovery: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The pipeline fingerprint whose results this handle reads and writes.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Set when the file found at open was unusable and kept aside.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// SQLite's full `PRAGMA integrity_check`: `["ok"]` or the problems found.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    pub(super) fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }
}

fn sqlite_err(path: &Path) -> impl Fn(rusqlite::Error) -> Unusable + '_ {
    move |e| {
        let code = e.sqlite_error_code();
        if matches!(
            code,
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
        ) {
            Unusable::Aside {
                tag: "corrupt",
                reason: format!("not a readable SQLite database ({e})"),
            }
        } else {
            Unusable::Fatal(StoreError::Sqlite {
                path: path.to_path_buf(),
                source: e,
            })
        }
    }
}

/// Opens, checks (every page when `full`) and migrates the file at `path`.
fn connect(path: &Path, full: bool) -> Result<Connection, Unusable> {
    let fail = sqlite_err(path);
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(&fail)?;
    // Another process (the TUI, a watcher) may hold the write lock briefly.
    conn.busy_timeout(Duration::from_secs(10)).map_err(&fail)?;
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(&fail)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(&fail)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(&fail)?;
    if app_id != schema::APPLICATION_ID && (app_id != 0 || tables != 0) {
        return Err(Unusable::Aside {
            tag: "foreign",
            reason: format!("not a facecurate store (application id {app_id:#x}, {tables} tables)"),
        });
    }
    if version > schema::LATEST {
        return Err(Unusable::Aside {
            tag: "newer",
            reason: format!(
                "written by a newer facecurate (store schema version {version}; this one knows up to {})",
                schema::LATEST
            ),
        });
    }
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(&fail)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Unusable::Fatal(StoreError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "cannot switch the store to WAL mode (got `{mode}`); is it on a network file system?"
            ),
        }));
    }
    // NORMAL in WAL mode is durable against a killed process; only a power
    // cut can drop the last commits, never corrupt the file.
    conn.execute_batch("PRAGMA synchronous = NORMAL")
        .map_err(&fail)?;
    let check: String = if full {
        conn.query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(&fail)?
    } else {
        "ok".to_string()
    };
    if check != "ok" {
        return Err(Unusable::Aside {
            tag: "corrupt",
            reason: format!("damaged ({check})"),
        });
    }
    migrate(conn, version).map_err(&fail)
}

fn migrate(mut conn: Connection, from: i64) -> Result<Connection, rusqlite::Error> {
    if from == schema::LATEST {
        return Ok(conn);
    }
    let tx = conn.transaction()?;
    for step in &schema::MIGRATIONS[from as usize..] {
        tx.execute_batch(step)?;
    }
    tx.execute_batch(&format!(
        "PRAGMA user_version = {}; PRAGMA application_id = {};",
        schema::LATEST,
        schema::APPLICATION_ID
    ))?;
    tx.commit()?;
    Ok(conn)
}

/// Renames the store (and its WAL files) to `<name>.<tag>-<unix time>`.
fn set_aside(path: &Path, tag: &str) -> Result<PathBuf, StoreError> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut target = path.with_file_name(format!("{name}.{tag}-{stamp}"));
    let mut n = 1;
    while target.exists() {
        target = path.with_file_name(format!("{name}.{tag}-{stamp}-{n}"));
        n += 1;
    }
    let rename = |from: &Path, to: &Path| {
        std::fs::rename(from, to).map_err(|source| StoreError::Io {
            path: from.to_path_buf(),
            action: "keep the unusable store aside",
            source,
        })
    };
    rename(path, &target)?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            rename(
                &side,
                &PathBuf::from(format!("{}{suffix}", target.display())),
            )?;
        }
    }
    Ok(target)
}

/// Whether the store at `path` already holds photos processed under
/// `fingerprint`, without creating, migrating or checking anything: how
/// `precision: auto` sees that a store was embedded in fp32. Any failure to
/// read says no.
pub fn holds_fingerprint(path: &Path, fingerprint: &str) -> bool {
    let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE) else {
        return false;
    };
    let _ = conn.busy_timeout(Duration::from_secs(5));
    conn.query_row(
        "SELECT 1 FROM content WHERE fingerprint = ?1 LIMIT 1",
        [fingerprint],
        |_| Ok(()),
    )
    .is_ok()
}
