#!/usr/bin/env python3
"""OpenCV reference pipeline for facecurate (a development check, not a dependency).

For every photo: cv2.FaceDetectorYN on the ORIGINAL YuNet file
(face_detection_yunet_2023mar.onnx) with the input size set to the photo's own
size (setInputSize((w, h)); OpenCV pads bottom/right to multiples of 32),
score threshold 0.6 (default; --score-threshold), NMS IoU 0.3, top-k 5000;
then for every detected face cv2.FaceRecognizerSF.alignCrop + feature on the
ORIGINAL int8 block-quantized SFace file
(face_recognition_sface_2021dec_int8bq.onnx); the 128-d feature is
L2-normalised.

Usage:
  opencv_reference.py embed --yunet Y.onnx --sface S.onnx --json OUT.json PATHS...
  opencv_reference.py bench --yunet Y.onnx --sface S.onnx --threads N --procs P PATHS...

PATHS are image files or folders (searched recursively for .jpg/.jpeg/.png/
.bmp/.webp/.tif/.tiff, sorted).

embed writes JSON: {"opencv_version", "yunet", "sface", "score_threshold",
"nms_threshold", "top_k", "photos": [{"path", "width", "height", "faces":
[{"box": [x, y, w, h], "landmarks": [[x, y] x 5], "score", "embedding": [128
floats, L2-normalised]}]}]}.  Landmark order (OpenCV): right eye, left eye, nose
tip, right mouth corner, left mouth corner (subject's right/left).  A photo
that cannot be decoded gets "error" instead of "faces".

bench: cv2.setNumThreads(N) in each of P worker processes (spawned); the photo
list is split round-robin; each worker loads the models, warms up on up to 3
of its photos, then all start together and process their share one photo at a
time (imread + detect + alignCrop + feature, all included in the timing).
Prints overall photos/s = total photos / wall time from the common start to
the last worker's end.

Works with OpenCV 4.x (tested: opencv-python-headless 4.12.0.88) and 5.x
(tested: 5.1.0.95). OpenCV 5's new DNN engine cannot load the int8bq SFace
file (its weight names are still graph inputs): give it an SFace file whose
weights are initializers, e.g. the fp32 file facecurate converts
(`facecurate models path sface`), which both versions load.
"""

import argparse
import json
import multiprocessing
import os
import sys
import time

import cv2
import numpy as np

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")
SCORE_THRESHOLD = 0.6
NMS_THRESHOLD = 0.3
TOP_K = 5000


def fail(msg):
    sys.stderr.write("opencv_reference.py: error: %s\n" % msg)
    sys.exit(1)


def check_opencv():
    major = int(cv2.__version__.split(".")[0])
    if major not in (4, 5):
        fail("OpenCV %s is not supported; use OpenCV 4.x or 5.x, see the "
             "docstring" % cv2.__version__)


def collect(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in files:
                    if f.lower().endswith(IMAGE_EXTS):
                        found.append(os.path.join(root, f))
            out.extend(sorted(found))
        elif os.path.isfile(p):
            out.append(p)
        else:
            fail("no such file or folder: %s" % p)
    return out


class Pipeline(object):
    def __init__(self, yunet, sface, score_threshold, nms_threshold, top_k):
        for p in (yunet, sface):
            if not os.path.isfile(p):
                fail("model file not found: %s" % p)
        self.det = cv2.FaceDetectorYN.create(yunet, "", (320, 320),
                                             score_threshold, nms_threshold,
                                             top_k)
        self.rec = cv2.FaceRecognizerSF.create(sface, "")

    def run(self, img):
        h, w = img.shape[:2]
        self.det.setInputSize((w, h))
        _, faces = self.det.detect(img)
        result = []
        if faces is None:
            return result
        for f in faces:
            crop = self.rec.alignCrop(img, f)
            emb = self.rec.feature(crop).reshape(-1).astype(np.float64)
            n = np.linalg.norm(emb)
            if n > 0:
                emb = emb / n
            result.append((f, emb))
        return result


def make_pipeline(a):
    return Pipeline(a.yunet, a.sface, a.score_threshold, a.nms_threshold,
                    a.top_k)


def cmd_embed(a, photos):
    pipe = make_pipeline(a)
    out = []
    for p in photos:
        img = cv2.imread(p, cv2.IMREAD_COLOR)
        if img is None:
            out.append({"path": p, "error": "cannot decode image"})
            continue
        faces = []
        for f, emb in pipe.run(img):
            faces.append({
                "box": [float(v) for v in f[0:4]],
                "landmarks": [[float(f[4 + 2 * k]), float(f[5 + 2 * k])]
                              for k in range(5)],
                "score": float(f[14]),
                "embedding": [float(v) for v in emb],
            })
        out.append({"path": p, "width": int(img.shape[1]),
                    "height": int(img.shape[0]), "faces": faces})
    doc = {"opencv_version": cv2.__version__, "yunet": a.yunet,
           "sface": a.sface, "score_threshold": a.score_threshold,
           "nms_threshold": a.nms_threshold, "top_k": a.top_k,
           "photos": out}
    tmp = a.json + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(doc, fh)
        fh.write("\n")
    os.replace(tmp, a.json)


def _worker(args, chunk, threads, barrier, queue):
    try:
        cv2.setNumThreads(threads)
        pipe = make_pipeline(args)
        for p in chunk[:3]:
            img = cv2.imread(p, cv2.IMREAD_COLOR)
            if img is not None:
                pipe.run(img)
    except BaseException as e:  # noqa: BLE001
        barrier.abort()
        queue.put(("error", repr(e)))
        return
    try:
        barrier.wait()
    except Exception:  # noqa: BLE001 - another worker failed during setup
        queue.put(("error", "aborted because another worker failed"))
        return
    nfaces = 0
    nbad = 0
    for p in chunk:
        img = cv2.imread(p, cv2.IMREAD_COLOR)
        if img is None:
            nbad += 1
            continue
        nfaces += len(pipe.run(img))
    queue.put(("ok", (len(chunk), nfaces, nbad, time.perf_counter())))


def cmd_bench(a, photos):
    if a.threads < 1 or a.procs < 1:
        fail("--threads and --procs must be >= 1")
    procs = min(a.procs, len(photos))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(procs + 1)
    queue = ctx.Queue()
    workers = [ctx.Process(target=_worker,
                           args=(a, photos[i::procs], a.threads, barrier,
                                 queue))
               for i in range(procs)]
    for w in workers:
        w.start()
    try:
        barrier.wait()
    except Exception:  # noqa: BLE001 - a worker aborted during setup
        pass
    t0 = time.perf_counter()
    results = []
    while len(results) < len(workers):
        try:
            results.append(queue.get(timeout=1.0))
        except Exception:  # noqa: BLE001 - queue.Empty: check for crashes
            dead = [w for w in workers
                    if w.exitcode is not None and w.exitcode != 0]
            if dead:
                for w in workers:
                    if w.is_alive():
                        w.terminate()
                fail("a worker process died (exit code %s)" % dead[0].exitcode)
    for w in workers:
        w.join()
    errors = [r[1] for r in results if r[0] != "ok"]
    if errors:
        fail("worker failed: %s" % errors[0])
    n = sum(r[1][0] for r in results)
    nfaces = sum(r[1][1] for r in results)
    nbad = sum(r[1][2] for r in results)
    t1 = max(r[1][3] for r in results)
    dt = t1 - t0
    print("opencv %s  procs=%d threads=%d  photos=%d faces=%d undecodable=%d"
          % (cv2.__version__, procs, a.threads, n, nfaces, nbad))
    print("elapsed %.3f s  photos/s %.2f" % (dt, n / dt))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd")
    for name in ("embed", "bench"):
        sp = sub.add_parser(name)
        sp.add_argument("--yunet", required=True,
                        help="original face_detection_yunet_2023mar.onnx")
        sp.add_argument("--sface", required=True,
                        help="original face_recognition_sface_2021dec_int8bq"
                             ".onnx")
        sp.add_argument("--score-threshold", type=float,
                        default=SCORE_THRESHOLD)
        sp.add_argument("--nms-threshold", type=float, default=NMS_THRESHOLD)
        sp.add_argument("--top-k", type=int, default=TOP_K)
        if name == "embed":
            sp.add_argument("--json", required=True, help="output JSON file")
        else:
            sp.add_argument("--threads", type=int, default=1)
            sp.add_argument("--procs", type=int, default=1)
            sp.add_argument("--limit", type=int, default=0,
                            help="use only the first LIMIT photos (0 = all)")
        sp.add_argument("paths", nargs="+", metavar="PATH")
    a = ap.parse_args()
    if a.cmd is None:
        ap.print_usage(sys.stderr)
        sys.exit(2)
    check_opencv()
    photos = collect(a.paths)
    if a.cmd == "bench" and a.limit > 0:
        photos = photos[:a.limit]
    if not photos:
        fail("no photos found")
    if a.cmd == "embed":
        cmd_embed(a, photos)
    else:
        cmd_bench(a, photos)


if __name__ == "__main__":
    main()
