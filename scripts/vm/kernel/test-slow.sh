#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test-slow.sh - slow end-to-end check of the own-built v3 kernel (minutes: a kernel build the
# first time, ~10 s later).  Builds or reuses the cached 6.12-v3 kernel (build.sh), boots it
# under QEMU TCG (bench-vm), runs one 32 MiB munmap with zram.pool_pages=4 and checks from the
# guest's output that:
#   - the measurement line carries the deferred-free counters (fallbacks, pushes, values
#     and pages drained, worker runs, peak pending, push->free histogram);
#   - the DSB-STAT end dump satisfies pushes == values_drained + stale + in_buffers and says
#     "conservation ok";
#   - the kernel's teardown line (swapoff + reset drained every buffer) has pushes == drained
#     + stale, and no WARNING/BUG was printed.
# Exit 0 = pass, 1 = fail, 77 = skipped (no qemu / busybox-static / kernel source, not root).
#
#   scripts/vm/kernel/test-slow.sh [--keep DIR]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
keep=
[ "${1:-}" = --keep ] && keep=$2

skip() { echo "1..0 # SKIP $*"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing"
[ -x /bin/busybox ] || skip "busybox-static missing"
[ -f /usr/src/linux-source-6.12.tar.xz ] || [ "$(id -u)" = 0 ] || skip "linux-source-6.12 missing and not root"

dir=${keep:-$(mktemp -d)}
mkdir -p "$dir"
[ -n "$keep" ] || trap 'rm -rf "$dir"' EXIT
out=$dir/slow.jsonl
con=$dir/slow.console.log

echo "1..4"
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }

if "$here/bench-vm" --kernel 6.12-v3 --set pool_pages=4 --sizes 32 --runs 1 --timeout 600 \
	-o "$out" > "$dir/bench-vm.log" 2>&1; then
	ok "v3 kernel built/reused, booted, munmap 32 MiB with pool_pages=4 ran"
else
	notok "bench-vm failed: $(tail -n 3 "$dir/bench-vm.log" | tr '\n' ' ')"
	echo "# console: $con"
	exit 1
fi

# 2: the counters were read in the measurement
if python3 - "$out" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r = [x for x in recs if x["kind"] == "munmap" and x["size_mib"] == 32]
assert len(r) == 1, "no munmap 32 MiB line"
r = r[0]
d = r["d"]
assert d and d["enabled"] == 1, "deferred_stat not read / not enabled"
for k in ("pushes", "fallbacks", "values_drained", "pages_drained", "stale", "worker_runs",
          "peak_pending", "in_buffers"):
    assert k in d, "missing " + k
assert d["pool_pages"] == 4, "pool_pages %s" % d["pool_pages"]
assert d["pushes"] + d["fallbacks"] > 0, "no release counted"
assert r["hist"], "empty push->free histogram"
assert r["swapped_kib"][0] >= 32 * 1024 * 9 // 10, "region not swapped out"
print("# munmap %.1f ms, pushes %d, fallbacks %d, drained %d, worker runs %d" % (
    r["munmap_ms"], d["pushes"], d["fallbacks"], d["values_drained"], d["worker_runs"]))
EOF
then ok "measurement carries fallbacks, drain counters and the histogram"
else notok "counters missing from the measurement line"
fi

# 3: conservation at the end of the plan (worker idle)
end=$(tr -d '\r' < "$con" | sed -n 's/^DSB-STAT end //p')
get() { echo "$end" | awk -v k="$1" '$1 == k { print $2 }'; }
p=$(get pushes) d=$(get values_drained) s=$(get stale) b=$(get in_buffers) c=$(get conservation)
echo "# end: pushes $p values_drained $d stale $s in_buffers $b conservation $c"
if [ -n "$p" ] && [ "$p" -gt 0 ] && [ "$p" = $((d + s + b)) ] && [ "$c" = ok ]; then
	ok "pushed == drained + stale + in buffers ($p == $d + $s + $b), conservation ok"
else
	notok "conservation: pushes $p, drained $d, stale $s, in_buffers $b, '$c'"
fi

# 4: teardown drained everything, no kernel warning
td=$(tr -d '\r' < "$con" | grep -a -o 'deferred free: pushes [0-9]* drained [0-9]* stale [0-9]*' | tail -n1 || true)
echo "# teardown: ${td:-none}"
if [ -n "$td" ] && [ "$(echo "$td" | awk '{ print ($4 == $6 + $8) }')" = 1 ] &&
	! tr -d '\r' < "$con" | grep -a -q -E 'WARNING:|BUG:|Kernel panic'; then
	ok "teardown: pushes == drained + stale, no WARNING/BUG"
else
	notok "teardown line missing or unbalanced, or a kernel warning (console: $con)"
fi
[ "$fails" = 0 ]
