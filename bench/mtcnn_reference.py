#!/usr/bin/env python3
"""Reference MTCNN for checking `facecurate`'s Rust implementation: facenet's
`align/detect_face.py::detect_face` transcribed step by step, with the three
networks run from the same ONNX files (wheel mtcnn-runtime==1.0.0,
`mtcnnruntime/weights/{pnet,rnet,onet}.onnx`) by onnxruntime, and images
resampled by OpenCV's INTER_AREA as facenet's `imresample` does.

Usage (numpy, onnxruntime, opencv-python-headless):
    python3 bench/mtcnn_reference.py WEIGHTS_DIR OUT.json PHOTO...

Writes {"photos":[{"path","boxes":[[x1,y1,x2,y2,score],...],
"landmarks":[[x1..x5,y1..y5],...]}]} with facenet's parameters: minsize 20,
factor 0.709, thresholds 0.6/0.7/0.7.

The ONNX networks take NCHW RGB, (x - 127.5) / 128, NOT transposed (facenet's
TensorFlow copies of the Caffe weights take the image transposed; these
were converted with the transposition folded in). Outputs, checked on real
faces: P-Net (box regression 1x4xHxW, probability 1x2xHxW), R-Net
(regression Nx4, probability Nx2), O-Net (landmarks Nx10 as x1..x5, y1..y5
relative to the box, regression Nx4, probability Nx2); column 1 of a
probability is "face".

Two facenet defects are not reproduced: `generateBoundingBox` flips the
regression maps upside down when exactly one cell passes the threshold
(reading another cell's regression), and a zero-sized crop makes the whole
detection return `np.empty()` (a crash); here the right cell is read and the
empty crop is skipped.
"""
import json
import sys

import cv2
import numpy as np
import onnxruntime as ort

MINSIZE = 20
FACTOR = 0.709
THRESHOLDS = (0.6, 0.7, 0.7)


def imresample(img, sz):
    return cv2.resize(img, (sz[1], sz[0]), interpolation=cv2.INTER_AREA)


def nms(boxes, threshold, method):
    if boxes.size == 0:
        return np.empty((0,), dtype=np.int64)
    x1, y1, x2, y2, s = (boxes[:, i] for i in range(5))
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = np.argsort(s, kind="stable")
    pick = []
    while order.size > 0:
        i = order[-1]
        pick.append(i)
        idx = order[0:-1]
        xx1 = np.maximum(x1[i], x1[idx])
        yy1 = np.maximum(y1[i], y1[idx])
        xx2 = np.minimum(x2[i], x2[idx])
        yy2 = np.minimum(y2[i], y2[idx])
        w = np.maximum(0.0, xx2 - xx1 + 1)
        h = np.maximum(0.0, yy2 - yy1 + 1)
        inter = w * h
        if method == "Min":
            o = inter / np.minimum(area[i], area[idx])
        else:
            o = inter / (area[i] + area[idx] - inter)
        order = order[np.where(o <= threshold)]
    return np.array(pick, dtype=np.int64)


def generate_bounding_box(imap, reg, scale, t):
    """imap: HxW face probability; reg: 4xHxW (dx1, dy1, dx2, dy2)."""
    stride, cellsize = 2, 12
    rows, cols = np.where(imap >= t)
    score = imap[rows, cols]
    r = np.stack([reg[k][rows, cols] for k in range(4)], axis=1) if rows.size else np.empty((0, 4))
    q1x = np.fix((stride * cols + 1) / scale)
    q1y = np.fix((stride * rows + 1) / scale)
    q2x = np.fix((stride * cols + cellsize - 1 + 1) / scale)
    q2y = np.fix((stride * rows + cellsize - 1 + 1) / scale)
    return np.column_stack([q1x, q1y, q2x, q2y, score, r])


def bbreg(boundingbox, reg):
    w = boundingbox[:, 2] - boundingbox[:, 0] + 1
    h = boundingbox[:, 3] - boundingbox[:, 1] + 1
    b1 = boundingbox[:, 0] + reg[:, 0] * w
    b2 = boundingbox[:, 1] + reg[:, 1] * h
    b3 = boundingbox[:, 2] + reg[:, 2] * w
    b4 = boundingbox[:, 3] + reg[:, 3] * h
    boundingbox[:, 0:4] = np.transpose(np.vstack([b1, b2, b3, b4]))
    return boundingbox


def rerec(b):
    h = b[:, 3] - b[:, 1]
    w = b[:, 2] - b[:, 0]
    l = np.maximum(w, h)
    b[:, 0] = b[:, 0] + w * 0.5 - l * 0.5
    b[:, 1] = b[:, 1] + h * 0.5 - l * 0.5
    b[:, 2:4] = b[:, 0:2] + np.transpose(np.tile(l, (2, 1)))
    return b


def pad(total_boxes, w, h):
    tmpw = (total_boxes[:, 2] - total_boxes[:, 0] + 1).astype(np.int32)
    tmph = (total_boxes[:, 3] - total_boxes[:, 1] + 1).astype(np.int32)
    n = total_boxes.shape[0]
    dx = np.ones(n, dtype=np.int32)
    dy = np.ones(n, dtype=np.int32)
    edx = tmpw.copy()
    edy = tmph.copy()
    x = total_boxes[:, 0].copy().astype(np.int32)
    y = total_boxes[:, 1].copy().astype(np.int32)
    ex = total_boxes[:, 2].copy().astype(np.int32)
    ey = total_boxes[:, 3].copy().astype(np.int32)
    t = np.where(ex > w)
    edx[t] = -ex[t] + w + tmpw[t]
    ex[t] = w
    t = np.where(ey > h)
    edy[t] = -ey[t] + h + tmph[t]
    ey[t] = h
    t = np.where(x < 1)
    dx[t] = 2 - x[t]
    x[t] = 1
    t = np.where(y < 1)
    dy[t] = 2 - y[t]
    y[t] = 1
    return dy, edy, dx, edx, y, ey, x, ex, tmpw, tmph


def crops(img, total_boxes, size):
    h, w = img.shape[:2]
    dy, edy, dx, edx, y, ey, x, ex, tmpw, tmph = pad(total_boxes.copy(), w, h)
    out, kept = [], []
    for k in range(total_boxes.shape[0]):
        if tmph[k] <= 0 or tmpw[k] <= 0:
            continue
        tmp = np.zeros((int(tmph[k]), int(tmpw[k]), 3), dtype=np.uint8)
        tmp[dy[k] - 1:edy[k], dx[k] - 1:edx[k], :] = img[y[k] - 1:ey[k], x[k] - 1:ex[k], :]
        out.append(imresample(tmp, (size, size)))
        kept.append(k)
    if not out:
        return np.zeros((0, 3, size, size), np.float32), np.array(kept, dtype=np.int64)
    batch = (np.stack(out).astype(np.float32) - 127.5) * 0.0078125
    return batch.transpose(0, 3, 1, 2).copy(), np.array(kept, dtype=np.int64)


def detect_face(img, pnet, rnet, onet):
    h, w = img.shape[:2]
    minl = min(h, w) * 12.0 / MINSIZE
    m = 12.0 / MINSIZE
    scales = []
    fc = 0
    while minl >= 12:
        scales.append(m * np.power(FACTOR, fc))
        minl *= FACTOR
        fc += 1
    total = np.empty((0, 9))
    for scale in scales:
        hs, ws = int(np.ceil(h * scale)), int(np.ceil(w * scale))
        im = (imresample(img, (hs, ws)).astype(np.float32) - 127.5) * 0.0078125
        reg, prob = pnet.run(None, {"input": im.transpose(2, 0, 1)[None].copy()})
        boxes = generate_bounding_box(prob[0, 1], reg[0], scale, THRESHOLDS[0])
        pick = nms(boxes.copy(), 0.5, "Union")
        if boxes.size > 0 and pick.size > 0:
            total = np.append(total, boxes[pick, :], axis=0)
    if total.shape[0] > 0:
        pick = nms(total.copy(), 0.7, "Union")
        total = total[pick, :]
        regw = total[:, 2] - total[:, 0]
        regh = total[:, 3] - total[:, 1]
        qq1 = total[:, 0] + total[:, 5] * regw
        qq2 = total[:, 1] + total[:, 6] * regh
        qq3 = total[:, 2] + total[:, 7] * regw
        qq4 = total[:, 3] + total[:, 8] * regh
        total = np.transpose(np.vstack([qq1, qq2, qq3, qq4, total[:, 4]]))
        total = rerec(total.copy())
        total[:, 0:4] = np.fix(total[:, 0:4]).astype(np.int32)
    if total.shape[0] > 0:
        batch, kept = crops(img, total, 24)
        total = total[kept]
        reg, prob = rnet.run(None, {"input": batch}) if len(kept) else (np.zeros((0, 4)), np.zeros((0, 2)))
        score = prob[:, 1]
        ipass = np.where(score > THRESHOLDS[1])[0]
        total = np.hstack([total[ipass, 0:4].copy(), score[ipass][:, None]])
        mv = reg[ipass]
        if total.shape[0] > 0:
            pick = nms(total, 0.7, "Union")
            total = total[pick, :]
            total = bbreg(total.copy(), mv[pick])
            total = rerec(total.copy())
    points = np.empty((0, 10))
    if total.shape[0] > 0:
        total = np.fix(total).astype(np.int32)
        batch, kept = crops(img, total, 48)
        total = total[kept]
        lm, reg, prob = onet.run(None, {"input": batch}) if len(kept) else (np.zeros((0, 10)), np.zeros((0, 4)), np.zeros((0, 2)))
        score = prob[:, 1]
        ipass = np.where(score > THRESHOLDS[2])[0]
        points = lm[ipass].astype(np.float64)
        total = np.hstack([total[ipass, 0:4].astype(np.float64), score[ipass][:, None]])
        mv = reg[ipass]
        bw = total[:, 2] - total[:, 0] + 1
        bh = total[:, 3] - total[:, 1] + 1
        points[:, 0:5] = bw[:, None] * points[:, 0:5] + total[:, 0:1] - 1
        points[:, 5:10] = bh[:, None] * points[:, 5:10] + total[:, 1:2] - 1
        if total.shape[0] > 0:
            total = bbreg(total.copy(), mv)
            pick = nms(total.copy(), 0.7, "Min")
            total = total[pick, :]
            points = points[pick, :]
    return total, points


def main(argv):
    weights, out_path, photos = argv[1], argv[2], argv[3:]
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    nets = [ort.InferenceSession("%s/%s.onnx" % (weights, n), opts, providers=["CPUExecutionProvider"])
            for n in ("pnet", "rnet", "onet")]
    result = []
    for path in photos:
        bgr = cv2.imread(path, cv2.IMREAD_COLOR)
        if bgr is None:
            result.append({"path": path, "error": "unreadable"})
            continue
        boxes, points = detect_face(bgr[:, :, ::-1].copy(), *nets)
        result.append({"path": path, "boxes": np.asarray(boxes, dtype=float).tolist(),
                       "landmarks": np.asarray(points, dtype=float).tolist()})
    with open(out_path, "w") as f:
        json.dump({"photos": result}, f)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
