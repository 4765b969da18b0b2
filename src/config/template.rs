//! The commented workspace file `facecurate init` writes. The repository's
//! top-level `workspace.yaml` is this template with [`EXAMPLE_DATASET`], and
//! a test keeps the two identical, so the documented example never drifts
//! from what `init` writes or what the parser accepts.

/// The dataset path shown in the repository's example workspace.
pub const EXAMPLE_DATASET: &str = "~/Pictures/faces";

/// A complete workspace file for `dataset`, every key with its default and
/// a comment saying what it does.
pub fn template(dataset: &str) -> String {
    TEMPLATE.replace("{dataset}", &quote(dataset))
}

/// Quotes a path for YAML unless it plainly reads back as the same string
/// (a `/` rules out numbers, booleans and null).
fn quote(path: &str) -> String {
    let plain = path.contains('/')
        && !path.starts_with('-')
        && path
            .chars()
            .all(|c| c.is_alphanumeric() || "/._-~+".contains(c));
    if plain {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "''"))
    }
}

const TEMPLATE: &str = r#"# facecurate workspace: which dataset to curate, and how.
# Every command reads ./workspace.yaml unless given -w FILE.
# Relative paths start at this file's folder; `~/` is your home folder.

# The dataset: one sub-folder per person, e.g. Aaron_Peirsol/Aaron_Peirsol_0001.jpg.
# facecurate never writes into it.
dataset: {dataset}

# Where facecurate keeps its state: the face store, the journal of edits,
# the trash and the classifier. It must be outside the dataset (a folder
# inside it would count as a person).
state_dir: facecurate-state

# The folder in the dataset for photos not filed yet: never a person. Each
# photo in it gets the classifier's prediction (a person, or unknown), and
# the TUI files it with one key.
inbox: _inbox

# The models. Changing one re-embeds every photo on the next scan.
models:
  # The model cache folder; null: $FACECURATE_CACHE, else ~/.cache/facecurate.
  cache: null
  # The face detector: yunet, mtcnn or one declared under `detectors`;
  # null: the one the embedder expects (yunet for sface, mtcnn for facenet).
  detector: null
  # The embedder: sface, facenet (FaceNet 20170512) or one declared under `embedders`.
  embedder: sface
  # Your own ONNX embedders, e.g. a converted facenet 20180402-114759:
  #   vggface2:
  #     model: models/20180402-114759.onnx    # relative to this file
  #     width: 160
  #     height: 160
  #     layout: nchw                          # or nhwc
  #     channels: rgb                         # or bgr
  #     normalize: {kind: prewhiten}          # or {kind: mean_std, mean: [127.5, 127.5, 127.5], std: [128, 128, 128]}
  #     alignment: {kind: box, margin: 32}    # or {kind: landmarks, template: [[x, y], ...5 points]}
  #     output_dim: 512
  #     detector: mtcnn                       # whose boxes it was trained on
  embedders: {}
  # Your own files for a detector family: {family: yunet, model: FILE}
  # or {family: mtcnn, pnet: FILE, rnet: FILE, onet: FILE}.
  detectors: {}

# Where the models run: auto (CUDA when available, else the CPU), cpu or cuda.
device: auto
# The built-in SFace's arithmetic: auto (the default: int8 on a CPU with AVX-512 VNNI or
# AVX-VNNI, fp32 on CUDA, and fp32 for a store already embedded in fp32), fp32 or int8.
# int8 embeds about 1.4x faster on a VNNI CPU; every face of LFW stays within cosine 0.96
# of its fp32 vector. Changing what it resolves to re-embeds every photo on the next scan.
precision: auto
# Pipeline workers, each with its own model sessions: a number, or auto (one per core).
workers: auto
# Threads per worker; workers x threads should not exceed the cores.
threads: 1

# Face detection. Changing any of these re-embeds every photo on the next scan.
detect:
  # Minimum face score to keep a face (above 0, at most 1).
  score_threshold: 0.6
  # Overlap above which the weaker of two boxes is dropped (above 0, at most 1).
  nms_threshold: 0.3
  # Photos whose longer side exceeds this (pixels) are scaled down before detection.
  max_side: 1280

# Live watching of the dataset folder (`facecurate watch`, the TUI).
watch:
  # Poll the folder instead of relying on change notifications (network file systems).
  poll: false
  # How often to poll, when polling (milliseconds).
  poll_interval_ms: 2000
  # Quiet time after a change before it is handled (milliseconds).
  debounce_ms: 250
  # A photo is read once its size and modification time have held still this long
  # (milliseconds), so files still being copied are not read half-written.
  settle_ms: 500

# Thresholds of the analyses (outliers, mislabels, split and merge folders,
# duplicates); empty: the measured defaults of the embedder in use. Every key,
# its default and what it was measured on: docs/REPORT.md. For example
# `analysis: {flag_score: 15, copy_correlation: 0.98}` flags more photos and
# calls looser pairs copies.
analysis: {}

# Settings of the classifier that learns from your decisions; empty: defaults.
classifier: {}

# Key bindings of the terminal UI, by action: e.g. `quit: [q, ctrl-q]`.
# Empty: the defaults (press ? in the UI for the list). Actions: quit, help,
# next_screen, prev_screen, up, down, top, bottom, open, back, search, sort,
# accept, move, reviewed, delete, keep_left, keep_right, not_duplicate, undo,
# redo, retrain, new_person.
keys: {}
"#;
