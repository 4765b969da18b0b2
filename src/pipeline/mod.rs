//! The face pipeline: decode → detect → align → embed, on worker threads
//! that each own their ONNX sessions. The detector (YuNet or MTCNN) and the
//! embedder (any [`EmbedderSpec`]) are whatever the configuration names.
//!
//! A photo that fails (unreadable, corrupt, no face, a model error) yields a
//! [`PhotoError`] naming the file and the cause; the run carries on.

pub mod align;
pub mod decode;
pub mod detect;
pub mod embed;
pub(crate) mod failure;
pub(crate) mod main_face;

use crate::facenet::pool;
use crate::facenet::spec::Alignment;
use crate::facenet::{DetectorModel, EmbedderSpec, Engine, EngineError};
use crate::runtime::Runtime;
use detect::DetectSettings;
use image::RgbImage;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// One face of a photo with its identity embedding.
#[derive(Debug, Clone, Serialize)]
pub struct Face {
    pub bbox: [f32; 4],
    pub landmarks: [[f32; 2]; 5],
    pub score: f32,
    pub embedding: Vec<f32>,
    /// The aligned crop as 64×64 grayscale (row-major), kept as pixel-level
    /// evidence for near-duplicate checks that identity vectors cannot make.
    /// Serialised as hex.
    #[serde(serialize_with = "as_hex")]
    pub thumb: Vec<u8>,
}

fn as_hex<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(bytes))
}

/// Side of [`Face::thumb`].
pub const THUMB_SIDE: u32 = 64;

fn gray_thumb(crop: &RgbImage) -> Vec<u8> {
    let small = image::imageops::resize(
        crop,
        THUMB_SIDE,
        THUMB_SIDE,
        image::imageops::FilterType::Triangle,
    );
    small
        .pixels()
        .map(|p| {
            ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8
        })
        .collect()
}

/// Every face found in one photo (possibly none).
#[derive(Debug, Clone, Serialize)]
pub struct PhotoFaces {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub faces: Vec<Face>,
}

pub use failure::{Failure, PhotoError};
pub use main_face::main_face_index;

pub type PhotoResult = Result<PhotoFaces, PhotoError>;

/// The models a worker loads: any supported detector and any embedder a
/// spec describes (SFace by default).
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub detector: DetectorModel,
    pub embedder: EmbedderSpec,
}

impl ModelFiles {
    /// The default pair: YuNet and SFace.
    pub fn builtin(yunet: PathBuf, sface: PathBuf) -> ModelFiles {
        ModelFiles {
            detector: DetectorModel::Yunet(yunet),
            embedder: EmbedderSpec::sface(sface),
        }
    }
}

/// How many workers, and how many threads each session may use.
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    pub models: ModelFiles,
    /// YuNet's settings (MTCNN keeps facenet's).
    pub detect: DetectSettings,
    pub workers: usize,
    pub intra_threads: usize,
}

impl PipelineConfig {
    /// Workers × intra-op threads never exceed the cores; on a CPU one
    /// single-threaded worker per core wins (measured in `facecurate bench`).
    pub fn for_cores(models: ModelFiles, cores: usize) -> PipelineConfig {
        PipelineConfig {
            models,
            detect: DetectSettings::default(),
            workers: cores.max(1),
            intra_threads: 1,
        }
    }
}

/// A worker's models; not shared between threads.
pub struct Worker {
    engine: Engine,
    /// The embedder's crop is the thumb's 112×112 ArcFace crop (SFace): warp once.
    crop_is_thumb_source: bool,
}

impl Worker {
    /// Opens the sessions; the embedder is checked against its spec here.
    pub fn new(runtime: &Runtime, config: &PipelineConfig) -> Result<Worker, EngineError> {
        let threads = config.intra_threads.max(1);
        let spec = &config.models.embedder;
        Ok(Worker {
            engine: Engine::open_model(
                runtime,
                &config.models.detector,
                config.detect,
                spec,
                threads,
            )?,
            crop_is_thumb_source: (spec.width, spec.height) == (112, 112)
                && spec.alignment
                    == (Alignment::Landmarks {
                        template: align::TEMPLATE_112,
                    }),
        })
    }

    pub fn process_path(&mut self, path: &Path) -> PhotoResult {
        let fail = |cause: Failure| PhotoError {
            path: path.to_path_buf(),
            cause,
        };
        crate::fault::panic_on(path);
        let image = decode::decode_file(path).map_err(|e| fail(e.into()))?;
        let faces = self
            .process_image(&image)
            .map_err(|e| fail(Failure::Model(e.to_string())))?;
        Ok(PhotoFaces {
            path: path.to_path_buf(),
            width: image.width(),
            height: image.height(),
            faces,
        })
    }

    /// Detects, crops (as the embedder's spec says) and embeds every face of
    /// an already decoded photo. The thumb always comes from the 112×112
    /// landmark alignment, so duplicate evidence means the same whatever the
    /// embedder.
    pub fn process_image(&mut self, image: &RgbImage) -> Result<Vec<Face>, ort::Error> {
        let detections = self.engine.detector.detect(image)?;
        let mut kept = Vec::with_capacity(detections.len());
        let mut crops = Vec::with_capacity(detections.len());
        let mut thumbs = Vec::with_capacity(detections.len());
        for d in detections {
            let Some(crop) = self.engine.embedder.crop(image, &d) else {
                continue;
            };
            let thumb = if self.crop_is_thumb_source {
                gray_thumb(&crop)
            } else {
                gray_thumb(&align::align_112(image, &d.landmarks).unwrap_or_else(|| crop.clone()))
            };
            crops.push(crop);
            thumbs.push(thumb);
            kept.push(d);
        }
        let vectors = self.engine.embedder.embed(&crops)?;
        Ok(kept
            .into_iter()
            .zip(vectors)
            .zip(thumbs)
            .map(|((d, embedding), thumb)| Face {
                bbox: d.bbox,
                landmarks: d.landmarks,
                score: d.score,
                embedding,
                thumb,
            })
            .collect())
    }
}

/// Runs the pipeline over `paths` on `config.workers` threads, handing each
/// result (with its index in `paths`) to `on_result` on the calling thread as
/// it completes. Setting `stop` ends the run after the photos in flight. A
/// panic on a photo becomes that photo's [`Failure::Internal`] error.
pub fn run(
    runtime: &Runtime,
    config: &PipelineConfig,
    paths: &[PathBuf],
    stop: &AtomicBool,
    on_result: impl FnMut(usize, PhotoResult),
) -> Result<(), EngineError> {
    let workers = pool::states(paths.len(), config.workers, || Worker::new(runtime, config))?;
    pool::run_caught(
        paths,
        workers,
        |worker, path| worker.process_path(path),
        |path, cause| {
            Err(PhotoError {
                path: path.clone(),
                cause: Failure::Internal(cause),
            })
        },
        stop,
        on_result,
    );
    Ok(())
}
