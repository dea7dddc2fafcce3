#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_results.py - independent checks of sweep output, for the shell tests.

  check_results.py complete DIR N         results.jsonl/csv of DIR hold points 0..N-1 exactly
                                          once each, in order, with distinct keys; every
                                          point file parses and is one of them
  check_results.py same-run RECORD.jsonl INDEX RUN.json
                                          point INDEX has the params and metrics of RUN.json
                                          (a `defersim replay --json` of the same inputs)
  check_results.py smallest DIR TARGET    smallest params.pool_pages whose fallback_rate <=
                                          TARGET among the records of DIR (printed)
  check_results.py rate RUN.json          metrics.fallback_rate of a run (printed)
  check_results.py answer SIZE.json       answer.pool_pages of `defersim size --json`
  check_results.py corrupt POINT.json     add 1 to metrics.fallbacks (a conflicting duplicate)
  check_results.py vs-pool DAT DIR [nozero]
                                          fallback_vs_pool.dat holds fallback_rate*100 of the
                                          non-sync records of DIR, one line per record (with
                                          nozero: those of pool_pages > 0, for a log axis)
"""
import csv
import glob
import json
import os
import sys


def records(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def complete(d, n):
    recs = records(os.path.join(d, "results.jsonl"))
    assert len(recs) == n, f"{len(recs)} records, expected {n}"
    idx = [r["point"]["index"] for r in recs]
    assert idx == list(range(n)), f"indices {idx[:10]}... not 0..{n-1} in order"
    keys = [r["point"]["key"] for r in recs]
    assert len(set(keys)) == n, "duplicate keys"
    with open(os.path.join(d, "results.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n, f"{len(rows)} CSV rows, expected {n}"
    assert [int(r["point.index"]) for r in rows] == idx
    assert [r["point.key"] for r in rows] == keys
    for r, c in zip(recs, rows):
        assert float(c["metrics.fallback_rate"]) == r["metrics"]["fallback_rate"]
    files = glob.glob(os.path.join(d, "points", "*.json"))
    for p in files:
        with open(p) as f:
            rec = json.load(f)
        assert rec["point"]["key"] in keys, f"{p}: not a point of this sweep"
        assert os.path.basename(p) == rec["point"]["key"] + ".json"


def same_run(jsonl, index, run):
    rec = [r for r in records(jsonl) if r["point"]["index"] == index][0]
    with open(run) as f:
        one = json.load(f)
    # A point summarises the per-task rows (schema 2): the replay lists them all.
    rows = one["metrics"].pop("tasks")
    summary = rec["metrics"]["tasks_summary"]
    assert "tasks" not in rec["metrics"], "a point file lists its per-task rows"
    assert summary["count"] == len(rows)
    top = summary["top"]
    # stable sorts: equal tasks stay in the engine's order, as the summary ranks them
    by_sync = sorted(rows, key=lambda t: -t["sync_ns"])[:top]
    assert summary["by_sync"] == by_sync, "tasks_summary.by_sync is not the rows' top"
    by_rel = sorted(rows, key=lambda t: (-t["releases"], t["pid"]))[:top]
    assert summary["by_releases"] == by_rel, "tasks_summary.by_releases is not the rows' top"
    worst = max(rows, key=lambda t: t["hot_ns"]) if rows else None
    assert summary["worst_hot"] == worst
    for k in ("params", "metrics", "invariants", "policy"):
        assert rec[k] == one[k], f"{k} differs between the sweep point and the replay"


def smallest(d, target):
    best = None
    for r in records(os.path.join(d, "results.jsonl")):
        if r["metrics"]["fallback_rate"] <= target:
            p = int(r["params"]["pool_pages"])
            best = p if best is None else min(best, p)
    print(best)


def rate(path):
    with open(path) as f:
        print(repr(json.load(f)["metrics"]["fallback_rate"]))


def answer(path):
    with open(path) as f:
        print(json.load(f)["answer"]["pool_pages"])


def corrupt(path):
    with open(path) as f:
        rec = json.load(f)
    rec["metrics"]["fallbacks"] += 1
    with open(path, "w") as f:
        json.dump(rec, f)


def vs_pool(dat, d, nozero):
    want = sorted((r["params"]["cpus"], int(r["params"]["pool_pages"]),
                   round(r["metrics"]["fallback_rate"] * 100, 4))
                  for r in records(os.path.join(d, "results.jsonl"))
                  if r["policy"] != "sync" and (int(r["params"]["pool_pages"]) or not nozero))
    got, label = [], None
    with open(dat) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line.startswith('"'):
                label = line.split('"')[1]
                continue
            pages, value = line.split()
            cpus = [kv.split("=")[1] for kv in label.split(", ") if kv.startswith("cpus=")][0]
            got.append((cpus, int(pages), round(float(value), 4)))
    # the plot file holds 4 decimals (printf's rounding of the binary value; Python's
    # round() of the same double may land on the other side of a ...5): equal within 1e-4
    got = sorted(got)
    assert [g[:2] for g in got] == [w[:2] for w in want], f"{got[:5]} != {want[:5]}"
    for g, w in zip(got, want):
        assert abs(g[2] - w[2]) <= 1.0001e-4, f"{g} != {w}"


def main(a):
    cmd = a[1]
    if cmd == "complete":
        complete(a[2], int(a[3]))
    elif cmd == "same-run":
        same_run(a[2], int(a[3]), a[4])
    elif cmd == "smallest":
        smallest(a[2], float(a[3]))
    elif cmd == "rate":
        rate(a[2])
    elif cmd == "answer":
        answer(a[2])
    elif cmd == "corrupt":
        corrupt(a[2])
    elif cmd == "vs-pool":
        vs_pool(a[2], a[3], len(a) > 4 and a[4] == "nozero")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
