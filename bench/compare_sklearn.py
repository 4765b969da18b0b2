#!/usr/bin/env python3
"""Training time and held-out accuracy of facecurate's classifier against
scikit-learn's SVC(kernel='linear', probability=True) on the same embeddings
and the same split, measured in one run.

Python is a measuring tool here, not a dependency of facecurate. Needs numpy
and scikit-learn, e.g. in a throwaway venv:

    python3 -m venv /tmp/skenv && /tmp/skenv/bin/pip install numpy scikit-learn
    facecurate embed --json DATASET > /tmp/embed.json
    /tmp/skenv/bin/python bench/compare_sklearn.py /tmp/embed.json \
        --facecurate target/release/facecurate --min-images 10 --train-per-class 10

facecurate trains from the embedding dump (hidden `train --embeddings`),
picks the face of each photo and makes the seeded split, and exports that
split (hidden `train --export-split`); scikit-learn is then fitted on exactly
those photos and faces. Each side is timed on its own fit of the training
split only (facecurate's includes its cross-validated Platt calibration and
unknown threshold, as scikit-learn's includes its internal 5-fold Platt).
facecurate fits persons in parallel on every core; scikit-learn's SVC uses
one. Both are wall-clock times; repeats take the median.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.svm import SVC


def run_facecurate(args, split_path, state_dir):
    cmd = [args.facecurate, "train", "--embeddings", args.embeddings, "--json",
           "--min-images", str(args.min_images), "--train-per-class", str(args.train_per_class),
           "--seed", str(args.seed), "--state-dir", state_dir, "--export-split", split_path]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("embeddings", help="output of `facecurate embed --json`")
    p.add_argument("--facecurate", default="target/release/facecurate")
    p.add_argument("--min-images", type=int, default=10)
    p.add_argument("--train-per-class", type=int, default=10)
    p.add_argument("--seed", type=int, default=666)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()

    with open(args.embeddings) as f:
        doc = json.load(f)
    faces = {photo["path"]: photo["faces"] for photo in doc["photos"]}

    fc_runs, sk_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        split_path = os.path.join(tmp, "split.json")
        for _ in range(args.repeats):
            fc_runs.append(run_facecurate(args, split_path, os.path.join(tmp, "state")))
            with open(split_path) as f:
                split = json.load(f)

            def matrix(rows):
                x = np.array([faces[r["path"]][r["face"]]["embedding"] for r in rows], dtype=np.float64)
                y = np.array([r["person"] for r in rows])
                return x, y

            x_train, y_train = matrix(split["train"])
            x_test, y_test = matrix(split["test"])
            start = time.perf_counter()
            model = SVC(kernel="linear", probability=True).fit(x_train, y_train)
            sk_times.append(time.perf_counter() - start)
    # Accuracy by name: predict_proba's columns are model.classes_.
    proba = model.predict_proba(x_test)
    sk_acc = float(np.mean(model.classes_[proba.argmax(axis=1)] == y_test))
    fc = fc_runs[-1]
    fc_time = statistics.median(r["seconds"] for r in fc_runs)
    sk_time = statistics.median(sk_times)
    result = {
        "persons": fc["classes"], "train_photos": fc["train_photos"], "test_photos": fc["test_photos"],
        "facecurate": {"accuracy": fc["accuracy"], "seconds": fc_time, "runs": [r["seconds"] for r in fc_runs],
                       "threads": os.cpu_count()},
        "sklearn": {"accuracy": sk_acc, "seconds": sk_time, "runs": sk_times, "threads": 1},
        "time_ratio": fc_time / sk_time,
    }
    print(json.dumps(result, indent=2))
    print(f"{fc['classes']} persons, {fc['train_photos']} train / {fc['test_photos']} test photos: "
          f"facecurate {100 * fc['accuracy']:.2f}% in {fc_time:.3f} s, "
          f"scikit-learn {100 * sk_acc:.2f}% in {sk_time:.3f} s (ratio {fc_time / sk_time:.2f})", file=sys.stderr)


if __name__ == "__main__":
    main()
