#!/usr/bin/env bash
# End-to-end: `facecurate export` read by pyarrow, as a data scientist would
# read it. A workspace on the 5-celebrity train photos is scanned and
# exported as Parquet; a short Python script reads the file with pyarrow
# (the embedding column straight into one numpy matrix) and compares every
# vector, bit for bit, with the SQLite store's `faces.embedding` blobs.
# Usage: tests/e2e/parquet.sh BIN   (BIN: the built facecurate)
# Needs python3 with venv; pyarrow and numpy go into a throwaway venv.
set -euo pipefail
bin=$(realpath "${1:?usage: tests/e2e/parquet.sh BIN}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pyarrow numpy
cp -r "$("$bin" models path celeb5)/train" "$work/ds"
"$bin" -w "$work/ws.yaml" init "$work/ds"
# Exit 1 only says some photo failed; its row is in the export all the same.
"$bin" --device cpu -w "$work/ws.yaml" scan || test $? -eq 1
"$bin" -w "$work/ws.yaml" export --out "$work/faces.parquet"
"$work/venv/bin/python" - "$work/faces.parquet" "$work/facecurate-state/store.sqlite" \
  "$work/from-pyarrow.parquet" <<'EOF'
import sqlite3
import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

parquet_path, store_path, rewritten = sys.argv[1], sys.argv[2], sys.argv[3]
table = pq.read_table(parquet_path)
embedding = table.schema.field("embedding").type
assert pa.types.is_fixed_size_list(embedding), embedding
assert embedding.value_type == pa.float32(), embedding
dim = embedding.list_size

has_face = pc.is_valid(table.column("face_index"))
faces = table.filter(has_face)
matrix = faces.column("embedding").combine_chunks().flatten().to_numpy().reshape(-1, dim)
assert matrix.dtype == np.float32, matrix.dtype
keys = list(zip(faces.column("hash").to_pylist(), faces.column("face_index").to_pylist()))
fingerprints = set(table.column("fingerprint").to_pylist())
assert len(fingerprints) == 1, fingerprints

db = sqlite3.connect(store_path)
stored = {
    (h, i): np.frombuffer(blob, dtype="<f4")
    for h, i, blob in db.execute(
        "SELECT hash, idx, embedding FROM faces WHERE fingerprint = ?", (fingerprints.pop(),)
    )
}
assert set(keys) == set(stored), "the export and the store hold different faces"
for row, key in enumerate(keys):
    want = stored[key].view(np.uint32)
    got = matrix[row].view(np.uint32)
    assert np.array_equal(got, want), f"row {row} ({key}): the vector differs"
faceless = table.num_rows - faces.num_rows
print(
    f"parquet e2e ok: {faces.num_rows} vectors of {dim} float32 equal the store bit for bit "
    f"({len(stored)} distinct faces, {faceless} rows without a face), pyarrow {pa.__version__}"
)
# Written back as another tool would: plain lists, pyarrow's defaults (Snappy).
at = table.schema.get_field_index("embedding")
plain = table.column("embedding").cast(pa.list_(pa.float32()))
pq.write_table(table.set_column(at, "embedding", plain), rewritten)
EOF
# That file imported into a fresh workspace on the same photos: the scan
# after it reads and embeds nothing.
mkdir "$work/b"
"$bin" -w "$work/b/ws.yaml" init "$work/ds"
"$bin" -w "$work/b/ws.yaml" import "$work/from-pyarrow.parquet"
summary=$("$bin" --device cpu -w "$work/b/ws.yaml" scan --json)
echo "$summary"
for key in new changed embedded; do
  echo "$summary" | grep -q "\"$key\":0," || { echo "parquet e2e FAILED: $key is not 0 after the import" >&2; exit 1; }
done
echo "parquet e2e ok: a file written by pyarrow imports, and the scan after it embeds nothing"
