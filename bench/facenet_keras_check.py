#!/usr/bin/env python3
"""Numerical check of `models/convert.py facenet_keras` against the Keras
original, run once per conversion change in a throwaway environment with
TensorFlow (tensorflow-cpu 2.15, numpy<2, h5py, onnxruntime, Pillow or
opencv for reading PNGs):

    python3 bench/facenet_keras_check.py facenet_keras.h5 facenet.onnx \
        KERAS_FACENET_SRC CROPS_DIR

KERAS_FACENET_SRC is the unpacked sdist keras-facenet==0.3.2 (its
`keras_facenet/inception_resnet_v1.py` holds the architecture; the h5's own
Lambda layers are Python 3.6 bytecode that today's Keras cannot load).
CROPS_DIR holds 160x160 face crops, e.g. from
`facecurate align SRC CROPS_DIR --image-size 160 --margin 32`.

Both models get the same prewhitened crops (facenet.prewhiten); reported:
max abs difference of the raw 128-d outputs and of the L2-normalised ones.
"""
import glob
import importlib.util
import os
import sys

import numpy as np


def load_keras(h5, src):
    spec = importlib.util.spec_from_file_location(
        "irv1", os.path.join(src, "keras_facenet", "inception_resnet_v1.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from tensorflow.keras.models import Model
    model = mod.InceptionResNetV1(input_shape=(160, 160, 3), classes=128)
    model.load_weights(h5, by_name=True)
    # keras-facenet appends an l2_normalize Lambda; the h5 model ends before it.
    return Model(model.inputs, model.layers[-2].output)


def prewhiten(x):
    mean = np.mean(x)
    std = np.std(x)
    std_adj = np.maximum(std, 1.0 / np.sqrt(x.size))
    return np.multiply(np.subtract(x, mean), 1 / std_adj)


def read(path):
    try:
        from PIL import Image
        return np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)
    except ImportError:
        import cv2
        return cv2.imread(path)[:, :, ::-1].astype(np.float64)


def main(argv):
    h5, onnx_path, src, crops = argv[1:5]
    paths = sorted(glob.glob(os.path.join(crops, "**", "*.png"), recursive=True))
    if not paths:
        sys.exit("no PNG crops under %s" % crops)
    batch = np.stack([prewhiten(read(p)) for p in paths]).astype(np.float32)
    keras = load_keras(h5, src).predict(batch, batch_size=16, verbose=0)
    import onnxruntime as ort
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    ours = np.concatenate([sess.run(None, {"input": batch[i:i + 16].transpose(0, 3, 1, 2)})[0]
                           for i in range(0, len(batch), 16)])
    norm = lambda v: v / np.linalg.norm(v, axis=1, keepdims=True)
    raw = np.abs(keras - ours).max()
    unit = np.abs(norm(keras) - norm(ours)).max()
    print("%d real face crops; |output| up to %.2f" % (len(paths), np.abs(keras).max()))
    print("max abs difference: raw %.3g, L2-normalised %.3g" % (raw, unit))
    d = lambda e: np.sqrt(((e[:, None] - e[None]) ** 2).sum(-1))
    print("max abs difference of pairwise distances (normalised): %.3g"
          % np.abs(d(norm(keras)) - d(norm(ours))).max())
    return 0 if raw <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
