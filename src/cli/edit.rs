//! `mv`, `rename`, `merge`, `rm`, `ok`, `undo`, `redo`, `log`, `trash`: the
//! journaled label edits from the command line.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use anyhow::{Result, bail};
use facecurate::ops::Ops;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum EditCommand {
    /// Move photos into another person's folder.
    Mv {
        #[arg(required = true, num_args = 2..)]
        args: Vec<PathBuf>,
        /// Create the person when it does not exist yet.
        #[arg(long)]
        new: bool,
    },
    /// Rename a person (their folder).
    Rename { person: String, new: String },
    /// Move every photo of FROM into INTO and remove the emptied folder.
    Merge { from: String, into: String },
    /// Move photos to the trash (undo or `trash restore` brings them back).
    Rm {
        #[arg(required = true)]
        photos: Vec<PathBuf>,
    },
    /// Mark photos reviewed: not flagged again unless they change.
    Ok {
        #[arg(required = true)]
        photos: Vec<PathBuf>,
    },
    /// Undo the last N changes.
    Undo {
        #[arg(default_value_t = 1)]
        n: usize,
    },
    /// Redo the last N undone changes.
    Redo {
        #[arg(default_value_t = 1)]
        n: usize,
    },
    /// The journal of changes.
    Log {
        #[arg(long)]
        json: bool,
    },
    /// The trash: list, restore a deletion, or empty it for good.
    Trash {
        #[command(subcommand)]
        action: TrashAction,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum TrashAction {
    List,
    /// Restore the photos of deletion ID (see `trash list`).
    Restore {
        id: i64,
    },
    /// Delete the trash's photos for good (asks first).
    Empty {
        #[arg(long)]
        yes: bool,
    },
}

pub fn run(cli: &GlobalArgs, command: &EditCommand) -> Result<Outcome> {
    let session = session::open(cli, &Printer::default())?;
    // What a crash interrupted is finished first, and said before the
    // command's own output.
    for line in session.recover()? {
        errln!("facecurate: {line}");
    }
    session.edit(|ops| apply(ops, command))?;
    Ok(Outcome::Ok)
}

fn apply(ops: &mut Ops<'_>, command: &EditCommand) -> Result<()> {
    match command {
        EditCommand::Mv { args, new } => {
            let (person, photos) = args
                .split_last()
                .map(|(p, ph)| (p.to_string_lossy().to_string(), ph))
                .unwrap_or_default();
            report(ops.mv(photos, &person, *new)?.description);
        }
        EditCommand::Rename { person, new } => report(ops.rename(person, new)?.description),
        EditCommand::Merge { from, into } => report(ops.merge(from, into)?.description),
        EditCommand::Rm { photos } => report(ops.rm(photos)?.description),
        EditCommand::Ok { photos } => report(ops.ok(photos)?.description),
        EditCommand::Undo { n } => repeat(*n, "undo", || ops.undo())?,
        EditCommand::Redo { n } => repeat(*n, "redo", || ops.redo())?,
        EditCommand::Log { json } => log(ops, *json)?,
        EditCommand::Trash { action } => trash(ops, action)?,
    }
    Ok(())
}

fn log(ops: &mut Ops<'_>, json: bool) -> Result<()> {
    let entries = ops.log()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(());
    }
    for e in entries {
        outln!(
            "#{:<4} {:<9} {:<8} {}",
            e.id,
            format!("{:?}", e.state).to_lowercase(),
            e.kind,
            e.description
        );
    }
    Ok(())
}

fn report(text: String) {
    outln!("{text}");
}

fn repeat(
    n: usize,
    what: &str,
    mut f: impl FnMut() -> Result<Option<facecurate::ops::Change>, facecurate::ops::OpError>,
) -> Result<()> {
    for i in 0..n {
        match f()? {
            Some(change) => outln!("{}", change.description),
            None => {
                outln!("nothing {}to {what}", if i > 0 { "more " } else { "" });
                break;
            }
        }
    }
    Ok(())
}

fn trash(ops: &mut Ops<'_>, action: &TrashAction) -> Result<()> {
    match action {
        TrashAction::List => {
            for e in ops
                .log()?
                .into_iter()
                .filter(|e| e.kind == "rm" && format!("{:?}", e.state) == "Applied")
            {
                outln!("#{:<4} {} ({} photos)", e.id, e.description, e.steps.len());
            }
        }
        TrashAction::Restore { id } => report(ops.restore(*id)?.description),
        TrashAction::Empty { yes } => {
            if !yes {
                if !std::io::stdin().is_terminal() {
                    bail!(
                        "`trash empty` deletes photos for good; add --yes to confirm when not at a terminal"
                    );
                }
                out!(
                    "Delete every photo in {} for good? [y/N] ",
                    ops.trash_dir().display()
                );
                std::io::stdout().flush()?;
                let mut answer = String::new();
                std::io::stdin().lock().read_line(&mut answer)?;
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    outln!("kept");
                    return Ok(());
                }
            }
            outln!(
                "removed {} photos from the trash for good",
                ops.empty_trash()?
            );
        }
    }
    Ok(())
}
