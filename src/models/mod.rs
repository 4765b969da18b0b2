//! Models and the ONNX Runtime library: what they are (the manifest), where
//! they live (the cache), how they get there (fetch) and how they are checked.

pub mod cache;
pub mod convert;
mod error;
mod extract;
pub mod fetch;
pub mod hash;
pub mod manifest;

pub use cache::Cache;
pub use error::FetchError;
pub use fetch::{Status, ensure, status};
pub use manifest::{Artifact, Manifest};
