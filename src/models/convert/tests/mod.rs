//! Small graphs built here for each rewrite and refusal (sface.rs,
//! yunet.rs); the real models in real_inputs.rs.

mod quantize;
mod real_inputs;
mod sface;
mod yunet;

use prost::Message;

use super::proto::*;
use super::tensor::{Array, FLOAT, INT4, INT8, INT64, Values};
use super::{ConvertError, convert};

pub(super) fn vi(name: &str, dims: &[i64]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|&d| Dimension {
            value: Some(DimValue::Value(d)),
            denotation: None,
        })
        .collect();
    let tensor = TensorTypeProto {
        elem_type: Some(FLOAT),
        shape: Some(TensorShapeProto { dim }),
    };
    ValueInfoProto {
        name: Some(name.into()),
        r#type: Some(TypeProto {
            tensor_type: Some(tensor),
            ..TypeProto::default()
        }),
        ..ValueInfoProto::default()
    }
}

pub(super) fn f32s(name: &str, dims: &[i64], v: &[f32]) -> TensorProto {
    TensorProto {
        dims: dims.to_vec(),
        data_type: Some(FLOAT),
        name: Some(name.into()),
        float_data: v.to_vec(),
        ..TensorProto::default()
    }
}

pub(super) fn i8s(name: &str, dims: &[i64], v: &[i8]) -> TensorProto {
    TensorProto {
        dims: dims.to_vec(),
        data_type: Some(INT8),
        name: Some(name.into()),
        raw_data: Some(v.iter().map(|&x| x as u8).collect()),
        ..TensorProto::default()
    }
}

pub(super) fn i64s(name: &str, v: &[i64]) -> TensorProto {
    TensorProto {
        dims: vec![v.len() as i64],
        data_type: Some(INT64),
        name: Some(name.into()),
        int64_data: v.to_vec(),
        ..TensorProto::default()
    }
}

pub(super) fn int_attr(name: &str, i: i64) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        i: Some(i),
        r#type: Some(2),
        ..AttributeProto::default()
    }
}

pub(super) fn node(op: &str, ins: &[&str], out: &str, attrs: Vec<AttributeProto>) -> NodeProto {
    NodeProto {
        input: ins.iter().map(|s| s.to_string()).collect(),
        output: vec![out.into()],
        name: Some(format!("{out}_node")),
        op_type: Some(op.into()),
        attribute: attrs,
        ..NodeProto::default()
    }
}

pub(super) fn model(
    nodes: Vec<NodeProto>,
    inits: Vec<TensorProto>,
    inputs: Vec<ValueInfoProto>,
    outputs: Vec<ValueInfoProto>,
) -> ModelProto {
    ModelProto {
        ir_version: Some(6),
        opset_import: vec![OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(21),
        }],
        graph: Some(GraphProto {
            node: nodes,
            name: Some("g".into()),
            initializer: inits,
            input: inputs,
            output: outputs,
            value_info: vec![vi("stale", &[1])],
            ..GraphProto::default()
        }),
        ..ModelProto::default()
    }
}

pub(super) fn run(kind: &str, m: &ModelProto) -> Result<GraphProto, ConvertError> {
    let out = convert(kind, &m.encode_to_vec())?;
    let m = ModelProto::decode(out.as_slice()).expect("converted model decodes");
    Ok(m.graph.expect("graph"))
}

pub(super) fn floats(t: &TensorProto) -> Vec<f32> {
    match Array::from_proto(t).expect("decodes").values {
        Values::F32(v) => v,
        Values::Int(_) => panic!("not float"),
    }
}

pub(super) fn init<'a>(g: &'a GraphProto, name: &str) -> &'a TensorProto {
    g.initializer
        .iter()
        .find(|t| t.name.as_deref() == Some(name))
        .expect(name)
}

pub(super) fn dim_params(v: &ValueInfoProto) -> Vec<String> {
    let dims = &v
        .r#type
        .as_ref()
        .unwrap()
        .tensor_type
        .as_ref()
        .unwrap()
        .shape
        .as_ref()
        .unwrap()
        .dim;
    dims.iter()
        .map(|d| match &d.value {
            Some(DimValue::Param(p)) => p.clone(),
            Some(DimValue::Value(v)) => v.to_string(),
            None => "?".into(),
        })
        .collect()
}

pub(super) fn err(kind: &str, m: &ModelProto) -> String {
    run(kind, m).expect_err("should be refused").to_string()
}

#[test]
fn unknown_kinds_and_bad_bytes_are_errors() {
    assert!(matches!(
        convert("facenet_keras", b""),
        Err(ConvertError::NeedsPython(_))
    ));
    assert!(matches!(
        convert("arcface", b""),
        Err(ConvertError::UnknownKind(_))
    ));
    assert!(matches!(
        convert("yunet", b"\xff\xff\xff"),
        Err(ConvertError::Parse(_))
    ));
}

#[test]
fn tensors_decode_from_typed_fields_and_packed_nibbles() {
    let t = TensorProto {
        dims: vec![3],
        data_type: Some(INT8),
        int32_data: vec![-1, 127, 255],
        ..TensorProto::default()
    };
    assert_eq!(
        Array::from_proto(&t).unwrap().values,
        Values::Int(vec![-1, 127, -1])
    );
    let t = TensorProto {
        dims: vec![3],
        data_type: Some(INT4),
        raw_data: Some(vec![0x8f, 0x07]),
        ..TensorProto::default()
    };
    let a = Array::from_proto(&t).unwrap();
    assert_eq!(a.values, Values::Int(vec![-1, -8, 7]));
    assert_eq!(a.to_proto("").raw_data, t.raw_data);
    let short = TensorProto {
        raw_data: Some(vec![0; 3]),
        ..f32s("x", &[1], &[])
    };
    assert!(Array::from_proto(&short).is_err());
}
