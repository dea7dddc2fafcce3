#!/bin/bash
# SPDX-License-Identifier: MIT
#
# record.sh - record swap-entry releases with plain trace-cmd + kprobe_events: the commands
# `defersim record` runs, spelled out for users who prefer them (and the recorder that
# scripts/capture-vm falls back to when no defersim binary is usable in the guest).
#
#   scripts/record.sh -o trace.dat [--zram|--zswap|--both] [--graph] [--duration S]
#                     [-b KIB] [--compress] [-- COMMAND ...]
#
# Needs root and a kernel with kprobes (/sys/kernel/tracing/kprobe_events).  Steps:
#   1. pick the probe points that /proc/kallsyms has (names differ across kernels; an
#      inlined function cannot be probed), and write them to kprobe_events in the group
#      `defersim`, named as in traces/FORMAT.md, e.g. on 6.1 with zram:
#        echo 'p:defersim/zram_free zram_slot_free_notify index=%si:u64' >> kprobe_events
#        echo 'r:defersim/zram_free_ret zram_slot_free_notify' >> kprobe_events
#        echo 'p:defersim/zs_free zs_free handle=%si:u64' >> kprobe_events
#        echo 'p:defersim/zs_malloc zs_malloc size=%si:u64' >> kprobe_events
#        echo 'r:defersim/zs_malloc_ret zs_malloc handle=$retval:u64' >> kprobe_events
#        echo 'p:defersim/zram_write __zram_bvec_write index=%dx:u64' >> kprobe_events
#   2. trace-cmd record -C mono -b KIB -e defersim -e sched:sched_switch
#        -e sched:sched_process_exit -e workqueue:workqueue_queue_work
#        -e workqueue:workqueue_activate_work -e workqueue:workqueue_execute_start
#        -e workqueue:workqueue_execute_end -o trace.dat COMMAND
#      (--graph: instead of the release kprobes, -p function_graph -g zram_slot_free_notify
#      --max-graph-depth 1, which gives per-call durations without kprobe overhead inside
#      the call)
#   3. remove the kprobes again (`-:defersim/NAME`), also on Ctrl-C and on error.
# x86-64 only (argument registers %di %si %dx); on arm64 use %x0 %x1 %x2.
set -euo pipefail

T=/sys/kernel/tracing
out=trace.dat mode=auto graph=0 duration= bufkib=32768 compress=0
created=()

die() { echo "record.sh: error: $*" >&2; exit 1; }

usage() {
	sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift ;;
	--zram) mode=zram ;;
	--zswap) mode=zswap ;;
	--both) mode=both ;;
	--graph) graph=1 ;;
	--duration) duration=$2; shift ;;
	-b) bufkib=$2; shift ;;
	--compress) compress=1 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done

[ "$(id -u)" = 0 ] || die "needs root (tracefs, kprobe_events)"
[ -d "$T/events" ] || mount -t tracefs tracefs "$T" 2>/dev/null || T=/sys/kernel/debug/tracing
[ -f "$T/kprobe_events" ] || die "this kernel has no kprobes ($T/kprobe_events is missing): zram/zswap releases cannot be traced here; use scripts/capture-vm to record in a VM"
command -v trace-cmd >/dev/null || die "trace-cmd is not installed (apt-get install trace-cmd)"
[ -z "$duration" ] || [[ $duration =~ ^[0-9]+$ ]] || die "--duration must be whole seconds, not '$duration'"

has_sym() { awk -v f="$1" '$3 == f { found = 1; exit } END { exit !found }' /proc/kallsyms; }

add_probe() { # add_probe NAME DEFINITION
	echo "$2" >> "$T/kprobe_events" || die "kernel refused kprobe '$2' (see $T/error_log)"
	created+=("$1")
}

cleanup() {
	local n
	for n in "${created[@]}"; do
		echo "-:defersim/$n" >> "$T/kprobe_events" 2>/dev/null ||
			echo "record.sh: could not remove kprobe defersim/$n" >&2
	done
	created=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if grep -q '^[pr]:defersim/' "$T/kprobe_events"; then
	die "kprobes of the group 'defersim' already exist (another recording, or a crashed one): remove them with: grep '^[pr]:defersim/' $T/kprobe_events | sed 's/^[pr]:/-:/; s/ .*//' >> $T/kprobe_events"
fi

zram=0 zswap=0
if [ "$mode" = zram ] || [ "$mode" = both ] || [ "$mode" = auto ]; then
	has_sym zram_slot_free_notify && zram=1
	[ "$mode" = auto ] || [ $zram = 1 ] || die "zram_slot_free_notify is not in /proc/kallsyms (modprobe zram first)"
fi
if [ "$mode" = zswap ] || [ "$mode" = both ] || [ "$mode" = auto ]; then
	if has_sym zswap_invalidate; then zswap=zswap_invalidate
	elif has_sym zswap_frontswap_invalidate_page; then zswap=zswap_frontswap_invalidate_page
	else zswap=0; fi
	[ "$mode" = auto ] || [ $zswap != 0 ] || die "neither zswap_invalidate nor zswap_frontswap_invalidate_page is in /proc/kallsyms"
fi
[ $zram = 1 ] || [ $zswap != 0 ] || die "no release function to probe (load zram or enable zswap first)"

graph_args=()
if [ $graph = 0 ]; then
	if [ $zram = 1 ]; then
		add_probe zram_free 'p:defersim/zram_free zram_slot_free_notify index=%si:u64'
		add_probe zram_free_ret 'r:defersim/zram_free_ret zram_slot_free_notify'
	fi
	case $zswap in
	zswap_invalidate)
		add_probe zswap_inv 'p:defersim/zswap_inv zswap_invalidate entry=%di:u64'
		add_probe zswap_inv_ret 'r:defersim/zswap_inv_ret zswap_invalidate' ;;
	zswap_frontswap_invalidate_page)
		add_probe zswap_inv 'p:defersim/zswap_inv zswap_frontswap_invalidate_page type=%di:u32 offset=%si:u64'
		add_probe zswap_inv_ret 'r:defersim/zswap_inv_ret zswap_frontswap_invalidate_page' ;;
	esac
	if has_sym zs_free; then add_probe zs_free 'p:defersim/zs_free zs_free handle=%si:u64'; fi
	if has_sym zs_malloc; then
		add_probe zs_malloc 'p:defersim/zs_malloc zs_malloc size=%si:u64'
		add_probe zs_malloc_ret 'r:defersim/zs_malloc_ret zs_malloc handle=$retval:u64'
	fi
	if [ $zram = 1 ]; then
		if has_sym zram_write_page; then add_probe zram_write 'p:defersim/zram_write zram_write_page index=%dx:u64'
		elif has_sym __zram_bvec_write; then add_probe zram_write 'p:defersim/zram_write __zram_bvec_write index=%dx:u64'; fi
	fi
	graph_args+=(-e defersim)
else
	graph_args+=(-p function_graph --max-graph-depth 1)
	[ $zram = 1 ] && graph_args+=(-g zram_slot_free_notify)
	[ $zswap != 0 ] && graph_args+=(-g "$zswap")
fi
echo "record.sh: kprobes: ${created[*]:-none (function_graph pass)}" >&2

clock=mono
grep -qw mono "$T/trace_clock" || die "the trace clock 'mono' is not available ($(cat "$T/trace_clock"))"
args=(record -C "$clock" -b "$bufkib" "${graph_args[@]}"
	-e sched:sched_switch -e sched:sched_process_exit
	-e workqueue:workqueue_queue_work -e workqueue:workqueue_activate_work
	-e workqueue:workqueue_execute_start -e workqueue:workqueue_execute_end -o "$out")
[ $compress = 1 ] && args+=(--file-version 7 --compression zstd)
if [ $# -gt 0 ]; then
	args+=("$@")
elif [ -n "$duration" ]; then
	args+=(sleep "$duration")
fi
echo "record.sh: trace-cmd ${args[*]}" >&2
# trace-cmd handles Ctrl-C itself (stops, writes the file); ignore it here until it is done.
trap '' INT
rc=0
trace-cmd "${args[@]}" || rc=$?
trap 'exit 130' INT
[ $rc = 0 ] || die "trace-cmd record exited with status $rc"
