#!/bin/sh
# run-fuzzer.sh FUZZER SECONDS SEED... - one bounded libFuzzer run, as CI does it (meson suite
# 'fuzz-run', built with -Dfuzz=true; scripts/test runs it when clang is there).
#
# The corpus is a fresh temporary directory seeded with SEED files (a directory's files are
# copied too: tests/fuzz/regressions/), so CI never depends on what an earlier run found.
# A crash, leak, timeout (60 s per input) or over-limit allocation fails the test; the input
# that did it is copied into the build directory as fuzz-crash-NAME-* and printed in hex.
set -eu
fuzzer=$1
secs=$2
shift 2
name=$(basename "$fuzzer")
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
mkdir "$corpus/in"
for s in "$@"; do
	if [ -d "$s" ]; then
		find "$s" -maxdepth 1 -type f ! -name '*.md' -exec cp {} "$corpus/in/" \;
	elif [ -f "$s" ]; then
		cp "$s" "$corpus/in/"
	fi
done
status=0
"$fuzzer" -max_total_time="$secs" -timeout=60 -rss_limit_mb=2048 -max_len=1048576 \
	-print_final_stats=1 -artifact_prefix="$corpus/crash-" "$corpus/in" 2>"$corpus/log" || status=$?
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done )' "$corpus/log" || true
if [ "$status" -ne 0 ]; then
	tail -n 40 "$corpus/log"
	for f in "$corpus"/crash-*; do
		[ -e "$f" ] || continue
		cp "$f" "./fuzz-crash-$name-$(basename "$f")"
		echo "input $(basename "$f") (kept as ./fuzz-crash-$name-$(basename "$f")):"
		od -A d -t x1 "$f" | head -n 20
	done
fi
exit "$status"
