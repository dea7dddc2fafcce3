#!/bin/sh
# SPDX-License-Identifier: MIT
# bench_memory.sh DEFERSIM [TASKS] - peak RSS of every command that reads or writes a run's
# per-task rows, on a synthetic trace of TASKS releasing tasks (default 1 000 000: `synth
# poisson`, one task per release), generated here and removed after: replay --json, compare
# --json, a 6-point sweep, merge of that sweep's directory, plot of it and plot of the
# replay's JSON.  Each runs under /usr/bin/time -v; its "Maximum resident set size" must be
# at most LIMIT_MIB (200, issue 12's target).  The replay is also run on a trace of TASKS/10
# tasks: the ratio of the two peaks says whether memory follows the task count.
#
# Output (stdout): one line per command
#   memory: NAME peak RSS X MiB (limit 200 MiB) ok|OVER
# and a final line; exit 1 when a command fails or is over the limit, 77 (skipped) without
# /usr/bin/time.  `meson test --benchmark -C BUILD memory --verbose` or
# `bench/bench_memory.sh build/cli/defersim`.
set -eu
DS=${1:?usage: bench_memory.sh DEFERSIM [TASKS]}
DS=$(cd "$(dirname "$DS")" && pwd)/$(basename "$DS")
n=${2:-1000000}
LIMIT_MIB=${LIMIT_MIB:-200}
[ -x /usr/bin/time ] || { echo "bench_memory: /usr/bin/time is not installed" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ds-bench-memory.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache"
export TMPDIR="$tmp"	# the per-task rows' temporary files: removed with the rest
cd "$tmp"
status=0

# peak NAME CMD...: run CMD under time -v, print its peak RSS, check the limit
peak() {
	name=$1
	shift
	if ! /usr/bin/time -v -o "$tmp/$name.time" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"; then
		echo "memory: $name FAILED: $* ($(tail -n 3 "$tmp/$name.err"))"
		status=1
		return
	fi
	kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/$name.time")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$tmp/$name.time")
	verdict=ok
	[ "$kib" -le $((LIMIT_MIB * 1024)) ] || { verdict=OVER; status=1; }
	echo "$kib $LIMIT_MIB $name $wall $verdict" |
		awk '{ printf "memory: %-14s peak RSS %7.1f MiB (limit %d MiB) %s, %s wall\n", $3, $1 / 1024, $2, $5, $4 }'
	echo "$kib" >"$tmp/$name.kib"
}

"$DS" synth poisson count="$n" -o "$tmp/big.dsev" -q
"$DS" synth poisson count=$((n / 10)) -o "$tmp/small.dsev" -q
echo "trace: synth poisson count=$n ($(wc -c <"$tmp/big.dsev") bytes), $(nproc) cores"

peak replay-small "$DS" replay "$tmp/small.dsev" -q --json "$tmp/small.json"
peak replay "$DS" replay "$tmp/big.dsev" -q --json "$tmp/run.json"
peak compare "$DS" compare "$tmp/big.dsev" -q --json "$tmp/compare.json"
cat >"$tmp/six.ini" <<INI
[sweep]
trace = $tmp/big.dsev
pool_pages = 1, 2, 4, 8, 16, 64
INI
peak sweep "$DS" sweep "$tmp/six.ini" -o "$tmp/six" -q
peak merge "$DS" merge "$tmp/six" -o "$tmp/merged" -q
if command -v gnuplot >/dev/null 2>&1; then
	peak plot-sweep "$DS" plot "$tmp/six" -o "$tmp/pics-sweep"
	peak plot-run "$DS" plot "$tmp/run.json" -o "$tmp/pics-run"
else
	echo "memory: plot skipped (gnuplot is not installed)"
fi
if [ -f "$tmp/replay.kib" ] && [ -f "$tmp/replay-small.kib" ]; then
	echo "$(cat "$tmp/replay-small.kib") $(cat "$tmp/replay.kib") $n" |
		awk '{ printf "memory-growth: replay --json peak at %d tasks / at %d tasks = %.2f\n", $3, $3 / 10, $2 / $1 }'
fi
echo "point files: $(du -sh "$tmp/six/points" | cut -f1) for 6 points; run.json $(wc -c <"$tmp/run.json") bytes"
exit $status
