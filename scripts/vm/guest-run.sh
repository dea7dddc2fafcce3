#!/bin/bash
# SPDX-License-Identifier: MIT
#
# guest-run.sh - the job of one capture-vm run, inside the guest (run by /sbin/defersim-init
# from the 9p share /mnt/out).  Reads job.env, sets up zram or zswap, starts the workload in
# a cgroup v2 group with memory.max below its size, waits until it is swapped out, then
# records its measured phase (and, with GRAPH=1, a second run of it with function_graph).
# Results go back to the share: trace.dat [trace.graph.dat], guest.log, uname, status
# ("ok" or the reason it failed).  Lines "DEFERSIM-GUEST: step ..." on the console are the
# progress the host relays.
set -u
S=/mnt/out
. "$S/job.env"
CG=/sys/fs/cgroup/wl

step() { echo "DEFERSIM-GUEST: step $*" > /dev/console; echo "[$(cut -d' ' -f1 /proc/uptime)s] $*" >> "$S/guest.log"; }
fail() { step "failed: $*"; echo "$*" > "$S/status"; exit 1; }
note() { echo "$*" >> "$S/guest.log"; }

swap_setup_zram() {
	modprobe zram num_devices=1 || fail "modprobe zram"
	# lzo-rle where the kernel has it (6.1), else lz4 (6.12 builds zram without lzo)
	local c
	for c in lzo-rle lz4 zstd; do
		echo $c > /sys/block/zram0/comp_algorithm 2>/dev/null && break
	done
	grep -q "\[$c\]" /sys/block/zram0/comp_algorithm || fail "zram: none of lzo-rle, lz4, zstd accepted ($(cat /sys/block/zram0/comp_algorithm))"
	echo "${ZRAM_MIB}M" > /sys/block/zram0/disksize || fail "zram disksize"
	mkswap /dev/zram0 > /dev/null || fail "mkswap /dev/zram0"
	swapon -p 100 /dev/zram0 || fail "swapon /dev/zram0"
	echo "zram ($c, disksize $ZRAM_MIB MiB)" > "$S/swapinfo"
}

swap_setup_zswap() {
	local p=/sys/module/zswap/parameters
	[ -d $p ] || fail "this kernel has no zswap"
	modprobe zsmalloc 2>/dev/null
	modprobe lzo-rle 2>/dev/null
	[ -w $p/zpool ] && { echo zsmalloc > $p/zpool || fail "zswap zpool zsmalloc"; }
	echo lzo-rle > $p/compressor 2>/dev/null || echo lzo > $p/compressor || fail "zswap compressor lzo-rle/lzo"
	echo 50 > $p/max_pool_percent
	echo Y > $p/enabled || fail "enabling zswap"
	mkswap /dev/vdb > /dev/null || fail "mkswap /dev/vdb"
	swapon /dev/vdb || fail "swapon /dev/vdb"
	note "zswap: enabled=$(cat $p/enabled) zpool=$(cat $p/zpool 2>/dev/null || echo zsmalloc) compressor=$(cat $p/compressor)"
	echo "zswap ($(cat $p/zpool 2>/dev/null || echo zsmalloc), $(cat $p/compressor), in front of a $ZRAM_MIB MiB virtio swap disk)" > "$S/swapinfo"
}

cgroup_setup() {
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control || fail "enabling the memory controller"
	mkdir -p $CG
	echo "$MEMORY_MAX" > $CG/memory.max || fail "memory.max=$MEMORY_MAX"
}

swap_state() {
	note "swap: $(tail -n +2 /proc/swaps | awk '{printf "%s used %s KiB; ", $1, $4}')"
	[ -r /sys/block/zram0/mm_stat ] && note "zram mm_stat (orig compr mem_used limit max same compacted huge): $(cat /sys/block/zram0/mm_stat)"
	[ "$MODE" = zswap ] && [ -r /sys/kernel/debug/zswap/stored_pages ] && note "zswap stored_pages: $(cat /sys/kernel/debug/zswap/stored_pages), pool_total_size: $(cat /sys/kernel/debug/zswap/pool_total_size)"
	note "cgroup memory.current: $(cat $CG/memory.current), memory.swap.current: $(cat $CG/memory.swap.current)"
}

# start_workload: runs it in the cgroup and waits for its ready file; sets wl_pid.
start_workload() {
	rm -f /tmp/ready /tmp/done
	( echo $BASHPID > $CG/cgroup.procs
	  exec /opt/ds/"$WORKLOAD" --size "$SIZE_MIB" --procs "$PROCS" --duration "$DURATION" \
		--ready /tmp/ready --done /tmp/done ) >> /tmp/wl.out 2>&1 &
	local i=0
	while [ ! -s /tmp/ready ]; do
		kill -0 $! 2>/dev/null || fail "workload $WORKLOAD died while filling: $(tail -n 3 /tmp/wl.out | tr '\n' ' ')"
		grep -q '^oom_kill [1-9]' $CG/memory.events &&
			fail "the OOM killer struck in the workload's cgroup (memory.max=$MEMORY_MAX is too small for what stays resident; raise --memory-max)"
		sleep 0.2
		i=$((i + 1))
		[ $i -lt 3000 ] || fail "workload $WORKLOAD not swapped out after 600 s"
	done
	wl_pid=$(cat /tmp/ready)
}

stop_workload() {
	echo 1 > $CG/cgroup.kill 2>/dev/null || kill -9 $(cat $CG/cgroup.procs) 2>/dev/null
	wait
	local i=0
	while [ -n "$(cat $CG/cgroup.procs)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

# record OUT [--graph]: the measured phase, from SIGUSR1 to the done file.
record() {
	local out=$1; shift
	local -a opts=(-o "$out" "--$MODE" "$@")
	# the recorded command: start the phase, wait for its end (or for the workload's death)
	local go="kill -USR1 $wl_pid; while [ ! -e /tmp/done ]; do grep -qs '^State:[[:space:]]*[^Z]' /proc/$wl_pid/status || break; sleep 0.01; done; sleep 0.1"
	if [ "$RECORDER" = defersim ]; then
		[ "$COMPRESS" = 1 ] && opts+=(--compress)
		/opt/ds/defersim record "${opts[@]}" --buffer-kib "$BUFFER_KIB" -- /bin/sh -c "$go" \
			>> /tmp/rec.out 2>&1
	else
		[ "$COMPRESS" = 1 ] && opts+=(--compress)
		/opt/ds/record.sh "${opts[@]}" -b "$BUFFER_KIB" -- /bin/sh -c "$go" >> /tmp/rec.out 2>&1
	fi
}

# selftest: `defersim record`'s clean-up on the real kernel (SELFTEST=1, used by the slow
# test): interrupted by SIGTERM and SIGINT, failing to start trace-cmd, refusing stale
# kprobes and --cleanup, --duration alone.  One line per case in selftest.txt.
st_result() { echo "selftest: $1" >> "$S/selftest.txt"; }
st_no_probes() { ! grep -q 'defersim/' /sys/kernel/tracing/kprobe_events; }
st_no_tmp() { ! ls /tmp/"$1".tmp-* > /dev/null 2>&1; }
st_interrupt() { # st_interrupt NAME SIGNAL
	local rc=0
	/opt/ds/defersim record -o /tmp/$1.dat --zram --duration 120 > /tmp/$1.log 2>&1 &
	local pid=$!
	sleep 6
	kill -"$2" $pid
	wait $pid || rc=$?
	if [ $rc = 0 ] && [ -s /tmp/$1.dat ] && st_no_probes && st_no_tmp $1.dat &&
		trace-cmd report -i /tmp/$1.dat > /dev/null 2>&1; then
		st_result "ok $1: SIG$2 ends the recording with a readable trace, no kprobe left"
	else
		st_result "FAIL $1: rc=$rc, file $(stat -c %s /tmp/$1.dat 2>&1), kprobes: $(grep -c defersim/ /sys/kernel/tracing/kprobe_events), $(tail -n 2 /tmp/$1.log | tr '\n' ' ')"
	fi
}
selftest() {
	local rc
	: > "$S/selftest.txt"
	st_interrupt sigterm TERM
	st_interrupt sigint INT
	rc=0
	/opt/ds/defersim record -o /tmp/st3.dat --zram --trace-cmd /nonexistent/trace-cmd -- true > /tmp/st3.log 2>&1 || rc=$?
	if [ $rc != 0 ] && [ ! -e /tmp/st3.dat ] && st_no_probes && st_no_tmp st3.dat; then
		st_result "ok trace-cmd-missing: exit $rc, no file, no kprobe left ($(head -n 1 /tmp/st3.log))"
	else
		st_result "FAIL trace-cmd-missing: rc=$rc, kprobes: $(grep -c defersim/ /sys/kernel/tracing/kprobe_events)"
	fi
	echo 'p:defersim/stale zs_free' >> /sys/kernel/tracing/kprobe_events
	rc=0
	/opt/ds/defersim record -o /tmp/st4.dat --zram -- true > /tmp/st4.log 2>&1 || rc=$?
	if [ $rc != 0 ] && grep -q 'already exist' /tmp/st4.log && grep -q 'defersim/stale' /sys/kernel/tracing/kprobe_events; then
		st_result "ok stale-refused: exit $rc, the foreign kprobe untouched"
	else
		st_result "FAIL stale-refused: rc=$rc $(cat /tmp/st4.log)"
	fi
	/opt/ds/defersim record --cleanup > /tmp/st4c.log 2>&1
	if st_no_probes && grep -q 'removed 1 kprobe' /tmp/st4c.log; then
		st_result "ok cleanup: $(cat /tmp/st4c.log)"
	else
		st_result "FAIL cleanup: $(cat /tmp/st4c.log)"
	fi
	rc=0
	/opt/ds/defersim record -o /tmp/st5.dat --zram --duration 2 > /tmp/st5.log 2>&1 || rc=$?
	if [ $rc = 0 ] && [ -s /tmp/st5.dat ] && st_no_probes; then
		st_result "ok duration-only: $(grep 'wrote' /tmp/st5.log)"
	else
		st_result "FAIL duration-only: rc=$rc $(tail -n 2 /tmp/st5.log | tr '\n' ' ')"
	fi
	rm -f /tmp/sig*.dat /tmp/st*.dat
}

main() {
	# an ASan/UBSan test build of defersim may be the recorder: leaks are checked by the
	# host's unit tests (with their suppressions), not here
	export ASAN_OPTIONS=detect_leaks=0
	: > "$S/guest.log"
	uname -r > "$S/uname"
	mkdir -p /opt/ds && cp "$S"/bin/* /opt/ds/ && chmod +x /opt/ds/*
	note "kernel: $(uname -r); cpus: $(nproc); memory: $(awk '/MemTotal/ {print $2}' /proc/meminfo) KiB; clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	note "job: $(tr '\n' ' ' < "$S/job.env")"
	step "setting up $MODE swap"
	swap_setup_"$MODE"
	cgroup_setup
	if [ "${SELFTEST:-0}" = 1 ] && [ "$RECORDER" = defersim ]; then
		step "selftest of defersim record (interrupts, errors, stale kprobes)"
		selftest
	fi
	step "workload $WORKLOAD: filling $SIZE_MIB MiB over $PROCS process(es), memory.max=$MEMORY_MAX"
	start_workload
	swap_state
	step "recording the $WORKLOAD phase ($RECORDER)"
	record /tmp/trace.dat || fail "recording failed: $(tail -n 5 /tmp/rec.out)"
	[ -e /tmp/done ] || fail "the workload died in its measured phase: $(tail -n 3 /tmp/wl.out | tr '\n' ' ')"
	note "trace: $(stat -c %s /tmp/trace.dat) bytes"
	stop_workload
	cp /tmp/trace.dat "$S/trace.dat.tmp" && mv "$S/trace.dat.tmp" "$S/trace.dat" || fail "copying trace.dat to the share"
	if [ "$GRAPH" = 1 ]; then
		step "workload $WORKLOAD again for the function_graph pass"
		start_workload
		step "recording the $WORKLOAD phase with function_graph"
		record /tmp/trace.graph.dat --graph || fail "graph recording failed: $(tail -n 5 /tmp/rec.out)"
		[ -e /tmp/done ] || fail "the workload died in its measured phase: $(tail -n 3 /tmp/wl.out | tr '\n' ' ')"
		stop_workload
		cp /tmp/trace.graph.dat "$S/trace.graph.dat.tmp" && mv "$S/trace.graph.dat.tmp" "$S/trace.graph.dat" ||
			fail "copying trace.graph.dat to the share"
	fi
	note "--- workload output"
	cat /tmp/wl.out >> "$S/guest.log"
	note "--- recorder output (last lines)"
	grep -v '^CPU[0-9]* data recorded' /tmp/rec.out | tail -n 20 >> "$S/guest.log"
	echo ok > "$S/status"
	step "done"
}

main
