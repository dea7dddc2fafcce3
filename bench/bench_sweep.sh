#!/bin/sh
# SPDX-License-Identifier: MIT
# bench_sweep.sh DEFERSIM [TRACE | lmk64[:PROCS]] - wall time of a 100-point sweep with -j 1
# and with -j 2, on the biggest bundled trace (or TRACE), and their ratio: how much parallel
# points buy on this machine.  Every run starts from an empty output directory and a warm
# trace cache (the cache is filled by one replay first), so they measure the points, not the
# trace.dat reading.
#
# lmk64 generates issue 11's SYNTHETIC 64-CPU trace into the temporary directory (never
# kept): `defersim synth lmk -s cpus=64 -s procs=256 -s footprint_mib=64-256 -s
# window=2000000000` (902 MB, 31.9 M events); lmk64:PROCS the same with PROCS processes and
# the kill window scaled alike (same density, PROCS/256 of the length) for a shorter run.
#
# Environment:
#   MATRIX=recorded (default): policy v3 at the trace's recorded CPU count (64 for the 64-CPU
#       traces: the issue's "100 x 7 s" is replay at 64 CPUs), pool_pages 0, 1, ..., 99
#   MATRIX=cpus12: the first matrix, cpus 1 and 2 x pool_pages 0, 2, ..., 98 (chosen for the
#       2-CPU bundled traces; on a 64-CPU trace it piles 64 CPUs' tasks on 1-2 CPUs)
#   SHARE=auto (default): the sweep's default --share-memory (points share one decoded stream
#       when it fits); SHARE=0: every point reads the binary cache itself; SHARE=both: both,
#       each with -j 1 and -j 2
#
# Output (stdout): one line per run: wall time, CPU time (user + system, of the whole
# sweep), the load average before and after it, and the stream mode the sweep said it ran
# in; then per mode a final line
#   sweep-parallel: j1 S s, j2 S s, speed-up R (N cores) [share=MODE]
# `meson test --benchmark -C BUILD sweep --verbose` or `bench/bench_sweep.sh build/cli/defersim`.
set -eu
DS=${1:?usage: bench_sweep.sh DEFERSIM [TRACE | lmk64[:PROCS]]}
root=$(cd "$(dirname "$0")/.." && pwd)
trace=${2:-}
matrix=${MATRIX:-recorded}
share=${SHARE:-auto}
case "$matrix" in recorded|cpus12) ;; *) echo "bench_sweep: MATRIX=recorded or cpus12" >&2; exit 2 ;; esac
case "$share" in auto|0|both) ;; *) echo "bench_sweep: SHARE=auto, 0 or both" >&2; exit 2 ;; esac
[ -x /usr/bin/time ] || { echo "bench_sweep: /usr/bin/time is not installed" >&2; exit 77; }
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

if [ "$matrix" = cpus12 ]; then
	# 100 points: 2 CPU counts x 50 pool sizes, policy v3
	axes='cpus = 1, 2
pool_pages = 0..98/2'
else
	# 100 points: 100 pool sizes at the recorded CPUs, policy v3
	axes='pool_pages = 0..99'
fi
cat >"$tmp/bench.ini" <<EOF
[sweep]
trace = $trace
policy = v3
$axes
EOF
t0=$(date +%s.%N)
"$DS" replay "$trace" -q >/dev/null
echo "cache warmed (one replay, policy v3): $(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }') s"

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# run JOBS SHARE: one sweep; prints "WALL" on stdout, its report line on fd 3
run() {
	rm -rf "$tmp/out"
	l0=$(load)
	t0=$(now)
	/usr/bin/time -f '%U %S' -o "$tmp/cpu" \
		"$DS" sweep "$tmp/bench.ini" -o "$tmp/out" -j "$1" --share-memory "$2" 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; exit 1; }
	t1=$(now)
	n=$(wc -l <"$tmp/out/results.jsonl")
	[ "$n" -eq 100 ] || { echo "bench_sweep: $n points, expected 100" >&2; exit 1; }
	mode=$(grep -o 'stream [a-z]* shared\|stream shared' "$tmp/err" | head -n 1)
	wall=$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')
	echo "$wall $(cat "$tmp/cpu") $1 $2" | awk -v l0="$l0" -v l1="$(load)" -v m="$mode" \
		'{ printf "-j %d (--share-memory %s): %.1f s wall, %.1f s CPU (%.1f user + %.1f sys), load average before %s, after %s; %s\n", $4, $5, $1, $2 + $3, $2, $3, l0, l1, m }' >&3
	echo "$wall"
}

echo "trace: $trace ($(wc -c <"$trace") bytes), 100 points (MATRIX=$matrix: $(echo "$axes" | tr '\n' ';')), $(nproc) cores"
case "$share" in both) modes="auto 0" ;; *) modes=$share ;; esac
exec 3>&1
for m in $modes; do
	j1=$(run 1 "$m")
	j2=$(run 2 "$m")
	echo "$j1 $j2 $(nproc) $m" |
		awk '{ printf "sweep-parallel: j1 %.3f s, j2 %.3f s, speed-up %.2f (%d cores) [share=%s]\n", $1, $2, $1 / $2, $3, $4 }'
done
