#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test-capture-vm.sh - slow test (meson suite 'slow'): scripts/capture-vm end to end.
#
# Boots the 6.1 guest (KVM or TCG), runs a small lmk storm (2 processes, 32 MiB in all) with
# `defersim record` from this build as the recorder, and checks the trace.dat that comes
# back: it has release events (counted here with `trace-cmd report`, independently of
# defersim), as many as the provenance file says, as many as the recorder itself tallied
# in the guest, every release has its return probe, and nothing is left in the output dir
# but the trace and its provenance.  With --selftest the guest also checks, on the real
# kernel, that `defersim record` removes its kprobes after SIGTERM, SIGINT and errors,
# refuses stale ones and that --cleanup removes them.  TAP output.
set -u
top=${DS_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${DS_BUILD_ROOT:-$top/build}
dir=$(mktemp -d /tmp/ds-capture-test.XXXXXX)
trap 'rm -rf "$dir"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

echo "1..9"
if [ "$(id -u)" != 0 ]; then
	for i in 1 2 3 4 5 6 7 8 9; do echo "ok $i # SKIP needs root (debootstrap, mkfs, qemu)"; done
	exit 0
fi
if "$top/scripts/capture-vm" --kernel 6.1 --workload lmk --procs 2 --size 32 \
	--selftest --recorder defersim --defersim "$build/cli/defersim" -o "$dir/t.dat" > "$dir/log" 2>&1; then
	ok "capture-vm lmk 2x16 MiB on 6.1"
else
	not_ok "capture-vm lmk 2x16 MiB on 6.1"
	sed 's/^/# /' "$dir/log"
fi
check "trace.dat written" test -s "$dir/t.dat"
rel=$(trace-cmd report -i "$dir/t.dat" 2>/dev/null | grep -c ' zram_free: ')
ret=$(trace-cmd report -i "$dir/t.dat" 2>/dev/null | grep -c ' zram_free_ret: ')
echo "# trace-cmd report: $rel zram_free, $ret zram_free_ret"
# 32 MiB of swapped anonymous memory is 8192 pages: a kill releases about that many entries
check "release events recorded (trace-cmd report: $rel)" test "$rel" -gt 4000
check "every release returned ($ret returns)" test "$ret" -ge $((rel - 2))
md_rel=$(sed -n 's/^releases: //p' "$dir/t.md" | head -n1)
check "provenance says releases: $rel (it says ${md_rel:-nothing})" test "${md_rel:-x}" = "$rel"
guest_rel=$(sed -n 's/^defersim record: wrote .*: \([0-9]*\) releases,.*/\1/p' "$dir/t.md" | head -n1)
check "defersim record's own tally in the guest agrees (${guest_rel:-none})" test "${guest_rel:-x}" = "$rel"
left=$(cd "$dir" && ls | grep -v -x -e t.dat -e t.md -e log | tr '\n' ' ')
check "no temporary files left next to the output (${left:-none})" test -z "$left"
st_ok=$(grep -c '^selftest: ok ' "$dir/t.md")
st_fail=$(grep '^selftest: FAIL ' "$dir/t.md")
[ -z "$st_fail" ] || echo "$st_fail" | sed 's/^/# /'
check "guest self-test of defersim record: 6 cases ok ($st_ok)" test "$st_ok" = 6
check "guest self-test: no failure" test -z "$st_fail"
exit $((failed > 0))
