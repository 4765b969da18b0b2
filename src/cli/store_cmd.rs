//! `facecurate store merge [--shards N] [--json]`: brings the stores of a
//! sharded scan (`scan --shard I/N` on every worker) into the workspace's
//! store, so `report`, the TUI and the classifier see the whole dataset.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use anyhow::Result;

#[derive(Debug, clap::Subcommand)]
pub enum StoreAction {
    /// Merge the shard stores of `scan --shard I/N` into the workspace's
    /// store; refused unless every shard is there, finished, and made with
    /// this workspace's models and settings.
    Merge(MergeArgs),
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The N of the shards to merge; needed only when the state folder
    /// holds shards of several counts.
    #[arg(long, value_name = "N")]
    pub shards: Option<u32>,
    /// Print {"shards","photos","faces"} as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(cli: &GlobalArgs, action: &StoreAction) -> Result<Outcome> {
    match action {
        StoreAction::Merge(args) => merge(cli, args),
    }
}

fn merge(cli: &GlobalArgs, args: &MergeArgs) -> Result<Outcome> {
    let printer = Printer::default();
    let session = session::open(cli, &printer)?;
    let merged = session.merge_shards(args.shards)?;
    printer.finish();
    if args.json {
        println!("{}", serde_json::to_string(&merged)?);
    }
    errln!(
        "merged {} shards: {} photos, {} faces into {}",
        merged.shards,
        merged.photos,
        merged.faces,
        session.workspace().store_path().display()
    );
    Ok(Outcome::Ok)
}
