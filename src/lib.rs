//! facecurate: curate face-recognition datasets laid out one folder per
//! person. This library holds everything but the terminal UI: provisioning,
//! the face pipeline, and the analyses built on it. The `facecurate` binary
//! and its optional TUI (feature `tui`) are thin layers over it.

pub mod analysis;
#[doc(hidden)]
pub mod bench_api;
pub mod classify;
pub mod config;
pub mod dataset;
pub mod exchange;
pub mod facenet;
pub mod fault;
#[doc(hidden)]
pub mod fuzzing;
pub mod html;
pub mod inbox;
pub mod jobs;
pub mod lfw;
pub mod models;
pub mod ops;
pub mod panics;
pub mod par;
pub mod pathkey;
pub mod pipeline;
pub mod projection;
pub mod raw_bytes;
pub mod records;
pub mod runtime;
pub mod scale;
pub mod session;
pub mod shown;
pub mod store;
pub mod vector;
