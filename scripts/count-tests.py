#!/usr/bin/env python3
"""count-tests.py - count test cases in meson testlog.json files and print "N passed, N failed".

Meson counts a TAP program as one test; CI wants the cases.  Each TAP "ok"/"not ok" line is a
case ("# SKIP" ones are counted as skipped, not passed).  A program that crashed or printed no
TAP case at all counts as one failed case, so a crash can never look like success.
"""
import json
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')
PLAN = re.compile(r'^1\.\.(\d+)')


def count(path):
    passed = failed = skipped = 0
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            ok = t.get('result') in ('OK', 'EXPECTEDFAIL', 'SKIP')
            lines = (t.get('stdout') or '').splitlines()
            cases = [m for m in (TAP.match(l) for l in lines) if m]
            plans = [int(m.group(1)) for m in (PLAN.match(l) for l in lines) if m]
            # meson 1.0's log has no protocol key: a test that printed TAP cases is TAP.
            if not cases:
                if t.get('result') == 'SKIP':
                    skipped += 1
                elif ok:
                    passed += 1
                else:
                    failed += 1
                continue
            for m in cases:
                if '# SKIP' in m.group(2).upper():
                    skipped += 1
                elif m.group(1) == 'ok':
                    passed += 1
                else:
                    failed += 1
            missing = sum(plans) - len(cases) if plans else 0
            if missing > 0:
                failed += missing  # the plan promised cases that never reported: it died
            elif not ok and all(m.group(1) == 'ok' for m in cases):
                failed += 1  # it died after its last case, or its exit status says failure
    return passed, failed, skipped


def main():
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        try:
            p, f, s = count(path)
        except OSError as e:
            print(f"count-tests: {e}", file=sys.stderr)
            p, f, s = 0, 1, 0
        passed, failed, skipped = passed + p, failed + f, skipped + s
    if skipped:
        print(f"({skipped} skipped)")
    print(f"{passed} passed, {failed} failed")


if __name__ == '__main__':
    main()
