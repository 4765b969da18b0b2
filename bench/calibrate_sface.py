#!/usr/bin/env python3
"""Static int8 calibration of SFace, and the int8 reference and benchmark.

facecurate builds its int8 SFace in Rust at fetch time
(src/models/convert/quantize.rs) from the fp32 SFace it already converts and
from the activation ranges committed in models/sface_int8_calibration.json.
This script is how that file is made, once, by a developer; and how the Rust
model is checked against onnxruntime.quantization's own. It needs a throwaway
venv, not the project:

    python3 -m venv /tmp/qv && /tmp/qv/bin/pip install onnxruntime onnx numpy pillow

Faces: exactly the crops the embedder sees (112x112, ArcFace five-point
alignment, RGB, raw 0-255 as NCHW float32, no mean/scale: src/facenet/spec.rs
`EmbedderSpec::sface`), written as PNG by the project's own code:

    cargo build --example aligned_faces
    target/debug/examples/aligned_faces SRC DST      # DST/<person>/<photo>.png

Calibrate on one set of people and evaluate on another (see BENCHMARKS.md).

Subcommands:
  calibrate FP32 FACES OUT.json [--limit 300]
      Percentile 99.999 ranges (onnxruntime's PercentileCalibrater, 2048 bins,
      symmetric histogram, as quantize_static uses it) of the inputs and
      outputs of every Conv and Gemm, over the faces; writes each tensor's
      range and the uint8 scale and zero point quantize_static derives from it.
  reference FP32 CAL.json OUT.onnx
      quantize_static with those same ranges (calibration cache): QDQ,
      per-channel int8 weights, uint8 activations, Conv/Gemm only.
  bench FP32 FACES MODEL... [--limit N] [--threads 1,2]
      each model's embeddings' cosine to FP32's (min / 1st percentile /
      median) over the faces, then ms/face at batch 1 for each thread count,
      in interleaved rounds (best and median round: the machine may be shared).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization import (
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_static,
)
from onnxruntime.quantization.calibrate import (
    TensorData,
    TensorsData,
    create_calibrator,
    save_tensors_data,
)
from onnxruntime.quantization.quant_utils import compute_scale_zp, get_qmin_qmax_for_qType
from PIL import Image

PERCENTILE = 99.999
NUM_BINS = 2048
OPS = ["Conv", "Gemm"]


def face_files(folder, limit):
    files = []
    for root, _, names in os.walk(folder):
        files += [os.path.join(root, n) for n in names if n.endswith(".png")]
    files.sort()
    return files[:limit] if limit else files


def load(path):
    """A crop as SFace's input: 1x3x112x112 RGB float32, raw 0-255."""
    img = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32)
    if img.shape != (112, 112, 3):
        sys.exit(f"{path}: {img.shape}, not a 112x112 aligned crop")
    return img.transpose(2, 0, 1)[None]


class Faces(CalibrationDataReader):
    def __init__(self, files, input_name):
        self.it = iter(files)
        self.name = input_name

    def get_next(self):
        f = next(self.it, None)
        return None if f is None else {self.name: load(f)}


def input_name(path):
    return onnx.load(path, load_external_data=False).graph.input[0].name


def ranges(fp32, files):
    with tempfile.TemporaryDirectory() as tmp:
        cal = create_calibrator(
            fp32,
            OPS,
            augmented_model_path=os.path.join(tmp, "augmented.onnx"),
            calibrate_method=CalibrationMethod.Percentile,
            extra_options={"percentile": PERCENTILE, "num_bins": NUM_BINS},
        )
        cal.collect_data(Faces(files, input_name(fp32)))
        return cal.compute_data()


def calibrate(a):
    files = face_files(a.faces, a.limit)
    data = ranges(a.fp32, files)
    qmin, qmax = get_qmin_qmax_for_qType(onnx.TensorProto.UINT8)
    tensors = {}
    for name in sorted(data.keys()):
        rmin, rmax = (np.float32(v) for v in data[name].range_value)
        zp, scale = compute_scale_zp(np.array(rmin), np.array(rmax), qmin, qmax)
        tensors[name] = {
            "min": float(rmin),
            "max": float(rmax),
            "scale": float(np.float32(scale)),
            "zero_point": int(zp),
        }
    out = {
        "model": "sface (models/manifest.json), fp32 as converted",
        "faces": len(files),
        "faces_from": a.faces_from or a.faces,
        "method": f"onnxruntime {ort.__version__} PercentileCalibrater, percentile {PERCENTILE}, "
        f"{NUM_BINS} bins, symmetric histogram",
        "ops": OPS,
        "activation": "uint8, asymmetric: compute_scale_zp(min, max, 0, 255)",
        "tensors": tensors,
    }
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(tensors)} tensors from {len(files)} faces -> {a.out}")


def reference(a):
    with open(a.calibration) as f:
        cal = json.load(f)
    data = TensorsData(
        CalibrationMethod.Percentile,
        {
            n: TensorData(lowest=np.float32(t["min"]), highest=np.float32(t["max"]))
            for n, t in cal["tensors"].items()
        },
    )
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "ranges.json")
        save_tensors_data(data, cache)
        quantize_static(
            a.fp32,
            a.out,
            None,
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=OPS,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.Percentile,
            calibration_cache_path=cache,
        )
    print(f"reference int8 -> {a.out}")


def session(path, threads):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def embed(sess, faces):
    name = sess.get_inputs()[0].name
    out = np.concatenate([sess.run(None, {name: x})[0] for x in faces])
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def bench(a):
    """Timing on a shared machine: every (model, threads) session runs a
    short batch in turn, round after round, and each reports its fastest
    round (the least disturbed) and its median one."""
    files = face_files(a.faces, a.limit)
    faces = [load(f) for f in files]
    threads = [int(t) for t in a.threads.split(",")]
    models = [a.fp32, *a.models]
    print(f"{len(faces)} faces, onnxruntime {ort.__version__}, {os.cpu_count()} cpus")
    ref = None if a.timing_only else embed(session(a.fp32, 1), faces)
    for path in models if ref is not None else []:
        cos = np.sum(embed(session(path, 1), faces) * ref, axis=1)
        print(
            f"{os.path.basename(path)}: cosine to fp32 min {cos.min():.4f} "
            f"p1 {np.percentile(cos, 1):.4f} median {statistics.median(cos.tolist()):.4f}"
        )
    runs = {(p, t): session(p, t) for p in models for t in threads}
    batch = faces[: a.batch]
    name = runs[(a.fp32, 1)].get_inputs()[0].name
    for sess in runs.values():
        for x in batch[:5]:
            sess.run(None, {name: x})
    times = {k: [] for k in runs}
    for _ in range(a.rounds):
        for k, sess in runs.items():
            t = time.perf_counter()
            for x in batch:
                sess.run(None, {name: x})
            times[k].append((time.perf_counter() - t) / len(batch) * 1000)
    print(f"ms/face at batch 1, {a.rounds} rounds of {len(batch)} faces: best (median)")
    for (path, t), ms in times.items():
        print(f"  {os.path.basename(path)} {t} thread(s): {min(ms):.2f} ({statistics.median(ms):.2f})")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("calibrate")
    c.add_argument("fp32")
    c.add_argument("faces")
    c.add_argument("out")
    c.add_argument("--limit", type=int, default=300)
    c.add_argument("--faces-from", help="how the faces were chosen, recorded in the file")
    r = sub.add_parser("reference")
    r.add_argument("fp32")
    r.add_argument("calibration")
    r.add_argument("out")
    b = sub.add_parser("bench")
    b.add_argument("fp32")
    b.add_argument("faces")
    b.add_argument("models", nargs="+")
    b.add_argument("--limit", type=int, default=0)
    b.add_argument("--batch", type=int, default=20, help="faces per timing round")
    b.add_argument("--rounds", type=int, default=40)
    b.add_argument("--timing-only", action="store_true", help="skip the cosine pass")
    b.add_argument("--threads", default="1,2")
    a = p.parse_args()
    {"calibrate": calibrate, "reference": reference, "bench": bench}[a.cmd](a)


if __name__ == "__main__":
    main()
