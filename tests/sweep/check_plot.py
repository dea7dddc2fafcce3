#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_plot.py - reads what `defersim plot` wrote (NAME.gp scripts, NAME.dat data, the
time-series CSV) for the shell tests, independently of the program.

  check_plot.py var GP NAME          the value NAME is set to in GP (printed; quotes removed)
  check_plot.py xrange GP DAT [pos]  GP's xmin and xmax are the smallest and largest first
                                     column of DAT's rows (with pos: of those above 0)
  check_plot.py block DAT N          the rows of data block N of DAT (printed as they are)
  check_plot.py free-le-pool CSV P   no row of the --timeseries CSV has pool_free above P;
                                     prints the largest pool_free seen
"""
import csv
import math
import sys


def var(gp, name):
    with open(gp) as f:
        for line in f:
            if line.startswith(name + "="):
                v = line[len(name) + 1:].strip()
                return v[1:-1].replace("''", "'") if v.startswith("'") else v
    raise SystemExit(f"{gp}: no {name}= line")


def blocks(dat):
    """Data blocks (separated by two blank lines): lists of numeric rows (lists of floats)."""
    out, cur, blank = [], [], 0
    with open(dat) as f:
        for line in f:
            if not line.strip():
                blank += 1
                if blank == 2:
                    out.append(cur)
                    cur = []
                continue
            blank = 0
            if line.startswith("#") or line.startswith('"'):
                continue
            cur.append(line)
    out.append(cur)
    return out


def xrange_check(gp, dat, pos):
    xs = [float(r.split()[0]) for b in blocks(dat) for r in b]
    if pos:
        xs = [x for x in xs if x > 0]
    lo, hi = float(var(gp, "xmin")), float(var(gp, "xmax"))
    assert math.isclose(lo, min(xs), rel_tol=1e-9), f"xmin {lo}, data from {min(xs)}"
    assert math.isclose(hi, max(xs), rel_tol=1e-9), f"xmax {hi}, data to {max(xs)}"


def free_le_pool(path, pool):
    top = 0
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            free = int(row["pool_free"])
            assert free <= pool, f"{path}: pool_free {free} > pool_pages {pool} at {row['ts_ns']} ({row['backend']})"
            top = max(top, free)
    print(top)


def main(a):
    if a[0] == "var":
        print(var(a[1], a[2]))
    elif a[0] == "xrange":
        xrange_check(a[1], a[2], len(a) > 3)
    elif a[0] == "block":
        for r in blocks(a[1])[int(a[2])]:
            print(r, end="")
    elif a[0] == "free-le-pool":
        free_le_pool(a[1], int(a[2]))
    else:
        raise SystemExit(f"unknown check {a[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
