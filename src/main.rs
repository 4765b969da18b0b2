//! The `facecurate` binary: the command line, and the terminal UI behind the
//! default feature `tui`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
