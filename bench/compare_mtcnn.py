#!/usr/bin/env python3
"""Compares `facecurate detect --detector mtcnn --json` with
`bench/mtcnn_reference.py` on the same photos: faces found by each, IoU of
each reference face with its best-matching facecurate face, landmark
distance, and score difference. Standard library only.

    python3 bench/compare_mtcnn.py REFERENCE.json FACECURATE.json
"""
import json
import sys


def iou(a, b):
    ix = min(a[2], b[2]) - max(a[0], b[0])
    iy = min(a[3], b[3]) - max(a[1], b[1])
    if ix <= 0 or iy <= 0:
        return 0.0
    inter = ix * iy
    area = lambda r: (r[2] - r[0]) * (r[3] - r[1])
    return inter / (area(a) + area(b) - inter)


def main(argv):
    ref = {p["path"]: p for p in json.load(open(argv[1]))["photos"]}
    ours = {p["path"]: p for p in json.load(open(argv[2]))["photos"]}
    photos = sorted(set(ref) & set(ours))
    ious, lm_err, score_err = [], [], []
    ref_faces = our_faces = with_ref = with_ours = count_diff = 0
    worst = []
    for path in photos:
        r = ref[path].get("boxes", [])
        o = [[f["bbox"][0], f["bbox"][1], f["bbox"][0] + f["bbox"][2], f["bbox"][1] + f["bbox"][3],
              f["score"], f["landmarks"]] for f in ours[path]["faces"]]
        ref_faces += len(r)
        our_faces += len(o)
        with_ref += bool(r)
        with_ours += bool(o)
        count_diff += len(r) != len(o)
        for k, rb in enumerate(r):
            best = max(o, key=lambda ob: iou(rb, ob), default=None)
            v = iou(rb, best) if best else 0.0
            ious.append(v)
            worst.append((v, path))
            if best:
                score_err.append(abs(rb[4] - best[4]))
                rl = ref[path]["landmarks"][k]
                lm_err.append(max(max(abs(rl[i] - best[5][i][0]), abs(rl[i + 5] - best[5][i][1])) for i in range(5)))
    ious.sort()
    n = len(ious)
    print("photos compared: %d" % len(photos))
    print("photos with a face: reference %d (%.1f%%), facecurate %d (%.1f%%)" % (
        with_ref, 100.0 * with_ref / max(1, len(photos)), with_ours, 100.0 * with_ours / max(1, len(photos))))
    print("faces: reference %d, facecurate %d; photos whose face count differs: %d" % (ref_faces, our_faces, count_diff))
    if n:
        print("IoU of each reference face with its best facecurate match: min %.4f, median %.4f, mean %.4f; >= 0.9: %d/%d" % (
            ious[0], ious[n // 2], sum(ious) / n, sum(1 for v in ious if v >= 0.9), n))
        print("landmarks, max abs difference per face: max %.3f px, mean %.3f px" % (max(lm_err), sum(lm_err) / len(lm_err)))
        print("score, abs difference: max %.2e" % max(score_err))
        for v, path in sorted(worst)[:3]:
            print("  lowest IoU %.4f: %s" % (v, path))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
