#!/bin/sh
# SPDX-License-Identifier: MIT
# test-plot.sh DEFERSIM - `defersim plot` renders every template from a small result set (a
# sweep, and one replay with its time series): each image exists, is a valid PNG or SVG
# (header bytes), is not tiny, and carries its title and axis labels; the data behind the
# fallback picture is the sweep's own numbers; gnuplot warns of nothing.  What the pictures
# say (log axes, targets, fallback marks, ranges) is test-plot-answers.sh's.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$tmp"
command -v gnuplot >/dev/null 2>&1 || { echo "gnuplot is not installed (gnuplot-nox)" >&2; exit 1; }

is_png() {
	[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] ||
		fail "$1 is not a PNG"
	[ "$(wc -c <"$1")" -gt 4000 ] || fail "$1 is tiny"
}

is_svg() {
	head -c 200 "$1" | grep -q '<svg\|<?xml' || fail "$1 does not start as SVG"
	grep -q '</svg>' "$1" || fail "$1 is not a whole SVG"
	[ "$(wc -c <"$1")" -gt 4000 ] || fail "$1 is tiny"
}

tname=$(basename "$trace")
cat >s.ini <<EOF
[sweep]
trace = $trace
policy = sync, v3
cpus = 1, 2
pool_pages = 0, 4, 16, 64
EOF
"$DS" sweep s.ini -o sw -j 2 -q
"$DS" plot sw -o pics --format png,svg 2>notes.txt >list.txt
for name in cdf fallback_vs_pool p99_vs_pool hotpath; do
	is_png "pics/$name.png"
	is_svg "pics/$name.svg"
	grep -qF "$tname" "pics/$name.svg" || fail "$name.svg: no trace name in the title"
	grep -qF "pics/$name.png" list.txt || fail "$name.png not listed"
done
grep -qF "pool_pages (pre-allocated pool pages per pool)" pics/fallback_vs_pool.svg ||
	fail "fallback_vs_pool: x axis label"
grep -qF "fallback rate (% of releases)" pics/fallback_vs_pool.svg || fail "y axis label"
grep -qF "wait from push to free (ms" pics/cdf.svg || fail "cdf: x axis label"
grep -q "gnuplot warned" notes.txt && fail "gnuplot warned: $(cat notes.txt)"
grep -qF "cpus=2" pics/fallback_vs_pool.svg || fail "fallback_vs_pool: legend per CPU count"
grep -qF "builtin-default" pics/cdf.svg || fail "cdf: profile name in the title"
# pool sizes 4..64 span a factor 16: a log2 axis, without pool_pages = 0
grep -qF "log scale; pool_pages = 0 not shown" pics/fallback_vs_pool.svg || fail "x axis note"
python3 "$here/check_results.py" vs-pool pics/fallback_vs_pool.dat sw nozero || fail "plotted data"
ok "sweep: cdf, fallback_vs_pool, p99_vs_pool, hotpath as PNG and SVG, labelled"

"$DS" replay "$trace" --cpus 2 -q --json run.json --timeseries ts.csv
"$DS" plot run.json --timeseries ts.csv -o one --format png,svg -q
for name in timeseries_zram cdf hotpath; do
	is_png "one/$name.png"
	is_svg "one/$name.svg"
done
grep -qF "free pool pages" one/timeseries_zram.svg || fail "timeseries legend"
grep -qF "values pending" one/timeseries_zram.svg || fail "timeseries legend"
ok "one run: timeseries, cdf and hotpath as PNG and SVG"

"$DS" plot sw -o narrow --where policy=v3 --where cpus=2 -q
is_png narrow/cdf.png
# v3 on 2 CPUs: pool_pages 0, 4, 16, 64 (with 0 pages no page is ever queued: the worker
# never runs, the buffers are only drained at teardown; the CDF of every value's wait has
# them, the drain latency (dashed) has not: 3 dashed curves)
[ "$(grep -c '^"' narrow/cdf.dat)" -eq 4 ] || fail "--where: expected 4 CDF curves"
grep -q '^"pool_pages=0"' narrow/cdf.dat || fail "--where: no curve for pool_pages=0"
grep -qx "ndrain=3" narrow/cdf.gp || fail "--where: expected 3 drain-latency curves"
ok "--where narrows the records (4 CDF curves for v3 on 2 CPUs, 3 with a drain latency)"

expect_fail 2 "--format gif" "$DS" plot sw -o bad --format gif
expect_fail 2 "-o DIR is required" "$DS" plot sw
expect_fail 2 "no record matches" "$DS" plot sw -o bad --where policy=v9
expect_fail 2 "not a time series" "$DS" plot run.json --timeseries run.json -o bad
expect_fail 2 "--target-fallback" "$DS" plot sw -o bad --target-fallback 5x
expect_fail 2 "--target-p99" "$DS" plot sw -o bad --target-p99 0
ok "bad plot options are refused"

# gnuplot exits 0 when it cannot write the whole image (a full disk): a stand-in gnuplot that
# writes half a PNG must make plot fail and leave no image behind
mkdir -p fakebin
cat >fakebin/gnuplot <<'FAKE'
#!/bin/sh
out=$(printf '%s\n' "$2" | sed -n "s/.*out='\([^']*\)'.*/\1/p")
printf '\211PNG\r\n\032\nhalf an image' >"$out"
exit 0
FAKE
chmod +x fakebin/gnuplot
if PATH="$PWD/fakebin:$PATH" "$DS" plot run.json -o trunc -q 2>trunc.err; then
	fail "plot with a truncated image exited 0"
fi
grep -qF "incomplete png" trunc.err || fail "truncated image: $(cat trunc.err)"
ls trunc/*.png >/dev/null 2>&1 && fail "a truncated image was kept"
ok "a truncated image (gnuplot ignores write errors) fails the plot, none is kept"

echo "1..$step"
