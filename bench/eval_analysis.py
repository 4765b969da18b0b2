#!/usr/bin/env python3
"""Evaluates `facecurate report` on a copy of LFW (or any person-per-folder
set) with seeded, injected label noise and near-duplicates.

  python3 bench/eval_analysis.py --dataset /work/shared/data/lfw_devtrain \
      --known /work/shared/data/meta/lfw_devtrain/known_label_errors.tsv \
      --embeddings /tmp/lfw_embed.json [--seed 1] [--fast]

It copies the dataset to a temporary folder, then
  * moves 3% of the photos of persons with >= 5 photos into other persons'
    folders: half to a random person, half to the person whose centre (mean
    clean embedding) the photo most resembles;
  * adds 100 transformed copies (JPEG quality 50, 50% downscale, 5% border
    crop, mirror, +20% brightness; 20 of each), half in the original's folder
    and half in another person's folder;
runs `facecurate report --json` on it and scores: recall of the moved photos
within the top K of the ranking (K = number moved), among all photos of the
dataset (`natural`) and without the photos the errata already name as wrong
(`unknown`); the injected copies are left out of that ranking; whether the errata are flagged; recall and precision of
copies reported as `exact` or `copy`.

`--embeddings` is an `embed --json` dump of the clean dataset (made with
`facecurate embed --json DATASET` when not given). `--fast` skips the
pipeline on the moved photos: it reuses the dump, embeds only the copies and
feeds the analysis through `cargo run --release --example report_dump`
(the report of records read from a dump). Needs Pillow.
"""
import argparse, json, os, random, shutil, subprocess, sys, tempfile, math
from collections import defaultdict

KINDS = ["jpeg50", "half", "crop5", "mirror", "bright20"]


def rel(path):
    parts = path.replace("\\", "/").split("/")
    return parts[-2] + "/" + parts[-1]


def unit(v):
    n = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / n for x in v]


def main_face(photo):
    faces = photo["faces"]
    if not faces:
        return None
    cx, cy = photo["width"] / 2, photo["height"] / 2
    def key(f):
        b = f["bbox"]
        dx, dy = b[0] + b[2] / 2 - cx, b[1] + b[3] / 2 - cy
        return b[2] * b[3] - 2 * (dx * dx + dy * dy)
    return max(faces, key=key)


def transform(src, dst, kind):
    from PIL import Image, ImageEnhance, ImageOps  # only the copies need Pillow

    im = Image.open(src).convert("RGB")
    quality = 95
    if kind == "jpeg50":
        quality = 50
    elif kind == "half":
        im = im.resize((max(1, im.width // 2), max(1, im.height // 2)), Image.BICUBIC)
    elif kind == "crop5":
        dx, dy = round(im.width * 0.05), round(im.height * 0.05)
        im = im.crop((dx, dy, im.width - dx, im.height - dy))
    elif kind == "mirror":
        im = ImageOps.mirror(im)
    else:
        im = ImageEnhance.Brightness(im).enhance(1.2)
    im.save(dst, quality=quality)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--known", help="known_label_errors.tsv of the dataset")
    ap.add_argument("--embeddings", help="embed --json dump of the clean dataset")
    ap.add_argument("--binary", default="target/release/facecurate")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fraction", type=float, default=0.03)
    ap.add_argument("--copies", type=int, default=100)
    ap.add_argument("--natural-duplicates", help="TSV (a, b) of pairs in the dataset checked by eye to be one photo")
    ap.add_argument("--fast", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temporary dataset")
    ap.add_argument("--json-out", help="write the scores here as JSON")
    ap.add_argument("--settings", help="analysis thresholds as JSON, passed to `report --settings`")
    ap.add_argument("--embedder", help="embed with this embedder (sface, facenet); needs --fast and a dump made with it")
    args = ap.parse_args()
    if args.embedder and not args.fast:
        ap.error("--embedder needs --fast (report on a folder runs the default embedder)")
    embed_flags = ["--embedder", args.embedder] if args.embedder else []
    rng = random.Random(args.seed)
    binary = os.path.abspath(args.binary)

    if args.embeddings:
        dump = json.load(open(args.embeddings))
    else:
        out = subprocess.run([binary, "embed", "--json", *embed_flags, args.dataset], check=True, capture_output=True, text=True)
        dump = json.loads(out.stdout)
    photos = {rel(p["path"]): p for p in dump["photos"]}
    by_person = defaultdict(list)
    for path in sorted(photos):
        by_person[path.split("/")[0]].append(path)
    persons = sorted(by_person)

    known_rows = []
    if args.known:
        with open(args.known) as f:
            next(f)
            known_rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    wrong_anyway = set()
    for path, kind, note in known_rows:
        if "/" in path:
            wrong_anyway.add(path)
        else:
            wrong_anyway.update(by_person.get(path, []))
        for word in note.replace(",", " ").split():
            if "/" in word and word.endswith(".jpg"):
                wrong_anyway.add(word)
    # Clean centres for "the person it most resembles".
    centre = {}
    for p, paths in by_person.items():
        vs = [unit(main_face(photos[x])["embedding"]) for x in paths if main_face(photos[x])]
        if vs:
            centre[p] = unit([sum(c) for c in zip(*vs)])

    eligible = [x for p in persons if len(by_person[p]) >= 5 for x in by_person[p]
                if x not in wrong_anyway and main_face(photos[x])]
    n_move = round(args.fraction * sum(len(by_person[p]) for p in persons if len(by_person[p]) >= 5))
    moved = rng.sample(eligible, n_move)
    moves = {}
    for k, path in enumerate(moved):
        own = path.split("/")[0]
        if k % 2 == 0:
            to = own
            while to == own:
                to = rng.choice(persons)
            moves[path] = (to, "random")
        else:
            e = unit(main_face(photos[path])["embedding"])
            best = max((p for p in centre if p != own), key=lambda p: sum(a * b for a, b in zip(e, centre[p])))
            moves[path] = (best, "alike")
    rest = [x for x in sorted(photos) if x not in moves and x not in wrong_anyway and main_face(photos[x])]
    originals = rng.sample(rest, args.copies)

    tmp = tempfile.mkdtemp(prefix="fc-eval-")
    root = os.path.join(tmp, "dataset")
    shutil.copytree(args.dataset, root)
    for path, (to, _) in moves.items():
        shutil.move(os.path.join(root, path), os.path.join(root, to, path.split("/")[1]))
    copies = {}
    copy_dir = os.path.join(tmp, "copies")
    os.makedirs(copy_dir)
    for k, path in enumerate(originals):
        kind = KINDS[k % len(KINDS)]
        own = path.split("/")[0]
        folder = own if k % 2 == 0 else rng.choice([p for p in persons if p != own])
        name = path.split("/")[1][:-4] + f"_copy_{kind}.jpg"
        transform(os.path.join(args.dataset, path), os.path.join(root, folder, name), kind)
        copies[folder + "/" + name] = (path, kind)
    print(f"injected: {len(moves)} moved photos, {len(copies)} copies into {root}", file=sys.stderr)

    def new_path(path):
        return moves[path][0] + "/" + path.split("/")[1] if path in moves else path

    if args.fast:
        for c in copies:
            shutil.copy(os.path.join(root, c), os.path.join(copy_dir, c.replace("/", "__")))
        out = subprocess.run([binary, "embed", "--json", *embed_flags, copy_dir], check=True, capture_output=True, text=True)
        embedded = json.loads(out.stdout)
        combined = {"photos": [], "failed": dump.get("failed", [])}
        for path, p in photos.items():
            combined["photos"].append(dict(p, path=os.path.join(root, new_path(path))))
        for p in embedded["photos"]:
            combined["photos"].append(dict(p, path=os.path.join(root, p["path"].split("/")[-1].replace("__", "/"))))
        # How far each copy's face falls from its original's, in the
        # embedder's cosine (what `duplicate_candidate_cosine` must admit).
        copy_cos = []
        for p in embedded["photos"]:
            c = p["path"].split("/")[-1].replace("__", "/")
            f, o = main_face(p), main_face(photos[copies[c][0]])
            if f and o:
                copy_cos.append((max(sum(a * b for a, b in zip(unit(g["embedding"]), unit(o["embedding"])))
                                     for g in p["faces"]), copies[c][1]))
        copy_cos.sort()
        print("lowest cosine of a copy to its original:", [(round(c, 3), k) for c, k in copy_cos[:5]], file=sys.stderr)
        dump_path = os.path.join(tmp, "records.json")
        json.dump(combined, open(dump_path, "w"))
        cmd = ["cargo", "run", "--quiet", "--release", "--example", "report_dump", "--", dump_path, root]
        if args.settings:
            cmd.append(os.path.abspath(args.settings))
    else:
        cmd = [binary, "report", "--json", root]
        if args.settings:
            cmd[2:2] = ["--settings", os.path.abspath(args.settings)]
    print("running:", " ".join(cmd), file=sys.stderr)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    sys.stderr.write(out.stderr[-400:])
    report = json.loads(out.stdout)

    # Mislabels.
    ranking = [p["path"] for p in report["photos"]]
    by_path = {p["path"]: p for p in report["photos"]}
    target = {new_path(p): (kind, p.split("/")[0]) for p, (_, kind) in moves.items()}
    K = len(target)
    # "natural": every photo of the dataset competes, only the injected
    # copies (errors of another kind, made by this script) are left out;
    # "unknown": the photos the errata already name as wrong are left out too.
    natural = [x for x in ranking if x not in copies]
    errata = {new_path(x) for x in wrong_anyway}
    unknown = [x for x in natural if x not in errata]
    scores = {}
    for name, order in (("natural", natural), ("unknown", unknown)):
        top = set(order[:K])
        for half in ("random", "alike"):
            items = [p for p, (kind, _) in target.items() if kind == half]
            hit = sum(p in top for p in items)
            scores[f"{name}_{half}"] = (hit, len(items))
        hit = sum(p in top for p in target)
        scores[f"{name}_all"] = (hit, K)
    named = sum(1 for p, (_, true) in target.items() if by_path.get(p, {}).get("suggested_person") == true)
    scores["suggested_true_person"] = (named, K)
    # The figure: of the moved photos that made the top K
    # (natural ranking), how many name their true person.
    in_top = [p for p in target if p in set(natural[:K])]
    named_top = sum(1 for p in in_top if by_path.get(p, {}).get("suggested_person") == target[p][1])
    scores["suggested_true_person_in_top_k"] = (named_top, len(in_top))
    flagged = sum(1 for p in target if "mislabel" in by_path.get(p, {}).get("flags", []))
    scores["flagged_mislabel"] = (flagged, K)
    top_other = [x for x in unknown[:K] if x not in target]
    natural_other = [x for x in natural[:K] if x not in target]

    # Known errors.
    person_flags = {p["name"]: p for p in report["persons"]}
    known = []
    for path, kind, note in known_rows:
        if "/" in path:
            p = by_path.get(new_path(path))
            flags = p["flags"] if p else []
            found = any(f in flags for f in ("mislabel", "outlier", "duplicate", "split", "merge", "inconsistent"))
            extra = p.get("suggested_person") if p else None
            # Every photo of a folder being another person's is a folder
            # under the wrong name: the finding is then on the folder
            # ("merge" with the person the errata name), whichever of the
            # two folders the analysis merges into the other.
            folder = person_flags.get(path.split("/")[0], {})
            actually = note.split()[-1] if note.startswith("actually ") else None
            if not found and actually and actually in folder.get("merge_with", []):
                found, extra = True, f"(folder flagged merge with {actually})"
            known.append((path, kind, found, flags, extra))
        else:
            p = person_flags.get(path, {})
            found = any(f in p.get("flags", []) for f in ("merge", "split", "inconsistent"))
            known.append((path, kind, found, p.get("flags", []), ",".join(p.get("merge_with", []))))
    # Duplicates.
    pairs = {}
    for d in report["duplicates"]:
        pairs[frozenset((d["a"], d["b"]))] = d["kind"]
    want = {frozenset((c, new_path(o))) for c, (o, _) in copies.items()}
    found_dup = sum(1 for w in want if pairs.get(w) in ("exact", "copy"))
    missed = [(sorted(w), copies[[x for x in w if x in copies][0]][1], pairs.get(w)) for w in want if pairs.get(w) not in ("exact", "copy")]
    reported = [k for k, v in pairs.items() if v in ("exact", "copy")]
    known_dups = set()
    for path, kind, note in known_rows:
        if "duplicate" in kind:
            for word in note.split():
                if "/" in word:
                    known_dups.add(frozenset((path, word)))
    verified = set()
    if args.natural_duplicates:
        with open(args.natural_duplicates) as f:
            for line in f:
                if line.strip() and not line.startswith("#") and not line.startswith("a\t"):
                    a, b = line.rstrip("\n").split("\t")[:2]
                    verified.add(frozenset((new_path(a), new_path(b))))
    # One photo filed several ways: an injected copy of a photo that LFW
    # itself holds twice is a copy of both, so pairs are judged by the
    # groups that injected and known duplicate pairs join.
    group = {}
    def root(x):
        while group.get(x, x) != x:
            x = group[x]
        return x
    for pair in list(want) + list(verified) + list(known_dups):
        a, b = sorted(pair)
        group[root(a)] = root(b)
    same_photo = lambda k: len({root(x) for x in k}) == 1
    natural_pairs = [sorted(k) for k in reported if k not in want]
    wrong_strict = len(natural_pairs)
    involving = [k for k in natural_pairs if any(x in copies for x in k)]
    unverified = [k for k in natural_pairs if not same_photo(k)]

    print(f"\nmislabels moved: {K} (seed {args.seed})")
    for key, (hit, n) in scores.items():
        print(f"  {key:24s} {hit}/{n} = {hit / max(n, 1):.1%}")
    print("\nknown errors:")
    for path, kind, found, flags, extra in known:
        print(f"  {'FLAGGED' if found else 'missed '}  {path} ({kind}) {flags} {extra or ''}")
    print(f"\nduplicates: {found_dup}/{len(want)} copies reported as exact/copy = {found_dup / max(len(want), 1):.1%}")
    for m in missed:
        print("  missed:", m)
    print(f"  reported exact/copy pairs: {len(reported)}; not injected: {wrong_strict} "
          f"({wrong_strict / max(len(reported), 1):.1%}); of these touching an injected copy: {len(involving)}; "
          f"one photo by the errata, the pairs verified by eye or an injected copy of one: {wrong_strict - len(unverified)}")
    print(f"  wrongly reported (not injected, not a known duplicate): {len(unverified)} = {len(unverified) / max(len(reported), 1):.1%}")
    for k in unverified:
        print("  unverified:", k, pairs[frozenset(k)])
    corr = {frozenset((d["a"], d["b"])): d.get("correlation") or 0.0 for d in report["duplicates"]}
    low = sorted((corr.get(w, 0.0), copies[[x for x in w if x in copies][0]][1]) for w in want)[:3]
    high = sorted(((c, sorted(k)) for k, c in corr.items() if not same_photo(k)), reverse=True)[:3]
    print("  margin: lowest registered correlation of the injected copies", [(round(c, 4), kind) for c, kind in low])
    print("          highest of pairs that are not one photo", [(round(c, 4), k) for c, k in high])
    print("\nmoved photos outside the top K (natural ranking):")
    rank = {x: k for k, x in enumerate(natural)}
    for x, (kind, true) in sorted(target.items(), key=lambda t: rank.get(t[0], 10**9)):
        if rank.get(x, 10**9) >= K:
            p = by_path.get(x, {})
            print(f"  #{rank.get(x, -1) + 1} {x} ({kind}, from {true}) {p.get('flags')} score {p.get('score', 0):.1f} "
                  f"-> {p.get('suggested_person')} margin {p.get('margin')}")
    print("\nhighest-ranked photos that were not moved (unknown ranking):")
    for x in top_other:
        p = by_path[x]
        print(f"  {x} {p['flags']} score {p['score']:.1f} -> {p['suggested_person']} margin {p['margin']}")
    print("\nhighest-ranked photos that were not moved (natural ranking):")
    for x in natural_other:
        p = by_path[x]
        print(f"  #{rank[x] + 1} {x} ({'errata' if x in errata else 'not listed'}) {p['flags']} score {p['score']:.1f} "
              f"-> {p['suggested_person']} margin {p['margin']}")
    if args.json_out:
        json.dump({"scores": scores, "known": known, "dup_recall": [found_dup, len(want)],
                   "reported": len(reported), "not_injected": natural_pairs, "unverified": unverified},
                  open(args.json_out, "w"), indent=1)
    if not args.keep:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
