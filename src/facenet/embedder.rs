//! Running any ONNX embedder described by an [`EmbedderSpec`]: cut the face
//! out as the spec says, fill the input tensor in its layout, channel order
//! and normalisation, run a batch, L2-normalise the outputs.
//!
//! Opening one checks the model against the spec (input rank, channel axis,
//! size, output length, with a trial run), so a wrong declaration is a clear
//! error at load, not silently meaningless distances later.

use super::spec::{Alignment, Channels, EmbedderSpec, Layout, Normalize, SpecError};
use crate::pipeline::align::{Similarity, warp};
use crate::pipeline::detect::Detection;
use crate::pipeline::embed::normalized;
use crate::runtime::Runtime;
use image::RgbImage;
use ort::session::Session;
use ort::value::{TensorRef, ValueType};

pub struct SpecEmbedder {
    spec: EmbedderSpec,
    session: Session,
    /// The model's batch axis is fixed at 1: run crops one at a time.
    single: bool,
    input: Vec<f32>,
}

impl SpecEmbedder {
    /// Opens the spec's model on `runtime` and checks it against the spec.
    pub fn open(
        runtime: &Runtime,
        spec: &EmbedderSpec,
        threads: usize,
    ) -> Result<SpecEmbedder, SpecError> {
        spec.validate()?;
        let session = runtime
            .session(&spec.model, threads)
            .map_err(|e| fail(spec, e.to_string()))?;
        SpecEmbedder::new(session, spec.clone())
    }

    /// Wraps an open session, checking its input and output shapes.
    pub fn new(session: Session, spec: EmbedderSpec) -> Result<SpecEmbedder, SpecError> {
        spec.validate()?;
        let single = check_input(&session, &spec)?;
        check_output(&session, &spec)?;
        let mut embedder = SpecEmbedder {
            spec,
            session,
            single,
            input: Vec::new(),
        };
        // A trial run catches what shapes alone cannot (a dynamic output
        // dimension that turns out different from the declared one).
        let blank = RgbImage::new(embedder.spec.width, embedder.spec.height);
        let got = embedder
            .run_batch(std::slice::from_ref(&blank))
            .map_err(|e| fail(&embedder.spec, format!("trial run failed: {e}")))?;
        if got.len() != embedder.spec.output_dim {
            return Err(fail(
                &embedder.spec,
                format!(
                    "the model outputs {} values per face but the spec declares output_dim {}",
                    got.len(),
                    embedder.spec.output_dim
                ),
            ));
        }
        Ok(embedder)
    }

    pub fn spec(&self) -> &EmbedderSpec {
        &self.spec
    }

    /// The model's input crop of `detection`, or `None` when it cannot be
    /// cut (degenerate landmarks, a box outside the photo).
    pub fn crop(&self, image: &RgbImage, detection: &Detection) -> Option<RgbImage> {
        let (w, h) = (self.spec.width, self.spec.height);
        match &self.spec.alignment {
            Alignment::Landmarks { template } => {
                let forward = Similarity::estimate(&detection.landmarks, template)?;
                warp(image, &forward.inverse()?, w, h)
            }
            Alignment::Box { margin } => {
                super::crop::facenet_crop(image, &detection.bbox, *margin, w, h)
            }
        }
    }

    /// One unit-length embedding per crop, in order; crops must have the
    /// spec's size.
    pub fn embed(&mut self, crops: &[RgbImage]) -> Result<Vec<Vec<f32>>, ort::Error> {
        let mut out = Vec::with_capacity(crops.len());
        if self.single {
            for crop in crops {
                out.push(normalized(&self.run_batch(std::slice::from_ref(crop))?));
            }
        } else if !crops.is_empty() {
            let flat = self.run_batch(crops)?;
            let dim = self.spec.output_dim;
            if flat.len() != dim * crops.len() {
                return Err(ort::Error::new(format!(
                    "embedder `{}` returned {} values for {} crops",
                    self.spec.name,
                    flat.len(),
                    crops.len()
                )));
            }
            out.extend(flat.chunks_exact(dim).map(normalized));
        }
        Ok(out)
    }

    fn run_batch(&mut self, crops: &[RgbImage]) -> Result<Vec<f32>, ort::Error> {
        let (w, h) = (self.spec.width as usize, self.spec.height as usize);
        let per = 3 * w * h;
        self.input.clear();
        self.input.resize(crops.len() * per, 0.0);
        for (i, crop) in crops.iter().enumerate() {
            if crop.dimensions() != (w as u32, h as u32) {
                return Err(ort::Error::new(format!(
                    "embedder `{}` needs {w}x{h} crops, got {}x{}",
                    self.spec.name,
                    crop.width(),
                    crop.height()
                )));
            }
            fill(&self.spec, crop, &mut self.input[i * per..(i + 1) * per]);
        }
        let shape = match self.spec.layout {
            Layout::Nchw => [crops.len(), 3, h, w],
            Layout::Nhwc => [crops.len(), h, w, 3],
        };
        let tensor = TensorRef::from_array_view((shape, self.input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![tensor])?;
        let (_, data) = outputs[0].try_extract_tensor::<f32>()?;
        Ok(data.to_vec())
    }
}

fn fail(spec: &EmbedderSpec, problem: String) -> SpecError {
    SpecError {
        name: spec.name.clone(),
        problem: format!("{} ({})", problem, spec.model.display()),
        key: None,
    }
}

fn describe(shape: &[i64]) -> String {
    shape
        .iter()
        .map(|d| {
            if *d < 0 {
                "?".to_string()
            } else {
                d.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("x")
}

/// Checks the image input; returns true when the batch axis is fixed at 1.
fn check_input(session: &Session, spec: &EmbedderSpec) -> Result<bool, SpecError> {
    let inputs = session.inputs();
    if inputs.len() != 1 {
        return Err(fail(
            spec,
            format!(
                "the model has {} inputs; an embedder takes one image tensor",
                inputs.len()
            ),
        ));
    }
    let (ty, shape) = match inputs[0].dtype() {
        ValueType::Tensor { ty, shape, .. } => (*ty, shape.to_vec()),
        other => {
            return Err(fail(
                spec,
                format!("the model input is {other:?}, not a tensor"),
            ));
        }
    };
    if ty != ort::value::TensorElementType::Float32 {
        return Err(fail(
            spec,
            format!("the model input is {ty:?}; only float32 inputs are supported"),
        ));
    }
    let (c, hh, ww) = match spec.layout {
        Layout::Nchw => (1, 2, 3),
        Layout::Nhwc => (3, 1, 2),
    };
    let layout = format!("{:?}", spec.layout).to_lowercase();
    let want = [3i64, spec.height as i64, spec.width as i64];
    let ok = shape.len() == 4
        && [shape[c], shape[hh], shape[ww]]
            .iter()
            .zip(want)
            .all(|(got, want)| *got < 0 || *got == want);
    if !ok {
        return Err(fail(
            spec,
            format!(
                "the model's input is {} but the spec declares {}x{} {layout} with 3 channels",
                describe(&shape),
                spec.width,
                spec.height
            ),
        ));
    }
    Ok(shape[0] == 1)
}

fn check_output(session: &Session, spec: &EmbedderSpec) -> Result<(), SpecError> {
    let Some(first) = session.outputs().first() else {
        return Err(fail(spec, "the model has no output".to_string()));
    };
    if let ValueType::Tensor { shape, .. } = first.dtype() {
        let last = shape.last().copied().unwrap_or(-1);
        if last >= 0 && last as usize != spec.output_dim {
            return Err(fail(
                spec,
                format!(
                    "the model's output is {} but the spec declares output_dim {}",
                    describe(shape),
                    spec.output_dim
                ),
            ));
        }
    }
    Ok(())
}

/// Writes one crop into `out` (3·w·h values) as the spec wants it.
pub fn fill(spec: &EmbedderSpec, crop: &RgbImage, out: &mut [f32]) {
    let plane = (crop.width() * crop.height()) as usize;
    let order: [usize; 3] = match spec.channels {
        Channels::Rgb => [0, 1, 2],
        Channels::Bgr => [2, 1, 0],
    };
    let (offset, scale) = match spec.normalize {
        Normalize::MeanStd { mean, std } => (mean, [1.0 / std[0], 1.0 / std[1], 1.0 / std[2]]),
        Normalize::Prewhiten => {
            let (mean, std) = prewhiten_stats(crop.as_raw());
            ([mean; 3], [1.0 / std; 3])
        }
    };
    for (p, px) in crop.as_raw().chunks_exact(3).enumerate() {
        for (k, &src) in order.iter().enumerate() {
            let v = (f32::from(px[src]) - offset[k]) * scale[k];
            match spec.layout {
                Layout::Nchw => out[k * plane + p] = v,
                Layout::Nhwc => out[p * 3 + k] = v,
            }
        }
    }
}

/// facenet's `prewhiten`: mean and `max(std, 1/√n)` over every value.
pub fn prewhiten_stats(values: &[u8]) -> (f32, f32) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = values
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n;
    let std = var.sqrt().max(1.0 / n.sqrt());
    (mean as f32, std as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facenet::spec::EmbedderSpec;

    #[test]
    fn fill_honours_layout_channels_and_prewhitening() {
        let crop = RgbImage::from_fn(2, 1, |x, _| image::Rgb([10 + x as u8, 20, 30]));
        let mut spec = EmbedderSpec::sface("m".into());
        spec.width = 2;
        spec.height = 1;
        let mut out = vec![0.0; 6];
        fill(&spec, &crop, &mut out);
        assert_eq!(out, vec![10.0, 11.0, 20.0, 20.0, 30.0, 30.0]);
        spec.layout = Layout::Nhwc;
        spec.channels = Channels::Bgr;
        fill(&spec, &crop, &mut out);
        assert_eq!(out, vec![30.0, 20.0, 10.0, 30.0, 20.0, 11.0]);
        spec.normalize = Normalize::Prewhiten;
        fill(&spec, &crop, &mut out);
        let mean: f32 = out.iter().sum::<f32>() / 6.0;
        let var: f32 = out.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / 6.0;
        assert!(
            mean.abs() < 1e-5 && (var - 1.0).abs() < 1e-4,
            "{mean} {var}"
        );
    }

    #[test]
    fn a_flat_crop_is_not_blown_up_by_prewhitening() {
        let (mean, std) = prewhiten_stats(&[7u8; 300]);
        assert_eq!(mean, 7.0);
        assert!((std - 1.0 / 300f32.sqrt()).abs() < 1e-6);
    }
}
