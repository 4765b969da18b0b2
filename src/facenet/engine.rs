//! One worker's models for the facenet-style commands: a detector (YuNet or
//! MTCNN) and a spec-driven embedder, with facenet's choice of the one face
//! a photo stands for and its `--use_flipped_images` option.

use super::embedder::SpecEmbedder;
use super::mtcnn::{Mtcnn, MtcnnFiles, MtcnnSettings};
use super::spec::{DetectorKind, EmbedderSpec, SpecError};
use crate::pipeline::decode;
use crate::pipeline::detect::{DetectSettings, Detection, Detector};
use crate::pipeline::embed::normalized;
use crate::pipeline::failure::Failure;
use crate::pipeline::main_face::main_face_index;
use crate::runtime::{Runtime, RuntimeError};
use image::RgbImage;
use std::path::{Path, PathBuf};

/// The model file(s) of one detector: YuNet's one file or MTCNN's three
/// stages, built-in or a user's own.
#[derive(Debug, Clone, PartialEq)]
pub enum DetectorModel {
    Yunet(PathBuf),
    Mtcnn(MtcnnFiles),
}

impl DetectorModel {
    pub fn kind(&self) -> DetectorKind {
        match self {
            DetectorModel::Yunet(_) => DetectorKind::Yunet,
            DetectorModel::Mtcnn(_) => DetectorKind::Mtcnn,
        }
    }

    /// Every file the detector loads, in a fixed order.
    pub fn files(&self) -> Vec<&Path> {
        match self {
            DetectorModel::Yunet(f) => vec![f.as_path()],
            DetectorModel::Mtcnn(m) => vec![&m.pnet, &m.rnet, &m.onet],
        }
    }
}

/// A detector of either kind, answering in the shared [`Detection`] form.
pub enum FaceDetector {
    Yunet(Detector),
    Mtcnn(Box<Mtcnn>),
}

impl FaceDetector {
    pub fn detect(&mut self, image: &RgbImage) -> Result<Vec<Detection>, ort::Error> {
        match self {
            FaceDetector::Yunet(d) => d.detect(image),
            FaceDetector::Mtcnn(d) => d.detect(image),
        }
    }

    /// Every face of each photo. YuNet opened by [`open_batched`] runs them
    /// as one batch; MTCNN (a cascade of per-photo networks) one by one.
    pub fn detect_batch(
        &mut self,
        images: &[&RgbImage],
    ) -> Result<Vec<Vec<Detection>>, ort::Error> {
        match self {
            FaceDetector::Yunet(d) if images.len() > 1 => {
                let side = images.iter().map(|i| i.width().max(i.height())).max();
                d.detect_batch(images, side.unwrap_or(32))
            }
            _ => images.iter().map(|image| self.detect(image)).collect(),
        }
    }

    pub fn kind(&self) -> DetectorKind {
        match self {
            FaceDetector::Yunet(_) => DetectorKind::Yunet,
            FaceDetector::Mtcnn(_) => DetectorKind::Mtcnn,
        }
    }
}

/// Model files of both detectors; MTCNN's only when it was fetched.
#[derive(Debug, Clone)]
pub struct DetectorFiles {
    pub yunet: PathBuf,
    pub mtcnn: Option<MtcnnFiles>,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(
        "the MTCNN weights are not provisioned (`facecurate models fetch --with mtcnn-pnet --with mtcnn-rnet --with mtcnn-onet`)"
    )]
    NoMtcnn,
}

impl DetectorFiles {
    /// The files of the detector of `kind`.
    pub fn model(&self, kind: DetectorKind) -> Result<DetectorModel, EngineError> {
        Ok(match kind {
            DetectorKind::Yunet => DetectorModel::Yunet(self.yunet.clone()),
            DetectorKind::Mtcnn => {
                DetectorModel::Mtcnn(self.mtcnn.clone().ok_or(EngineError::NoMtcnn)?)
            }
        })
    }
}

/// Opens a detector of `kind` with `threads` intra-op threads per session.
pub fn open_detector(
    runtime: &Runtime,
    files: &DetectorFiles,
    kind: DetectorKind,
    threads: usize,
) -> Result<FaceDetector, EngineError> {
    open_model(
        runtime,
        &files.model(kind)?,
        DetectSettings::default(),
        threads,
    )
}

/// Opens `model`; `detect` applies to YuNet (MTCNN keeps facenet's own
/// thresholds).
pub fn open_model(
    runtime: &Runtime,
    model: &DetectorModel,
    detect: DetectSettings,
    threads: usize,
) -> Result<FaceDetector, EngineError> {
    Ok(match model {
        DetectorModel::Yunet(file) => {
            FaceDetector::Yunet(Detector::new(runtime.session(file, threads)?, detect))
        }
        DetectorModel::Mtcnn(m) => FaceDetector::Mtcnn(Box::new(Mtcnn::open(
            runtime,
            m,
            MtcnnSettings::default(),
            threads,
        )?)),
    })
}

/// Like [`open_model`], with YuNet opened on its batched form
/// ([`crate::models::convert::yunet_with_batch`], made in memory) so that
/// [`FaceDetector::detect_batch`] runs a whole batch at once.
pub fn open_batched(
    runtime: &Runtime,
    model: &DetectorModel,
    detect: DetectSettings,
    threads: usize,
) -> Result<FaceDetector, EngineError> {
    let DetectorModel::Yunet(file) = model else {
        return open_model(runtime, model, detect, threads);
    };
    let fail = |cause: String| RuntimeError::Session {
        model: file.clone(),
        cause,
    };
    let bytes = std::fs::read(file).map_err(|e| fail(e.to_string()))?;
    let batched = crate::models::convert::yunet_with_batch(&bytes)
        .map_err(|e| fail(format!("cannot give it a batch dimension: {e}")))?;
    let session = runtime.session_from_bytes(file, &batched, threads)?;
    Ok(FaceDetector::Yunet(Detector::new(session, detect)))
}

/// The face a photo stands for, with its embedding.
#[derive(Debug, Clone)]
pub struct MainFace {
    /// How many faces the detector found.
    pub faces: usize,
    pub detection: Detection,
    pub embedding: Vec<f32>,
}

pub struct Engine {
    pub detector: FaceDetector,
    pub embedder: SpecEmbedder,
}

impl Engine {
    pub fn open(
        runtime: &Runtime,
        files: &DetectorFiles,
        detector: DetectorKind,
        spec: &EmbedderSpec,
        threads: usize,
    ) -> Result<Engine, EngineError> {
        let model = files.model(detector)?;
        Engine::open_model(runtime, &model, DetectSettings::default(), spec, threads)
    }

    /// Opens `detector` (with `detect` for YuNet) and the embedder `spec`
    /// describes, checking the embedder against its model.
    pub fn open_model(
        runtime: &Runtime,
        detector: &DetectorModel,
        detect: DetectSettings,
        spec: &EmbedderSpec,
        threads: usize,
    ) -> Result<Engine, EngineError> {
        Ok(Engine {
            detector: open_model(runtime, detector, detect, threads)?,
            embedder: SpecEmbedder::open(runtime, spec, threads)?,
        })
    }

    /// facenet's single face (largest box, penalised by its distance from
    /// the centre) and its embedding. With `flip`, as facenet's
    /// `--use_flipped_images`, the embedding of the horizontally flipped crop
    /// is appended to the original's; the joined vector is scaled back to unit
    /// length, so its squared distances are the mean of the two halves' and
    /// thresholds keep their meaning. `None`: no usable face.
    pub fn main_face(
        &mut self,
        image: &RgbImage,
        flip: bool,
    ) -> Result<Option<MainFace>, ort::Error> {
        let detections = self.detector.detect(image)?;
        let boxes: Vec<[f32; 4]> = detections.iter().map(|d| d.bbox).collect();
        let Some(index) = main_face_index(&boxes, image.width(), image.height()) else {
            return Ok(None);
        };
        let detection = detections[index].clone();
        let Some(crop) = self.embedder.crop(image, &detection) else {
            return Ok(None);
        };
        let embedding = if flip {
            let mirrored = image::imageops::flip_horizontal(&crop);
            let both = self.embedder.embed(&[crop, mirrored])?;
            let joined: Vec<f32> = both.concat();
            normalized(&joined)
        } else {
            self.embedder
                .embed(std::slice::from_ref(&crop))?
                .pop()
                .unwrap_or_default()
        };
        Ok(Some(MainFace {
            faces: detections.len(),
            detection,
            embedding,
        }))
    }

    /// Decodes `path` and finds its main face.
    pub fn photo_main_face(
        &mut self,
        path: &Path,
        flip: bool,
    ) -> Result<Option<MainFace>, Failure> {
        crate::fault::panic_on(path);
        let image = decode::decode_file(path)?;
        self.main_face(&image, flip)
            .map_err(|e| Failure::Model(e.to_string()))
    }
}
