#!/usr/bin/env python3
"""Evaluates the findings on small folders (issue 18) on a person-per-folder
set, from an `embed --json` dump, without running the pipeline again:

  python3 bench/eval_small_folders.py --dataset ../shared/data/lfw_devtrain \\
      --embeddings /tmp/lfw_embed64.json [--seed 1] [--settings S.json]

For a seed it plants, in the dump's records only (no file is copied or
moved),
  * 50 two-photo folders `Planted_Pair_NN`, each holding one photo of one
    person and one of another (two persons drawn at random among those
    with >= 5 photos; the photos leave their own folders);
  * 50 one-photo folders `Planted_Single_NN`, each holding one photo of a
    person with >= 5 photos (its true person keeps the others);
then runs `cargo run --release --example report_dump` on the records and
scores:
  * planted pairs whose folder is flagged `inconsistent` (want >= 90%), and
    the set's own two-photo folders flagged `inconsistent` (want <= 2%; the
    folders that lost a photo to the planting are left out);
  * planted singles named into their true person (`suggested_person`, or
    the folder flagged `merge` with it), against the set's own one-photo
    folders named into another person (look-alikes, or real errors the
    errata name);
and prints, from the dump's main faces, how the rates move with
`inconsistent_cosine` and `singleton_margin`, to pick them from.
"""
import argparse, json, os, random, subprocess, sys, tempfile
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval_analysis import main_face, rel, unit  # noqa: E402  the same main face as the evaluation


def cos(a, b):
    return sum(x * y for x, y in zip(unit(a), unit(b)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--embeddings", required=True, help="embed --json dump of the dataset")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pairs", type=int, default=50)
    ap.add_argument("--singles", type=int, default=50)
    ap.add_argument("--settings", help="analysis thresholds as JSON, passed to report_dump")
    ap.add_argument("--json-out", help="write the scores here as JSON")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    dump = json.load(open(args.embeddings))
    photos = {rel(p["path"]): p for p in dump["photos"]}
    by_person = defaultdict(list)
    for path in sorted(photos):
        by_person[path.split("/")[0]].append(path)
    big = [p for p in sorted(by_person) if len(by_person[p]) >= 5]
    usable = {p: [x for x in by_person[p] if main_face(photos[x])] for p in big}

    taken = set()
    def draw(person):
        choices = [x for x in usable[person] if x not in taken]
        if len(choices) <= 3:  # leave every source folder >= 3 photos
            return None
        x = rng.choice(choices)
        taken.add(x)
        return x

    planted = {}  # new path -> old path
    pairs = []
    while len(pairs) < args.pairs:
        a, b = rng.sample(big, 2)
        x, y = draw(a), draw(b)
        if x is None or y is None:
            continue
        folder = f"Planted_Pair_{len(pairs):02d}"
        pair = []
        for old in (x, y):
            new = f"{folder}/{old.split('/')[1]}"
            planted[new] = old
            pair.append(new)
        pairs.append((folder, pair, cos(main_face(photos[x])["embedding"], main_face(photos[y])["embedding"])))
    singles = []
    while len(singles) < args.singles:
        person = rng.choice(big)
        x = draw(person)
        if x is None:
            continue
        folder = f"Planted_Single_{len(singles):02d}"
        new = f"{folder}/{x.split('/')[1]}"
        planted[new] = x
        singles.append((folder, new, person))
    lost = {old.split("/")[0] for old in planted.values()}

    where = {old: new for new, old in planted.items()}
    root = os.path.abspath(args.dataset)
    records = {"photos": [], "failed": dump.get("failed", [])}
    for path, p in photos.items():
        records["photos"].append(dict(p, path=os.path.join(root, where.get(path, path))))
    tmp = tempfile.mkdtemp(prefix="fc-small-")
    dump_path = os.path.join(tmp, "records.json")
    json.dump(records, open(dump_path, "w"))
    cmd = ["cargo", "run", "--quiet", "--release", "--example", "report_dump", "--", dump_path, root]
    if args.settings:
        cmd.append(os.path.abspath(args.settings))
    print("running:", " ".join(cmd), file=sys.stderr)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    sys.stderr.write(out.stderr[-400:])
    report = json.loads(out.stdout)
    os.remove(dump_path)
    os.rmdir(tmp)
    persons = {p["name"]: p for p in report["persons"]}
    by_path = {p["path"]: p for p in report["photos"]}

    # Two-photo folders.
    flagged_pairs = [f for f, _, _ in pairs if "inconsistent" in persons.get(f, {}).get("flags", [])]
    both = sum(all("inconsistent" in by_path[x]["flags"] for x in pair) for _, pair, _ in pairs)
    genuine = [p for p in sorted(by_person) if len(by_person[p]) == 2 and p not in lost]
    genuine_with_faces = [p for p in genuine if all(main_face(photos[x]) for x in by_person[p])]
    flagged_genuine = [p for p in genuine if "inconsistent" in persons.get(p, {}).get("flags", [])]
    print(f"\nseed {args.seed}")
    print(f"planted two-photo folders flagged inconsistent: {len(flagged_pairs)}/{len(pairs)}"
          f" = {len(flagged_pairs) / len(pairs):.1%} (both photos flagged: {both})")
    print(f"the set's two-photo folders flagged inconsistent: {len(flagged_genuine)}/{len(genuine)}"
          f" = {len(flagged_genuine) / max(len(genuine), 1):.1%}")
    for f, pair, c in pairs:
        if f not in flagged_pairs:
            print(f"  planted, not flagged: {pair} main-face cosine {c:.3f}")
    genuine_cos = {p: cos(*(main_face(photos[x])["embedding"] for x in by_person[p])) for p in genuine_with_faces}
    for p in flagged_genuine:
        print(f"  set's own, flagged: {p} main-face cosine {genuine_cos.get(p, float('nan')):.3f}")
    print("  by main-face cosine, threshold: planted flagged / the set's flagged")
    for t in (0.20, 0.25, 0.28, 0.30, 0.32, 0.34, 0.36, 0.38, 0.40):
        hit = sum(c < t for _, _, c in pairs)
        fp = sum(c < t for c in genuine_cos.values())
        print(f"    {t:.2f}: {hit}/{len(pairs)}  {fp}/{len(genuine_cos)} = {fp / max(len(genuine_cos), 1):.1%}")

    # One-photo folders: the finding is the photo's `suggested_person`, or
    # (a one-photo folder that is another person) the folder's `merge_with`.
    def named(folder, path):
        r = by_path.get(path, {})
        out = set(persons.get(folder, {}).get("merge_with", []))
        if r.get("suggested_person"):
            out.add(r["suggested_person"])
        return out
    right = [(f, by_path[x]) for f, x, true in singles if true in named(f, x)]
    margins = sorted((by_path[x].get("margin") or -1.0, by_path[x].get("nearest_person") == true)
                     for _, x, true in singles)
    own_singles = [p for p in sorted(by_person) if len(by_person[p]) == 1]
    named_own = [(p, by_path[by_person[p][0]]) for p in own_singles
                 if by_path.get(by_person[p][0]) and named(p, by_person[p][0])]
    print(f"\nplanted one-photo folders named into their true person (suggested or merge): {len(right)}/{len(singles)}")
    print(f"the set's one-photo folders named into another person: {len(named_own)}/{len(own_singles)}")
    for p, r in named_own:
        print(f"  {r['path']} -> {sorted(named(p, r['path']))} {r['flags']} margin {r['margin']:.3f} score {r['score']:.1f}")
    own_margin = sorted(r["margin"] for _, r in named_own)
    print("  planted singles: margin (ascending), nearest person right:",
          [(round(m, 3), ok) for m, ok in margins[:12]])
    print("  by margin: planted named right / the set's named")
    for t in (0.0, 0.40, 0.42, 0.44, 0.45, 0.46, 0.48, 0.50, 0.55):
        hit = sum(1 for _, r in right if (r["margin"] or -1.0) >= t)
        fp = sum(m >= t for m in own_margin)
        print(f"    {t:.2f}: {hit}/{len(singles)}  {fp}/{len(own_singles)}")
    if args.json_out:
        json.dump({"seed": args.seed, "pairs_flagged": [len(flagged_pairs), len(pairs)],
                   "genuine_flagged": [len(flagged_genuine), len(genuine)], "flagged_genuine": flagged_genuine,
                   "singles_right": [len(right), len(singles)],
                   "own_singles_named": [[p, r["suggested_person"], r["margin"]] for p, r in named_own]},
                  open(args.json_out, "w"), indent=1)


if __name__ == "__main__":
    main()
