//! What every conversion step shares: the error type, and reading and
//! rewriting nodes and value shapes the way convert.py's helpers do. A leaf,
//! so the conversions and the tensor code can use it without importing the
//! module root.

use super::proto::{AttributeProto, DimValue, Dimension, NodeProto, ValueInfoProto};

/// Why a conversion failed. The messages name the node or tensor at fault,
/// as convert.py's do.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("unknown conversion {0:?} (known: sface, sface_int8, yunet)")]
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

pub type Result<T> = std::result::Result<T, ConvertError>;

/// `node.name or node.output[0]`: how convert.py names a node in messages.
pub fn node_label(node: &NodeProto) -> String {
    match node.name.as_deref() {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => node.output.first().cloned().unwrap_or_default(),
    }
}

pub fn node_error(node: &NodeProto, cause: impl Into<String>) -> ConvertError {
    ConvertError::Node {
        node: format!("{} {}", op_type(node), node_label(node)),
        cause: cause.into(),
    }
}

pub fn op_type(node: &NodeProto) -> &str {
    node.op_type.as_deref().unwrap_or("")
}

/// `node.input[i]`, an error instead of Python's IndexError.
pub fn input(node: &NodeProto, i: usize) -> Result<&str> {
    node.input
        .get(i)
        .map(String::as_str)
        .ok_or_else(|| node_error(node, format!("has no input {i}")))
}

pub fn output0(node: &NodeProto) -> Result<&str> {
    node.output
        .first()
        .map(String::as_str)
        .ok_or_else(|| node_error(node, "has no output"))
}

/// The integer attribute `name` (the last one of that name, as convert.py's
/// dict keeps), None when absent.
pub fn int_attr(node: &NodeProto, name: &str) -> Result<Option<i64>> {
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
pub fn set_dim(vi: &mut ValueInfoProto, idx: usize, param: &str) -> Result<()> {
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
pub fn rank(vi: &ValueInfoProto) -> usize {
    vi.r#type
        .as_ref()
        .and_then(|t| t.tensor_type.as_ref())
        .and_then(|t| t.shape.as_ref())
        .map_or(0, |s| s.dim.len())
}
