//! Label edits — move, rename, merge, delete to trash, mark reviewed — each
//! one journaled transaction that can be undone and redone and survives a
//! crash at any instant. Photos move only by atomic rename (or a verified
//! copy into a trash on another disk); nothing is overwritten or lost.
//!
//! Flow of every operation: plan the steps and check them against the disk
//! (refusing when a source changed since it was shown) → write the intent
//! to the journal (synced) → run the steps → bring the store's paths in line
//! (embeddings follow the photos, by content hash) → mark the entry done.

mod change;
mod error;
pub mod exec;
pub mod journal;
pub mod names;
mod plan;
mod sync;

use crate::store::Store;
pub use change::Change;
pub use error::OpError;
use exec::Places;
use journal::{Entry, Journal, State, Step};
pub use names::NameError;
use std::path::{Path, PathBuf};

/// Label edits over one dataset, its trash and its store.
pub struct Ops<'s> {
    root: PathBuf,
    trash: PathBuf,
    journal: Journal,
    store: &'s mut Store,
}

impl<'s> Ops<'s> {
    /// Opens the journal in `journal_dir` and finishes any operation a crash
    /// interrupted; the returned lines tell the user what was recovered.
    pub fn open(
        root: &Path,
        journal_dir: &Path,
        trash_dir: &Path,
        store: &'s mut Store,
    ) -> Result<(Ops<'s>, Vec<String>), OpError> {
        std::fs::create_dir_all(journal_dir).map_err(|source| OpError::Io {
            action: "creating",
            path: journal_dir.to_path_buf(),
            source,
        })?;
        let journal = Journal::open(&journal_dir.join("journal.sqlite"))?;
        let mut ops = Ops {
            root: root.to_path_buf(),
            trash: trash_dir.to_path_buf(),
            journal,
            store,
        };
        let mut recovered = Vec::new();
        for entry in ops.journal.unfinished()? {
            let undoing = entry.state == State::Undoing;
            if let Err(e) = ops.finish_or_roll_back(&entry, undoing) {
                recovered.push(format!(
                    "could not finish the interrupted #{} ({}): {e}",
                    entry.id, entry.description
                ));
                continue;
            }
            recovered.push(format!(
                "recovered an interrupted {} (#{}: {}): {}",
                if undoing { "undo" } else { "operation" },
                entry.id,
                entry.description,
                if undoing {
                    "undo completed"
                } else {
                    "completed"
                }
            ));
        }
        Ok((ops, recovered))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn trash_dir(&self) -> &Path {
        &self.trash
    }

    /// What planning reads: the dataset and the store, not the journal.
    fn dataset(&self) -> plan::Dataset<'_> {
        plan::Dataset {
            root: &self.root,
            store: self.store,
        }
    }

    fn places(&self) -> Places<'_> {
        Places {
            root: &self.root,
            trash: &self.trash,
        }
    }

    /// Moves photos into `person`'s folder (created when `create` is set).
    pub fn mv(
        &mut self,
        photos: &[PathBuf],
        person: &str,
        create: bool,
    ) -> Result<Change, OpError> {
        let steps = plan::mv(&self.dataset(), photos, person, create)?;
        self.apply(
            "mv",
            &format!("moved {} to {person}", plan::describe_steps(&steps)),
            steps,
        )
    }

    pub fn rename(&mut self, person: &str, new: &str) -> Result<Change, OpError> {
        let steps = plan::rename(&self.dataset(), person, new)?;
        self.apply("rename", &format!("renamed {person} to {new}"), steps)
    }

    pub fn merge(&mut self, from: &str, into: &str) -> Result<Change, OpError> {
        let steps = plan::merge(&self.dataset(), from, into)?;
        self.apply("merge", &format!("merged {from} into {into}"), steps)
    }

    /// Moves photos to the trash.
    pub fn rm(&mut self, photos: &[PathBuf]) -> Result<Change, OpError> {
        let id = self.journal.count()? + 1;
        let steps = plan::rm(&self.dataset(), photos, id)?;
        self.apply(
            "rm",
            &format!("deleted {} to the trash", plan::describe_steps(&steps)),
            steps,
        )
    }

    /// Marks photos reviewed: not flagged again unless their content changes.
    pub fn ok(&mut self, photos: &[PathBuf]) -> Result<Change, OpError> {
        let steps = plan::ok(&self.dataset(), photos)?;
        self.apply(
            "ok",
            &format!("marked {} reviewed", plan::describe_steps(&steps)),
            steps,
        )
    }

    /// Marks two photos as not duplicates of each other: the pair is not
    /// reported again unless one of them changes.
    pub fn not_duplicate(&mut self, a: &Path, b: &Path) -> Result<Change, OpError> {
        let steps = plan::not_duplicate(&self.dataset(), a, b)?;
        let name = |p: &Path| {
            names::photo_rel(&self.root, p)
                .map(|r| r.display().to_string())
                .unwrap_or_else(|_| p.display().to_string())
        };
        let description = format!("marked {} and {} not duplicates", name(a), name(b));
        self.apply("not_duplicate", &description, steps)
    }

    /// Reverts the newest applied operation; `None` when there is none.
    pub fn undo(&mut self) -> Result<Option<Change>, OpError> {
        let Some(entry) = self.journal.last_applied()? else {
            return Ok(None);
        };
        self.revert(entry).map(Some)
    }

    /// Re-applies the oldest undone operation; `None` when there is none.
    pub fn redo(&mut self) -> Result<Option<Change>, OpError> {
        let Some(entry) = self.journal.first_undone()? else {
            return Ok(None);
        };
        for step in &entry.steps {
            exec::check(&self.places(), step)?;
        }
        self.journal.set_state(entry.id, State::Applying)?;
        self.finish(&entry, false).map(Some)
    }

    /// Restores the photos of a `rm` entry from the trash (any entry, not
    /// only the newest).
    pub fn restore(&mut self, id: i64) -> Result<Change, OpError> {
        let entry = self
            .journal
            .get(id)?
            .ok_or_else(|| OpError::Invalid(format!("no journal entry #{id}")))?;
        if entry.kind != "rm" || entry.state != State::Applied {
            return Err(OpError::Invalid(format!(
                "entry #{id} ({}) is not a deletion in the trash",
                entry.description
            )));
        }
        self.revert(entry)
    }

    pub fn log(&self) -> Result<Vec<Entry>, OpError> {
        Ok(self.journal.all()?)
    }

    /// Deletes everything in the trash for good; deletions emptied this way
    /// can no longer be undone. Returns how many files were removed.
    pub fn empty_trash(&mut self) -> Result<usize, OpError> {
        let mut removed = 0;
        for entry in self.journal.all()? {
            if entry.kind == "rm" && entry.state == State::Applied {
                self.journal.set_state(entry.id, State::Discarded)?;
            }
        }
        if let Ok(batches) = std::fs::read_dir(&self.trash) {
            for batch in batches.flatten() {
                removed += count_files(&batch.path());
                std::fs::remove_dir_all(batch.path()).map_err(|source| OpError::Io {
                    action: "emptying the trash at",
                    path: batch.path(),
                    source,
                })?;
            }
        }
        Ok(removed)
    }

    fn revert(&mut self, entry: Entry) -> Result<Change, OpError> {
        let inverse: Vec<Step> = entry.steps.iter().rev().map(Step::inverse).collect();
        for step in &inverse {
            exec::check(&self.places(), step)?;
        }
        self.journal.set_state(entry.id, State::Undoing)?;
        self.finish_or_roll_back(&entry, true)
    }

    fn apply(
        &mut self,
        kind: &str,
        description: &str,
        steps: Vec<Step>,
    ) -> Result<Change, OpError> {
        if steps.is_empty() {
            return Err(OpError::Invalid("nothing to do".into()));
        }
        for step in &steps {
            exec::check(&self.places(), step)?;
        }
        let id = self.journal.begin(kind, description, &steps)?;
        crate::fault::point();
        let entry = self
            .journal
            .get(id)?
            .ok_or_else(|| OpError::Invalid(format!("journal entry #{id} vanished")))?;
        self.finish_or_roll_back(&entry, false)
    }

    /// [`Ops::finish`]; when a step fails with an error (not a crash), the
    /// steps already done are put back and the entry is closed as it was
    /// before, so a failed operation is never completed behind the user's
    /// back at the next start. When putting back fails too, the entry stays
    /// unfinished and the next start tries again.
    fn finish_or_roll_back(&mut self, entry: &Entry, undo: bool) -> Result<Change, OpError> {
        let error = match self.finish(entry, undo) {
            Ok(change) => return Ok(change),
            Err(e) => e,
        };
        let back: Vec<Step> = if undo {
            entry.steps.clone()
        } else {
            entry.steps.iter().rev().map(Step::inverse).collect()
        };
        if back
            .iter()
            .try_for_each(|step| exec::run(&self.places(), step))
            .is_err()
        {
            return Err(error);
        }
        // The store may have followed some steps before the failure.
        let _ = sync::store(self.store, &self.root, &back);
        self.journal.set_state(
            entry.id,
            if undo {
                State::Applied
            } else {
                State::Discarded
            },
        )?;
        Err(OpError::RolledBack(Box::new(error)))
    }

    /// Runs an entry's steps (or their inverses) to the end, syncs the
    /// store, then records the new state. Safe to call again after a crash.
    fn finish(&mut self, entry: &Entry, undo: bool) -> Result<Change, OpError> {
        let steps: Vec<Step> = if undo {
            entry.steps.iter().rev().map(Step::inverse).collect()
        } else {
            entry.steps.clone()
        };
        for step in &steps {
            exec::run(&self.places(), step)?;
        }
        let change = sync::store(self.store, &self.root, &steps)?;
        crate::fault::point();
        self.journal
            .set_state(entry.id, if undo { State::Undone } else { State::Applied })?;
        let verb = if undo { "undid: " } else { "" };
        Ok(Change {
            id: entry.id,
            description: format!("{verb}{}", entry.description),
            ..change
        })
    }
}

fn count_files(dir: &Path) -> usize {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    count_files(&e.path())
                } else {
                    1
                }
            })
            .sum(),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests;
