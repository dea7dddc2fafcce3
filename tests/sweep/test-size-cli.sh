#!/bin/sh
# SPDX-License-Identifier: MIT
# test-size-cli.sh DEFERSIM - `defersim size`'s range, several traces, early stop and exit
# status (0 met, 3 not met, 2 bad input), and `--set scale.COST=F` outside sweeps, on the
# bundled traces.  Every range entry checked is recomputed by an independent path: `size
# --no-range --set scale.COST=F` (the scaling as a user asks for it, not the range's code).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$tmp"
second="$root/traces/lmk-8x32m-6.1.dat"
[ -f "$root/traces/lmk-4x64m-6.12.dat" ] && [ -f "$second" ] || {
	echo "the bundled traces are needed (two of them)" >&2
	exit 77
}
trace="$root/traces/lmk-4x64m-6.12.dat"
json() {	# json FILE EXPR: print a Python expression over the parsed file as d
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# --- --set scale.COST=F everywhere: replay, compare, size; bad names list the known ones -----
"$DS" replay "$trace" --profile rpi4b --set scale.push=2 --json r2.json -q >/dev/null ||
	fail "replay --set scale.push=2"
"$DS" replay "$trace" --profile rpi4b --json r1.json -q >/dev/null || fail "replay"
[ "$(json r2.json "d['profile']['push_ns']")" = "$(json r1.json "2 * d['profile']['push_ns']")" ] ||
	fail "scale.push=2 did not double push_ns"
expect_fail 2 "scale.pus: unknown cost (known: push, swap" "$DS" replay "$trace" --set scale.pus=2 -q
expect_fail 2 "scale.push = 'x': a factor is a number" "$DS" compare "$trace" --set scale.push=x
expect_fail 2 "scale.nope: unknown cost" "$DS" size "$trace" --target-fallback 1% --set scale.nope=2
ok "--set scale.COST=F scales the profile in replay; unknown names and bad factors exit 2"

# --- exit status -------------------------------------------------------------------------
expect_fail 2 "no trace given" "$DS" size --target-fallback 1%
expect_fail 2 "--jobs -2" "$DS" size "$trace" --target-fallback 1% -j -2
expect_fail 3 "even --max-pages does not meet" "$DS" size "$trace" --target-fallback 0 --max-pages 0 -q --no-range
ok "size: bad input exits 2, a target no size up to --max-pages meets exits 3"

# --- the range: each entry equals the same search asked for with --set scale.COST=F -------
"$DS" size "$trace" --profile rpi4b --cpus 2 --target-fallback 0.1% -j 2 -q --json range.json \
	>range.out || fail "size with a range: exit $?"
grep -q "Range over the guessed costs" range.out || fail "no range table: $(cat range.out)"
grep -q "^Recommended: pool_pages = " range.out || fail "no recommendation: $(cat range.out)"
grep -q "Margin: +" range.out || fail "no margin: $(cat range.out)"
n=$(json range.json "len(d['traces'][0]['range']['costs'])")
[ "$n" -gt 0 ] || fail "rpi4b has guessed costs the policy reads, the range lists none"
[ "$(json range.json "set(c['origin'] for c in d['traces'][0]['range']['costs'])")" = "{'guessed'}" ] ||
	fail "the range holds a cost that is not guessed"
# top of the range = the recommendation; margin = recommendation - answer as given
json range.json "max([d['traces'][0]['as_given'], d['traces'][0]['range']['worst']['pool_pages']] + [c[k] for c in d['traces'][0]['range']['costs'] for k in ('x0.5', 'x2')])" >top
[ "$(cat top)" = "$(json range.json "d['recommendation']['pool_pages']")" ] || fail "recommendation is not the top of the range"
[ "$(json range.json "d['recommendation']['margin_pages'] == d['recommendation']['pool_pages'] - d['answer']['pool_pages']")" = True ] ||
	fail "margin is not recommendation - answer"
for cost in wake_latency_ns drain_entry_zram_ns; do
	for f in 0.5 2; do
		name=${cost%_ns}
		"$DS" size "$trace" --profile rpi4b --cpus 2 --target-fallback 0.1% -q --no-range \
			--set "scale.$name=$f" --json one.json >/dev/null || fail "size --set scale.$name=$f"
		want=$(json one.json "d['answer']['pool_pages']")
		got=$(json range.json "[c['x$f'] for c in d['traces'][0]['range']['costs'] if c['cost'] == '$cost'][0]")
		[ "$want" = "$got" ] || fail "range $cost x$f: $got, --set scale.$name=$f: $want"
	done
done
ok "size: range rows equal --set scale.COST=F searches; recommendation = top, margin stated"

# --- several traces: the largest need, and the trace that sets it named -------------------
"$DS" size "$trace" "$second" --cpus 2 --target-fallback 0.1% -q --no-range --json two.json \
	>two.out || fail "size on two traces: exit $?"
for t in "$trace" "$second"; do
	"$DS" size "$t" --cpus 2 --target-fallback 0.1% -q --no-range --json alone.json >/dev/null ||
		fail "size $t"
	json alone.json "d['answer']['pool_pages']" >>needs
	echo "$t" >>names
done
max=$(sort -n needs | tail -1)
[ "$(json two.json "d['recommendation']['pool_pages']")" = "$max" ] || fail "two traces: not the largest need $max"
setter=$(paste needs names | sort -n -k1,1 | tail -1 | cut -f2)
[ "$(json two.json "d['recommendation']['set_by_trace']")" = "$setter" ] || fail "two traces: set_by_trace is not $setter"
grep -F "$setter" two.out | grep -q "sets the need" || fail "the text does not name $setter: $(cat two.out)"
ok "size on two traces: the largest need ($max pages) and the trace that sets it"

# --- early stop: a p99 target set by partial per-CPU buffers, not by the pool ----------------
set +e
"$DS" size "$trace" --cpus 2 --target-fallback 1% --target-p99 1us -q --no-range --json p99.json >p99.out 2>p99.err
rc=$?
set -e
[ "$rc" = 3 ] || fail "unreachable p99: exit $rc, want 3"
grep -q "not met by any pool size" p99.out || fail "no explanation: $(cat p99.out)"
grep -q "idle_flush_ns" p99.out || fail "the explanation names no parameter: $(cat p99.out)"
[ "$(json p99.json "d['unmet_by_pool'] and d['recommendation']['pool_pages'] is None")" = True ] ||
	fail "p99.json: unmet_by_pool"
# stopped early: doubling up to --max-pages, the first size whose pool never ran out (no
# fallback, no failed swap) sends the search to 65536 at once: fewer than the 18 sizes of
# 0, 1, 2, ... 65536, and the size before 65536 is such a one
[ "$(json p99.json "len(d['evaluations']) < 18 and [(e['fallbacks'], e['swap_failures']) for e in d['evaluations']][-2] == (0, 0) and d['evaluations'][-1]['pool_pages'] == 65536")" = True ] ||
	fail "the search did not stop early: $(json p99.json "[e['pool_pages'] for e in d['evaluations']]")"
ok "size: an unreachable p99 stops early, explains itself and exits 3"
