#!/usr/bin/env python3
"""How well could any ranking find the misfiled photos of a `bench scale`
dataset? Scores oracles that know what no analysis can: every identity's
true centre (the generator's, before the within-person noise).

  facecurate bench scale --faces 1000000 --shape DUMP --truth /tmp/truth ...
  python3 bench/planted_oracle.py /tmp/truth [--sample 0.1]

Each oracle ranks every photo (the planted copies left out, as the bench
does) by how much nearer it is to another identity's true centre than to
the true centre of the identity its folder holds, and reports the recall
of the misfiled photos within the first K (K = misfiled planted), as
`planted_recall_at_k` scores the analysis:

  cosine       cosine to the centres;
  whitened     squared distance after whitening by the within-identity
               covariance (what a Gaussian model of the noise would rank by);
  whitened_5   as `whitened`, the other identity taken only among those
               with at least 5 photos (the planting takes misfiled photos
               only from such persons: knowledge of the generator itself).

With `--sample F` only a fraction F of the genuine photos is scored, each
standing for 1/F photos (the brute force over every centre is the cost).
Needs numpy.
"""
import argparse
import json
import os

import numpy as np

GENUINE, NEAREST, RANDOM, COPY = 0, 1, 2, 3
SOURCE_MIN = 5  # plant.rs: MISFILE_FROM_MIN


def load(folder):
    meta = json.load(open(os.path.join(folder, "truth.json")))
    n, dim = meta["photos"], meta["dim"]
    read = lambda name, t: np.fromfile(os.path.join(folder, name), dtype=t)
    vectors = read("vectors.f32", "<f4").reshape(n, dim)
    centres = read("centres.f32", "<f4").reshape(-1, dim)
    folders = read("folders.u32", "<u4").astype(np.int64)
    identities = read("identities.u32", "<u4").astype(np.int64)
    kinds = read("kinds.u8", np.uint8)
    # A folder's identity: its own index, or the split folder's source.
    of_folder = np.arange(meta["folders"], dtype=np.int64)
    for source, new in meta["splits"]:
        of_folder[new] = source
    return vectors, centres, of_folder[folders], identities, kinds


def margins(vectors, centres, own, bias=None, own_bias=None, chunk=2048):
    """Best other centre's score minus the own centre's, per photo. The
    score of centre c is v.c - bias[c] (bias = |c|^2 / 2 makes it minus half
    the squared distance, up to a per-photo constant); the own centre's uses
    own_bias (default: bias)."""
    bias = np.zeros(len(centres), np.float32) if bias is None else bias
    own_bias = bias if own_bias is None else own_bias
    out = np.empty(len(vectors), np.float32)
    for s in range(0, len(vectors), chunk):
        v, mine = vectors[s : s + chunk], own[s : s + chunk]
        scores = v @ centres.T - bias[None, :]
        scores[np.arange(len(v)), mine] = -np.inf
        own_score = (v * centres[mine]).sum(1) - own_bias[mine]
        out[s : s + chunk] = scores.max(1) - own_score
    return out


def recall_at_k(margin, kinds, weights):
    k = int(np.isin(kinds, (NEAREST, RANDOM)).sum())
    order = np.argsort(-margin, kind="stable")
    cut = np.searchsorted(np.cumsum(weights[order]), k, side="right")
    top = kinds[order[:cut]]
    share = lambda ks: float(np.isin(top, ks).sum() / max(1, np.isin(kinds, ks).sum()))
    return {"at_k": share((NEAREST, RANDOM)), "nearest": share((NEAREST,)), "random": share((RANDOM,))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("truth", help="folder written by `bench scale --truth`")
    ap.add_argument("--sample", type=float, default=None, help="fraction of genuine photos scored")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    vectors, centres, own, identities, kinds = load(args.truth)
    n = len(vectors)
    sample = args.sample if args.sample is not None else (1.0 if n <= 200_000 else 0.1)
    rng = np.random.default_rng(args.seed)
    planted = np.where(np.isin(kinds, (NEAREST, RANDOM)))[0]
    genuine = np.where(kinds == GENUINE)[0]
    genuine = rng.choice(genuine, int(round(len(genuine) * sample)), replace=False)
    scored = np.concatenate([planted, genuine])
    weights = np.concatenate([np.ones(len(planted)), np.full(len(genuine), 1.0 / sample)])
    k_scored = kinds[scored]

    residuals = vectors[kinds == GENUINE] - centres[identities[kinds == GENUINE]]
    values, basis = np.linalg.eigh(np.cov(residuals.T) + 1e-6 * np.eye(vectors.shape[1]))
    whiten = (basis / np.sqrt(values)).astype(np.float32)
    cw = centres @ whiten
    half_norm = 0.5 * (cw * cw).sum(1)
    sizes = np.bincount(identities[kinds != COPY], minlength=len(centres))
    small = np.where(sizes >= SOURCE_MIN, 0.0, np.inf).astype(np.float32)

    v = vectors[scored]
    vw = v @ whiten
    out = {
        "photos": n,
        "identities": len(centres),
        "misfiled": len(planted),
        "genuine_sampled": float(sample),
        "cosine": recall_at_k(margins(v, centres, own[scored]), k_scored, weights),
    }
    whitened = margins(vw, cw, own[scored], half_norm)
    out["whitened"] = recall_at_k(whitened, k_scored, weights)
    # Genuine photos nearer another identity's true centre than their own:
    # to any ranking on the faces they look misfiled.
    nearer = (whitened > 0) & (k_scored == GENUINE)
    out["genuine_nearer_another_centre"] = int(round(nearer.sum() / sample))
    # The own identity keeps its score whatever its size: only the others
    # are limited to the persons a misfiled photo can come from.
    m5 = margins(vw, cw, own[scored], half_norm + small, half_norm)
    out["whitened_5"] = recall_at_k(m5, k_scored, weights)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
