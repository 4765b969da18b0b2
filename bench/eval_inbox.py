#!/usr/bin/env python3
"""Evaluates the inbox (issue 18) on a person-per-folder dataset.

Builds a copy of DATASET in WORK/ds where
  * every person with at least --min-photos photos (default 10) has
    --hold-out photos (default 2, chosen with --seed) moved into `_inbox`:
    the held-out known photos;
  * persons drawn at random (--seed) among the others are removed
    entirely, and --absent photos of theirs (default 100, at most
    --per-absent per person) are put into `_inbox`: faces the classifier
    was never shown;
then runs `facecurate init`, `scan`, `train` and `report --json` on it and
reads the report's `inbox` array.

Prints (and writes to WORK/result.json):
  * known_ok: the share of held-out known photos predicted right or
    `unknown` (the done-when line asks >= 99%);
  * absent_unknown: the share of the absent persons' photos predicted
    `unknown` (>= 90%);
  * precision: of the inbox photos given a person (not `unknown`), the share
    given the right one (an absent person's photo given anybody is wrong);
  * the held-out known photos predicted right (recall), the unknown groups.

A photo without a face has no prediction and counts as `unknown`.

--store FILE copies an earlier store of the same photos (same models) into
the new state folder first: the store is keyed by content, so the scan then
only hashes the files instead of embedding them again.

Usage:
  python3 bench/eval_inbox.py ../shared/data/lfw_devtrain \\
      --bin target/release/facecurate --work /tmp/inbox_eval \\
      [--store /tmp/html_lfw/facecurate-state/store.sqlite]
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time

PHOTO = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


def persons_of(root):
    out = {}
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if name.startswith(".") or not os.path.isdir(folder):
            continue
        photos = sorted(
            f for f in os.listdir(folder)
            if not f.startswith(".") and f.lower().endswith(PHOTO)
        )
        out[name] = photos
    return out


def build(args, ds):
    persons = persons_of(args.dataset)
    rng = random.Random(args.seed)
    known = [p for p, photos in persons.items() if len(photos) >= args.min_photos]
    others = [p for p in persons if p not in set(known)]
    rng.shuffle(others)
    absent, absent_photos = set(), []
    for p in others:
        if len(absent_photos) >= args.absent:
            break
        take = persons[p][: args.per_absent][: args.absent - len(absent_photos)]
        absent.add(p)
        absent_photos += [(p, f) for f in take]
    held = []
    for p in known:
        held += [(p, f) for f in rng.sample(persons[p], args.hold_out)]
    held_set = set(held)
    inbox = os.path.join(ds, "_inbox")
    os.makedirs(inbox)
    truth = {}
    for person, photos in persons.items():
        if person in absent:
            continue
        os.makedirs(os.path.join(ds, person))
        for f in photos:
            if (person, f) not in held_set:
                link(os.path.join(args.dataset, person, f), os.path.join(ds, person, f))
    for kind, items in (("known", held), ("absent", absent_photos)):
        for person, f in items:
            name = f"{kind}__{f}"
            link(os.path.join(args.dataset, person, f), os.path.join(inbox, name))
            truth["_inbox/" + name] = (kind, person)
    return truth, len(absent)


def link(src, dst):
    """A symlink: scan reads through it, and the photos are not copied."""
    os.symlink(os.path.abspath(src), dst)


def run(cmd, log):
    start = time.time()
    with open(log, "w") as err:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}); see {log}")
    return out.stdout, time.time() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("--bin", default="target/release/facecurate")
    ap.add_argument("--work", default="/tmp/inbox_eval")
    ap.add_argument("--store", help="an earlier store.sqlite of the same photos")
    ap.add_argument("--min-photos", type=int, default=10)
    ap.add_argument("--hold-out", type=int, default=2)
    ap.add_argument("--absent", type=int, default=100)
    ap.add_argument("--per-absent", type=int, default=5)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--keep", action="store_true", help="reuse WORK if it is there")
    args = ap.parse_args()
    fc = os.path.abspath(args.bin)
    work = os.path.abspath(args.work)
    ws = os.path.join(work, "ws.yaml")
    ds = os.path.join(work, "ds")
    truth_file = os.path.join(work, "truth.json")
    if not (args.keep and os.path.exists(truth_file)):
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        truth, n_absent = build(args, ds)
        with open(truth_file, "w") as f:
            json.dump({"truth": truth, "absent_persons": n_absent}, f)
        run([fc, "-w", ws, "init", ds], os.path.join(work, "init.err"))
        if args.store:
            state = os.path.join(work, "facecurate-state")
            os.makedirs(state, exist_ok=True)
            shutil.copy(args.store, os.path.join(state, "store.sqlite"))
        _, scan_s = run([fc, "-w", ws, "scan"], os.path.join(work, "scan.err"))
        out, train_s = run([fc, "-w", ws, "train"], os.path.join(work, "train.err"))
        with open(os.path.join(work, "train.out"), "w") as f:
            f.write(out)
        print(f"scan {scan_s:.0f} s, train {train_s:.0f} s", file=sys.stderr)
    with open(truth_file) as f:
        saved = json.load(f)
    truth, n_absent = saved["truth"], saved["absent_persons"]
    report, report_s = run([fc, "-w", ws, "report", "--json"], os.path.join(work, "report.err"))
    doc = json.loads(report)
    inbox = {p["path"]: p for p in doc["inbox"]}
    persons = {p["name"] for p in doc["persons"]}
    assert "_inbox" not in persons, "the inbox was taken for a person"
    assert all(not p["path"].startswith("_inbox/") for p in doc["photos"])
    result = evaluate(truth, inbox)
    result.update(
        absent_persons=n_absent,
        report_seconds=round(report_s, 1),
        dataset=os.path.abspath(args.dataset),
        seed=args.seed,
    )
    with open(os.path.join(work, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))


def evaluate(truth, inbox):
    known = absent = known_ok = known_right = absent_unknown = 0
    given = given_right = faceless = 0
    missing = []
    for path, (kind, person) in truth.items():
        p = inbox.get(path)
        if p is None:
            missing.append(path)
            continue
        faceless += p["person"] is None
        suggested = p["suggested_person"]
        if suggested is not None:
            given += 1
            given_right += kind == "known" and suggested == person
        if kind == "known":
            known += 1
            known_ok += suggested is None or suggested == person
            known_right += suggested == person
        else:
            absent += 1
            absent_unknown += suggested is None
    groups = {}
    for p in inbox.values():
        if p["unknown_group"] is not None:
            groups.setdefault(p["unknown_group"], []).append(truth.get(p["path"], ("?", "?"))[1])
    multi = [g for g in groups.values() if len(g) > 1]
    pure = sum(len(set(g)) == 1 for g in multi)
    ratio = lambda n, d: round(n / d, 4) if d else None
    return {
        "known_photos": known,
        "known_ok": ratio(known_ok, known),
        "known_right": ratio(known_right, known),
        "absent_photos": absent,
        "absent_unknown": ratio(absent_unknown, absent),
        "given_a_person": given,
        "precision": ratio(given_right, given),
        "faceless": faceless,
        "missing_from_report": missing,
        "unknown_groups_of_2_plus": len(multi),
        "pure_groups": pure,
    }


if __name__ == "__main__":
    main()
