#!/bin/sh
# SPDX-License-Identifier: MIT
# test-report-cli.sh DEFERSIM - `defersim report` as a user runs it, without a browser
# (test-report-browser.py opens the pages): where the page goes by default, that it stands
# alone (no script, nothing fetched), bad input refused with exit 2 and a message naming the
# input, and no partial or temporary file left by a failure (the previous page kept as it was).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../sweep/common.sh"
cd "$tmp"

# no_stray DIR: nothing but the files named after DIR (no temporary file of a failed write)
no_stray() {
	d=$1
	shift
	left=$(cd "$d" && ls -A | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$left" = "$want" ] || fail "$d holds '$left', expected '$want'"
}

"$DS" replay "$trace" --cpus 2 --pool-pages 4 -q --json run.json
out=$("$DS" report run.json)
[ "$out" = "run.html" ] || fail "default output: '$out', expected run.html"
[ -s run.html ] || fail "run.html not written"
head -c 15 run.html | grep -q '<!DOCTYPE html>' || fail "run.html does not start as HTML"
grep -q '</html>' run.html || fail "run.html is not whole"
grep -qi '<script' run.html && fail "run.html has a script"
grep -q ' src=' run.html && fail "run.html loads something by src="
grep -q 'href="http\|href=.https\|url(http' run.html && fail "run.html refers outside"
grep -q '<svg' run.html || fail "run.html has no picture"
ok "RUN.json -> RUN.html beside it: one whole page, no script, no outside reference"

write_ref_sweep s.ini
sed -i 's/^pool_pages = .*/pool_pages = 0, 8/; s/^seed = .*/seed = 1/' s.ini
"$DS" sweep s.ini -o sw -j 2 -q
"$DS" report sw/ -q
[ -s sw/report.html ] || fail "DIR -> DIR/report.html not written"
"$DS" report sw/results.jsonl -o sweep2.html -q
[ -s sweep2.html ] || fail "results.jsonl input"
ok "DIR -> DIR/report.html; a results.jsonl is read as a sweep"

"$DS" report run.json --no-plots -o - >stdout.html
grep -q '<svg' stdout.html && fail "--no-plots drew pictures"
grep -qF 'pictures left out (--no-plots)' stdout.html || fail "--no-plots not said on the page"
ok "--no-plots: tables only, said on the page; -o - writes to stdout"

# gnuplot failing: the page is still written, the failure is on stderr and on the page
mkdir -p fakebin
printf '#!/bin/sh\necho "gnuplot: broken on purpose" >&2\nexit 1\n' >fakebin/gnuplot
chmod +x fakebin/gnuplot
PATH="$PWD/fakebin:$PATH" "$DS" report run.json -o nognuplot.html -q 2>gp.err ||
	fail "report failed when gnuplot did"
grep -qF "broken on purpose" gp.err || fail "gnuplot's message not on stderr: $(cat gp.err)"
grep -qF "not drawn" nognuplot.html || fail "the page does not say pictures are missing"
grep -q '<svg' nognuplot.html && fail "a picture without gnuplot"
ok "gnuplot failing: the tables are written, the missing pictures named on stderr and the page"

# bad input: exit 2, the input named, no page written, a previous page left as it was
mkdir bad
cp run.html keep.html
expect_fail 2 "nosuch.json" "$DS" report nosuch.json -o bad/out.html
printf 'not json at all' >bad/garbage.json
expect_fail 2 "bad/garbage.json" "$DS" report bad/garbage.json -o bad/out.html
printf '{"hello": 1}' >bad/other.json
expect_fail 2 "bad/other.json: not a defersim result" "$DS" report bad/other.json -o bad/out.html
printf '[1, 2]' >bad/array.json
expect_fail 2 "bad/array.json" "$DS" report bad/array.json -o bad/out.html
printf '{"summary": [], "runs": [{"policy": "v3"}]}' >bad/cmp.json
expect_fail 2 "bad/cmp.json: runs[0] is not a run" "$DS" report bad/cmp.json -o bad/out.html
mkdir bad/emptydir
expect_fail 2 "bad/emptydir: no results" "$DS" report bad/emptydir -o bad/out.html
head -c 3000 run.json >bad/cut.json
expect_fail 2 "bad/cut.json" "$DS" report bad/cut.json -o keep.html
cmp -s keep.html run.html || fail "a failed report changed the previous page"
expect_fail 2 "not a time series" "$DS" report run.json --timeseries run.json -o bad/out.html
expect_fail 2 "no record matches" "$DS" report sw --where cpus=7 -o bad/out.html
no_stray bad garbage.json other.json array.json cmp.json emptydir cut.json
ok "bad input: exit 2 naming the input; no page, no temporary file; a previous page kept"

expect_fail 2 "no input given" "$DS" report
expect_fail 2 "one input at a time" "$DS" report run.json run.json
expect_fail 2 "--max-rows" "$DS" report run.json --max-rows 0
expect_fail 2 "Unknown option" "$DS" report run.json --bogus
ok "bad usage: exit 2"

expect_fail 1 "cannot write" "$DS" report run.json -o nodir/out.html
[ -e nodir ] && fail "a directory was made for the output"
ok "an unwritable output: exit 1 naming it"

"$DS" report --help >help.txt
for opt in --output --timeseries --no-plots --templates --max-rows --max-curves --quiet; do
	grep -qF -- "$opt" help.txt || fail "--help lacks $opt"
done
grep -qF "Exit status" help.txt || fail "--help lacks the exit status"
ok "--help names every option and the exit status"

# a sweep larger than --max-rows: rows cut, and said so
"$DS" report sw --max-rows 1 -o cut.html -q
grep -qF 'id="rows-cut"' cut.html || fail "--max-rows: no note on the page"
[ "$(grep -c '<tr><td>point ' cut.html)" -eq 1 ] || fail "--max-rows 1: not one row"
ok "--max-rows cuts the results table and says so"

echo "1..$step"
