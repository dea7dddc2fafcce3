#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""engine-moved.py BASE NEW [NEW...] - how far a change of the engine moved its results.

BASE and each NEW are directories written by `scripts/engine-identical.sh save` (the same
traces).  When a change is meant to move results (a one-time change of the tie order, say),
byte identity cannot judge it; this says, over every run's --json, how many runs differ and
how far the key metrics moved (relative), so that the move can be set beside a reference
(e.g. the same engine with another, equally valid, tie order).  Exit 0; 2 on usage errors.
"""
import json
import os
import statistics
import sys

KEYS = ['metrics.fallbacks', 'metrics.hot_ns', 'metrics.sim_end_ts',
        'metrics.exit_to_freed.p50_ns', 'metrics.exit_to_freed.p99_ns',
        'metrics.locks.pool.contended', 'metrics.locks.class.contended']


def get(d, key):
    for part in key.split('.'):
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d


def compare(base, new):
    runs = ident = 0
    moved = {}
    for name in sorted(f for f in os.listdir(base) if f.endswith('.json')):
        other = os.path.join(new, name)
        if not os.path.exists(other):
            continue
        runs += 1
        with open(os.path.join(base, name), 'rb') as f:
            a = f.read()
        with open(other, 'rb') as f:
            b = f.read()
        ident += a == b
        try:
            da, db = json.loads(a), json.loads(b)
        except ValueError:
            print(f'  {name}: not JSON in one of them', file=sys.stderr)
            continue
        for k in KEYS:
            x, y = get(da, k), get(db, k)
            if isinstance(x, (int, float)) and isinstance(y, (int, float)):
                r = 0.0 if x == y else abs(y - x) / max(abs(x), 1)
                moved.setdefault(k, []).append((r, name))
    print(f'== {new}: {runs} runs, {runs - ident} whose JSON differs from {base}')
    for k, v in moved.items():
        v.sort()
        n = sum(1 for r, _ in v if r > 0)
        print(f'  {k:32s} moved in {n:3d}/{len(v)}; median {statistics.median(r for r, _ in v) * 100:.3f} %, '
              f'max {v[-1][0] * 100:.3f} % ({v[-1][1]})')


def main(argv):
    if len(argv) < 3 or not all(os.path.isdir(d) for d in argv[1:]):
        print('usage: engine-moved.py BASE NEW [NEW...]  (directories of engine-identical.sh save)',
              file=sys.stderr)
        return 2
    for new in argv[2:]:
        compare(argv[1], new)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
