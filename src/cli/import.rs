//! `facecurate import FILE.parquet`: faces computed elsewhere (an `export`
//! of another workspace with the same pipeline) into the workspace's
//! store, so the next scan re-embeds none of them.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use anyhow::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A Parquet file written by `facecurate export` (or with its columns).
    pub file: PathBuf,
    /// Print the summary as JSON: {"photos","faces","contents","kept","failed"}.
    #[arg(long)]
    pub json: bool,
}

pub fn run(cli: &GlobalArgs, args: &ImportArgs) -> Result<Outcome> {
    let printer = Printer::default();
    let session = session::open(cli, &printer)?;
    let s = session.import(&args.file)?;
    if args.json {
        println!("{}", serde_json::to_string(&s)?);
    }
    errln!(
        "imported {} photos ({} faces; {} contents new, {} already stored, {} failed photos)",
        s.photos,
        s.faces,
        s.contents,
        s.kept,
        s.failed
    );
    Ok(Outcome::Ok)
}
