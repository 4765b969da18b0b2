//! DequantizeLinear folding, PRelu rewriting, pruning and the refusals.

use super::*;

/// An SFace-like graph: one quantized weight `w` (dequantized with `dq_attrs`,
/// scale `s`, zero point `z`) reshaped to `shape`, used by a Conv on `data`.
fn sface_like(
    w: TensorProto,
    s: TensorProto,
    z: Option<TensorProto>,
    dq_attrs: Vec<AttributeProto>,
) -> ModelProto {
    let wname = w.name.clone().unwrap();
    let mut dq_ins = vec![wname.as_str(), "s"];
    let mut inits = vec![w.clone(), s];
    if let Some(z) = z {
        dq_ins.push("z");
        inits.push(z);
    }
    inits.push(i64s("shape", &[-1]));
    let nodes = vec![
        node("DequantizeLinear", &dq_ins, "w_dq", dq_attrs),
        node("Reshape", &["w_dq", "shape"], "w_flat", vec![]),
        node("Conv", &["data", "w_flat"], "y", vec![]),
    ];
    let inputs = vec![vi("data", &[1, 3, 4, 4]), vi(&wname, &[6])];
    model(nodes, inits, inputs, vec![vi("y", &[1, 6])])
}

#[test]
fn dequantize_per_tensor() {
    let w = i8s("w", &[2, 3], &[-128, -1, 0, 1, 2, 127]);
    let m = sface_like(w, f32s("s", &[], &[0.5]), Some(i8s("z", &[], &[1])), vec![]);
    let g = run("sface", &m).unwrap();
    let t = init(&g, "w_flat");
    assert_eq!(t.dims, vec![6]);
    assert_eq!(floats(t), vec![-64.5, -1.0, -0.5, 0.0, 0.5, 63.0]);
}

#[test]
fn dequantize_per_axis_without_zero_point() {
    let w = i8s("w", &[2, 3], &[1, 2, 3, 4, 5, 6]);
    let m = sface_like(
        w,
        f32s("s", &[2], &[1.0, 0.25]),
        None,
        vec![int_attr("axis", 0)],
    );
    let g = run("sface", &m).unwrap();
    assert_eq!(
        floats(init(&g, "w_flat")),
        vec![1.0, 2.0, 3.0, 1.0, 1.25, 1.5]
    );
}

#[test]
fn dequantize_blocked_with_a_short_last_block() {
    let w = i8s("w", &[2, 3], &[10, 20, 30, 40, 50, 60]);
    let s = f32s("s", &[2, 2], &[1.0, 0.5, 0.25, 2.0]);
    let z = i8s("z", &[2, 2], &[0, 10, 20, 0]);
    let attrs = vec![int_attr("axis", -1), int_attr("block_size", 2)];
    let g = run("sface", &sface_like(w, s, Some(z), attrs)).unwrap();
    assert_eq!(
        floats(init(&g, "w_flat")),
        vec![10.0, 20.0, 10.0, 5.0, 7.5, 120.0]
    );
}

#[test]
fn sface_prunes_inputs_and_initializers_and_makes_batch_dynamic() {
    let w = i8s("w", &[6], &[1; 6]);
    let mut m = sface_like(w, f32s("s", &[], &[1.0]), None, vec![]);
    let g = m.graph.as_mut().unwrap();
    g.initializer.push(f32s("unused", &[1], &[0.0]));
    let g = run("sface", &m).unwrap();
    let names: Vec<_> = g
        .initializer
        .iter()
        .map(|t| t.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["w_flat"]);
    assert_eq!(g.node.len(), 1);
    assert!(g.value_info.is_empty());
    assert_eq!(g.input.len(), 1);
    assert_eq!(dim_params(&g.input[0]), ["N", "3", "4", "4"]);
    assert_eq!(dim_params(&g.output[0]), ["N", "6"]);
    // from_array: dims, data_type, name and raw_data, nothing more.
    let t = init(&g, "w_flat");
    let want = Array::f32(vec![6], vec![1.0; 6]).to_proto("w_flat");
    assert_eq!(*t, want);
    assert!(t.float_data.is_empty());
}

/// A graph with one PRelu on `data` whose slope `slope` is the given tensor,
/// plus a DequantizeLinear so that it counts as SFace.
fn prelu_graph(slope: &[f32]) -> ModelProto {
    let mut m = sface_like(
        i8s("w", &[6], &[1; 6]),
        f32s("s", &[], &[1.0]),
        None,
        vec![],
    );
    let g = m.graph.as_mut().unwrap();
    g.initializer
        .push(f32s("slope", &[slope.len() as i64, 1, 1], slope));
    g.node.push(node("PRelu", &["y", "slope"], "p", vec![]));
    g.output = vec![vi("p", &[1, 6])];
    m
}

fn ops(g: &GraphProto) -> Vec<String> {
    g.node.iter().map(|n| n.op_type.clone().unwrap()).collect()
}

#[test]
fn prelu_with_slopes_up_to_one_is_max_of_x_and_sx() {
    let g = run("sface", &prelu_graph(&[0.25, 1.0])).unwrap();
    assert_eq!(ops(&g), ["Conv", "Mul", "Max"]);
    assert_eq!(g.node[1].input, ["y", "slope"]);
    assert_eq!(g.node[1].output, ["p__sx"]);
    assert_eq!(g.node[1].name.as_deref(), Some("p_node__mul"));
    assert_eq!(g.node[2].input, ["y", "p__sx"]);
    assert_eq!(g.node[2].output, ["p"]);
    assert_eq!(g.node[2].domain, None);
    let names: Vec<_> = g
        .initializer
        .iter()
        .map(|t| t.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["slope", "w_flat"]);
}

#[test]
fn prelu_with_a_slope_above_one_splits_it() {
    let g = run("sface", &prelu_graph(&[0.25, 3.0])).unwrap();
    assert_eq!(ops(&g), ["Conv", "Mul", "Max", "Mul", "Min", "Add"]);
    assert_eq!(g.node[4].input, ["prelu__zero", "p__s2x"]);
    assert_eq!(g.node[5].input, ["p__pos", "p__neg"]);
    assert_eq!(g.node[5].name.as_deref(), Some("p_node__add"));
    let names: Vec<_> = g
        .initializer
        .iter()
        .map(|t| t.name.clone().unwrap())
        .collect();
    assert_eq!(
        names,
        ["w_flat", "prelu__zero", "slope__min1", "slope__excess"]
    );
    let zero = init(&g, "prelu__zero");
    assert!(zero.dims.is_empty());
    assert_eq!(floats(zero), [0.0]);
    assert_eq!(floats(init(&g, "slope__min1")), [0.25, 1.0]);
    assert_eq!(floats(init(&g, "slope__excess")), [0.0, 2.0]);
    assert_eq!(init(&g, "slope__excess").dims, [2, 1, 1]);
}

#[test]
fn sface_refusals() {
    let float_w = f32s("w", &[6], &[1.0; 6]);
    let m = sface_like(float_w, f32s("s", &[], &[1.0]), None, vec![]);
    assert!(
        err("sface", &m).contains("unsupported quantized type 1"),
        "{}",
        err("sface", &m)
    );

    let w = i8s("w", &[2, 3], &[0; 6]);
    let bad = vec![int_attr("axis", 1), int_attr("block_size", 2)];
    let m = sface_like(w, f32s("s", &[2, 3], &[1.0; 6]), None, bad);
    assert!(err("sface", &m).contains("blocked scale shape [2, 3] does not match"));

    let w = i8s("w", &[2, 3], &[0; 6]);
    let m = sface_like(w, f32s("s", &[], &[1.0]), Some(i64s("z", &[0])), vec![]);
    assert!(err("sface", &m).contains("zero point type differs from input"));

    let mut m = prelu_graph(&[0.5]);
    m.graph.as_mut().unwrap().node[0].input[0] = "data".into();
    assert!(err("sface", &m).contains("DequantizeLinear w_dq_node: has non-constant inputs"));

    let mut m = prelu_graph(&[0.5]);
    m.graph.as_mut().unwrap().node.remove(0);
    let e = err("sface", &m);
    assert!(e.contains("no DequantizeLinear found"), "{e}");

    let mut m = prelu_graph(&[0.5]);
    m.graph.as_mut().unwrap().node[3].input[1] = "data".into();
    assert!(err("sface", &m).contains("PRelu p_node: slope is not a constant"));

    let mut m = prelu_graph(&[0.5]);
    let g = m.graph.as_mut().unwrap();
    g.node.push(node("Add", &["y", "second"], "q", vec![]));
    g.input.push(vi("second", &[1]));
    let e = err("sface", &m);
    assert!(
        e.contains("expected exactly one real graph input, got ['data', 'second']"),
        "{e}"
    );

    let mut m = prelu_graph(&[0.5]);
    m.graph
        .as_mut()
        .unwrap()
        .node
        .push(node("Reshape", &["p", "shape2"], "r", vec![]));
    assert!(err("sface", &m).contains("Reshape r_node: left in graph"));
}
