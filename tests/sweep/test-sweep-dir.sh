#!/bin/sh
# SPDX-License-Identifier: MIT
# test-sweep-dir.sh DEFERSIM - a sweep's output directory is owned (issue 12, item 5): a
# second whole sweep into a directory being written is refused (exit 2) while --point runs
# share it; a point file whose content does not match its point's inputs is recomputed, not
# trusted; a point file and its directory are fsync()ed before results.jsonl lists it; and
# `--task-rows` point files (every per-task row, as `replay --json` lists them).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$tmp"

# --- the lock: a second whole sweep is refused, with the holder's pid -------------------
# 300 points keep the first sweep busy for seconds (0.02 s a point on the bundled trace)
printf '[sweep]\ntrace = %s\npool_pages = 0..299\n' "$trace" >long.ini
"$DS" sweep long.ini -o busy -j 1 -q 2>long.err &
first=$!
i=0
while [ ! -s busy/sweep.lock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s busy/sweep.lock ] || fail "the first sweep never wrote busy/sweep.lock"
[ "$(cat busy/sweep.lock)" = "$first" ] || fail "sweep.lock holds $(cat busy/sweep.lock), not $first"
expect_fail 2 "busy is being written by another defersim sweep (pid $first)" \
	"$DS" sweep long.ini -o busy -j 1 -q
expect_fail 2 "is being written by another defersim sweep" "$DS" sweep long.ini -o busy --point 3 -q
kill "$first"
wait "$first" || true
# the lock dies with its holder: the sweep resumes
printf '[sweep]\ntrace = %s\npool_pages = 1, 2\n' "$trace" >two.ini
"$DS" sweep two.ini -o two -j 1 -q || fail "sweep after the lock holder ended"
# --point runs (GNU parallel, Slurm) share the directory: two at once both finish
"$DS" sweep long.ini -o pts -q --point 0 &
p0=$!
"$DS" sweep long.ini -o pts -q --point 1 || fail "--point 1 beside --point 0"
wait "$p0" || fail "--point 0 beside --point 1"
[ "$(point_files pts)" -eq 2 ] || fail "$(point_files pts) point files after two --point runs"
ok "a second sweep into a directory being written is refused (exit 2, the holder's pid named); --point runs share it"

# --- a point file that is not the run of its inputs is recomputed -------------------------
for what in trace profile; do
	f=$(ls two/points/*.json | head -n 1)
	python3 - "$f" "$what" <<'PY'
import json, sys
path, what = sys.argv[1], sys.argv[2]
rec = json.load(open(path))
if what == "trace":
    rec["trace"]["sha256"] = "0" * 64          # another trace's run under this key
else:
    rec["profile"]["push_ns"] += 1             # another profile's run under this key
rec["metrics"]["fallbacks"] = 123456789        # what would be trusted
json.dump(rec, open(path, "w"))
PY
	"$DS" sweep two.ini -o two -j 1 2>"$what.err" || fail "resume after a wrong point file ($what)"
	grep -qF "not the record of this point's inputs" "$what.err" ||
		fail "a wrong point file ($what) was trusted: $(cat "$what.err")"
	grep -qF "recomputing" "$what.err" || fail "no recomputation announced: $(cat "$what.err")"
	grep -q '"fallbacks": 123456789' "$f" && fail "the wrong point file ($what) was kept"
	grep -q '123456789' two/results.jsonl && fail "results.jsonl lists the wrong point ($what)"
	python3 - "$f" "$trace" <<'PY' || fail "the recomputed point is not the run of its inputs"
import hashlib, json, sys
rec = json.load(open(sys.argv[1]))
assert rec["trace"]["sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
PY
done
ok "a point file whose trace or profile is not its point's is recomputed, not trusted"

# --- fsync: point file, then its directory, before results.jsonl names it -----------------
if ! command -v strace >/dev/null 2>&1 || ! strace -qq -o /dev/null true 2>/dev/null; then
	echo "# strace not installed or not permitted (ptrace): the fsync order is not checked"
else
	rm -rf sync
	# LeakSanitizer cannot run under ptrace (an ASan build): leaks are checked elsewhere
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -y -qq -o sync.trace -e trace=fsync,rename,renameat,renameat2 \
		"$DS" sweep two.ini -o sync -j 1 -q || fail "sweep under strace"
	python3 - sync.trace <<'PY' || fail "fsync order (above)"
import os, re, sys
trace = sys.argv[1]
real = os.path.realpath     # strace -y names fds by absolute path, renames as given
events = []     # ("fsync", path) or ("rename", src, dst), in order
for line in open(trace):
    m = re.search(r'fsync\(\d+<([^>]*)>', line)
    if m:
        events.append(("fsync", real(m.group(1))))
    m = re.search(r'rename(?:at2?)?\((?:[^,]*, )?"([^"]+)", (?:[^,]*, )?"([^"]+)"', line)
    if m:
        events.append(("rename", real(m.group(1)), real(m.group(2))))
def idx(pred):
    return [i for i, e in enumerate(events) if pred(e)]
points = idx(lambda e: e[0] == "rename" and "/points/" in e[2] and e[2].endswith(".json"))
results = idx(lambda e: e[0] == "rename" and e[2].endswith("/results.jsonl"))
assert len(points) == 2, events
assert results, "results.jsonl never renamed"
for p in points:
    tmpname = events[p][1]
    # the temporary file was synced before its rename, the directory after it
    assert any(e == ("fsync", tmpname) for e in events[:p]), ("point file not synced", tmpname)
    later = [i for i in idx(lambda e: e[0] == "fsync" and e[1].endswith("/points")) if i > p]
    after = [r for r in results if r > p]
    assert later and after and later[0] < after[0], ("points/ not synced before results.jsonl", events)
# results.jsonl's own data were synced before its rename
r = results[-1]
assert any(e == ("fsync", events[r][1]) for e in events[:r]), "results.jsonl not synced"
PY
	ok "a point file and points/ are fsync()ed before results.jsonl lists the point"
fi

# --- --task-rows: the point file lists every row, as `replay --json` does -------------------
"$DS" sweep two.ini -o rows -j 1 -q --task-rows || fail "sweep --task-rows"
"$DS" replay "$trace" --pool-pages 2 -q --json one.json || fail "replay --json"
python3 - rows one.json <<'PY' || fail "--task-rows point file (above)"
import glob, json, sys
d, one = sys.argv[1], json.load(open(sys.argv[2]))
recs = [json.load(open(p)) for p in glob.glob(d + "/points/*.json")]
rec = [r for r in recs if r["point"]["values"]["pool_pages"] == "2"][0]
assert rec["metrics"]["tasks"] == one["metrics"]["tasks"], "rows differ from replay's"
assert rec["metrics"]["tasks_summary"] == one["metrics"]["tasks_summary"]
for line in open(d + "/results.jsonl"):
    assert "tasks" not in json.loads(line)["metrics"], "results.jsonl lists per-task rows"
PY
# resumed, the points with rows are reused and results.jsonl still summarises
"$DS" sweep two.ini -o rows -j 1 2>resume.err || fail "resume of a --task-rows sweep"
grep -qF "reusing 2 of 2 points" resume.err || fail "points with rows not reused: $(cat resume.err)"
grep -q '"tasks":\[' rows/results.jsonl && fail "results.jsonl lists per-task rows after resume"
ok "sweep --task-rows: point files list every per-task row (equal to replay's), results.jsonl does not"
