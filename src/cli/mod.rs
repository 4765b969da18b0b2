//! The command line: argument parsing and one module per command, each a
//! thin layer over library calls. Exit codes: 0 ok, 1 ran but found
//! failures, 2 usage, configuration or setup error.

/// `println!` for text meant for a person: names inside it come from the
/// dataset, so control characters are escaped on the way out
/// ([`facecurate::shown`]). JSON goes out with plain `println!`: it is exact.
macro_rules! outln {
    () => {
        println!()
    };
    ($($arg:tt)*) => {
        println!("{}", facecurate::shown::escape_text(&format!($($arg)*)))
    };
}

/// `print!`, escaped like [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {
        print!("{}", facecurate::shown::escape_text(&format!($($arg)*)))
    };
}

/// `eprintln!`, escaped like [`outln!`].
macro_rules! errln {
    ($($arg:tt)*) => {
        eprintln!("{}", facecurate::shown::escape_text(&format!($($arg)*)))
    };
}

mod align;
mod bench;
mod bench_batch;
mod bench_measures;
mod bench_scale;
mod bench_scale_figures;
#[cfg(feature = "tui")]
mod bench_scale_tui;
mod classify;
mod compare;
mod demo;
mod detect;
mod edit;
mod embed;
mod export;
mod facenet_setup;
mod global;
mod import;
mod inbox;
mod init;
mod models_cmd;
mod open;
mod outcome;
mod photos;
mod progress;
mod report;
mod scan;
mod session;
mod setup;
mod shell;
mod show;
mod show_draw;
mod store_cmd;
mod train;
mod verify;
mod watch;

use clap::{CommandFactory, Parser, Subcommand};
use global::GlobalArgs;
use outcome::{Outcome, error_text};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "facecurate",
    version,
    about = "Clean face-recognition training datasets (one folder per person)"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Open the terminal UI on this dataset (writes the workspace file when missing).
    #[arg(value_name = "DATASET")]
    pub dataset: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch, list or verify the ONNX Runtime library and the models.
    Models {
        #[command(subcommand)]
        action: models_cmd::ModelsAction,
    },
    /// Distance matrix between the faces of photos (like facenet's compare.py).
    Compare(compare::CompareArgs),
    /// Every face of photos or folders with its box, landmarks, score and vector.
    Embed(embed::EmbedArgs),
    /// Fetch sample photos into a demo dataset with planted problems and show them.
    Demo(demo::DemoArgs),
    /// Measure photos/s per stage and end to end on a folder of photos.
    Bench(bench::BenchArgs),
    #[command(flatten)]
    Edit(edit::EditCommand),
    /// Write a commented workspace file for a dataset folder.
    Init(init::InitArgs),
    /// Bring the face store in line with the dataset folder (only new or changed photos).
    Scan(scan::ScanArgs),
    /// Work on the face store itself: merge the stores of a sharded scan.
    Store {
        #[command(subcommand)]
        action: store_cmd::StoreAction,
    },
    /// Keep the face store in line with the dataset folder as it changes.
    Watch(watch::WatchArgs),
    /// Curation report: outliers, likely mislabels, split and merge folders, duplicates, faceless photos.
    Report(report::ReportArgs),
    /// Exit 1 when a dataset has more problems than allowed (for CI pipelines).
    Lint(report::LintArgs),
    /// Train the person classifier; report held-out accuracy; save the model.
    Train(train::TrainArgs),
    /// Who is in each face, by the saved classifier (or `unknown`).
    Classify(classify::ClassifyArgs),
    /// Write every face of the store (box, landmarks, score, vector) as Parquet, npy or CSV.
    Export(export::ExportArgs),
    /// Load faces from a Parquet export into the store (same pipeline fingerprint only).
    Import(import::ImportArgs),
    /// Crop every face of a dataset like facenet's align_dataset_mtcnn.py (DST/<person>/<name>.png).
    Align(align::AlignArgs),
    /// Faces only (box, landmarks, score) with MTCNN or YuNet; no embedding.
    Detect(detect::DetectArgs),
    /// LFW-protocol verification accuracy on a pair file (facenet's validate_on_lfw.py).
    Verify(verify::VerifyArgs),
    /// Draw photos in the terminal with their faces (box, landmarks, score, who they resemble).
    Show(show::ShowArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff: `facecurate man | man -l -`), or write every command's page.
    Man(shell::ManArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        None => open::run(&cli.global, cli.dataset.as_deref()),
        Some(command) => run_command(&cli.global, command),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Failures) => ExitCode::from(1),
        Err(err) => {
            errln!("facecurate: {}", error_text(&err));
            ExitCode::from(2)
        }
    }
}

fn run_command(cli: &GlobalArgs, command: &Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Models { action } => models_cmd::run(cli, action),
        Command::Compare(args) => compare::run(cli, args),
        Command::Embed(args) => embed::run(cli, args),
        Command::Demo(args) => demo::run(cli, args),
        Command::Bench(args) => bench::run(cli, args),
        Command::Edit(c) => edit::run(cli, c),
        Command::Init(args) => init::run(cli, args),
        Command::Scan(args) => scan::run(cli, args),
        Command::Store { action } => store_cmd::run(cli, action),
        Command::Watch(args) => watch::run(cli, args),
        Command::Report(args) => report::run(cli, args),
        Command::Lint(args) => report::lint(cli, args),
        Command::Train(args) => train::run(cli, args),
        Command::Classify(args) => classify::run(cli, args),
        Command::Verify(args) => verify::run(cli, args),
        Command::Export(args) => export::run(cli, args),
        Command::Import(args) => import::run(cli, args),
        Command::Detect(args) => detect::run(cli, args),
        Command::Align(args) => align::run(cli, args),
        Command::Show(args) => show::run(cli, args),
        Command::Completions(args) => shell::completions(Cli::command(), args),
        Command::Man(args) => shell::man(Cli::command(), args),
    }
}
