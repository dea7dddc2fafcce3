#!/bin/sh
# SPDX-License-Identifier: MIT
# test-sweep-cli.sh DEFERSIM - `defersim sweep`, `merge` and `size` as a user runs them, on a
# real trace: bad input, a sweep point equal to the same `replay`, resume after kill -9 and
# Ctrl-C (each point exactly once, files always whole), an edited sweep file, GNU parallel on
# localhost against --emit-jobs and `merge` (equal to the local sweep), conflicting
# duplicates, and `size` checked with `replay` and with a sweep over every smaller size.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
check="python3 $here/check_results.py"
cd "$tmp"

# --- bad input: clear errors naming file/group/key, exit 2 -------------------------------
expect_fail 2 "$tmp/none.ini" "$DS" sweep "$tmp/none.ini"
printf '[sweep]\ntrace = %s\npool_page = 1\n' "$trace" >bad1.ini
expect_fail 2 "bad1.ini: [sweep] pool_page: unknown parameter" "$DS" sweep bad1.ini
printf '[sweep]\ntrace = %s\npool_pages = 64..8/8\n' "$trace" >bad2.ini
expect_fail 2 "bad2.ini: [sweep] pool_pages: '64..8/8'" "$DS" sweep bad2.ini
printf '[sweep]\ntrace = %s\nscale.wake = 2\n' "$trace" >bad3.ini
expect_fail 2 "[sweep] scale.wake" "$DS" sweep bad3.ini
printf '[sweep]\ntrace = /no/such.dat\n' >bad4.ini
expect_fail 2 "/no/such.dat" "$DS" sweep bad4.ini
printf '[sweep]\ntrace = %s\npool_pages = 1, 2\n' "$trace" >two.ini
expect_fail 2 "--point 2: the sweep has 2 points" "$DS" sweep two.ini -o two --point 2
expect_fail 2 "-j -3" "$DS" sweep two.ini -j -3
expect_fail 2 "--target-fallback is required" "$DS" size "$trace"
expect_fail 2 "'5': a duration needs a unit" "$DS" size "$trace" --target-fallback 1% --target-p99 5
expect_fail 2 "'150%'" "$DS" size "$trace" --target-fallback 150%
expect_fail 2 "no pool to size" "$DS" size "$trace" --target-fallback 1% --policy sync
expect_fail 2 "pool_pages does not apply" "$DS" size "$trace" --target-fallback 1% --policy v2
expect_fail 2 "pool_pages" "$DS" size "$trace" --target-fallback 1% --set pool_pages=4
expect_fail 3 "even --max-pages does not meet" "$DS" size "$trace" --target-fallback 0 --max-pages 0 -q --no-range
expect_fail 2 "/no/such/dir" "$DS" merge /no/such/dir
ok "bad sweep files, options and targets are refused with the file, group and key named"

# a point that cannot run fails alone: the others finish, the exit status says so (2: the
# points failed on bad input, as `replay garbage.dat` would)
echo "not a trace" >garbage.dat
printf '[sweep]\ntrace = %s, garbage.dat\npool_pages = 1, 2\n' "$trace" >mixed.ini
expect_fail 2 "point 2 failed" "$DS" sweep mixed.ini -o mixed -j 1 -q
grep -qF "point 3 failed" err || fail "point 3 should fail too: $(cat err)"
grep -q "CRITICAL\|WARNING" err && fail "mixed sweep: $(cat err)"
[ "$(wc -l <mixed/results.jsonl)" -eq 2 ] || fail "mixed sweep: the two good points"
# with parallel jobs the trace is read before any point runs: the bad one stops the sweep
expect_fail 2 "garbage.dat" "$DS" sweep mixed.ini -o mixed2 -j 2 -q
ok "points that fail are reported; the others are kept"

# --- a reference sweep; one point equals the same replay ---------------------------------
write_ref_sweep ref.ini
n=$ref_points
"$DS" sweep ref.ini -o ref -j 2 -q
$check complete ref $n || fail "reference sweep output"
ok "sweep of $n points: results.jsonl and results.csv hold each point once, in order"
# point 27 = cpus 2 (second half), pool_pages 16 (index 5 of 8 -> (27 % 16) / 2 = 5), seed 2
"$DS" replay "$trace" --cpus 2 --pool-pages 16 --seed 2 -q --json one.json
$check same-run ref/results.jsonl 27 one.json || fail "sweep point differs from replay"
ok "a sweep point has the params and metrics of the same replay"

# --- resume after kill -9 -------------------------------------------------------------------
cat >big.ini <<EOF
[sweep]
trace = $trace
cpus = 1, 2
pool_pages = 0..149
EOF
nbig=300
"$DS" sweep big.ini -o big -j 2 -q &
pid=$!
i=0
while [ "$(point_files big)" -lt 5 ] && [ $i -lt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
before=$(point_files big)
echo "# killed after $before of $nbig points"
for f in big/points/*.json; do
	python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$f" || fail "$f is not whole"
done
"$DS" sweep big.ini -o big -j 2 2>resume.err
grep -qF "reusing $before of $nbig points" resume.err || fail "resume: $(cat resume.err)"
grep -qF "($((nbig - before)) computed" resume.err || fail "resume count: $(cat resume.err)"
$check complete big $nbig || fail "resumed sweep output"
ok "killed with -9 after $before points, re-run computes only the $((nbig - before)) others"

# the resumed sweep equals an uninterrupted one
"$DS" sweep big.ini -o big-fresh -j 2 -q
cmp big/results.jsonl big-fresh/results.jsonl || fail "resumed results differ from a fresh run"
cmp big/results.csv big-fresh/results.csv || fail "resumed CSV differs from a fresh run"
ok "resumed results are byte-identical to an uninterrupted sweep"

# --- Ctrl-C: finished points saved, results written, exit 130 -------------------------------
rm -rf big
"$DS" sweep big.ini -o big -j 2 -q &
pid=$!
i=0
while [ "$(point_files big)" -lt 5 ] && [ $i -lt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -INT $pid
set +e
wait $pid
status=$?
set -e
if [ $status -eq 130 ]; then
	lines=$(wc -l <big/results.jsonl)
	files=$(point_files big)
	[ "$lines" -le "$files" ] && [ "$lines" -ge 5 ] ||
		fail "after Ctrl-C: $lines records in results.jsonl, $files point files"
	"$DS" sweep big.ini -o big -j 2 -q
	$check complete big $nbig || fail "sweep resumed after Ctrl-C"
	ok "Ctrl-C: exit 130 with $lines points in results.jsonl; the re-run completes it"
else
	[ $status -eq 0 ] || fail "Ctrl-C: exit status $status"
	ok "Ctrl-C came after the last point (nothing to interrupt) # SKIP too fast"
fi

# --- an edited sweep file reuses what still matches ----------------------------------------
sed 's/^seed = 1, 2$/seed = 1, 2, 3/' ref.ini >ref3.ini
cp -r ref ref3
expect_fail 2 "holds the results of another sweep file" "$DS" sweep ref3.ini -o ref3 -j 2
"$DS" sweep ref3.ini -o ref3 -j 2 --adopt 2>edit.err
grep -qF "reusing 32 of 48 points" edit.err || fail "edited sweep: $(cat edit.err)"
grep -qF "(16 computed" edit.err || fail "edited sweep count: $(cat edit.err)"
$check complete ref3 48 || fail "edited sweep output"
sed 's/^seed = 1, 2$/seed = 2/' ref.ini >ref1.ini
cp -r ref ref1
"$DS" sweep ref1.ini -o ref1 -j 2 --adopt 2>edit1.err
grep -qF "reusing 16 of 16 points" edit1.err || fail "narrowed sweep: $(cat edit1.err)"
grep -qF "16 other point files there are not part of this sweep" edit1.err ||
	fail "narrowed sweep should mention the other point files: $(cat edit1.err)"
ok "an edited sweep file reuses the points whose keys match and says so; another file must --adopt the directory"

# --- GNU parallel on localhost: --emit-jobs, then merge ----------------------------------------
if command -v parallel >/dev/null 2>&1; then
	"$DS" sweep ref.ini -o par --emit-jobs >jobs.txt
	[ "$(wc -l <jobs.txt)" -eq $n ] || fail "--emit-jobs printed $(wc -l <jobs.txt) lines"
	parallel --will-cite -j 2 --joblog joblog <jobs.txt
	[ "$(tail -n +2 joblog | awk '$7 != 0' | wc -l)" -eq 0 ] || fail "a job failed: $(cat joblog)"
	parallel --will-cite -j 2 --joblog joblog --resume <jobs.txt
	[ "$(tail -n +2 joblog | wc -l)" -eq $n ] || fail "parallel --resume ran jobs again"
	"$DS" merge par -o merged -q
	cmp merged/results.jsonl ref/results.jsonl || fail "GNU parallel + merge != local sweep"
	cmp merged/results.csv ref/results.csv || fail "GNU parallel + merge CSV != local sweep"
	ok "GNU parallel over --emit-jobs, merged: identical to the local sweep"
else
	echo "GNU parallel is not installed (Debian package parallel; scripts/deps.sh)" >&2
	exit 1
fi

# two "hosts" (even and odd points), merged; a point in both
for i in $(seq 0 2 $((n - 1))); do "$DS" sweep ref.ini -o hostA --point "$i" -q; done
for i in $(seq 1 2 $((n - 1))); do "$DS" sweep ref.ini -o hostB --point "$i" -q; done
"$DS" sweep ref.ini -o hostB --point 0 -q
"$DS" sweep ref.ini -o hostB --point 0 2>again.err
grep -qF "already finished" again.err || fail "--point of a finished point: $(cat again.err)"
"$DS" merge hostA hostB -o merged2 -q
cmp merged2/results.jsonl ref/results.jsonl || fail "merge of two hosts != local sweep"
ok "--point on two hosts, merged with a duplicate: identical to the local sweep"

mkdir -p conflict/points
key=$(python3 -c "import json;print(json.loads(open('ref/results.jsonl').readline())['point']['key'])")
cp "hostA/points/$key.json" conflict/points/
$check corrupt "conflict/points/$key.json"
expect_fail 2 "point $key" "$DS" merge hostA conflict -o merged3
ok "merge refuses two different results for one key"

# --- size: the answer checked by replay and by a linear sweep ----------------------------------
"$DS" size "$trace" --cpus 2 --target-fallback 1% --no-range --json size.json >size.out
a=$($check answer size.json)
echo "# size: $a pages"
grep -qF "pool_pages = $a " size.out || fail "size output: $(cat size.out)"
"$DS" replay "$trace" --cpus 2 --pool-pages "$a" -q --json at.json
python3 -c "import sys; r=float(sys.argv[1]); assert r <= 0.01, r" "$($check rate at.json)" ||
	fail "size answer $a does not meet 1%"
if [ "$a" -gt 0 ]; then
	"$DS" replay "$trace" --cpus 2 --pool-pages $((a - 1)) -q --json below.json
	python3 -c "import sys; r=float(sys.argv[1]); assert r > 0.01, r" "$($check rate below.json)" ||
		fail "size answer $a: one page less meets 1% too"
fi
printf '[sweep]\ntrace = %s\ncpus = 2\npool_pages = 0..%s\n' "$trace" "$a" >scan.ini
"$DS" sweep scan.ini -o scan -j 2 -q
[ "$($check smallest scan 0.01)" = "$a" ] || fail "a linear sweep finds $($check smallest scan 0.01), size $a"
ok "size: $a pages meets 1%, $((a - 1)) does not, and a sweep of 0..$a agrees"

echo "1..$step"
