//! convert.py's `convert_sface`: fold the int8 block-quantized weights into
//! f32 initializers, rewrite PRelu exactly with Max/Min/Mul/Add, keep only
//! the real graph input and make the batch dimension "N".

use std::collections::{HashMap, HashSet};

use super::fold::{dequantize, reshape};
use super::graph::{
    ConvertError, Result, input, node_error, node_label, op_type, output0, set_dim,
};
use super::proto::{ModelProto, NodeProto, TensorProto, ValueInfoProto};
use super::tensor::{Array, Consts};

pub fn convert(model: &mut ModelProto) -> Result<()> {
    let g = model.graph.get_or_insert_default();
    let originals = std::mem::take(&mut g.initializer);
    let mut consts = Consts::default();
    for t in &originals {
        consts.insert_proto(t.name.as_deref().unwrap_or(""), t);
    }
    let (kept, folded) = fold_constants(std::mem::take(&mut g.node), &mut consts)?;
    if let Some(node) = kept.iter().find(|n| op_type(n) == "DequantizeLinear") {
        return Err(node_error(node, "has non-constant inputs"));
    }
    if folded.is_empty() {
        return Err(ConvertError::Graph(
            "no DequantizeLinear found: not the int8 block-quantized SFace model?".into(),
        ));
    }
    let mut prelu = Prelu::default();
    for node in kept {
        match op_type(&node) {
            "PRelu" => prelu.rewrite(&node, &consts)?,
            _ => prelu.nodes.push(node),
        }
    }
    let Prelu { nodes, extra, .. } = prelu;
    if let Some(node) = nodes.iter().find(|n| op_type(n) == "Reshape") {
        return Err(node_error(node, "left in graph (batch may be pinned)"));
    }

    let mut used: HashSet<&str> = nodes
        .iter()
        .flat_map(|n| n.input.iter().map(String::as_str))
        .filter(|i| !i.is_empty())
        .collect();
    used.extend(g.output.iter().map(|o| o.name.as_deref().unwrap_or("")));
    let inits = initializers(&originals, &folded, &extra, &consts, &used)?;
    let inputs = real_inputs(&g.input, &used, &inits)?;
    if g.output.len() != 1 {
        return Err(ConvertError::Graph(
            "expected exactly one graph output".into(),
        ));
    }
    g.node = nodes;
    g.initializer = inits;
    g.input = inputs;
    g.value_info.clear();
    set_dim(&mut g.input[0], 0, "N")?;
    set_dim(&mut g.output[0], 0, "N")
}

/// The graph inputs still used that no initializer backs: exactly one.
fn real_inputs(
    all: &[ValueInfoProto],
    used: &HashSet<&str>,
    inits: &[TensorProto],
) -> Result<Vec<ValueInfoProto>> {
    let init_names: HashSet<&str> = inits
        .iter()
        .map(|t| t.name.as_deref().unwrap_or(""))
        .collect();
    let inputs: Vec<_> = all
        .iter()
        .filter(|i| {
            let name = i.name.as_deref().unwrap_or("");
            used.contains(name) && !init_names.contains(name)
        })
        .cloned()
        .collect();
    if inputs.len() != 1 {
        let names: Vec<String> = inputs
            .iter()
            .map(|i| format!("'{}'", i.name.as_deref().unwrap_or("")))
            .collect();
        let msg = format!(
            "expected exactly one real graph input, got [{}]",
            names.join(", ")
        );
        return Err(ConvertError::Graph(msg));
    }
    Ok(inputs)
}

/// Folds, in graph order, every DequantizeLinear and Reshape whose inputs are
/// all constants; the results become constants for the nodes after them.
/// Returns the other nodes and the folded outputs' names in fold order.
fn fold_constants(
    nodes: Vec<NodeProto>,
    consts: &mut Consts,
) -> Result<(Vec<NodeProto>, Vec<String>)> {
    let mut kept = Vec::new();
    let mut folded = Vec::new();
    for node in nodes {
        let mut ins = node.input.iter().filter(|i| !i.is_empty()).peekable();
        let all_const = ins.peek().is_some() && ins.all(|i| consts.contains(i));
        let array = match op_type(&node) {
            "DequantizeLinear" if all_const => dequantize(&node, consts)?,
            "Reshape" if all_const => reshape(&node, consts)?,
            _ => {
                kept.push(node);
                continue;
            }
        };
        let out = output0(&node)?;
        consts.insert(out, array);
        folded.push(out.to_string());
    }
    Ok((kept, folded))
}

/// The initializers in convert.py's order: the file's own that are still used
/// (folded ones excluded), then the used folded ones in fold order, then the
/// PRelu rewrite's.
fn initializers(
    originals: &[TensorProto],
    folded: &[String],
    extra: &[(String, Array)],
    consts: &Consts,
    used: &HashSet<&str>,
) -> Result<Vec<TensorProto>> {
    // `protos[name]`: the last tensor of that name.
    let last: HashMap<&str, &TensorProto> = originals
        .iter()
        .map(|t| (t.name.as_deref().unwrap_or(""), t))
        .collect();
    let folded_names: HashSet<&str> = folded.iter().map(String::as_str).collect();
    let mut inits = Vec::new();
    for t in originals {
        let name = t.name.as_deref().unwrap_or("");
        if used.contains(name) && !folded_names.contains(name) {
            inits.extend(last.get(name).map(|t| (*t).clone()));
        }
    }
    for name in folded.iter().filter(|n| used.contains(n.as_str())) {
        if let Some(a) = consts.get(name)? {
            inits.push(a.to_proto(name));
        }
    }
    for (name, a) in extra.iter().filter(|(n, _)| used.contains(n.as_str())) {
        inits.push(a.to_proto(name));
    }
    Ok(inits)
}

/// The PRelu rewrite's output: the new node list and the initializers it
/// adds, in order.
#[derive(Default)]
struct Prelu {
    nodes: Vec<NodeProto>,
    extra: Vec<(String, Array)>,
    zero_added: bool,
}

/// helper.make_node with op_type, inputs, outputs and name, nothing else.
fn make_node(op: &str, inputs: [&str; 2], output: &str, name: String) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.to_string()],
        name: (!name.is_empty()).then_some(name),
        op_type: Some(op.to_string()),
        ..NodeProto::default()
    }
}

impl Prelu {
    /// `PRelu(x, s)` becomes `Max(x, s*x)` when every slope is <= 1, else
    /// `Max(x, min(s,1)*x) + Min(0, max(s-1,0)*x)`, which is exact for any s.
    fn rewrite(&mut self, node: &NodeProto, consts: &Consts) -> Result<()> {
        let (x, sname) = (input(node, 0)?, input(node, 1)?);
        let y = output0(node)?;
        let base = node_label(node);
        let Some(slope) = consts.get(sname)? else {
            return Err(node_error(node, "slope is not a constant"));
        };
        let s = slope.to_f32();
        if s.iter().all(|&v| v <= 1.0) {
            let sx = format!("{y}__sx");
            self.nodes
                .push(make_node("Mul", [x, sname], &sx, format!("{base}__mul")));
            self.nodes
                .push(make_node("Max", [x, &sx], y, format!("{base}__max")));
            return Ok(());
        }
        let zero = "prelu__zero";
        if !self.zero_added {
            self.zero_added = true;
            self.extra
                .push((zero.to_string(), Array::f32(Vec::new(), vec![0.0])));
        }
        // np.minimum / np.maximum: a NaN slope stays NaN.
        let min1 = s
            .iter()
            .map(|&v| if v.is_nan() || v < 1.0 { v } else { 1.0 });
        let excess = s
            .iter()
            .map(|&v| v - 1.0)
            .map(|d| if d.is_nan() || d > 0.0 { d } else { 0.0 });
        let (s1n, s2n) = (format!("{sname}__min1"), format!("{sname}__excess"));
        self.extra
            .push((s1n.clone(), Array::f32(slope.dims.clone(), min1.collect())));
        self.extra.push((
            s2n.clone(),
            Array::f32(slope.dims.clone(), excess.collect()),
        ));
        let [a1, m1, a2, m2] = ["__s1x", "__pos", "__s2x", "__neg"].map(|sfx| format!("{y}{sfx}"));
        self.nodes.extend([
            make_node("Mul", [x, &s1n], &a1, format!("{base}__mul1")),
            make_node("Max", [x, &a1], &m1, format!("{base}__max")),
            make_node("Mul", [x, &s2n], &a2, format!("{base}__mul2")),
            make_node("Min", [zero, &a2], &m2, format!("{base}__min")),
            make_node("Add", [&m1, &m2], y, format!("{base}__add")),
        ]);
        Ok(())
    }
}
