//! Symbolic H/W and anchor counts, and the refusals.

use super::*;

fn yunet_graph() -> ModelProto {
    let shape_const = NodeProto {
        attribute: vec![AttributeProto {
            name: Some("value".into()),
            t: Some(i64s("", &[1, -1, 4])),
            r#type: Some(4),
            ..AttributeProto::default()
        }],
        ..node("Constant", &[], "c", vec![])
    };
    let scales = f32s("scales", &[4], &[1.0, 1.0, 2.0, 2.0]);
    let nodes = vec![
        shape_const,
        node("Resize", &["input", "", "scales"], "up", vec![]),
        node("Reshape", &["up", "c"], "bbox_8", vec![]),
    ];
    let outputs = vec![vi("bbox_8", &[1, 6400, 4]), vi("extra", &[1, 5])];
    model(
        nodes,
        vec![scales],
        vec![vi("input", &[1, 3, 640, 640])],
        outputs,
    )
}

#[test]
fn yunet_makes_h_w_and_anchor_counts_symbolic() {
    let m = yunet_graph();
    let g = run("yunet", &m).unwrap();
    assert_eq!(dim_params(&g.input[0]), ["1", "3", "H", "W"]);
    assert_eq!(dim_params(&g.output[0]), ["1", "A_8", "4"]);
    assert_eq!(dim_params(&g.output[1]), ["1", "extra_len"]);
    assert!(g.value_info.is_empty());
    let mut want = m.graph.clone().unwrap();
    want.value_info.clear();
    assert_eq!(g.node, want.node);
    assert_eq!(g.initializer, want.initializer);
}

#[test]
fn yunet_refusals() {
    let mut m = yunet_graph();
    m.graph.as_mut().unwrap().node[0].attribute[0].t = Some(i64s("", &[1, 20, 4]));
    assert!(
        err("yunet", &m)
            .contains("Reshape bbox_8_node: has constant shape [1, 20, 4] which pins H/W")
    );

    let mut m = yunet_graph();
    let g = m.graph.as_mut().unwrap();
    g.initializer.push(i64s("sizes", &[1, 3, 8, 8]));
    g.node[1].input.push("sizes".into());
    assert!(err("yunet", &m).contains("uses constant sizes"));

    let mut m = yunet_graph();
    m.graph.as_mut().unwrap().node[1].input[2] = "input".into();
    assert!(err("yunet", &m).contains("Resize up_node: has no constant scales"));

    let mut m = yunet_graph();
    m.graph
        .as_mut()
        .unwrap()
        .node
        .push(node("Slice", &["up"], "sl", vec![]));
    assert!(err("yunet", &m).contains("unexpected Slice node"));

    let mut m = yunet_graph();
    m.graph.as_mut().unwrap().input[0] = vi("input", &[1, 3, 640]);
    assert!(err("yunet", &m).contains("expected a single NCHW graph input"));
}
