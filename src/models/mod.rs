//! Models and the ONNX Runtime library: what they are (the manifest), where
//! they live (the cache), how they get there (fetch) and how they are checked.

pub mod cache;
pub mod convert;
mod error;
mod extract;
pub mod fetch;
pub mod hash;
mod http;
pub mod index;
pub mod manifest;
mod pip;
mod source;

pub use cache::Cache;
pub use error::FetchError;
pub use fetch::{Source, Status, ensure, ensure_from, status};
pub use manifest::{Artifact, Manifest};
