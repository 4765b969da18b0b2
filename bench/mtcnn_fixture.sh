#!/usr/bin/env bash
# Regenerates tests/fixtures/mtcnn_celeb5_reference.json: the reference MTCNN
# (bench/mtcnn_reference.py, facenet's detect_face on the pinned ONNX weights)
# run on the fetched 5-celebrity photos AS DECODED BY FACECURATE (written
# losslessly by examples/decode_png.rs), so tests/align.rs can demand
# near-exact agreement. On the JPEG files decoded by OpenCV instead, small
# decoder differences (at most a few levels a pixel) move some boxes; see
# bench/README-mtcnn.md.
#
# Needs: FACECURATE_CACHE with the celeb5 photos and the MTCNN weights
# (`facecurate models fetch --with celeb5 --with mtcnn-pnet --with mtcnn-rnet
# --with mtcnn-onet`), and a Python with numpy, onnxruntime and
# opencv-python-headless (e.g. a throwaway venv) as $PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${FACECURATE_CACHE:?set FACECURATE_CACHE}"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo run --quiet --release --example decode_png -- "$cache/photos/5-celebrity-faces" "$work/png"
( cd "$work/png" && find . -name '*.png' | sort | sed 's|^\./||' ) > "$work/list"
( cd "$work/png" && xargs "$python" "$OLDPWD/bench/mtcnn_reference.py" "$cache/models/mtcnn" "$work/ref.json" < "$work/list" )
"$python" - "$work/ref.json" tests/fixtures/mtcnn_celeb5_reference.json <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
out = {}
for p in doc["photos"]:
    # "train/madonna/x.jpg.png" -> "train/madonna/x.jpg"
    key = p["path"][:-4]
    out[key] = [{"box": [round(v, 4) for v in b[:4]], "score": round(b[4], 6),
                 "landmarks": [round(v, 4) for v in l]} for b, l in zip(p["boxes"], p["landmarks"])]
with open(sys.argv[2], "w") as f:
    f.write('{"source": "bench/mtcnn_reference.py on facecurate-decoded celeb5 photos",\n"photos": {\n')
    f.write(",\n".join("%s: %s" % (json.dumps(k), json.dumps(out[k])) for k in sorted(out)))
    f.write("\n}}\n")
PY
echo "wrote tests/fixtures/mtcnn_celeb5_reference.json"
