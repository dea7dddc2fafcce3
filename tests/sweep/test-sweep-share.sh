#!/bin/sh
# SPDX-License-Identifier: MIT
# test-sweep-share.sh DEFERSIM - the sweep's shared stream (--share-memory, sweep/share.c):
# points reading one decoded stream from memory write the same bytes (point files,
# results.jsonl, results.csv) as points that each read the trace's cache, with -j 1 and -j 2;
# the sweep says which mode ran and why; a budget too small, a single point and a .dsev are
# not shared; a bad budget is refused.  A shared stream of the reference trace bounds its
# tasks to few, so its points keep their rows in memory (ds_sim_run()) while unshared points
# hand each row out (ds_sim_run_rows(), sweep/run.c): the byte comparisons cover both paths.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$tmp"

# same_dirs A B: every point file and both results files byte-identical
same_dirs() {
	for f in results.jsonl results.csv; do
		cmp "$1/$f" "$2/$f" || fail "$1/$f differs from $2/$f"
	done
	[ "$(point_files "$1")" -eq "$(point_files "$2")" ] || fail "$1 and $2: point counts"
	for f in "$1"/points/*.json; do
		cmp "$f" "$2/points/$(basename "$f")" || fail "$f differs in $2"
	done
}

expect_fail 2 "--share-memory lots" "$DS" sweep /dev/null --share-memory lots

write_ref_sweep ref.ini
"$DS" sweep ref.ini -o unshared -j 2 --share-memory 0 2>unshared.err
grep -qF "stream not shared (--share-memory 0)" unshared.err || fail "mode: $(cat unshared.err)"
grep -qF "on a shared in-memory stream" unshared.err && fail "unshared: $(cat unshared.err)"
"$DS" sweep ref.ini -o shared -j 2 2>shared.err
grep -qF "stream shared: its $ref_points points read $trace from memory" shared.err ||
	fail "mode: $(cat shared.err)"
grep -qF "computed in" shared.err && grep -qF "on a shared in-memory stream" shared.err ||
	fail "summary: $(cat shared.err)"
same_dirs unshared shared
ok "$ref_points points on one shared stream (-j 2) write the same bytes as points reading the cache"

"$DS" sweep ref.ini -o shared1 -j 1 --share-memory 1G 2>shared1.err
grep -qF "stream shared" shared1.err || fail "-j 1: $(cat shared1.err)"
same_dirs unshared shared1
"$DS" sweep ref.ini -o unshared1 -j 1 --share-memory off -q
same_dirs unshared unshared1
ok "-j 1, shared or not: the same bytes again"

# the budget: the stream takes 32 bytes an event, more than 1 KiB for any real trace
"$DS" sweep ref.ini -o small -j 2 --share-memory 1K 2>small.err
grep -qF "stream not shared (the stream is larger than the memory allowed to share it" \
	small.err || fail "budget: $(cat small.err)"
same_dirs unshared small
printf '[sweep]\ntrace = %s\npool_pages = 8\n' "$trace" >one.ini
"$DS" sweep one.ini -o one -j 2 2>one.err
grep -qF "stream not shared (one point reads it)" one.err || fail "one point: $(cat one.err)"
ok "a stream larger than --share-memory, or read by one point, is read from the cache"

# a .dsev builds its info as it streams: never shared, and says so
"$DS" synth poisson count=2000 -o p.dsev -q
printf '[sweep]\ntrace = %s\npool_pages = 1, 8\n' "$tmp/p.dsev" >dsev.ini
"$DS" sweep dsev.ini -o dsev -j 2 2>dsev.err
grep -qF "stream not shared (a synthetic .dsev" dsev.err || fail ".dsev: $(cat dsev.err)"
[ "$(wc -l <dsev/results.jsonl)" -eq 2 ] || fail ".dsev sweep: $(cat dsev.err)"
ok "a synthetic .dsev is read by each point, not shared"

echo "1..$step"

# size shares the stream the same way: every run reads it from memory, same answers and runs
"$DS" size "$trace" --target-fallback 1% --share-memory 0 --json size-unshared.json \
	>size-unshared.txt 2>size-unshared.err || fail "size unshared: $(cat size-unshared.err)"
grep -qF "from memory" size-unshared.err && fail "size --share-memory 0 shared"
for j in 1 2; do
	"$DS" size "$trace" --target-fallback 1% -j $j --json size-shared$j.json \
		>size-shared$j.txt 2>size-shared$j.err || fail "size -j $j: $(cat size-shared$j.err)"
	grep -qF "$trace: every run reads its" size-shared$j.err &&
		grep -qF "events from memory, decoded once" size-shared$j.err ||
		fail "size -j $j mode: $(cat size-shared$j.err)"
	cmp size-unshared.json size-shared$j.json || fail "size -j $j: the JSON differs"
	cmp size-unshared.txt size-shared$j.txt || fail "size -j $j: the report differs"
done
"$DS" size "$trace" --target-fallback 1% --share-memory 1K -q >/dev/null 2>size-small.err ||
	fail "size 1K: $(cat size-small.err)"
expect_fail 2 "--share-memory lots" "$DS" size "$trace" --target-fallback 1% --share-memory lots
ok "size's runs on one shared stream (-j 1, -j 2) give the same report and JSON as runs reading the cache"
