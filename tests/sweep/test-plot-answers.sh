#!/bin/sh
# SPDX-License-Identifier: MIT
# test-plot-answers.sh DEFERSIM - the pictures answer the sizing question (issue 10, item 6),
# checked in the scripts (NAME.gp) and data (NAME.dat) `defersim plot` writes:
#  - fallback marks on the pool timeline at the times of a hand-worked SYNTHETIC run;
#  - the wait CDF includes values freed at teardown, in ms;
#  - fallback rate vs pool_pages on a log y axis, zero rates at a "0" floor below the
#    smallest rate, the --target-fallback / --target-p99 lines at the values given, or the
#    targets and answer of a `defersim size --json` file;
#  - every picture's x range is its data's range;
#  - free pool pages never exceed pool_pages in the time series of a bundled trace, at every
#    pool size tried (teardown once counted the CPUs' own buffer pages as free pool pages);
#  - gnuplot draws every generated script as PNG and SVG without a warning.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$tmp"
command -v gnuplot >/dev/null 2>&1 || { echo "gnuplot is not installed (gnuplot-nox)" >&2; exit 1; }
chk="python3 $here/check_plot.py"

# near A B: |A - B| <= 1e-9 * max(1, |B|)
near() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b;
		exit !(d <= 1e-9 * (m > 1 ? m : 1)) }'
}

# --- a hand-worked synthetic run (labelled synthetic in its .dsev header) ------------------
# 8 tasks on one CPU, task 100+k releasing zram slot k at t = 1 ms + k ms and exiting 0.5 ms
# later.  page_size 16: 4 values per page; pool_pages 0: the CPU's own page takes releases
# 0..3 (t_rel 0..3 ms), the 4th fills it and the swap fails (no pool page), so releases 4..7
# (t_rel 4, 5, 6, 7 ms) find it full and fall back.  Sampling every 1 ns: a sample at each.
evs=""
for k in 0 1 2 3 4 5 6 7; do
	ts=$((1000000 + k * 1000000))
	evs="$evs 1,$ts,$k,0,$((100 + k)),0,0 8,$((ts + 500000)),0,0,$((100 + k)),0,0"
done
# shellcheck disable=SC2086
python3 "$root/tests/fuzz/mkdsev.py" syn.dsev 1 0 $evs
"$DS" replay syn.dsev --cpus 1 --pool-pages 0 --set page_size=16 -q --json syn.json \
	--timeseries syn.csv --timeseries-ns 1
"$DS" plot syn.json --timeseries syn.csv -o syn -q 2>syn.err
[ -s syn.err ] && fail "plot of the synthetic run said: $(cat syn.err)"
gp=syn/timeseries_zram.gp
[ "$($chk var $gp nfallbacks)" = 4 ] || fail "nfallbacks: $($chk var $gp nfallbacks)"
[ "$($chk var $gp nmarks)" = 4 ] || fail "nmarks: $($chk var $gp nmarks)"
[ "$($chk var $gp pool)" = 0 ] || fail "pool: $($chk var $gp pool)"
$chk block syn/timeseries_zram.dat 1 >marks.txt
[ "$(wc -l <marks.txt)" -eq 4 ] || fail "marks: $(cat marks.txt)"
k=4
while read -r t new cum; do
	near "$t" "0.00$k" || fail "mark at $t s, expected 0.00$k s"
	[ "$new" = 1 ] && [ "$cum" = $((k - 3)) ] || fail "mark at $t: $new new, $cum in all"
	k=$((k + 1))
done <marks.txt
$chk xrange $gp syn/timeseries_zram.dat || fail "timeseries x range"
ok "synthetic run: fallback marks at 4, 5, 6, 7 ms, one each; x range = the samples'"

# Nothing was drained before teardown (drain latency: none), yet the 4 values waited: the
# value pushed at 3 ms until the teardown after the last exit (7.5 ms): 4.5 ms and a drain's
# few us; the one pushed at 0 ms, 7.5 ms and those.  In ms, on the CDF of every value's wait.
gp=syn/cdf.gp
[ "$($chk var $gp ncurves)" = 1 ] && [ "$($chk var $gp ndrain)" = 0 ] || fail "cdf curves"
$chk block syn/cdf.dat 0 >cdf.txt
awk 'NR == 1 && !($1 >= 4.4 && $1 <= 4.7) { print "min " $1; bad = 1 }
     END { if (!($1 >= 7.4 && $1 <= 7.7)) { print "max " $1; bad = 1 }; exit bad }' cdf.txt ||
	fail "cdf of the synthetic run: waits not 4.5..7.5 ms"
grep -qF "wait from push to free (ms" "$root/plots/cdf.gp" || fail "cdf x label in ms"
$chk xrange $gp syn/cdf.dat pos || fail "cdf x range"
ok "synthetic run: the wait CDF holds the values freed at teardown, 4.5..7.5 ms"

# --- fallback rate and p99 vs pool size, with targets --------------------------------------
cat >s.ini <<EOF2
[sweep]
trace = $trace
policy = v3
cpus = 2
pool_pages = 0, 1, 4, 16, 64
EOF2
"$DS" sweep s.ini -o sw -j 2 -q
"$DS" plot sw -o pics --format png,svg --target-fallback 0.1% --target-p99 200ms \
	2>pics.err >/dev/null
grep -q "gnuplot warned" pics.err && fail "gnuplot warned: $(cat pics.err)"
gp=pics/fallback_vs_pool.gp
grep -q '^[[:space:]]*set logscale y' "$root/plots/vs_pool.gp" || fail "vs_pool.gp sets no log y"
[ "$($chk var $gp logy)" = 1 ] || fail "fallback_vs_pool: logy not 1"
near "$($chk var $gp target)" 0.1 || fail "target $($chk var $gp target), expected 0.1 (%)"
$chk var $gp tnote | grep -qF -- "0.1% (--target-fallback)" || fail "target legend"
grep -qF -- "0.1% (--target-fallback)" pics/fallback_vs_pool.svg || fail "target not drawn"
# the floor: a decade below the decade of the smallest positive rate (or the target)
minpos=$($chk block pics/fallback_vs_pool.dat 0 | awk '$2 > 0 && (m == "" || $2 < m) { m = $2 }
	END { if (m == "" || m > 0.1) m = 0.1; print m }')
want=$(awk -v m="$minpos" 'BEGIN { l = log(m) / log(10) + 1e-9; f = int(l); if (f > l) f--;
	print 10 ^ (f - 1) }')
near "$($chk var $gp yfloor)" "$want" || fail "yfloor $($chk var $gp yfloor), expected $want"
$chk xrange $gp pics/fallback_vs_pool.dat || fail "fallback_vs_pool x range"
gp=pics/p99_vs_pool.gp
unit=$($chk var $gp ylab | sed -n 's/.*(\(ms\|us\)).*/\1/p')
case $unit in ms) want=200 ;; us) want=200000 ;; *) fail "p99 unit: $($chk var $gp ylab)" ;; esac
near "$($chk var $gp target)" $want || fail "p99 target $($chk var $gp target) $unit"
[ "$($chk var $gp logy)" = 0 ] || fail "p99: log y"
$chk xrange $gp pics/p99_vs_pool.dat || fail "p99_vs_pool x range"
$chk xrange pics/cdf.gp pics/cdf.dat pos || fail "cdf x range"
ok "fallback rate on log y with its 0 floor and the 0.1% target; p99 target 200 ms; x ranges"

# the targets and the answer of `defersim size --json`, for the same trace and CPUs
"$DS" size "$trace" --cpus 2 --target-fallback 0.5% --target-p99 300ms --json size.json -q >/dev/null
answer=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["answer"]["pool_pages"])' size.json)
"$DS" plot sw -o fromsize --targets-from size.json -q 2>fromsize.err
[ -s fromsize.err ] && fail "plot --targets-from said: $(cat fromsize.err)"
gp=fromsize/fallback_vs_pool.gp
near "$($chk var $gp target)" 0.5 || fail "target from size.json: $($chk var $gp target)"
$chk var $gp tnote | grep -qF "(targets of size.json)" || fail "target's origin: $($chk var $gp tnote)"
[ "$($chk var $gp answer)" = "$answer" ] || fail "answer $($chk var $gp answer), size said $answer"
$chk var $gp anote | grep -qF "2 CPUs" || fail "answer legend: $($chk var $gp anote)"
unit=$($chk var fromsize/p99_vs_pool.gp ylab | sed -n 's/.*(\(ms\|us\)).*/\1/p')
case $unit in ms) want=300 ;; *) want=300000 ;; esac
near "$($chk var fromsize/p99_vs_pool.gp target)" $want || fail "p99 target from size.json"
expect_fail 2 "not the JSON of \`defersim size --json\`" "$DS" plot sw -o bad --targets-from sw/results.jsonl
expect_fail 2 "give the targets one way" "$DS" plot sw -o bad --targets-from size.json --target-p99 1ms
ok "--targets-from size.json: its targets (0.5%, 300 ms) and its answer ($answer pages) drawn"

# --- free pool pages never exceed the pool -----------------------------------------------
for args in "--pool-pages 0" "--pool-pages 1" "--pool-pages 2" "--pool-pages 4" \
	    "--pool-pages 8" "--pool-pages 4 --policy zsonly" \
	    "--pool-pages 4 --set percpu_pages_from_pool=true"; do
	pool=$(echo "$args" | awk '{ print $2 }')
	# shellcheck disable=SC2086
	"$DS" replay "$trace" --cpus 4 $args -q --timeseries ts.csv --json run.json
	top=$($chk free-le-pool ts.csv "$pool") || fail "$args: free pages above the pool"
	[ "$pool" -eq 0 ] || [ "$top" -eq "$pool" ] || fail "$args: free pages never $pool"
	[ "$args" = "--pool-pages 4" ] && cp ts.csv ts4.csv && cp run.json run4.json
done
ok "free pool pages <= pool_pages at every sample (7 runs, teardown included)"

# the real run's marks: a mark per sample whose cumulative count rose, by as much
"$DS" plot run4.json --timeseries ts4.csv -o one -q --format png,svg 2>one.err
[ -s one.err ] && fail "plot said: $(cat one.err)"
# columns by name: the CSV's first column is its schema_version (docs/csv.md)
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; b = col["backend"]; f = col["fallbacks"]; next }
	$b == "zram" { if ($f > last) { n++; sum += $f - last }; last = $f }
	END { print n + 0, sum + 0 }' ts4.csv >want.txt
$chk block one/timeseries_zram.dat 1 | awk '{ n++; sum += $2 } END { print n + 0, sum + 0 }' >got.txt
cmp -s want.txt got.txt || fail "marks $(cat got.txt), the CSV says $(cat want.txt)"
[ "$($chk var one/timeseries_zram.gp nfallbacks)" = "$(awk '{ print $2 }' want.txt)" ] ||
	fail "nfallbacks"
$chk xrange one/timeseries_zram.gp one/timeseries_zram.dat || fail "timeseries x range"
ok "bundled trace: fallback marks = the CSV's rises ($(cat want.txt) marks, fallbacks)"

# --- every script draws without a warning, by hand as the README says -----------------------
for gp in syn/*.gp pics/*.gp one/*.gp; do
	for fmt in png svg; do
		(cd "$(dirname "$gp")" && gnuplot -e "out='hand.$fmt'; fmt='$fmt'" "$(basename "$gp")") \
			2>gp.err || fail "gnuplot $gp failed: $(cat gp.err)"
		[ -s gp.err ] && fail "gnuplot $gp ($fmt) warned: $(cat gp.err)"
		[ -s "$(dirname "$gp")/hand.$fmt" ] || fail "$gp drew no $fmt"
	done
done
ok "every generated script draws as PNG and SVG without a warning"

echo "1..$step"
