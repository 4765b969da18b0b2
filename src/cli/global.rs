//! The options every command takes (`-w`, `--device`, `--workers`,
//! `--threads`, `--batch`, `--precision`), apart from the command line's grammar, so each command
//! reads them without depending on the parser that holds every command.

use facecurate::runtime::Device;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
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
    /// Photos each worker runs through the models at once [default: 32 on CUDA, 1 on the CPU,
    /// where batches do not pay].
    #[arg(long, global = true, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub batch: Option<u16>,
    /// The built-in SFace's arithmetic: fp32, int8, or auto (int8 on a CPU with VNNI, fp32 on CUDA)
    /// [default: the workspace's `precision`, else auto].
    #[arg(long, global = true)]
    pub precision: Option<facecurate::config::Precision>,
}
