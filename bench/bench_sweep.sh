#!/bin/sh
# SPDX-License-Identifier: MIT
# bench_sweep.sh DEFERSIM [TRACE | lmk64[:PROCS]] - wall time of a 100-point sweep with -j 1
# and with -j 2, on the biggest bundled trace (or TRACE), and their ratio: how much parallel
# points buy on this machine.  Both runs start from an empty output directory and a warm
# trace cache (the cache is filled by one replay first), so they measure the points, not
# the trace reading.
#
# lmk64 generates issue 11's SYNTHETIC 64-CPU trace into the temporary directory (never
# kept): `defersim synth lmk -s cpus=64 -s procs=256 -s footprint_mib=64-256 -s
# window=2000000000` (902 MB, 31.9 M events); lmk64:PROCS the same with PROCS processes and
# the kill window scaled alike (same density, PROCS/256 of the length) for a shorter run.
#
# Output (stdout): one line per run (with the load average before it: other jobs on the
# machine take cores from -j 2) and a final line
#   sweep-parallel: j1 S s, j2 S s, speed-up R (N cores)
# `meson test --benchmark -C BUILD sweep --verbose` or `bench/bench_sweep.sh build/cli/defersim`.
set -eu
DS=${1:?usage: bench_sweep.sh DEFERSIM [TRACE | lmk64[:PROCS]]}
root=$(cd "$(dirname "$0")/.." && pwd)
trace=${2:-}
if [ -z "$trace" ]; then
	# ls -S: largest first
	trace=$(ls -S "$root"/traces/*.dat 2>/dev/null | head -n 1 || true)
fi
procs=
case "$trace" in
lmk64) procs=256 ;;
lmk64:*) procs=${trace#lmk64:} ;;
esac
if [ -z "$procs" ]; then
	[ -n "$trace" ] && [ -f "$trace" ] || { echo "bench_sweep: no trace (traces/*.dat)" >&2; exit 77; }
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ds-bench-sweep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache"

if [ -n "$procs" ]; then
	case "$procs" in ''|*[!0-9]*) echo "bench_sweep: lmk64:PROCS: PROCS must be a number" >&2; exit 2 ;; esac
	window=$((2000000000 * procs / 256))
	trace="$tmp/lmk64-$procs.dat"
	echo "generating (SYNTHETIC) defersim synth lmk -s cpus=64 -s procs=$procs -s footprint_mib=64-256 -s window=$window"
	"$DS" synth lmk -s cpus=64 -s procs="$procs" -s footprint_mib=64-256 -s window="$window" \
		-o "$trace" -q
fi

# 100 points: 2 CPU counts x 50 pool sizes, policy v3
cat >"$tmp/bench.ini" <<EOF
[sweep]
trace = $trace
cpus = 1, 2
pool_pages = 0..98/2
EOF
t0=$(date +%s.%N)
"$DS" replay "$trace" -q >/dev/null
echo "cache warmed (one replay, policy v3): $(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }') s"

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

load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "trace: $trace ($(wc -c <"$trace") bytes), 100 points, $(nproc) cores"
l1=$(load)
j1=$(run 1)
echo "-j 1: $j1 s (load average before: $l1)"
l2=$(load)
j2=$(run 2)
echo "-j 2: $j2 s (load average before: $l2; after: $(load))"
echo "$j1 $j2 $(nproc)" |
	awk '{ printf "sweep-parallel: j1 %.3f s, j2 %.3f s, speed-up %.2f (%d cores)\n", $1, $2, $1 / $2, $3 }'
