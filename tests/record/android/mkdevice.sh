#!/bin/sh
# SPDX-License-Identifier: MIT
# mkdevice.sh TRACE.dat ROOT - a fake Android device's files, made from a REAL capture, for
# the fake adb (fake-adb) that tests scripts/record-android:
#   ROOT/sys/kernel/tracing: events/header_page, header_event, events/SYSTEM/EVENT/format
#     (the capture's own format files, so the ids match its pages), per_cpu/cpuN/
#     trace_pipe_raw (the capture's raw ring-buffer pages, byte for byte) and stats,
#     saved_cmdlines, trace_clock, kprobe_events, tracing_on, buffer_size_kb, enable files
#   ROOT/proc/kallsyms: the capture's kallsyms
#   ROOT/data/local/tmp/: empty
# Everything comes out of TRACE.dat with `trace-cmd dump` (headers, formats, kallsyms,
# command lines) and `trace-cmd convert` to an uncompressed v6 file whose flyrecord section
# is each CPU's pages as trace-cmd record spliced them from trace_pipe_raw.
set -eu
trace=$1 root=$2
t=$root/sys/kernel/tracing
mkdir -p "$t/events" "$root/proc" "$root/data/local/tmp"
dump() { trace-cmd dump -i "$trace" "$@" 2>/dev/null | grep -v '^	\['; }

dump --head-page >"$t/events/header_page"
dump --head-event >"$t/events/header_event"
dump --kallsyms >"$root/proc/kallsyms"
dump --cmd-lines >"$t/saved_cmdlines"

# "name: X" starts each format; --systems gives the systems in file order with their counts
split_formats() {	# split_formats SYSTEMS_AND_COUNTS < dump output
	awk -v t="$t" -v spec="$1" '
		BEGIN { n = split(spec, s, " "); k = 1; left = s[2] }
		/^name: / {
			if (file) close(file)
			if (left == 0) { k += 2; left = s[k + 1] }
			left--
			dir = t "/events/" s[k] "/" substr($0, 7)
			system("mkdir -p \"" dir "\"")
			file = dir "/format"
		}
		file { print > file }'
}
systems=$(trace-cmd dump -i "$trace" --systems 2>/dev/null | awk '/\[system, events\]/ { printf "%s %s ", $1, $2 }')
dump --events | split_formats "$systems"
n=$(trace-cmd dump -i "$trace" --ftrace-events 2>/dev/null | grep -c '^name: ')
dump --ftrace-events | split_formats "ftrace $n"
for f in "$t"/events/*/*/format; do	# what the kernel has beside each format
	echo 0 >"${f%/format}/enable"
done
for s in "$t"/events/*/; do echo 0 >"$s/enable"; done

# the pages: v6 uncompressed, then each CPU's [offset, size] of the flyrecord section
trace-cmd convert -i "$trace" -o "$root/v6.dat" --file-version 6 --compression none \
	>/dev/null 2>&1
trace-cmd dump -i "$root/v6.dat" --flyrecord 2>/dev/null |
	awk '/\[offset, size of cpu/ { sub(/\]/, "", $NF); print $NF, $1, $2 }' |
	while read -r cpu off size; do
		mkdir -p "$t/per_cpu/cpu$cpu"
		dd if="$root/v6.dat" of="$t/per_cpu/cpu$cpu/trace_pipe_raw" bs=4096 \
			skip=$((off / 4096)) count=$((size / 4096)) status=none
		printf 'entries: 0\noverrun: 0\n' >"$t/per_cpu/cpu$cpu/stats"
	done
rm -f "$root/v6.dat"

printf '[local] global counter uptime perf mono mono_raw boot\n' >"$t/trace_clock"
: >"$t/kprobe_events"
echo 1 >"$t/tracing_on"
echo 1408 >"$t/buffer_size_kb"
echo 128 >"$t/saved_cmdlines_size"
: >"$t/trace"
