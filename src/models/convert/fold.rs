//! Folding DequantizeLinear and Reshape nodes whose inputs are all constants
//! (convert.py's `_dequantize`, `_expand_param` and `_reshape`).

use std::borrow::Cow;

use super::graph::{Result, input, int_attr, node_error};
use super::proto::NodeProto;
use super::tensor::{Array, Consts, FLOAT, INT4, INT8, INT16, INT32, UINT4, UINT8, UINT16, Values};

/// convert.py's `_QUANT_TYPES`.
const QUANT_TYPES: [i32; 7] = [INT8, UINT8, INT16, UINT16, INT32, INT4, UINT4];

/// How a scale or zero point maps onto the quantized tensor.
enum Layout {
    /// One value for every element.
    PerTensor,
    /// One value per index along the axis.
    PerAxis,
    /// The input's shape with the axis cut into blocks of `size`.
    Blocked { size: usize, nblk: usize },
}

/// `_expand_param`, without building the expanded array: which layout `p`
/// has against the input dims `q`, with convert.py's checks. Also returns
/// the axis, made non-negative.
fn layout(
    node: &NodeProto,
    p: &Array,
    q: &[usize],
    axis: i64,
    block_size: i64,
    what: &str,
) -> Result<(Layout, usize)> {
    let rank = q.len();
    let p_rank = p.dims.len();
    if p_rank == 0 || (p_rank == 1 && p.dims[0] == 1 && block_size == 0) {
        return Ok((Layout::PerTensor, 0));
    }
    let signed = if axis < 0 { axis + rank as i64 } else { axis };
    let ax = match usize::try_from(signed) {
        Ok(ax) if ax < rank => ax,
        _ => return Err(node_error(node, "axis out of range")),
    };
    if block_size > 0 {
        if p_rank != rank {
            let cause = format!("blocked {what} rank {p_rank} != input rank {rank}");
            return Err(node_error(node, cause));
        }
        let size = usize::try_from(block_size).unwrap_or(usize::MAX);
        let nblk = q[ax].div_ceil(size);
        let fits = (0..rank).all(|d| p.dims[d] == if d == ax { nblk } else { q[d] });
        if !fits {
            let cause = format!(
                "blocked {what} shape {:?} does not match input {q:?} / block {block_size} on axis {ax}",
                p.dims
            );
            return Err(node_error(node, cause));
        }
        return Ok((Layout::Blocked { size, nblk }, ax));
    }
    if p_rank != 1 || p.dims[0] != q[ax] {
        let cause = format!(
            "per-axis {what} shape {:?} does not match input {q:?} on axis {ax}",
            p.dims
        );
        return Err(node_error(node, cause));
    }
    Ok((Layout::PerAxis, ax))
}

/// Maps the row-major index of an input element to the index of its scale
/// (or zero point): `_expand_param`'s broadcast without the expanded array.
struct Indexer {
    layout: Layout,
    /// The input's dims after the axis, multiplied.
    inner: usize,
    /// The input's dim on the axis.
    len: usize,
}

impl Indexer {
    fn new(layout: Layout, q: &[usize], ax: usize) -> Indexer {
        let inner = q.get(ax + 1..).map_or(1, |d| d.iter().product());
        let len = q.get(ax).copied().unwrap_or(1);
        Indexer { layout, inner, len }
    }

    fn at(&self, i: usize) -> usize {
        let (along, inner) = (i / self.inner, self.inner);
        match self.layout {
            Layout::PerTensor => 0,
            Layout::PerAxis => along % self.len,
            Layout::Blocked { size, nblk } => {
                let (outer, a) = (along / self.len, along % self.len);
                (outer * nblk + a / size) * inner + i % inner
            }
        }
    }
}

fn ints<'a>(node: &NodeProto, a: &'a Array) -> Result<&'a [i64]> {
    match &a.values {
        Values::Int(v) => Ok(v),
        Values::F32(_) => Err(node_error(node, "integer tensor holds floats")),
    }
}

/// The zero point `zname` of a node dequantizing an `xtype` tensor of dims
/// `q`, checked like the scale, and its indexer.
fn zero_point<'c>(
    node: &NodeProto,
    consts: &'c Consts,
    zname: &str,
    xtype: i32,
    q: &[usize],
    (axis, block_size): (i64, i64),
) -> Result<(Cow<'c, Array>, Indexer)> {
    if consts.dtype(zname) != Some(xtype) {
        return Err(node_error(node, "zero point type differs from input"));
    }
    let Some(z) = consts.get(zname)? else {
        return Err(node_error(node, "zero point is not a constant"));
    };
    let (z_layout, z_ax) = layout(node, &z, q, axis, block_size, "zero point")?;
    Ok((z, Indexer::new(z_layout, q, z_ax)))
}

/// `w = (q - zero_point) * scale` in f32, the scale and zero point expanded
/// per tensor, per axis or per block.
pub fn dequantize(node: &NodeProto, consts: &Consts) -> Result<Array> {
    if let Some(t) = int_attr(node, "output_dtype")?
        && t != 0
        && t != i64::from(FLOAT)
    {
        return Err(node_error(node, "unsupported output_dtype"));
    }
    let axis = int_attr(node, "axis")?.unwrap_or(1);
    let block_size = int_attr(node, "block_size")?.unwrap_or(0);
    let (xname, sname) = (input(node, 0)?, input(node, 1)?);
    let zname = node.input.get(2).filter(|z| !z.is_empty());
    let xtype = consts.dtype(xname).unwrap_or(0);
    if !QUANT_TYPES.contains(&xtype) {
        return Err(node_error(
            node,
            format!("unsupported quantized type {xtype}"),
        ));
    }
    if consts.dtype(sname) != Some(FLOAT) {
        return Err(node_error(node, "only float32 scales are supported"));
    }
    let (Some(q), Some(s)) = (consts.get(xname)?, consts.get(sname)?) else {
        return Err(node_error(node, "inputs are not constants"));
    };
    let (s_layout, s_ax) = layout(node, &s, &q.dims, axis, block_size, "scale")?;
    let s_at = Indexer::new(s_layout, &q.dims, s_ax);
    let scales = s.to_f32();
    let qv = ints(node, &q)?;
    let zero = match zname {
        Some(z) => Some(zero_point(
            node,
            consts,
            z,
            xtype,
            &q.dims,
            (axis, block_size),
        )?),
        None => None,
    };
    let zv = match &zero {
        Some((z, at)) => Some((ints(node, z)?, at)),
        None => None,
    };
    // (q - z) as float32, then times the float32 scale: numpy's two steps.
    // The indexers only give indices that `layout` checked, hence the
    // defaults that never apply.
    let w = qv
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let z = zv.map_or(0, |(zv, at)| zv.get(at.at(i)).copied().unwrap_or(0));
            v.wrapping_sub(z) as f32 * scales.get(s_at.at(i)).copied().unwrap_or(f32::NAN)
        })
        .collect();
    Ok(Array::f32(q.dims.clone(), w))
}

/// numpy's reshape target for `x.reshape(shape)` after convert.py has
/// replaced each 0 by the input's dimension (unless `allowzero`).
fn reshape_dims(
    from: &[usize],
    shape: &[i64],
    allowzero: bool,
) -> std::result::Result<Vec<usize>, String> {
    let count: usize = from.iter().product();
    let mut dims = Vec::with_capacity(shape.len());
    let mut unknown = None;
    for (i, &v) in shape.iter().enumerate() {
        let d = match v {
            0 if !allowzero => *from.get(i).ok_or(format!(
                "shape entry {i} is 0 but the input has rank {}",
                from.len()
            ))?,
            -1 if unknown.is_none() => {
                unknown = Some(i);
                1
            }
            -1 => return Err("can only specify one unknown dimension".to_string()),
            _ => usize::try_from(v).map_err(|_| format!("negative dimension {v} in {shape:?}"))?,
        };
        dims.push(d);
    }
    let known = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    match (known, unknown) {
        (Some(k), Some(i)) if k > 0 && count.is_multiple_of(k) => dims[i] = count / k,
        (Some(k), None) if k == count => {}
        _ => {
            return Err(format!(
                "cannot reshape array of size {count} into shape {shape:?}"
            ));
        }
    }
    Ok(dims)
}

/// A Reshape of a constant by a constant shape: the same elements, new dims.
pub fn reshape(node: &NodeProto, consts: &Consts) -> Result<Array> {
    let (Some(x), Some(shape)) = (consts.get(input(node, 0)?)?, consts.get(input(node, 1)?)?)
    else {
        return Err(node_error(node, "inputs are not constants"));
    };
    let shape = shape.to_ints().map_err(|e| node_error(node, e))?;
    let allowzero = int_attr(node, "allowzero")?.unwrap_or(0) != 0;
    let dims = reshape_dims(&x.dims, &shape, allowzero)
        .map_err(|e| node_error(node, format!("cannot fold Reshape: {e}")))?;
    Ok(Array {
        dims,
        ..x.into_owned()
    })
}
