#!/usr/bin/env python3
"""Measures an embedder's cosine distributions on a person-per-folder set and
derives the cosine-scale analysis thresholds from them (the defaults of
`src/analysis/settings.rs`, per embedder).

  python3 bench/embedder_thresholds.py DUMP.json [--reference SFACE_DUMP.json]

DUMP is an `facecurate embed --json DATASET [--embedder NAME]` dump. Printed:
same-person pair cosines (median, percentiles), different-person pair
cosines (mean, sd, far percentiles, from a seeded sample), and per-person
typical cosine (the median of a person's pair cosines, persons with >= 3
photos: mean and sd across persons, the prior the analysis shrinks small
persons towards).

With --reference (the dump of the embedder the defaults were set on, SFace),
each cosine-scale threshold is carried over to this embedder by the rule
that fits what it separates:
  * `different_mean`, `different_sd`: measured;
  * `same_mean`, `duplicate_candidate_cosine`: by where they sit between the
    two distributions' centres, t = (x - different_mean) / (same_median -
    different_mean) on the reference, x' = different_mean' + t *
    (same_median' - different_mean') here;
  * `same_sd`: SFace's scaled by the ratio of the spreads of typical cosines;
  * `similar_cosine` (near 1, where the linear map overshoots): the same
    quantile of same-person pairs;
  * `split_link`, `merge_min_cosine`, `inconsistent_cosine`,
    `singleton_margin` (they guard against chance likeness of different
    people): the same number of different-person standard deviations above
    the different-person mean.
The pixel thresholds do not depend on the embedder.
"""
import argparse, json, math, os, random, sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval_analysis import main_face, unit  # noqa: E402  the same main face as the evaluation

# SFace's defaults (src/analysis/settings.rs) and how each is carried over.
CARRIED = {
    "same_mean": (0.62, "centres"),
    "duplicate_candidate_cosine": (0.55, "centres"),
    "similar_cosine": (0.9, "same_quantile"),
    "split_link": (0.3, "different_sd"),
    "merge_min_cosine": (0.45, "different_sd"),
    "inconsistent_cosine": (0.34, "different_sd"),
    "singleton_margin": (0.45, "different_sd"),
}


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def quantile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(q * (len(xs) - 1))))]


def measure(path, seed=1, different_pairs=200_000):
    """The distributions, and the sorted same-person pair cosines."""
    doc = json.load(open(path))
    persons = defaultdict(list)
    for photo in doc["photos"]:
        face = main_face(photo)
        if face is None:
            continue
        person = photo["path"].replace("\\", "/").split("/")[-2]
        persons[person].append(unit(face["embedding"]))
    same, typical = [], []
    for vecs in persons.values():
        sims = [dot(vecs[i], vecs[j]) for i in range(len(vecs)) for j in range(i + 1, len(vecs))]
        same.extend(sims)
        if len(vecs) >= 3:
            typical.append(quantile(sims, 0.5))
    rng = random.Random(seed)
    flat = [(p, v) for p, vs in persons.items() for v in vs]
    diff = []
    while len(diff) < different_pairs:
        (pa, a), (pb, b) = rng.choice(flat), rng.choice(flat)
        if pa != pb:
            diff.append(dot(a, b))
    d_mean = sum(diff) / len(diff)
    d_sd = math.sqrt(sum((x - d_mean) ** 2 for x in diff) / len(diff))
    t_mean = sum(typical) / len(typical)
    t_sd = math.sqrt(sum((x - t_mean) ** 2 for x in typical) / len(typical))
    same.sort()
    return same, {
        "photos": len(flat),
        "persons": len(persons),
        "same_pairs": len(same),
        "same_median": quantile(same, 0.5),
        "same_p5": quantile(same, 0.05),
        "same_p99_9": quantile(same, 0.999),
        "different_mean": d_mean,
        "different_sd": d_sd,
        "different_p99_99": quantile(diff, 0.9999),
        "typical_mean": t_mean,
        "typical_sd": t_sd,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump")
    ap.add_argument("--reference", help="dump of the embedder the defaults were set on (SFace)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    same, m = measure(args.dump, args.seed)
    out = {"measured": m}
    if args.reference:
        ref_same, r = measure(args.reference, args.seed)
        out["reference"] = r
        carried = {"different_mean": round(m["different_mean"], 3), "different_sd": round(m["different_sd"], 3)}
        for key, (x, rule) in CARRIED.items():
            if rule == "centres":
                t = (x - r["different_mean"]) / (r["same_median"] - r["different_mean"])
                y = m["different_mean"] + t * (m["same_median"] - m["different_mean"])
            elif rule == "same_quantile":
                q = sum(1 for v in ref_same if v < x) / len(ref_same)
                y = same[int(q * (len(same) - 1))]
            else:
                z = (x - r["different_mean"]) / r["different_sd"]
                y = m["different_mean"] + z * m["different_sd"]
            carried[key] = round(y, 3)
        carried["same_sd"] = round(0.10 * m["typical_sd"] / r["typical_sd"], 3)
        out["carried"] = carried
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
