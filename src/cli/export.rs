//! `facecurate export [--format parquet|npy|csv] [--out FILE]`: every face
//! of the workspace's store as a table for other tools, without scanning
//! or embedding anything.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use anyhow::Result;
use facecurate::exchange::Format;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// parquet (pandas, pyarrow, DuckDB, Spark), npy (a float32 matrix and
    /// NAME.csv of its rows) or csv (vectors as space-separated numbers).
    #[arg(long, default_value = "parquet", value_name = "FORMAT")]
    pub format: Format,
    /// Where to write [default: facecurate-export.FORMAT in the current folder].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(cli: &GlobalArgs, args: &ExportArgs) -> Result<Outcome> {
    let printer = Printer::default();
    let session = session::open(cli, &printer)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.format.default_out());
    let summary = session.export(args.format, &out)?;
    let files: Vec<String> = summary
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    errln!(
        "wrote {}: {} photos, {} faces",
        files.join(" and "),
        summary.photos,
        summary.faces
    );
    Ok(Outcome::Ok)
}
