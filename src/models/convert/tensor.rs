//! Constant tensors: numpy_helper.to_array and from_array for the element
//! types the conversions meet, and the table of constants by name.

use std::borrow::Cow;
use std::collections::HashMap;

use super::graph::{ConvertError, Result};
use super::proto::TensorProto;

// TensorProto.DataType values.
pub const FLOAT: i32 = 1;
pub const UINT8: i32 = 2;
pub const INT8: i32 = 3;
pub const UINT16: i32 = 4;
pub const INT16: i32 = 5;
pub const INT32: i32 = 6;
pub const INT64: i32 = 7;
pub const UINT4: i32 = 21;
pub const INT4: i32 = 22;
/// TensorProto.DataLocation.EXTERNAL.
const EXTERNAL: i32 = 1;

/// A decoded constant: what numpy_helper.to_array gives, with the integer
/// types widened to i64 (convert.py widens them before any arithmetic) and
/// the ONNX element type kept so that from_array can write it back.
#[derive(Clone, Debug, PartialEq)]
pub struct Array {
    pub dtype: i32,
    pub dims: Vec<usize>,
    pub values: Values,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    F32(Vec<f32>),
    Int(Vec<i64>),
}

fn tensor_error(t: &TensorProto, cause: impl Into<String>) -> ConvertError {
    ConvertError::Tensor {
        tensor: t.name.clone().unwrap_or_default(),
        cause: cause.into(),
    }
}

impl Array {
    pub fn f32(dims: Vec<usize>, values: Vec<f32>) -> Array {
        Array {
            dtype: FLOAT,
            dims,
            values: Values::F32(values),
        }
    }

    pub fn len(&self) -> usize {
        match &self.values {
            Values::F32(v) => v.len(),
            Values::Int(v) => v.len(),
        }
    }

    /// numpy's `astype(np.float32)`.
    pub fn to_f32(&self) -> Cow<'_, [f32]> {
        match &self.values {
            Values::F32(v) => Cow::Borrowed(v),
            Values::Int(v) => Cow::Owned(v.iter().map(|&x| x as f32).collect()),
        }
    }

    /// `[int(v) for v in a.reshape(-1)]`; Python's int() truncates floats.
    pub fn to_ints(&self) -> std::result::Result<Vec<i64>, String> {
        match &self.values {
            Values::Int(v) => Ok(v.clone()),
            Values::F32(v) => v
                .iter()
                .map(|&x| match x.is_finite() {
                    true => Ok(x.trunc() as i64),
                    false => Err(format!("cannot convert {x} to an integer")),
                })
                .collect(),
        }
    }

    /// numpy_helper.to_array: from raw_data when present (little-endian),
    /// else from the typed field the element type is stored in.
    pub fn from_proto(t: &TensorProto) -> Result<Array> {
        if t.segment.is_some() {
            return Err(tensor_error(t, "segmented tensors are not supported"));
        }
        if t.data_location == Some(EXTERNAL) {
            return Err(tensor_error(t, "external data is not supported"));
        }
        let dtype = t.data_type.unwrap_or(0);
        let dims = t
            .dims
            .iter()
            .map(|&d| usize::try_from(d))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| tensor_error(t, format!("negative dimension in {:?}", t.dims)))?;
        let count = dims
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .ok_or_else(|| tensor_error(t, "too many elements"))?;
        let values = match &t.raw_data {
            Some(raw) => from_raw(dtype, raw, count),
            None => from_fields(dtype, t, count),
        }
        .map_err(|cause| tensor_error(t, cause))?;
        Ok(Array {
            dtype,
            dims,
            values,
        })
    }

    /// numpy_helper.from_array: dims, data_type, name (when not empty) and the
    /// elements as little-endian raw_data, nothing else.
    pub fn to_proto(&self, name: &str) -> TensorProto {
        let raw = match &self.values {
            Values::F32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Values::Int(v) => int_bytes(self.dtype, v),
        };
        TensorProto {
            dims: self.dims.iter().map(|&d| d as i64).collect(),
            data_type: Some(self.dtype),
            name: (!name.is_empty()).then(|| name.to_string()),
            raw_data: Some(raw),
            ..TensorProto::default()
        }
    }
}

/// Bytes per element in raw_data, None for the 4-bit types (two per byte).
fn width(dtype: i32) -> std::result::Result<Option<usize>, String> {
    match dtype {
        FLOAT | INT32 => Ok(Some(4)),
        UINT8 | INT8 => Ok(Some(1)),
        UINT16 | INT16 => Ok(Some(2)),
        INT64 => Ok(Some(8)),
        UINT4 | INT4 => Ok(None),
        0 => Err("element type is UNDEFINED".to_string()),
        _ => Err(format!("element type {dtype} is not supported here")),
    }
}

/// One element of an integer type from its little-endian bytes.
fn int_from_le(dtype: i32, b: &[u8]) -> i64 {
    let mut buf = [0u8; 8];
    buf[..b.len()].copy_from_slice(b);
    let u = u64::from_le_bytes(buf);
    match dtype {
        INT8 => i64::from(u as u8 as i8),
        INT16 => i64::from(u as u16 as i16),
        INT32 => i64::from(u as u32 as i32),
        _ => u as i64,
    }
}

/// A 4-bit element: INT4 is two's complement, UINT4 is not.
fn nibble(dtype: i32, n: u8) -> i64 {
    match dtype {
        INT4 => i64::from(((n << 4) as i8) >> 4),
        _ => i64::from(n & 0x0f),
    }
}

/// numpy_helper's `_unpack_4bit`: low nibble first; one padding nibble is
/// dropped when the count is odd.
fn unpack_4bit(dtype: i32, bytes: &[u8], count: usize) -> std::result::Result<Values, String> {
    let unpacked = bytes.len() * 2;
    if unpacked != count && unpacked != count + 1 {
        return Err(format!(
            "{} packed bytes do not hold {count} 4-bit elements",
            bytes.len()
        ));
    }
    let all = bytes.iter().flat_map(|&b| [b & 0x0f, b >> 4]);
    Ok(Values::Int(
        all.take(count).map(|n| nibble(dtype, n)).collect(),
    ))
}

fn from_raw(dtype: i32, raw: &[u8], count: usize) -> std::result::Result<Values, String> {
    let Some(w) = width(dtype)? else {
        return unpack_4bit(dtype, raw, count);
    };
    let need = count.saturating_mul(w);
    if raw.len() != need {
        return Err(format!(
            "raw_data has {} bytes, {count} elements need {need}",
            raw.len()
        ));
    }
    let chunks = raw.chunks_exact(w);
    Ok(match dtype {
        FLOAT => Values::F32(
            chunks
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        _ => Values::Int(chunks.map(|c| int_from_le(dtype, c)).collect()),
    })
}

/// The typed fields: int32_data holds the narrow integer types (truncated to
/// their width, as numpy's casts do) and, two per entry, the 4-bit ones.
fn from_fields(dtype: i32, t: &TensorProto, count: usize) -> std::result::Result<Values, String> {
    let w = width(dtype)?.unwrap_or(1);
    let values = match dtype {
        FLOAT => Values::F32(t.float_data.clone()),
        INT64 => Values::Int(t.int64_data.clone()),
        UINT4 | INT4 => {
            let bytes: Vec<u8> = t.int32_data.iter().map(|&v| v as u8).collect();
            return unpack_4bit(dtype, &bytes, count);
        }
        _ => Values::Int(
            t.int32_data
                .iter()
                .map(|&v| int_from_le(dtype, &v.to_le_bytes()[..w]))
                .collect(),
        ),
    };
    let n = match &values {
        Values::F32(v) => v.len(),
        Values::Int(v) => v.len(),
    };
    match n == count {
        true => Ok(values),
        false => Err(format!("holds {n} elements, its dims need {count}")),
    }
}

/// Integer elements written back at the width of their type; the 4-bit types
/// packed two per byte, low nibble first (numpy_helper's `_pack_4bitx2`).
fn int_bytes(dtype: i32, v: &[i64]) -> Vec<u8> {
    match dtype {
        UINT4 | INT4 => v
            .chunks(2)
            .map(|p| (p[0] as u8 & 0x0f) | ((p.get(1).copied().unwrap_or(0) as u8 & 0x0f) << 4))
            .collect(),
        _ => {
            let w = width(dtype).ok().flatten().unwrap_or(8);
            v.iter()
                .flat_map(|x| x.to_le_bytes().into_iter().take(w))
                .collect()
        }
    }
}

/// Where a constant comes from: a tensor of the file, decoded when asked
/// for, or an array the conversion computed.
enum Source<'a> {
    Proto(&'a TensorProto),
    Computed(Array),
}

/// convert.py's `consts` dict: constants by name, a later one replacing an
/// earlier one of the same name. Tensors of the file are decoded lazily.
#[derive(Default)]
pub struct Consts<'a> {
    by_name: HashMap<String, Source<'a>>,
}

impl<'a> Consts<'a> {
    pub fn insert_proto(&mut self, name: &str, t: &'a TensorProto) {
        self.by_name.insert(name.to_string(), Source::Proto(t));
    }

    pub fn insert(&mut self, name: &str, a: Array) {
        self.by_name.insert(name.to_string(), Source::Computed(a));
    }

    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// The ONNX element type of a constant (`protos[name].data_type`).
    pub fn dtype(&self, name: &str) -> Option<i32> {
        match self.by_name.get(name)? {
            Source::Proto(t) => Some(t.data_type.unwrap_or(0)),
            Source::Computed(a) => Some(a.dtype),
        }
    }

    /// The constant's value; None when `name` is not a constant.
    pub fn get(&self, name: &str) -> Result<Option<Cow<'_, Array>>> {
        Ok(match self.by_name.get(name) {
            None => None,
            Some(Source::Proto(t)) => Some(Cow::Owned(Array::from_proto(t)?)),
            Some(Source::Computed(a)) => Some(Cow::Borrowed(a)),
        })
    }
}
