#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""test-report-browser.py DEFERSIM - `defersim report` pages opened in headless Chromium.

Pages are made from real runs of a bundled trace (traces/lmk-4x64m-6.12.dat): one replay (with
its time series), a compare, a size, a small sweep (2 policies x 2 CPU counts x 3 pool sizes),
that replay with the hand-made provenance block of provenance-fixture.json put in, and that
replay with any provenance taken out.  Each page is loaded by Chromium over the DevTools pipe
(cdp.py); it must load with no console message, no exception, no browser warning or error and
no request but its own; its ids are unique; it has no script.  Then per page: the tables
expected (by id) with the number of rows the inputs imply (points of the sweep file, policies
compared, parameters and evaluations in the JSON), and the SVG pictures expected, each with
paths of non-zero length, laid out with a non-zero size.  The sweep's fallback counts on the
page equal its results.csv's.  Exit 77 (skipped) without Chromium or without the trace.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cdp  # noqa: E402

STEP = [0]

# What the page holds, as the browser laid it out (evaluated after the load event).
INSPECT = r"""JSON.stringify({
  tables: Object.fromEntries(Array.from(document.querySelectorAll('table')).map(t =>
    [t.id, {rows: t.tBodies.length ? t.tBodies[0].rows.length : 0,
            caption: t.caption ? t.caption.textContent : '',
            head: Array.from(t.tHead.rows[0].cells).map(c => c.textContent)}])),
  svgs: Array.from(document.querySelectorAll('figure svg')).map(s => ({
    figure: s.closest('figure').id,
    paths: s.querySelectorAll('path').length,
    drawn: Array.from(s.querySelectorAll('path')).filter(p => p.getTotalLength() > 0).length,
    width: s.getBoundingClientRect().width, height: s.getBoundingClientRect().height})),
  ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
  scripts: document.scripts.length,
  present: Object.fromEntries(['emulated-time', 'provenance-absent', 'no-provenance',
    'most-sensitive', 'provenance'].map(i => [i, !!document.getElementById(i)])),
  absentText: (document.getElementById('provenance-absent') || {}).textContent || '',
  badges: Array.from(document.querySelectorAll('#provenance tbody tr')).map(r =>
    [r.cells[0].textContent, r.cells[2].querySelector('.badge').className,
     r.cells[2].textContent, r.className, r.cells[4].textContent]),
  profileOrigin: Object.fromEntries(Array.from(document.querySelectorAll('#profile tbody tr'))
    .map(r => [r.cells[0].textContent, r.cells[2].textContent])),
  results: Array.from(document.querySelectorAll('#results tbody tr')).map(r =>
    Array.from(r.cells).map(c => c.textContent)),
})"""


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def ok(msg):
    STEP[0] += 1
    print("ok %d - %s" % (STEP[0], msg))


def run(*args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def check_clean(name, page):
    """No console output, exception, warning or error; only the page itself was fetched."""
    d = page["dom"]
    if page["console"] or page["exceptions"] or page["log"]:
        fail("%s: console %s, exceptions %s, log %s" % (name, page["console"],
                                                       page["exceptions"], page["log"]))
    if len(page["requests"]) != 1 or not page["requests"][0].startswith("file://"):
        fail("%s: requests other than the page: %s" % (name, page["requests"]))
    dup = sorted({i for i in d["ids"] if d["ids"].count(i) > 1})
    if dup:
        fail("%s: duplicate ids %s" % (name, dup[:10]))
    if d["scripts"]:
        fail("%s: %d scripts" % (name, d["scripts"]))


def check_tables(name, d, expected):
    """expected: id -> number of body rows (None: any, at least one)."""
    for tid, rows in expected.items():
        t = d["tables"].get(tid)
        if t is None:
            fail("%s: no table #%s (tables: %s)" % (name, tid, sorted(d["tables"])))
        if not t["caption"].strip():
            fail("%s: table #%s has no caption" % (name, tid))
        if rows is None and t["rows"] < 1 or rows is not None and t["rows"] != rows:
            fail("%s: table #%s has %d rows, expected %s" % (name, tid, t["rows"], rows))


def check_svgs(name, d, figures):
    got = sorted(s["figure"] for s in d["svgs"])
    if got != sorted("fig-" + f for f in figures):
        fail("%s: pictures %s, expected %s" % (name, got, sorted(figures)))
    for s in d["svgs"]:
        if s["paths"] < 5 or s["drawn"] < 5:
            fail("%s: %s has %d paths, %d of non-zero length" % (name, s["figure"], s["paths"],
                                                                 s["drawn"]))
        if s["width"] < 100 or s["height"] < 50:
            fail("%s: %s laid out %gx%g" % (name, s["figure"], s["width"], s["height"]))


def main():
    ds = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ["DS_DEFERSIM"])
    root = os.environ.get("DS_SOURCE_ROOT", os.path.join(HERE, "..", ".."))
    trace = os.path.join(root, "traces", "lmk-4x64m-6.12.dat")
    chromium = cdp.find_chromium()
    if not chromium:
        print("SKIP: chromium is not installed (Debian package chromium; scripts/deps.sh "
              "installs it)", file=sys.stderr)
        return 77
    if not os.path.isfile(trace):
        print("SKIP: bundled trace %s missing" % trace, file=sys.stderr)
        return 77
    if not shutil.which("gnuplot"):
        fail("gnuplot is not installed (gnuplot-nox): the pictures cannot be drawn")
    tmp = tempfile.mkdtemp(prefix="ds-report-test-")
    os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    os.chdir(tmp)
    browser = None
    try:
        pages = make_pages(ds, trace)
        browser = cdp.Browser(chromium)
        check_pages(browser, pages)
    finally:
        if browser:
            browser.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % STEP[0])
    return 0


def make_pages(ds, trace):
    common = ["--profile", "rpi4b", "--cpus", "2", "--pool-pages", "4"]
    run(ds, "replay", trace, *common, "-q", "--json", "run.json", "--timeseries", "ts.csv")
    run(ds, "report", "run.json", "--timeseries", "ts.csv", "-q")
    run(ds, "compare", trace, *common, "-q", "--json", "cmp.json")
    run(ds, "report", "cmp.json", "-q")
    run(ds, "size", trace, "--profile", "rpi4b", "--cpus", "2", "--target-fallback", "0.1%",
        "--json", "size.json")
    run(ds, "report", "size.json", "-q")
    with open("s.ini", "w") as f:
        f.write("[sweep]\ntrace = %s\npolicy = sync, v3\ncpus = 1, 2\npool_pages = 0, 4, 16\n"
                % trace)
    run(ds, "sweep", "s.ini", "-o", "sw", "-j", "2", "-q")
    run(ds, "report", "sw", "-q")
    with open("run.json") as f:
        doc = json.load(f)
    with open(os.path.join(HERE, "provenance-fixture.json")) as f:
        fixture = json.load(f)
    doc.pop("provenance", None)
    with open("noprov.json", "w") as f:
        json.dump(doc, f)
    doc["provenance"] = fixture["provenance"]
    with open("prov.json", "w") as f:
        json.dump(doc, f)
    run(ds, "report", "noprov.json", "-q")
    run(ds, "report", "prov.json", "-q")
    ok("reports written: replay, compare, size, sweep, with and without provenance")
    return {"run": "run.html", "cmp": "cmp.html", "size": "size.html", "sweep": "sw/report.html",
            "prov": "prov.html", "noprov": "noprov.html"}


def load_json(path):
    with open(path) as f:
        return json.load(f)


def check_pages(browser, pages):
    dom = {}
    for name, path in pages.items():
        page = browser.load("file://" + os.path.abspath(path), INSPECT)
        page["dom"] = json.loads(page["dom"])
        check_clean(name, page)
        dom[name] = page["dom"]
    ok("every page loads with no console message, exception, warning or outside request")
    check_run(dom["run"])
    check_compare(dom["cmp"])
    check_size(dom["size"])
    check_sweep(dom["sweep"])
    check_provenance(dom["prov"], dom["noprov"])


def check_run(d):
    run_doc = load_json("run.json")
    check_tables("run", d, {"results": 1, "trace": 1, "profile": None,
                            "params": len(run_doc["params"]), "metrics": None})
    check_svgs("run", d, ["timeseries_zram", "cdf", "hotpath"])
    ok("replay page: results, trace, profile, params (one row per parameter), metrics; "
       "3 pictures drawn")


def check_compare(d):
    cmp_doc = load_json("cmp.json")
    n = len(cmp_doc["runs"])
    check_tables("compare", d, {"compare-summary": n, "results": n, "params": None})
    if n != 4:
        fail("compare: %d policies, expected sync, v2, v3, zsonly" % n)
    check_svgs("compare", d, ["cdf", "hotpath"])
    policies = [r[1] for r in d["results"]]
    if sorted(policies) != ["sync", "v2", "v3", "zsonly"]:
        fail("compare: results rows name %s" % policies)
    ok("compare page: one summary row and one results row per policy; cdf and hotpath drawn")


def check_size(d):
    size_doc = load_json("size.json")
    runs = sum(1 for k in ("at_answer", "below_answer") if size_doc.get(k))
    check_tables("size", d, {"answer": None, "evaluations": len(size_doc["evaluations"]),
                             "results": runs})
    if not d["svgs"]:
        fail("size: no picture")
    check_svgs("size", d, [s["figure"][4:] for s in d["svgs"]])
    ok("size page: answer, every evaluation, the runs at and below the answer")


def check_sweep(d):
    # 2 policies x 2 CPU counts x 3 pool sizes, as written in s.ini
    check_tables("sweep", d, {"results": 12, "params": None, "trace": 1})
    check_svgs("sweep", d, ["cdf", "fallback_vs_pool", "p99_vs_pool", "hotpath"])
    head = d["tables"]["results"]["head"]
    for swept in ("policy", "cpus", "pool_pages"):
        if swept not in head:
            fail("sweep: no column for swept %s: %s" % (swept, head))
    col = head.index("fallbacks")
    with open("sw/results.csv") as f:
        by_index = {int(r["point.index"]): r["metrics.fallbacks"] for r in csv.DictReader(f)}
    for row in d["results"]:
        index = int(row[0].split()[-1])
        if row[col] != by_index[index]:
            fail("sweep: point %d shows %s fallbacks, results.csv %s" % (index, row[col],
                                                                         by_index[index]))
    ok("sweep page: 12 points, swept columns, fallbacks equal results.csv; 4 pictures drawn")


def check_provenance(d, absent):
    fixture = load_json(os.path.join(HERE, "provenance-fixture.json"))["provenance"]
    costs = fixture["costs"]
    check_tables("prov", d, {"provenance": len(costs)})
    for (name, cls, origin, row_class, note), cost in zip(d["badges"], costs):
        if name != cost["name"] or origin != cost["origin"] or "o-" + cost["origin"] not in cls:
            fail("prov: row %s shows origin %s (%s), fixture %s" % (name, origin, cls, cost))
        sensitive = cost["name"] in fixture["most_sensitive"]
        if ("sensitive" in row_class) != sensitive:
            fail("prov: row %s marked sensitive=%s" % (name, not sensitive))
        if note != cost["note"]:
            fail("prov: note shown as %r" % note)
    if not d["present"]["emulated-time"] or not d["present"]["most-sensitive"]:
        fail("prov: no emulated-time or most-sensitive banner")
    if d["present"]["provenance-absent"] or d["present"]["no-provenance"]:
        fail("prov: says there is no provenance")
    for cost in costs:
        if d["profileOrigin"].get(cost["name"], cost["origin"]) != cost["origin"]:
            fail("prov: profile row %s origin %s" % (cost["name"],
                                                     d["profileOrigin"][cost["name"]]))
    ok("hand-made provenance: one row per cost, its origin badge, sensitive costs marked, "
       "emulated time called out, origins beside the profile's costs")
    if not absent["present"]["provenance-absent"] or absent["present"]["provenance"]:
        fail("noprov: no statement that provenance is absent")
    text = " ".join(absent["absentText"].split()).lower()
    if "this json carries no provenance (written by an older defersim)" not in text:
        fail("noprov: text %r" % absent["absentText"])
    if "rpi4b" not in absent["absentText"]:
        fail("noprov: the profile name is not given")
    check_tables("noprov", absent, {"params": None, "profile": None})
    ok("without provenance: said plainly, with the profile name; parameters still shown")


if __name__ == "__main__":
    sys.exit(main())
