//! Shell integration generated from the command line's own grammar, so it
//! cannot drift from it: `facecurate completions bash|zsh|fish|elvish|powershell`
//! prints a completion script, `facecurate man` prints the man page (roff)
//! or, with `--dir`, writes one page per command.

use super::outcome::Outcome;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write facecurate.1 and a facecurate-COMMAND.1 per command into this
    /// folder instead of printing the main page.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Prints `shell`'s completion script for `command` on stdout.
pub fn completions(mut command: clap::Command, args: &CompletionsArgs) -> Result<Outcome> {
    let name = command.get_name().to_string();
    // Into memory first: the generator panics on a write error (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, name, &mut script);
    print(&script).context("writing the completion script")?;
    Ok(Outcome::Ok)
}

/// The man page of `command`, or with `--dir` every command's page.
pub fn man(command: clap::Command, args: &ManArgs) -> Result<Outcome> {
    let Some(dir) = &args.dir else {
        print(&page(command)?).context("writing the man page")?;
        return Ok(Outcome::Ok);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = command.get_name().to_string();
    let mut written = vec![write_page(dir, &name, command.clone())?];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let sub_name = format!("{name}-{}", sub.get_name());
        written.push(write_page(
            dir,
            &sub_name,
            sub.clone().name(sub_name.clone()),
        )?);
    }
    outln!("wrote {} man pages to {}", written.len(), dir.display());
    Ok(Outcome::Ok)
}

fn page(command: clap::Command) -> Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .context("rendering the man page")?;
    Ok(page)
}

fn write_page(dir: &Path, name: &str, command: clap::Command) -> Result<PathBuf> {
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, page(command)?)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(path)
}

fn print(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}
