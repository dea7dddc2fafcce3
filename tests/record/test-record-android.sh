#!/bin/sh
# SPDX-License-Identifier: MIT
# test-record-android.sh DEFERSIM - scripts/record-android against a fake adb (android/
# fake-adb) serving a fake arm64 phone whose tracing directory, ring-buffer pages and
# kallsyms are those of a REAL bundled capture (android/mkdevice.sh): the kprobes written to
# the device name arm64 registers (the architecture read from the device's uname) and are
# removed again, the device's clock and buffer size are put back, and the trace.dat built on
# the host reads in `defersim info` with the counts the capture's provenance file states
# (counted at capture time by scripts/vm/trace-stats) and the same events per type as the
# original.  What a real phone would add (kprobes the kernel creates or refuses, a blocking
# trace_pipe_raw, su, adb itself) is not tested here.
set -eu
DS=${1:?defersim binary}
here=$(cd "$(dirname "$0")" && pwd)
root=${DS_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
capture=$root/traces/munmap-64m-6.12.dat
step=0
ok() { step=$((step + 1)); echo "ok $step - $*"; }
fail() { echo "not ok - $*" >&2; exit 1; }
command -v trace-cmd >/dev/null || { echo "1..0 # SKIP no trace-cmd"; exit 77; }
[ -f "$capture" ] || { echo "1..0 # SKIP no $capture"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ds-android.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache FAKE_ADB_ROOT=$tmp/phone
echo "1..6"

"$here/android/mkdevice.sh" "$capture" "$FAKE_ADB_ROOT"
mkdir -p "$FAKE_ADB_ROOT/bin" "$tmp/bin"
printf '#!/bin/sh\necho 0\n' >"$FAKE_ADB_ROOT/bin/id"
printf '#!/bin/sh\ncase $1 in -m) echo aarch64 ;; -r) echo 6.1.75-android14-11 ;; *) echo Linux ;; esac\n' >"$FAKE_ADB_ROOT/bin/uname"
printf '#!/bin/sh\necho Fake Phone\n' >"$FAKE_ADB_ROOT/bin/getprop"
chmod +x "$FAKE_ADB_ROOT/bin/"*
ln -s "$here/android/fake-adb" "$tmp/bin/adb"
T=$FAKE_ADB_ROOT/sys/kernel/tracing

# usage errors: exit 2, nothing done on the device
rc=0; PATH=$tmp/bin:$PATH "$root/scripts/record-android" --duration 1 2>"$tmp/err" || rc=$?
[ $rc = 2 ] && grep -q -- "-o OUT.dat is required" "$tmp/err" || fail "no -o: exit $rc, $(cat "$tmp/err")"
[ ! -e "$FAKE_ADB_ROOT/adb.log" ] || fail "a usage error talked to the device"
ok "usage errors exit 2 before anything is done"

PATH=$tmp/bin:$PATH "$root/scripts/record-android" -o "$tmp/phone.dat" --defersim "$DS" \
	--zram -- true 2>"$tmp/err" || fail "record-android: $(cat "$tmp/err")"
grep -qxF "p:defersim/zram_free zram_slot_free_notify index=%x1:u64" "$T/kprobe_events" ||
	fail "no arm64 zram_free probe written: $(cat "$T/kprobe_events")"
grep -q "%di\|%si\|%dx" "$T/kprobe_events" && fail "x86 registers on an arm64 device"
for name in $(sed -n 's/^[pr]:\(defersim\/[^ ]*\) .*/\1/p' "$T/kprobe_events"); do
	grep -qxF -- "-:$name" "$T/kprobe_events" || fail "kprobe $name not removed"
done
ok "arm64 kprobes (from the device's uname) written to kprobe_events, each removed after"

grep -q '\[local\]' "$T/trace_clock" || fail "trace_clock not put back: $(cat "$T/trace_clock")"
[ "$(cat "$T/buffer_size_kb")" = 1408 ] || fail "buffer_size_kb not put back"
[ "$(cat "$T/tracing_on")" = 0 ] || fail "tracing left on"
steps=$(sed -n 's/.*dev\.sh \([a-z][a-z]*\).*/\1/p' "$FAKE_ADB_ROOT/adb.log" | tr '\n' ' ')
[ "$steps" = "info kallsyms setup clock start stop collect tar cleanup " ] ||
	fail "device steps in this order expected, got: $steps"
[ ! -e "$FAKE_ADB_ROOT/data/local/tmp/defersim-rec" ] || fail "staging left on the device"
ok "device steps in order; its clock, buffer size and tracing state put back, staging removed"

"$DS" info --no-cache "$tmp/phone.dat" >"$tmp/info" || fail "defersim info of the phone's trace"
for key in releases cpus "lost events"; do
	want=$(sed -n "s/^$key: \([0-9]*\)$/\1/p" "${capture%.dat}.md" | head -1)
	grep -qx "$key: $want" "$tmp/info" || fail "$key: want $want (provenance), got $(grep "^$key:" "$tmp/info")"
done
grep -qx "clock: mono (synchronised across CPUs)" "$tmp/info" || fail "clock: $(grep clock "$tmp/info")"
ok "the trace.dat built on the host reads with the capture's counts and the mono clock"

"$DS" info --no-cache "$capture" >"$tmp/orig"
sed -n '/^events per type:/,/^per cpu:/p' "$tmp/orig" >"$tmp/a"
sed -n '/^events per type:/,/^per cpu:/p' "$tmp/info" >"$tmp/b"
[ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b" || fail "events per type differ: $(diff "$tmp/a" "$tmp/b")"
grep -q "accelerator: none" "$tmp/phone.md" || fail "no provenance beside the trace"
ok "every event of the capture is in it, per type; phone.md states it was a real device"

# a kprobe of the group left by a crashed run: refused, named, nothing on the device changed
echo "p:defersim/zram_free zram_slot_free_notify index=%x1:u64" >"$T/kprobe_events"
rc=0; PATH=$tmp/bin:$PATH "$root/scripts/record-android" -o "$tmp/again.dat" \
	--defersim "$DS" --duration 1 2>"$tmp/err" || rc=$?
[ $rc = 1 ] && grep -q "already exist on the device (p:defersim/zram_free" "$tmp/err" ||
	fail "stale kprobe: exit $rc, $(cat "$tmp/err")"
[ "$(wc -l <"$T/kprobe_events")" = 1 ] && grep -q '\[local\]' "$T/trace_clock" &&
	[ ! -e "$tmp/again.dat" ] || fail "a refused recording changed the device or wrote a file"
ok "kprobes left by another run: refused with their names, the device left as it was"
