//! The QDQ rewrite on a small Conv → Flatten → Gemm graph: structure,
//! per-channel weights (ties to even), the int32 bias, and the refusals.

use std::collections::BTreeMap;

use prost::Message;

use super::super::quantize::{ActivationQuant, Calibration, quantize};
use super::*;

fn graph() -> ModelProto {
    let w = [127.0, 2.5, -127.0, 3.5, 0.0, 0.0];
    let gw: Vec<f32> = (0..2 * 12)
        .map(|i| if i % 12 == 0 { 127.0 } else { 0.5 })
        .collect();
    let gemm = NodeProto {
        attribute: vec![int_attr("transB", 1)],
        ..node("Gemm", &["f", "gw", "gb"], "y", vec![])
    };
    let nodes = vec![
        node("Conv", &["x", "w"], "c", vec![]),
        node("Flatten", &["c"], "f", vec![]),
        gemm,
        node("Relu", &["y"], "out", vec![]),
    ];
    let inits = vec![
        f32s("w", &[3, 2, 1, 1], &w),
        f32s("gw", &[2, 12], &gw),
        f32s("gb", &[2], &[1.25, -0.75]),
    ];
    let mut m = model(
        nodes,
        inits,
        vec![vi("x", &[1, 2, 2, 2])],
        vec![vi("out", &[1, 2])],
    );
    m.graph.as_mut().unwrap().value_info.clear();
    m
}

fn calibration(names: &[&str]) -> Calibration {
    let tensors = names
        .iter()
        .map(|n| {
            let q = ActivationQuant {
                scale: 0.5,
                zero_point: 7,
            };
            (n.to_string(), q)
        })
        .collect::<BTreeMap<_, _>>();
    Calibration {
        tensors,
        keep_fp32: Vec::new(),
    }
}

fn ints(t: &TensorProto) -> Vec<i64> {
    match Array::from_proto(t).expect("decodes").values {
        Values::Int(v) => v,
        Values::F32(_) => panic!("not ints"),
    }
}

fn op_types(g: &GraphProto) -> Vec<String> {
    g.node.iter().map(|n| n.op_type.clone().unwrap()).collect()
}

/// `weights` DequantizeLinear nodes, then `ops` with each "QDQ" standing
/// for an activation's QuantizeLinear + DequantizeLinear pair.
fn expected_ops(weights: usize, ops: &[&str]) -> Vec<String> {
    let mut want = vec!["DequantizeLinear".to_string(); weights];
    for op in ops {
        match *op {
            "QDQ" => want.extend(["QuantizeLinear".into(), "DequantizeLinear".into()]),
            other => want.push(other.to_string()),
        }
    }
    want
}

#[test]
fn conv_and_gemm_get_qdq_groups_like_quantize_static() {
    let mut m = graph();
    quantize(&mut m, &calibration(&["x", "c", "f", "y"])).unwrap();
    let g = m.graph.clone().unwrap();
    let want = expected_ops(
        3,
        &[
            "QDQ", "Conv", "QDQ", "Flatten", "QDQ", "Gemm", "QDQ", "Relu",
        ],
    );
    assert_eq!(op_types(&g), want);
    let find = |name: &str| {
        g.node
            .iter()
            .find(|n| n.name.as_deref() == Some(name))
            .unwrap()
    };
    assert_eq!(
        find("c_node").input,
        ["x_DequantizeLinear_Output", "w_DequantizeLinear_Output"]
    );
    assert_eq!(find("f_node").input, ["c_DequantizeLinear_Output"]);
    assert_eq!(
        find("y_node").input,
        [
            "f_DequantizeLinear_Output",
            "gw_DequantizeLinear_Output",
            "gb"
        ]
    );
    assert_eq!(find("out_node").input, ["y_DequantizeLinear_Output"]);
    assert_eq!(find("gb_DequantizeLinear").output, ["gb"]);
    assert_eq!(
        find("x_QuantizeLinear").input,
        ["x", "x_scale", "x_zero_point"]
    );

    // Weights: symmetric per channel, scale absmax/127 (1 for an all-zero
    // channel), ties to even.
    assert_eq!(ints(init(&g, "w_quantized")), [127, 2, -127, 4, 0, 0]);
    assert_eq!(init(&g, "w_quantized").data_type, Some(INT8));
    assert_eq!(floats(init(&g, "w_scale")), [1.0, 1.0, 1.0]);
    assert_eq!(ints(init(&g, "w_zero_point")), [0, 0, 0]);
    // Bias: scale = input scale x weight scale, int32, ties to even.
    assert_eq!(floats(init(&g, "gb_quantized_scale")), [0.5, 0.5]);
    assert_eq!(ints(init(&g, "gb_quantized")), [2, -2]);
    assert_eq!(init(&g, "gb_quantized").data_type, Some(6));
    // Activations: per tensor, uint8 zero point.
    assert_eq!(floats(init(&g, "c_scale")), [0.5]);
    assert_eq!(ints(init(&g, "c_zero_point")), [7]);
    assert_eq!(init(&g, "c_zero_point").data_type, Some(2));
    // The fp32 weights are gone; nothing is left unused or defined twice.
    for gone in ["w", "gw", "gb"] {
        assert!(
            g.initializer
                .iter()
                .all(|t| t.name.as_deref() != Some(gone))
        );
    }
    let again = {
        let mut m = graph();
        quantize(&mut m, &calibration(&["x", "c", "f", "y"])).unwrap();
        m.encode_to_vec()
    };
    assert!(again == m.encode_to_vec(), "same input, same bytes");
}

#[test]
fn a_node_kept_in_fp32_keeps_its_weights_and_loses_its_qdq_pairs() {
    let mut m = graph();
    let mut cal = calibration(&["f", "y"]);
    cal.keep_fp32 = vec!["c_node".to_string()];
    quantize(&mut m, &cal).unwrap();
    let g = m.graph.clone().unwrap();
    let want = expected_ops(2, &["Conv", "Flatten", "QDQ", "Gemm", "QDQ", "Relu"]);
    assert_eq!(op_types(&g), want);
    let conv = g
        .node
        .iter()
        .find(|n| n.name.as_deref() == Some("c_node"))
        .unwrap();
    assert_eq!(
        conv.input,
        ["x", "w"],
        "the kept Conv reads fp32 input and weights"
    );
    assert!(g.initializer.iter().any(|t| t.name.as_deref() == Some("w")));
    assert!(
        g.initializer
            .iter()
            .all(|t| t.name.as_deref() != Some("x_scale"))
    );
}

#[test]
fn quantize_refusals() {
    let e = quantize(&mut graph(), &calibration(&["x", "c", "f"])).unwrap_err();
    assert!(
        e.to_string().contains("tensor y has no calibrated range"),
        "{e}"
    );

    let mut m = graph();
    m.graph.as_mut().unwrap().output = vec![vi("y", &[1, 2])];
    let e = quantize(&mut m, &calibration(&["x", "c", "f", "y"])).unwrap_err();
    assert!(e.to_string().contains("graph output"), "{e}");

    let mut m = graph();
    m.graph.as_mut().unwrap().node[2].attribute.clear();
    let e = quantize(&mut m, &calibration(&["x", "c", "f", "y"])).unwrap_err();
    assert!(e.to_string().contains("transB"), "{e}");

    let mut m = graph();
    m.opset_import[0].version = Some(11);
    let e = quantize(&mut m, &calibration(&["x", "c", "f", "y"])).unwrap_err();
    assert!(e.to_string().contains("opset 11"), "{e}");

    let mut m = graph();
    m.graph.as_mut().unwrap().node[0].input[1] = "x".into();
    let e = quantize(&mut m, &calibration(&["x", "c", "f", "y"])).unwrap_err();
    assert!(e.to_string().contains("x is not an initializer"), "{e}");
}

#[test]
fn the_committed_calibration_parses() {
    let cal = Calibration::sface().unwrap();
    assert_eq!(cal.tensors.len(), 56);
    assert!(cal.tensors.values().all(|q| q.scale > 0.0));
}
