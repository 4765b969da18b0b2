//! `facecurate init DATASET [-w FILE]`: writes the commented workspace file
//! that every other command reads, after checking it would be valid.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use anyhow::{Context, Result};
use facecurate::config::{self, Workspace};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The dataset folder: one sub-folder per person.
    pub dataset: PathBuf,
    /// Replace an existing workspace file.
    #[arg(long)]
    pub force: bool,
}

pub fn run(cli: &GlobalArgs, args: &InitArgs) -> Result<Outcome> {
    let file = config::absolute(&cli.workspace);
    if file.exists() && !args.force {
        anyhow::bail!(
            "{}: a workspace file is already there; pass --force to replace it",
            file.display()
        );
    }
    let dataset = std::fs::canonicalize(&args.dataset)
        .with_context(|| format!("{}: no such dataset folder", args.dataset.display()))?;
    anyhow::ensure!(dataset.is_dir(), "{}: not a folder", dataset.display());
    let text = config::template(&dataset.to_string_lossy());
    // Validate before writing, so init never leaves a file the other commands reject.
    let ws = Workspace::parse(&text, &file)?;
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("{}: cannot create folder", parent.display()))?;
    }
    std::fs::write(&file, text).with_context(|| format!("{}: cannot write", file.display()))?;
    errln!(
        "wrote {} (dataset {}, state in {}); next: facecurate{} scan",
        file.display(),
        ws.dataset.display(),
        ws.state_dir.display(),
        if cli.workspace == std::path::Path::new(config::DEFAULT_WORKSPACE) {
            String::new()
        } else {
            format!(" -w {}", cli.workspace.display())
        }
    );
    Ok(Outcome::Ok)
}
