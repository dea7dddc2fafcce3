#!/bin/sh
# SPDX-License-Identifier: MIT
# bench_sweep.sh DEFERSIM [TRACE] - wall time of a 100-point sweep with -j 1 and with -j 2,
# on the biggest bundled trace (or TRACE), and their ratio: how much parallel points buy on
# this machine.  Both runs start from an empty output directory and a warm trace cache (the
# cache is filled by one replay first), so they measure the points, not the trace reading.
#
# Output (stdout): one line per run and a final line
#   sweep-parallel: j1 S s, j2 S s, speed-up R (N cores)
# `meson test --benchmark -C BUILD sweep --verbose` or `bench/bench_sweep.sh build/cli/defersim`.
set -eu
DS=${1:?usage: bench_sweep.sh DEFERSIM [TRACE]}
root=$(cd "$(dirname "$0")/.." && pwd)
trace=${2:-}
if [ -z "$trace" ]; then
	# ls -S: largest first
	trace=$(ls -S "$root"/traces/*.dat 2>/dev/null | head -n 1 || true)
fi
[ -n "$trace" ] && [ -f "$trace" ] || { echo "bench_sweep: no trace (traces/*.dat)" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ds-bench-sweep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache"

# 100 points: 2 CPU counts x 50 pool sizes, policy v3
cat >"$tmp/bench.ini" <<EOF
[sweep]
trace = $trace
cpus = 1, 2
pool_pages = 0..98/2
EOF
"$DS" replay "$trace" -q >/dev/null

now() { date +%s.%N; }

run() {
	rm -rf "$tmp/out"
	t0=$(now)
	"$DS" sweep "$tmp/bench.ini" -o "$tmp/out" -j "$1" -q
	t1=$(now)
	n=$(wc -l <"$tmp/out/results.jsonl")
	[ "$n" -eq 100 ] || { echo "bench_sweep: $n points, expected 100" >&2; exit 1; }
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

echo "trace: $trace ($(wc -c <"$trace") bytes), 100 points, $(nproc) cores"
j1=$(run 1)
echo "-j 1: $j1 s"
j2=$(run 2)
echo "-j 2: $j2 s"
echo "$j1 $j2 $(nproc)" |
	awk '{ printf "sweep-parallel: j1 %.3f s, j2 %.3f s, speed-up %.2f (%d cores)\n", $1, $2, $1 / $2, $3 }'
