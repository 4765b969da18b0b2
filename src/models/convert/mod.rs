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
mod proto;
mod sface;
mod tensor;
mod yunet;

#[cfg(test)]
mod tests;

use prost::Message;

use proto::{AttributeProto, DimValue, Dimension, ModelProto, NodeProto, ValueInfoProto};

/// Why a conversion failed. The messages name the node or tensor at fault,
/// as convert.py's do.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("unknown conversion {0:?} (known: sface, yunet)")]
    UnknownKind(String),
    #[error("{0} is converted by models/convert.py, which needs Python (with onnx, numpy, h5py)")]
    NeedsPython(String),
    #[error("cannot parse the input as ONNX: {0}")]
    Parse(#[from] prost::DecodeError),
    /// A node the conversion cannot or will not handle; `node` is the op type
    /// and the node's name (or first output).
    #[error("{node}: {cause}")]
    Node { node: String, cause: String },
    #[error("tensor {tensor}: {cause}")]
    Tensor { tensor: String, cause: String },
    /// Something about the graph as a whole (inputs, outputs, what it holds).
    #[error("{0}")]
    Graph(String),
}

type Result<T> = std::result::Result<T, ConvertError>;

/// Converts `input`, the bytes of the ONNX file named by the manifest, the way
/// `convert.py KIND` does, and returns the bytes of the converted file.
pub fn convert(kind: &str, input: &[u8]) -> Result<Vec<u8>> {
    let rewrite: fn(&mut ModelProto) -> Result<()> = match kind {
        "sface" => sface::convert,
        "yunet" => yunet::convert,
        "facenet_keras" => return Err(ConvertError::NeedsPython(kind.to_string())),
        _ => return Err(ConvertError::UnknownKind(kind.to_string())),
    };
    let mut model = ModelProto::decode(input)?;
    rewrite(&mut model)?;
    Ok(model.encode_to_vec())
}

/// `node.name or node.output[0]`: how convert.py names a node in messages.
fn node_label(node: &NodeProto) -> String {
    match node.name.as_deref() {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => node.output.first().cloned().unwrap_or_default(),
    }
}

fn node_error(node: &NodeProto, cause: impl Into<String>) -> ConvertError {
    ConvertError::Node {
        node: format!("{} {}", op_type(node), node_label(node)),
        cause: cause.into(),
    }
}

fn op_type(node: &NodeProto) -> &str {
    node.op_type.as_deref().unwrap_or("")
}

/// `node.input[i]`, an error instead of Python's IndexError.
fn input(node: &NodeProto, i: usize) -> Result<&str> {
    node.input
        .get(i)
        .map(String::as_str)
        .ok_or_else(|| node_error(node, format!("has no input {i}")))
}

fn output0(node: &NodeProto) -> Result<&str> {
    node.output
        .first()
        .map(String::as_str)
        .ok_or_else(|| node_error(node, "has no output"))
}

/// The integer attribute `name` (the last one of that name, as convert.py's
/// dict keeps), None when absent.
fn int_attr(node: &NodeProto, name: &str) -> Result<Option<i64>> {
    const INT: i32 = 2;
    let found: Option<&AttributeProto> = node
        .attribute
        .iter()
        .rev()
        .find(|a| a.name.as_deref() == Some(name));
    match found {
        None => Ok(None),
        Some(a) if a.r#type == Some(INT) => Ok(Some(a.i.unwrap_or(0))),
        Some(_) => Err(node_error(node, format!("attribute {name} is not an int"))),
    }
}

/// convert.py's `_set_dim`: dimension `idx` of a tensor-typed value becomes
/// the symbol `param` (its value and denotation cleared).
fn set_dim(vi: &mut ValueInfoProto, idx: usize, param: &str) -> Result<()> {
    let name = vi.name.clone().unwrap_or_default();
    let dims = vi
        .r#type
        .as_mut()
        .and_then(|t| t.tensor_type.as_mut())
        .and_then(|t| t.shape.as_mut())
        .map(|s| &mut s.dim);
    let rank = dims.as_ref().map_or(0, |d| d.len());
    match dims.and_then(|d| d.get_mut(idx)) {
        Some(dim) => {
            *dim = Dimension {
                value: Some(DimValue::Param(param.to_string())),
                denotation: None,
            };
            Ok(())
        }
        None => Err(ConvertError::Graph(format!(
            "tensor {name} has rank {rank}, cannot set dim {idx}"
        ))),
    }
}

/// The rank of a value's tensor type (0 when it has none), read-only.
fn rank(vi: &ValueInfoProto) -> usize {
    vi.r#type
        .as_ref()
        .and_then(|t| t.tensor_type.as_ref())
        .and_then(|t| t.shape.as_ref())
        .map_or(0, |s| s.dim.len())
}
