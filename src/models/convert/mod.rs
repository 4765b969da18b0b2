//! The `sface` and `yunet` conversions of `models/convert.py`, in Rust.
//!
//! The models come out of pinned wheels in a form ONNX Runtime cannot use as
//! is (int8 block-quantized SFace; YuNet pinned to 640x640), and convert.py
//! rewrites them. Running it needs Python with pinned onnx, numpy and
//! protobuf; this module does the same rewrites with no Python, and its output
//! is byte-identical to convert.py's, so the sha256 pinned in
//! models/manifest.json checks either. Byte identity comes from decoding the
//! file into messages that cover all of onnx.proto's `ModelProto` subtree
//! (nothing dropped), building every new tensor and node with exactly the
//! fields numpy_helper.from_array and helper.make_node set, doing the float
//! arithmetic in f32 in numpy's order, and encoding in field-number order like
//! protobuf's deterministic serialisation. convert.py's docstring explains
//! each conversion; its refusals are kept as errors here. What is not
//! reproduced is the final `onnx.checker` run: the pinned sha256 is the check.
//! `facenet_keras` (an HDF5 Keras file) stays in Python.

mod fold;
mod graph;
mod proto;
mod quantize;
mod sface;
mod tensor;
mod yunet;

#[cfg(test)]
mod tests;

use prost::Message;

pub use graph::ConvertError;
use graph::Result;
use proto::ModelProto;

/// Converts `input`, the bytes of the ONNX file named by the manifest, the way
/// `convert.py KIND` does, and returns the bytes of the converted file.
pub fn convert(kind: &str, input: &[u8]) -> Result<Vec<u8>> {
    let rewrite: fn(&mut ModelProto) -> Result<()> = match kind {
        "sface" => sface::convert,
        "sface_int8" => sface_int8,
        "yunet" => yunet::convert,
        "facenet_keras" => return Err(ConvertError::NeedsPython(kind.to_string())),
        _ => return Err(ConvertError::UnknownKind(kind.to_string())),
    };
    let mut model = ModelProto::decode(input)?;
    rewrite(&mut model)?;
    Ok(model.encode_to_vec())
}

/// The `sface` conversion, then static int8 quantization with the committed
/// calibration (quantize.rs).
fn sface_int8(model: &mut ModelProto) -> Result<()> {
    sface::convert(model)?;
    quantize::quantize(model, &quantize::Calibration::sface()?)
}

/// The converted YuNet with a symbolic batch dimension, for the batched
/// detector (`pipeline::detect::Detector::detect_batch`). Made in memory when
/// a batched session opens, so the pinned `yunet` artifact (and every store's
/// fingerprint) stays as it is. YuNet's heads end in `Reshape` to
/// `[1, -1, k]`, which folds the batch into the anchor axis photo by photo,
/// so the outputs keep their declared shapes; a graph whose heads keep the
/// batch apart (`[0, -1, k]`) has the same memory layout.
pub fn yunet_with_batch(input: &[u8]) -> Result<Vec<u8>> {
    let mut model = ModelProto::decode(input)?;
    let g = model.graph.get_or_insert_default();
    if g.input.len() != 1 || graph::rank(&g.input[0]) != 4 {
        return Err(ConvertError::Graph(
            "expected a single NCHW graph input".into(),
        ));
    }
    graph::set_dim(&mut g.input[0], 0, "N")?;
    Ok(model.encode_to_vec())
}
