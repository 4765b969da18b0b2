//! The journal of label edits: every operation's intent is written (and
//! synced) before any file moves, and its state advances only after the
//! moves are done. On start-up an entry caught half-way is finished, so the
//! folders, the trash and the store always agree.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where a file is: in the dataset, or in the trash (both `/`-separated,
/// relative to the dataset root and to the trash folder).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loc {
    Data(String),
    Trash(String),
}

/// One undoable step. Each is idempotent: re-running a step that already
/// happened does nothing, which is what makes recovery safe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    MoveFile {
        from: Loc,
        to: Loc,
        hash: String,
    },
    MoveDir {
        from: String,
        to: String,
    },
    MakeDir {
        dir: String,
    },
    RemoveDir {
        dir: String,
    },
    Review {
        hash: String,
        on: bool,
        was: bool,
    },
    /// Two contents marked (or unmarked) as not duplicates of each other.
    NotDuplicate {
        a: String,
        b: String,
        on: bool,
        was: bool,
    },
}

impl Step {
    pub fn inverse(&self) -> Step {
        match self.clone() {
            Step::MoveFile { from, to, hash } => Step::MoveFile {
                from: to,
                to: from,
                hash,
            },
            Step::MoveDir { from, to } => Step::MoveDir { from: to, to: from },
            Step::MakeDir { dir } => Step::RemoveDir { dir },
            Step::RemoveDir { dir } => Step::MakeDir { dir },
            Step::Review { hash, on, was } => Step::Review {
                hash,
                on: was,
                was: on,
            },
            Step::NotDuplicate { a, b, on, was } => Step::NotDuplicate {
                a,
                b,
                on: was,
                was: on,
            },
        }
    }
}

/// The steps of a journal entry as stored. A journal is replayed at every
/// start, so a damaged one must fail by name, never run a step that leaves
/// the dataset or the trash: every place must be a plain relative path.
pub fn decode_steps(text: &str) -> Result<Vec<Step>, String> {
    let steps: Vec<Step> =
        serde_json::from_str(text).map_err(|e| format!("damaged journal steps: {e}"))?;
    for step in &steps {
        for place in step.places() {
            let plain = !place.is_empty()
                && crate::pathkey::key_of(&crate::pathkey::path_of(place)).as_deref() == Ok(place);
            if !plain {
                return Err(format!(
                    "damaged journal steps: `{}` is not a plain relative path",
                    crate::shown::escape(place)
                ));
            }
        }
    }
    Ok(steps)
}

impl Step {
    /// Every dataset or trash path the step names.
    pub fn places(&self) -> Vec<&str> {
        fn loc(l: &Loc) -> &str {
            match l {
                Loc::Data(p) | Loc::Trash(p) => p,
            }
        }
        match self {
            Step::MoveFile { from, to, .. } => vec![loc(from), loc(to)],
            Step::MoveDir { from, to } => vec![from, to],
            Step::MakeDir { dir } | Step::RemoveDir { dir } => vec![dir],
            Step::Review { .. } | Step::NotDuplicate { .. } => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Intent recorded; steps being carried out.
    Applying,
    Applied,
    /// Undo recorded; inverse steps being carried out.
    Undoing,
    Undone,
    /// Undone, then superseded by a newer operation: no longer redoable.
    Discarded,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Applying => "applying",
            State::Applied => "applied",
            State::Undoing => "undoing",
            State::Undone => "undone",
            State::Discarded => "discarded",
        }
    }

    fn parse(s: &str) -> State {
        match s {
            "applying" => State::Applying,
            "applied" => State::Applied,
            "undoing" => State::Undoing,
            "undone" => State::Undone,
            _ => State::Discarded,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: i64,
    /// Unix seconds.
    pub created: i64,
    pub kind: String,
    pub description: String,
    pub state: State,
    pub steps: Vec<Step>,
}

#[derive(Debug, thiserror::Error)]
#[error("journal {}: {}", path.display(), crate::store::describe(source))]
pub struct JournalError {
    pub path: PathBuf,
    pub source: rusqlite::Error,
}

pub struct Journal {
    conn: Connection,
    path: PathBuf,
}

impl Journal {
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        let fail = |source| JournalError {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(fail)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(fail)?;
        // FULL: an intent must be on disk before the first rename.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS ops (
                 id INTEGER PRIMARY KEY,
                 created INTEGER NOT NULL,
                 kind TEXT NOT NULL,
                 description TEXT NOT NULL,
                 steps TEXT NOT NULL,
                 state TEXT NOT NULL
             );",
        )
        .map_err(fail)?;
        Ok(Journal {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn err(&self, source: rusqlite::Error) -> JournalError {
        JournalError {
            path: self.path.clone(),
            source,
        }
    }

    /// Records a new operation's intent; later undone entries stop being redoable.
    pub fn begin(
        &mut self,
        kind: &str,
        description: &str,
        steps: &[Step],
    ) -> Result<i64, JournalError> {
        let json = serde_json::to_string(steps)
            .map_err(|e| self.err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let tx = self.conn.transaction().map_err(|e| JournalError {
            path: self.path.clone(),
            source: e,
        })?;
        tx.execute(
            "UPDATE ops SET state = 'discarded' WHERE state = 'undone'",
            [],
        )
        .map_err(|e| JournalError {
            path: self.path.clone(),
            source: e,
        })?;
        tx.execute(
            "INSERT INTO ops (created, kind, description, steps, state) VALUES (?1, ?2, ?3, ?4, 'applying')",
            params![now, kind, description, json],
        )
        .map_err(|e| JournalError { path: self.path.clone(), source: e })?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|e| JournalError {
            path: self.path.clone(),
            source: e,
        })?;
        Ok(id)
    }

    pub fn set_state(&self, id: i64, state: State) -> Result<(), JournalError> {
        self.conn
            .execute(
                "UPDATE ops SET state = ?1 WHERE id = ?2",
                params![state.as_str(), id],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn query(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<Entry>, JournalError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params, |r| {
                let steps: String = r.get(4)?;
                Ok(Entry {
                    id: r.get(0)?,
                    created: r.get(1)?,
                    kind: r.get(2)?,
                    description: r.get(3)?,
                    steps: decode_steps(&steps).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            4,
                            rusqlite::types::Type::Text,
                            e.into(),
                        )
                    })?,
                    state: State::parse(&r.get::<_, String>(5)?),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    const COLUMNS: &'static str = "SELECT id, created, kind, description, steps, state FROM ops";

    /// Entries caught in the middle of applying or undoing.
    pub fn unfinished(&self) -> Result<Vec<Entry>, JournalError> {
        self.query(
            &format!(
                "{} WHERE state IN ('applying', 'undoing') ORDER BY id",
                Self::COLUMNS
            ),
            [],
        )
    }

    /// The newest applied entry: what `undo` reverts.
    pub fn last_applied(&self) -> Result<Option<Entry>, JournalError> {
        Ok(self
            .query(
                &format!(
                    "{} WHERE state = 'applied' ORDER BY id DESC LIMIT 1",
                    Self::COLUMNS
                ),
                [],
            )?
            .into_iter()
            .next())
    }

    /// The oldest undone entry: what `redo` re-applies.
    pub fn first_undone(&self) -> Result<Option<Entry>, JournalError> {
        Ok(self
            .query(
                &format!(
                    "{} WHERE state = 'undone' ORDER BY id ASC LIMIT 1",
                    Self::COLUMNS
                ),
                [],
            )?
            .into_iter()
            .next())
    }

    pub fn get(&self, id: i64) -> Result<Option<Entry>, JournalError> {
        Ok(self
            .query(&format!("{} WHERE id = ?1", Self::COLUMNS), [id])?
            .into_iter()
            .next())
    }

    pub fn all(&self) -> Result<Vec<Entry>, JournalError> {
        self.query(&format!("{} ORDER BY id", Self::COLUMNS), [])
    }

    /// Number of entries ever recorded.
    pub fn count(&self) -> Result<i64, JournalError> {
        self.conn
            .query_row("SELECT count(*) FROM ops", [], |r| r.get(0))
            .optional()
            .map(|n| n.unwrap_or(0))
            .map_err(|e| self.err(e))
    }
}
