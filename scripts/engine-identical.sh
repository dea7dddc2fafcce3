#!/bin/sh
# SPDX-License-Identifier: MIT
# engine-identical.sh - prove that two builds of the simulator give the same results.
#
#   scripts/engine-identical.sh save  DEFERSIM DIR [TRACE...]   write every run's outputs to DIR
#   scripts/engine-identical.sh check DEFERSIM DIR [TRACE...]   run again, compare byte for byte
#   scripts/engine-identical.sh BEFORE AFTER [TRACE...]         both at once (a temporary DIR)
#
# An engine change meant only to make it faster (issue 11, item 2) must not move a single
# number: for each TRACE (default: every traces/*.dat) and each policy (sync, v2, v3,
# zsonly), in four set-ups -- the trace's own costs (class locks off), --profile rpi4b
# (profile costs, class locks on: every lock of the timing model is exercised), and both of
# them again with --cpus 1 (every task and worker shares one CPU: the CPU model's processor
# sharing with many entities, sim/cpu.c, which the recorded CPU counts rarely reach) -- the
# run's --json, --timeseries and --csv with --check (the invariants counted too) are
# compared with cmp; and the first two set-ups again as a user runs them, --json and --csv
# only ("plain", "plain-rpi4b"): --check and --timeseries make every pool observation take
# its whole path (sim/pool.c), so only these runs exercise the observation's fast paths.  A .dsev trace (e.g. the 64-CPU one of bench/bench_sim) is given like a .dat.
# Exit 0 when all are identical, 1 when one differs (named on stderr), 2 on usage errors.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)

usage() { echo "usage: engine-identical.sh save|check DEFERSIM DIR [TRACE...] | BEFORE AFTER [TRACE...]" >&2; exit 2; }

# run DEFERSIM OUTDIR TRACE...: every configuration's outputs into OUTDIR
run_all() {
	ds=$1 out=$2
	shift 2
	mkdir -p "$out"
	for trace in "$@"; do
		base=$(basename "$trace")
		for pol in sync v2 v3 zsonly; do
			for setup in trace rpi4b cpus1 cpus1-rpi4b plain plain-rpi4b; do
				set -- -q --policy "$pol"
				case $setup in *rpi4b) set -- "$@" --profile "$root/profiles/rpi4b.ini" ;; esac
				case $setup in cpus1*) set -- "$@" --cpus 1 ;; esac
				stem="$out/$base.$pol.$setup"
				case $setup in
				plain*) "$ds" replay "$trace" "$@" --json "$stem.json" \
					--csv "$stem.csv" || echo "exit $?" >"$stem.failed" ;;
				*) "$ds" replay "$trace" "$@" --check --json "$stem.json" \
					--csv "$stem.csv" --timeseries "$stem.ts.csv" ||
					echo "exit $?" >"$stem.failed" ;;
				esac
			done
		done
	done
}

# compare REFDIR NEWDIR: every file of NEWDIR (the traces given) byte for byte with REFDIR's
compare() {
	bad=0 n=0
	for f in "$2"/*; do
		name=$(basename "$f")
		[ -e "$1/$name" ] || { echo "not in $1: $name" >&2; bad=1; continue; }
		n=$((n + 1))
		cmp -s "$1/$name" "$f" || { echo "DIFFERS: $name" >&2; bad=1; }
	done
	echo "engine-identical: $n outputs compared, $([ $bad = 0 ] && echo all identical || echo SOME DIFFER)"
	return $bad
}

[ $# -ge 2 ] || usage
mode=$1
case "$mode" in
save|check) [ $# -ge 3 ] || usage; ds=$2 dir=$3; shift 3 ;;
*) before=$1 ds=$2; shift 2 ;;
esac
[ $# -gt 0 ] || set -- "$root"/traces/*.dat
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ds-identical.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# the binary caches of both builds in one place, away from the user's
export XDG_CACHE_HOME="$tmp/cache"
case "$mode" in
save) run_all "$ds" "$dir" "$@" ;;
check) run_all "$ds" "$tmp/new" "$@"; compare "$dir" "$tmp/new" ;;
*) run_all "$before" "$tmp/ref" "$@"; run_all "$ds" "$tmp/new" "$@"; compare "$tmp/ref" "$tmp/new" ;;
esac
