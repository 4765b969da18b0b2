#!/usr/bin/env python3
"""Reference numbers for `facecurate verify`: facenet's own evaluation code
(lfw.evaluate, facenet.calculate_roc / calculate_val, and the AUC/EER lines of
validate_on_lfw.py, transcribed unchanged) run on embeddings from
`facecurate embed --json`.

Usage (numpy, scipy, scikit-learn):
    facecurate embed --json DATASET > dump.json
    python3 bench/lfw_protocol_reference.py dump.json PAIRS.txt [--facenet-folds]

The main face of each photo is chosen as facenet does (largest box, penalised
by its squared distance from the centre). Folds are facecurate's stratified
runs (fold i = i-th run of same pairs + i-th run of different pairs) unless
--facenet-folds asks for sklearn's KFold(shuffle=False) over the file order.
Pairs with a photo without a face are scored as wrong answers, as facecurate
does.
"""
import json
import math
import sys

import numpy as np
from scipy import interpolate
from scipy.optimize import brentq
from sklearn import metrics
from sklearn.model_selection import KFold


def distance(e1, e2):
    return np.sum(np.square(np.subtract(e1, e2)), 1)


def calculate_accuracy(threshold, dist, actual_issame):
    predict_issame = np.less(dist, threshold)
    tp = np.sum(np.logical_and(predict_issame, actual_issame))
    fp = np.sum(np.logical_and(predict_issame, np.logical_not(actual_issame)))
    tn = np.sum(np.logical_and(np.logical_not(predict_issame), np.logical_not(actual_issame)))
    fn = np.sum(np.logical_and(np.logical_not(predict_issame), actual_issame))
    tpr = 0 if (tp + fn == 0) else float(tp) / float(tp + fn)
    fpr = 0 if (fp + tn == 0) else float(fp) / float(fp + tn)
    acc = float(tp + tn) / dist.size
    return tpr, fpr, acc


def calculate_val_far(threshold, dist, actual_issame):
    predict_issame = np.less(dist, threshold)
    true_accept = np.sum(np.logical_and(predict_issame, actual_issame))
    false_accept = np.sum(np.logical_and(predict_issame, np.logical_not(actual_issame)))
    n_same = np.sum(actual_issame)
    n_diff = np.sum(np.logical_not(actual_issame))
    return float(true_accept) / float(n_same), float(false_accept) / float(n_diff)


def calculate_roc(thresholds, dist, actual_issame, splits):
    nrof_folds = len(splits)
    tprs = np.zeros((nrof_folds, len(thresholds)))
    fprs = np.zeros((nrof_folds, len(thresholds)))
    accuracy = np.zeros(nrof_folds)
    chosen = np.zeros(nrof_folds)
    for fold_idx, (train_set, test_set) in enumerate(splits):
        acc_train = np.zeros(len(thresholds))
        for i, t in enumerate(thresholds):
            _, _, acc_train[i] = calculate_accuracy(t, dist[train_set], actual_issame[train_set])
        best = np.argmax(acc_train)
        for i, t in enumerate(thresholds):
            tprs[fold_idx, i], fprs[fold_idx, i], _ = calculate_accuracy(t, dist[test_set], actual_issame[test_set])
        _, _, accuracy[fold_idx] = calculate_accuracy(thresholds[best], dist[test_set], actual_issame[test_set])
        chosen[fold_idx] = thresholds[best]
    return np.mean(tprs, 0), np.mean(fprs, 0), accuracy, chosen


def calculate_val(thresholds, dist, actual_issame, far_target, splits):
    nrof_folds = len(splits)
    val = np.zeros(nrof_folds)
    far = np.zeros(nrof_folds)
    for fold_idx, (train_set, test_set) in enumerate(splits):
        far_train = np.zeros(len(thresholds))
        for i, t in enumerate(thresholds):
            _, far_train[i] = calculate_val_far(t, dist[train_set], actual_issame[train_set])
        if far_train[0] >= far_target:
            # Only reachable with a pair scored as always wrong (a missing
            # face): facenet's interp1d would raise; facecurate takes the
            # lowest threshold.
            threshold = thresholds[0]
        elif np.max(far_train) >= far_target:
            # facenet says kind='slinear'; SciPy >= 1.10 refuses its duplicate
            # x values there (a crash in validate_on_lfw.py today). 'linear'
            # is the same piecewise-linear interpolation and accepts them.
            f = interpolate.interp1d(far_train, thresholds, kind='linear')
            threshold = f(far_target)
        else:
            threshold = 0.0
        val[fold_idx], far[fold_idx] = calculate_val_far(threshold, dist[test_set], actual_issame[test_set])
    return np.mean(val), np.std(val), np.mean(far)


def stratified_splits(issame, folds):
    fold = np.zeros(len(issame), dtype=int)
    for kind in (True, False):
        idx = np.where(issame == kind)[0]
        sizes = np.full(folds, len(idx) // folds)
        sizes[: len(idx) % folds] += 1
        start = 0
        for k, s in enumerate(sizes):
            fold[idx[start:start + s]] = k
            start += s
    return [(np.where(fold != k)[0], np.where(fold == k)[0]) for k in range(folds)]


def main_face(photo):
    w, h = photo["width"], photo["height"]
    best, score = None, -math.inf
    for f in photo["faces"]:
        x, y, bw, bh = f["bbox"]
        dx, dy = x + bw / 2 - w / 2, y + bh / 2 - h / 2
        v = bw * bh - 2 * (dx * dx + dy * dy)
        if v > score:
            best, score = f, v
    return best


def main(argv):
    dump, pairs_path = argv[1], argv[2]
    facenet_folds = "--facenet-folds" in argv
    doc = json.load(open(dump))
    emb = {}
    for p in doc["photos"]:
        face = main_face(p)
        if face is not None:
            parts = p["path"].replace("\\", "/").split("/")
            emb["/".join(parts[-2:]).rsplit(".", 1)[0]] = np.array(face["embedding"], dtype=np.float64)
    dist, issame = [], []
    for i, line in enumerate(open(pairs_path).read().splitlines()):
        t = line.split()
        if i == 0 and len(t) <= 2 or not t:
            continue
        if len(t) == 3:
            a, b, same = (t[0], int(t[1])), (t[0], int(t[2])), True
        else:
            a, b, same = (t[0], int(t[1])), (t[2], int(t[3])), False
        ka, kb = ["%s/%s_%04d" % (n, n, k) for n, k in (a, b)]
        if ka in emb and kb in emb:
            dist.append(float(np.sum(np.square(emb[ka] - emb[kb]))))
        else:
            dist.append(math.inf if same else -math.inf)
        issame.append(same)
    dist, issame = np.array(dist), np.array(issame)
    folds = 10
    if facenet_folds:
        splits = list(KFold(n_splits=folds, shuffle=False).split(np.arange(len(dist))))
    else:
        splits = stratified_splits(issame, folds)
    tpr, fpr, accuracy, chosen = calculate_roc(np.arange(0, 4, 0.01), dist, issame, splits)
    val, val_std, far = calculate_val(np.arange(0, 4, 0.001), dist, issame, 1e-3, splits)
    auc = metrics.auc(fpr, tpr)
    # bounds as facenet's when nothing is missing; a missing different pair
    # lifts the first FPR above 0, where facenet's interp1d would raise.
    roc = interpolate.interp1d(fpr, tpr, bounds_error=False, fill_value=(tpr[0], tpr[-1]))
    eer = brentq(lambda x: 1. - x - roc(x), 0., 1.)
    print(json.dumps({"pairs": len(dist), "accuracy": np.mean(accuracy), "accuracy_std": np.std(accuracy),
                      "val_at_far": val, "val_std": val_std, "far": far, "auc": auc, "eer": eer,
                      "threshold_squared": float(np.mean(chosen)),
                      "missing": int(np.sum(~np.isfinite(dist)))}, indent=1))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
