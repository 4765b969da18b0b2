//! convert.py's `convert_yunet`: input H and W and each output's anchor
//! count become symbolic, the stale value_info goes; nothing else changes.
//! Nodes whose constant shapes or sizes would pin H/W are refused.

use super::graph::{ConvertError, Result, input, node_error, op_type, output0, rank, set_dim};
use super::proto::{ModelProto, NodeProto};
use super::tensor::Consts;

pub fn convert(model: &mut ModelProto) -> Result<()> {
    let g = model.graph.get_or_insert_default();
    let mut consts = Consts::default();
    for t in &g.initializer {
        consts.insert_proto(t.name.as_deref().unwrap_or(""), t);
    }
    for node in g.node.iter().filter(|n| op_type(n) == "Constant") {
        for a in node
            .attribute
            .iter()
            .filter(|a| a.name.as_deref() == Some("value"))
        {
            // convert.py decodes it at once, and an absent tensor fails.
            let Some(t) = &a.t else {
                return Err(node_error(node, "value attribute holds no tensor"));
            };
            consts.insert_proto(output0(node)?, t);
        }
    }
    for node in &g.node {
        check_node(node, &consts)?;
    }
    if g.input.len() != 1 || rank(&g.input[0]) != 4 {
        return Err(ConvertError::Graph(
            "expected a single NCHW graph input".into(),
        ));
    }
    set_dim(&mut g.input[0], 2, "H")?;
    set_dim(&mut g.input[0], 3, "W")?;
    for out in &mut g.output {
        let name = out.name.clone().unwrap_or_default();
        let suffix = name.rsplit('_').next().unwrap_or("");
        // str.isdigit(), for the ASCII names these files have.
        let param = match !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()) {
            true => format!("A_{suffix}"),
            false => format!("{name}_len"),
        };
        set_dim(out, 1, &param)?;
    }
    g.value_info.clear();
    Ok(())
}

/// The refusals: a Reshape to a constant shape without a leading -1, a
/// Resize by constant sizes or without constant scales, and the ops that
/// could pin or depend on H/W in ways the conversion does not check.
fn check_node(node: &NodeProto, consts: &Consts) -> Result<()> {
    match op_type(node) {
        "Reshape" => {
            let Some(shape) = consts.get(input(node, 1)?)? else {
                return Ok(());
            };
            let shape = shape.to_ints().map_err(|e| node_error(node, e))?;
            // Allowed: leading batch (1 or 0), a single -1 absorbing the
            // spatial part, and constant trailing channel counts.
            if !shape.iter().take(2).any(|&v| v == -1) {
                let cause = format!("has constant shape {shape:?} which pins H/W; not supported");
                return Err(node_error(node, cause));
            }
        }
        "Resize" => {
            if let Some(sizes) = node.input.get(3).filter(|s| !s.is_empty())
                && consts.get(sizes)?.is_some_and(|a| a.len() > 0)
            {
                return Err(node_error(
                    node,
                    "uses constant sizes which pin H/W; not supported",
                ));
            }
            if !node.input.get(2).is_some_and(|s| consts.contains(s)) {
                return Err(node_error(node, "has no constant scales"));
            }
        }
        op @ ("Upsample" | "ConstantOfShape" | "Expand" | "Tile" | "Slice" | "Pad") => {
            return Err(node_error(
                node,
                format!("unexpected {op} node; refusing to guess"),
            ));
        }
        _ => {}
    }
    Ok(())
}
