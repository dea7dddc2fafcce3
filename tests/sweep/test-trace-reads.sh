#!/bin/sh
# SPDX-License-Identifier: MIT
# test-trace-reads.sh DEFERSIM - how many times the commands read a trace whole (issue 11's
# speed defects, each counted, not timed).  With $DS_TEST_TRACE_READS set, defersim says on
# stderr each time it starts a whole pass over a file ("decode": the trace.dat read by its
# decoders, which hash it beside, "hash": a whole-file sha256, "dsev": a .dsev checked).  The
# expected counts are the design's: a first run of an uncached trace decodes it once and
# hashes it once, beside that decode (never a hash before it); a cached one is read by
# neither.  Every digest the commands print is checked against sha256sum.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$tmp"
command -v sha256sum >/dev/null || { echo "sha256sum is needed" >&2; exit 77; }
export DS_TEST_TRACE_READS=1

# a private copy: its cache is surely not there yet (the key is the file's place, too)
cp "$trace" t.dat
want=$(sha256sum t.dat | cut -d' ' -f1)

# reads ERRFILE KIND: how many whole passes of KIND over t.dat the command's stderr reports
reads() {
	grep -c "^defersim: test: $2 $tmp/t.dat\$" "$1" || true
}

# first_read ERRFILE WHAT: one decode, one hash, and the decode first (the hash is the one
# the decode does beside itself: no pass over the file before the decode starts)
first_read() {
	[ "$(reads "$1" decode)" -eq 1 ] || fail "$2: $(reads "$1" decode) decodes: $(cat "$1")"
	[ "$(reads "$1" hash)" -eq 1 ] || fail "$2: $(reads "$1" hash) hashes: $(cat "$1")"
	grep "^defersim: test: " "$1" | head -n 1 | grep -q " decode " ||
		fail "$2: a pass before the decode: $(cat "$1")"
}

# no_read ERRFILE WHAT: the cache is used; the trace is not read whole at all
no_read() {
	grep -q "^defersim: test: .* $tmp/t.dat\$" "$1" && fail "$2 read the trace: $(cat "$1")"
	return 0
}

json_shas() {	# json_shas FILE: every distinct "sha256" value in a JSON file
	grep -o '"sha256" *: *"[0-9a-f]*"' "$1" | sed 's/.*"\([0-9a-f]*\)"$/\1/' | sort -u
}

for j in 1 2; do
	rm -rf "$XDG_CACHE_HOME"
	"$DS" size "$tmp/t.dat" --target-fallback 1% -j $j -q --json size$j.json >/dev/null 2>size$j.err ||
		fail "size -j $j: $(cat size$j.err)"
	first_read size$j.err "a first size -j $j"
	[ "$(json_shas size$j.json)" = "$want" ] || fail "size -j $j sha256: $(json_shas size$j.json)"
	"$DS" size "$tmp/t.dat" --target-fallback 1% -j $j -q --json again$j.json >/dev/null 2>again$j.err ||
		fail "size again: $(cat again$j.err)"
	no_read again$j.err "size -j $j, cached"
	cmp size$j.json again$j.json || fail "size -j $j: cached and uncached answers differ"
done
cmp size1.json size2.json || fail "size: -j 1 and -j 2 differ"
ok "a first size (-j 1, -j 2) reads an uncached trace once (decode, hashed beside), a cached one never; sha256 = sha256sum"

printf '[sweep]\ntrace = %s\npool_pages = 1, 8, 16\n' "$tmp/t.dat" >sw.ini
for share in 0 auto; do
	rm -rf "$XDG_CACHE_HOME"
	"$DS" sweep sw.ini -o sw-$share -j 2 --share-memory $share 2>sw-$share.err ||
		fail "sweep --share-memory $share: $(cat sw-$share.err)"
	first_read sw-$share.err "a first sweep --share-memory $share"
	[ "$(json_shas sw-$share/results.jsonl)" = "$want" ] ||
		fail "sweep sha256: $(json_shas sw-$share/results.jsonl)"
done
cmp sw-0/results.jsonl sw-auto/results.jsonl || fail "sweep: shared and not differ"
"$DS" sweep sw.ini -o sw-again -j 2 2>sw-again.err || fail "sweep again: $(cat sw-again.err)"
no_read sw-again.err "a sweep of a cached trace"
ok "a first sweep (shared or not) reads an uncached trace once, a cached one never; sha256 = sha256sum"

rm -rf "$XDG_CACHE_HOME"
"$DS" compare "$tmp/t.dat" --json cmp.json -q 2>cmp.err || fail "compare: $(cat cmp.err)"
first_read cmp.err "a first compare"
[ "$(json_shas cmp.json)" = "$want" ] || fail "compare sha256: $(json_shas cmp.json)"
"$DS" size "$tmp/t.dat" --target-fallback 1% --no-cache -q --no-range --json nc.json >/dev/null 2>nc.err ||
	fail "size --no-cache: $(cat nc.err)"
# without a cache every run decodes the trace, but hashes it only once, up front
[ "$(reads nc.err hash)" -eq 1 ] || fail "size --no-cache: $(reads nc.err hash) hashes"
grep "^defersim: test: " nc.err | head -n 1 | grep -q " hash " || fail "--no-cache: hash first"
[ "$(json_shas nc.json)" = "$want" ] || fail "size --no-cache sha256: $(json_shas nc.json)"
ok "compare reads an uncached trace once; size --no-cache hashes it once, before its decodes"

# a .dsev: every open checks its checksum (one pass, "dsev"); the file's sha256 is computed in
# that pass when the caller does not have it ("dsev+hash"), never by a pass of its own then
"$DS" synth poisson count=2000 -o "$tmp/p.dsev" -q
dwant=$(sha256sum p.dsev | cut -d' ' -f1)
dreads() {	# dreads ERRFILE KIND
	grep -c "^defersim: test: $2 $tmp/p.dsev\$" "$1" || true
}
"$DS" replay "$tmp/p.dsev" --json dr.json -q >/dev/null 2>dr.err || fail "replay .dsev: $(cat dr.err)"
[ "$(dreads dr.err 'dsev+hash')" -eq 1 ] && [ "$(grep -c '^defersim: test: ' dr.err)" -eq 1 ] ||
	fail "replay .dsev: $(cat dr.err)"
[ "$(json_shas dr.json)" = "$dwant" ] || fail "replay .dsev sha256: $(json_shas dr.json)"
"$DS" compare "$tmp/p.dsev" --json dc.json -q >/dev/null 2>dc.err || fail "compare .dsev: $(cat dc.err)"
runs=$(grep -c '"policy" *:' dc.json)
[ "$(dreads dc.err hash)" -eq 1 ] && [ "$(dreads dc.err 'dsev+hash')" -eq 0 ] &&
	[ "$(dreads dc.err dsev)" -ge 2 ] || fail "compare .dsev ($runs runs): $(cat dc.err)"
[ "$(json_shas dc.json)" = "$dwant" ] || fail "compare .dsev sha256: $(json_shas dc.json)"
printf '[sweep]\ntrace = %s\npool_pages = 1, 8, 16\n' "$tmp/p.dsev" >dsev.ini
"$DS" sweep dsev.ini -o sw-dsev -j 2 2>sd.err || fail "sweep .dsev: $(cat sd.err)"
[ "$(dreads sd.err hash)" -eq 1 ] && [ "$(dreads sd.err 'dsev+hash')" -eq 0 ] &&
	[ "$(dreads sd.err dsev)" -eq 3 ] || fail "sweep .dsev: $(cat sd.err)"
[ "$(json_shas sw-dsev/results.jsonl)" = "$dwant" ] || fail "sweep .dsev sha256"
ok "a .dsev is hashed once per command: in its checksum's pass (replay), or once up front (compare, sweep: its opens reuse the digest); sha256 = sha256sum"
