//! The davidsandberg/facenet workflow on facecurate's runtime: MTCNN
//! detection with facenet's parameters, facenet's box-plus-margin crops and
//! `align_dataset_mtcnn.py` output layout, embedders declared by a spec
//! (SFace, FaceNet, or a user's own ONNX model), and the per-photo work the
//! LFW protocol (`crate::lfw`) needs.

pub mod align_dataset;
pub mod crop;
pub mod embedder;
pub mod engine;
pub mod mtcnn;
pub mod mtcnn_boxes;
pub mod pool;
pub mod resample;
pub mod spec;

pub use embedder::SpecEmbedder;
pub use engine::{DetectorFiles, DetectorModel, Engine, EngineError, FaceDetector, MainFace};
pub use spec::{DetectorKind, EmbedderSpec, SpecError};
