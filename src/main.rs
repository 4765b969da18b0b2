//! The `facecurate` binary: the command line, and the terminal UI behind the
//! default feature `tui`.

mod cli;
#[cfg(feature = "tui")]
mod tui;

fn main() -> std::process::ExitCode {
    cli::main()
}
