//! Carrying out journal steps on the file system, idempotently: a step that
//! already happened is recognised and skipped, so an interrupted operation
//! can simply be run again.

use super::error::OpError;
use super::journal::{Loc, Step};
use crate::fault;
use crate::pathkey::join;
use crate::records::hash_file;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub struct Places<'a> {
    pub root: &'a Path,
    pub trash: &'a Path,
}

impl Places<'_> {
    pub fn abs(&self, loc: &Loc) -> PathBuf {
        match loc {
            Loc::Data(rel) => join(self.root, rel),
            Loc::Trash(rel) => join(self.trash, rel),
        }
    }
}

fn io_err<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(io::Error) -> OpError + use<'p> {
    move |source| OpError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

fn exists(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

/// Checks, before anything moves, that a step can run (or already ran).
pub fn check(places: &Places, step: &Step) -> Result<(), OpError> {
    match step {
        Step::MoveFile { from, to, hash } => {
            let (src, dst) = (places.abs(from), places.abs(to));
            if exists(&src) {
                let now = hash_file(&src).map_err(io_err("reading", &src))?;
                if &now != hash {
                    return Err(OpError::Changed(format!(
                        "{} changed since it was shown (its content differs)",
                        src.display()
                    )));
                }
                if exists(&dst) && hash_file(&dst).ok().as_ref() != Some(hash) {
                    return Err(OpError::Changed(format!(
                        "{} appeared since it was shown",
                        dst.display()
                    )));
                }
            } else if !exists(&dst) {
                return Err(OpError::Changed(format!(
                    "{} is gone (moved or deleted outside facecurate)",
                    src.display()
                )));
            }
            Ok(())
        }
        Step::MoveDir { from, to } => {
            let (src, dst) = (join(places.root, from), join(places.root, to));
            if !exists(&src) && !exists(&dst) {
                return Err(OpError::Changed(format!("{} is gone", src.display())));
            }
            if exists(&src) && exists(&dst) {
                return Err(OpError::Changed(format!(
                    "{} exists already",
                    dst.display()
                )));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Runs one file-system step. Review and pair marks are the store's business.
pub fn run(places: &Places, step: &Step) -> Result<(), OpError> {
    match step {
        Step::MoveFile { from, to, hash } => move_file(&places.abs(from), &places.abs(to), hash),
        Step::MoveDir { from, to } => {
            let (src, dst) = (join(places.root, from), join(places.root, to));
            if exists(&src) && !exists(&dst) {
                fs::rename(&src, &dst).map_err(io_err("renaming", &src))?;
                sync_dir(places.root);
            }
            Ok(())
        }
        Step::MakeDir { dir } => {
            let d = join(places.root, dir);
            fs::create_dir_all(&d).map_err(io_err("creating", &d))
        }
        Step::RemoveDir { dir } => {
            // Only an empty folder goes; anything the user left stays.
            let _ = fs::remove_dir(join(places.root, dir));
            Ok(())
        }
        Step::Review { .. } | Step::NotDuplicate { .. } => Ok(()),
    }
}

fn move_file(src: &Path, dst: &Path, hash: &str) -> Result<(), OpError> {
    if !exists(src) {
        return if exists(dst) {
            Ok(())
        } else {
            Err(OpError::Changed(format!(
                "{} is gone and was not found at {}",
                src.display(),
                dst.display()
            )))
        };
    }
    if exists(dst) {
        // A copy across file systems finished but the source was not yet removed.
        if hash_file(dst).ok().as_deref() == Some(hash) {
            fs::remove_file(src).map_err(io_err("removing", src))?;
            return Ok(());
        }
        return Err(OpError::Changed(format!(
            "{} exists already; nothing is overwritten",
            dst.display()
        )));
    }
    if let Some(parent) = dst.parent() {
        fs::create_dir_all(parent).map_err(io_err("creating", parent))?;
    }
    match fs::rename(src, dst) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(18) => copy_across(src, dst, hash)?, // EXDEV
        Err(e) => return Err(io_err("moving", src)(e)),
    }
    if let Some(parent) = dst.parent() {
        sync_dir(parent);
    }
    fault::point();
    Ok(())
}

/// The trash may sit on another file system: copy, sync, verify, then remove.
fn copy_across(src: &Path, dst: &Path, hash: &str) -> Result<(), OpError> {
    let partial = dst.with_extension("facecurate-partial");
    // A copy that fails half-way (a full disk) leaves no partial file behind.
    let copied = fs::copy(src, &partial)
        .map_err(io_err("copying", src))
        .and_then(|_| {
            fs::File::open(&partial)
                .and_then(|f| f.sync_all())
                .map_err(io_err("syncing", &partial))
        });
    if let Err(e) = copied {
        let _ = fs::remove_file(&partial);
        return Err(e);
    }
    if hash_file(&partial).map_err(io_err("reading", &partial))? != hash {
        let _ = fs::remove_file(&partial);
        return Err(OpError::Changed(format!(
            "copy of {} does not match the original; nothing removed",
            src.display()
        )));
    }
    fs::rename(&partial, dst).map_err(io_err("moving", &partial))?;
    fs::remove_file(src).map_err(io_err("removing", src))
}

fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}
