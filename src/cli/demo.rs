//! `facecurate demo`.

use super::{Cli, Outcome};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {}

pub fn run(_cli: &Cli, _args: &DemoArgs) -> Result<Outcome> {
    anyhow::bail!("demo: not built yet")
}
