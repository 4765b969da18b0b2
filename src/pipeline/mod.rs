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

use crate::facenet::engine::open_batched;
use crate::facenet::pool;
use crate::facenet::spec::Alignment;
use crate::facenet::{DetectorModel, EmbedderSpec, Engine, EngineError};
use crate::runtime::Runtime;
use detect::{DetectSettings, Detection};
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
    /// Photos each worker runs through the models at once (YuNet on one
    /// canvas, SFace on all their faces); 1 is the per-photo path. Batches
    /// pay on a GPU; on a CPU one photo at a time is as fast.
    pub batch: usize,
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
            batch: 1,
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
        let engine = match config.batch > 1 {
            true => Engine {
                detector: open_batched(runtime, &config.models.detector, config.detect, threads)?,
                embedder: crate::facenet::SpecEmbedder::open(runtime, spec, threads)?,
            },
            false => Engine::open_model(
                runtime,
                &config.models.detector,
                config.detect,
                spec,
                threads,
            )?,
        };
        Ok(Worker {
            engine,
            crop_is_thumb_source: (spec.width, spec.height) == (112, 112)
                && spec.alignment
                    == (Alignment::Landmarks {
                        template: align::TEMPLATE_112,
                    }),
        })
    }

    pub fn process_path(&mut self, path: &Path) -> PhotoResult {
        crate::fault::panic_on(path);
        let image = decode::decode_file(path).map_err(|e| photo_error(path, e.into()))?;
        let faces = self
            .process_image(&image)
            .map_err(|e| photo_error(path, Failure::Model(e.to_string())))?;
        Ok(photo_faces(path, &image, faces))
    }

    /// [`Worker::process_path`] for several photos, their models run once for
    /// all of them. A photo that does not decode fails alone; a model error
    /// fails the photos of the batch.
    pub fn process_batch(&mut self, paths: &[PathBuf]) -> Vec<PhotoResult> {
        let mut results: Vec<Option<PhotoResult>> = paths.iter().map(|_| None).collect();
        let mut images = Vec::with_capacity(paths.len());
        for (i, path) in paths.iter().enumerate() {
            crate::fault::panic_on(path);
            match decode::decode_file(path) {
                Ok(image) => images.push((i, image)),
                Err(e) => results[i] = Some(Err(photo_error(path, e.into()))),
            }
        }
        let refs: Vec<&RgbImage> = images.iter().map(|(_, image)| image).collect();
        match self.faces_of_batch(&refs) {
            Ok(per_photo) => {
                for ((i, image), faces) in images.iter().zip(per_photo) {
                    results[*i] = Some(Ok(photo_faces(&paths[*i], image, faces)));
                }
            }
            Err(e) => {
                for (i, _) in &images {
                    let cause = Failure::Model(e.to_string());
                    results[*i] = Some(Err(photo_error(&paths[*i], cause)));
                }
            }
        }
        results.into_iter().flatten().collect()
    }

    /// Every face of each photo: detection as one batch, then one embedder
    /// run over the faces of all the photos.
    fn faces_of_batch(&mut self, images: &[&RgbImage]) -> Result<Vec<Vec<Face>>, ort::Error> {
        let detections = self.engine.detector.detect_batch(images)?;
        let mut prepared = Vec::with_capacity(images.len());
        let mut crops = Vec::new();
        for (image, dets) in images.iter().zip(detections) {
            let (kept, photo_crops, thumbs) = self.crops(image, dets);
            crops.extend(photo_crops);
            prepared.push((kept, thumbs));
        }
        let mut vectors = self.engine.embedder.embed(&crops)?.into_iter();
        Ok(prepared
            .into_iter()
            .map(|(kept, thumbs)| {
                faces(kept, vectors.by_ref().take(thumbs.len()).collect(), thumbs)
            })
            .collect())
    }

    /// Detects, crops (as the embedder's spec says) and embeds every face of
    /// an already decoded photo. The thumb always comes from the 112×112
    /// landmark alignment, so duplicate evidence means the same whatever the
    /// embedder.
    pub fn process_image(&mut self, image: &RgbImage) -> Result<Vec<Face>, ort::Error> {
        let detections = self.engine.detector.detect(image)?;
        let (kept, crops, thumbs) = self.crops(image, detections);
        let vectors = self.engine.embedder.embed(&crops)?;
        Ok(faces(kept, vectors, thumbs))
    }

    /// The detections that crop, with the embedder's crop and the gray
    /// thumb of each.
    fn crops(
        &self,
        image: &RgbImage,
        detections: Vec<Detection>,
    ) -> (Vec<Detection>, Vec<RgbImage>, Vec<Vec<u8>>) {
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
        (kept, crops, thumbs)
    }
}

fn photo_error(path: &Path, cause: Failure) -> PhotoError {
    PhotoError {
        path: path.to_path_buf(),
        cause,
    }
}

fn photo_faces(path: &Path, image: &RgbImage, faces: Vec<Face>) -> PhotoFaces {
    PhotoFaces {
        path: path.to_path_buf(),
        width: image.width(),
        height: image.height(),
        faces,
    }
}

fn faces(kept: Vec<Detection>, vectors: Vec<Vec<f32>>, thumbs: Vec<Vec<u8>>) -> Vec<Face> {
    kept.into_iter()
        .zip(vectors)
        .zip(thumbs)
        .map(|((d, embedding), thumb)| Face {
            bbox: d.bbox,
            landmarks: d.landmarks,
            score: d.score,
            embedding,
            thumb,
        })
        .collect()
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
    let caught = |path: &PathBuf, cause: String| PhotoError {
        path: path.clone(),
        cause: Failure::Internal(cause),
    };
    if config.batch <= 1 {
        pool::run_caught(
            paths,
            workers,
            |worker, path| worker.process_path(path),
            |path, cause| Err(caught(path, cause)),
            stop,
            on_result,
        );
        return Ok(());
    }
    let batches: Vec<&[PathBuf]> = paths.chunks(config.batch).collect();
    let mut on_result = on_result;
    pool::run_caught(
        &batches,
        workers,
        |worker, batch| worker.process_batch(batch),
        |batch, cause| {
            batch
                .iter()
                .map(|p| Err(caught(p, cause.clone())))
                .collect()
        },
        stop,
        |b, results| {
            for (k, result) in results.into_iter().enumerate() {
                on_result(b * config.batch + k, result);
            }
        },
    );
    Ok(())
}
