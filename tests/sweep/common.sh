# common.sh - shared by the sweep command tests (sourced): a scratch directory, a private
# trace cache, the trace to use, and small checks.  Exit status 77 means "skipped" to meson.
set -eu
DS=${1:-${DS_DEFERSIM:-}}
[ -x "$DS" ] || { echo "defersim binary not given" >&2; exit 2; }
DS=$(cd "$(dirname "$DS")" && pwd)/$(basename "$DS")
root=${DS_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ds-sweep-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache"
step=0

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ok() {
	step=$((step + 1))
	echo "ok $step - $*"
}

# The trace: a bundled real one when the tree has it, else a generated fixture.
pick_trace() {
	for t in "$root/traces/lmk-4x64m-6.12.dat" "$root"/traces/*.dat; do
		if [ -f "$t" ]; then
			echo "$t"
			return
		fi
	done
	if "${DS_FIXTURES:-.}/mkfixture" --big 20000 "$tmp/big.dat" >/dev/null 2>&1; then
		echo "$tmp/big.dat"
		return
	fi
	echo ""
}

trace=$(pick_trace)
if [ -z "$trace" ]; then
	echo "no trace: neither traces/*.dat nor a generated fixture (trace-cmd) is available" >&2
	exit 77
fi
echo "# trace: $trace"

# write_ref_sweep FILE: the reference sweep both the local and the cluster tests run
# (v3, cpus 1 and 2, pool_pages 0..64*2, seeds 1 and 2 on $trace); ref_points: its size.
ref_points=32
write_ref_sweep() {
	cat >"$1" <<EOF
[sweep]
trace = $trace
policy = v3
cpus = 1, 2
pool_pages = 0..64*2
seed = 1, 2
EOF
}

# expect_fail STATUS NEEDLE CMD...: CMD exits with STATUS and its stderr holds NEEDLE
expect_fail() {
	want=$1
	needle=$2
	shift 2
	set +e
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || fail "$* exited $got, expected $want: $(cat "$tmp/err")"
	grep -qF -- "$needle" "$tmp/err" || fail "$*: stderr lacks '$needle': $(cat "$tmp/err")"
}

# point_files DIR: number of finished point files (KEY.json, not temporary files)
point_files() {
	find "$1/points" -maxdepth 1 -name '????????????????????????????????.json' 2>/dev/null |
		wc -l
}
