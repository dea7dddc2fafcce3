// SPDX-License-Identifier: MIT
/*
 * test_compare_cli.c - `defersim compare` as users run it: bad input gets a clear error and
 * a non-zero exit; on every bundled real trace every policy keeps the spec's invariants
 * (--check), each run of compare is exactly what `defersim replay` gives for that policy,
 * releases agree with the count written in the trace's provenance file (traces/NAME.md, at
 * capture time), the summary agrees with the runs, the CSV has one row per policy, and the
 * output is deterministic.
 *
 * Environment: DS_DEFERSIM (the binary), DS_SOURCE_ROOT (traces/), DS_FIXTURES (the replay
 * tests' generated fixtures), XDG_CACHE_HOME (a cache directory of the build).
 */
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "dstest.h"

static void expect_failure(struct dstest_run *r, int status, const char *needle)
{
	if (r->status != status || !strstr(r->err, needle))
		g_error("expected exit %d mentioning '%s'; exit %d, stderr: %s", status, needle,
			r->status, r->err);
	dstest_run_clear(r);
}

static void test_bad_input(void)
{
	g_autofree char *t = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *notatrace = dstest_fixture("notatrace.dat");
	struct dstest_run r;

	r = dstest_defersim("compare", NULL);
	expect_failure(&r, 2, "no trace given");
	r = dstest_defersim("compare", t, t, NULL);
	expect_failure(&r, 2, "more than one trace");
	r = dstest_defersim("compare", t, "--policies", "v3,nosuch", NULL);
	expect_failure(&r, 2, "zsonly");	/* the message lists the known policies */
	r = dstest_defersim("compare", t, "--policies", "v3,v3", NULL);
	expect_failure(&r, 2, "twice");
	r = dstest_defersim("compare", t, "--policies", "", NULL);
	expect_failure(&r, 2, "no policy");
	r = dstest_defersim("compare", t, "--set", "v2_drain_holds_lock=maybe", NULL);
	expect_failure(&r, 2, "v2_drain_holds_lock");
	r = dstest_defersim("compare", t, "--set", "v2_drain_threshold=99999", NULL);
	/* above the derived 32768 entries: a parameter error, found when the run starts */
	expect_failure(&r, 2, "v2_drain_threshold");
	r = dstest_defersim("compare", t, "--pool-pages", "-3", NULL);
	expect_failure(&r, 2, "pool_pages");
	r = dstest_defersim("compare", t, "--profile", "/nonexistent/p.ini", NULL);
	expect_failure(&r, 2, "/nonexistent/p.ini");
	r = dstest_defersim("compare", notatrace, NULL);
	expect_failure(&r, 2, "notatrace.dat");
}

/*
 * One run's invariants: the ledger held (--check), releases as captured, and per backend
 * releases = pushed + fallbacks (deferring policies) with pushed = drained.
 */
static void check_run(JsonObject *run, gint64 captured)
{
	const char *policy = json_object_get_string_member(run, "policy");
	JsonObject *inv = json_object_get_object_member(run, "invariants");
	gint64 releases = 0;

	g_assert_true(json_object_get_boolean_member(inv, "checked"));
	g_assert_cmpint(json_object_get_int_member(inv, "freed_twice"), ==, 0);
	g_assert_cmpint(json_object_get_int_member(inv, "never_freed"), ==, 0);
	g_assert_cmpint(json_object_get_int_member(inv, "pages_violations"), ==, 0);
	g_assert_cmpint(json_object_get_int_member(inv, "cpu_violations"), ==, 0);
	g_assert_cmpint(dstest_json_int(run, "metrics.releases"), ==, captured);
	for (int be = 0; be < 2; be++) {
		JsonObject *x = json_object_get_object_member(
			json_object_get_object_member(run, "metrics"), be ? "zswap" : "zram");
		gint64 n = json_object_get_int_member(x, "releases");

		releases += n;
		if (!strcmp(policy, "sync"))
			continue;
		g_assert_cmpint(n, ==, json_object_get_int_member(x, "pushed") +
				json_object_get_int_member(x, "fallbacks"));
		g_assert_cmpint(json_object_get_int_member(x, "pushed"), ==,
				json_object_get_int_member(x, "drained"));
	}
	g_assert_cmpint(releases, ==, captured);
}

/* The summary row of a policy says what its run says. */
static void check_summary(JsonObject *row, JsonObject *run)
{
	JsonObject *m = json_object_get_object_member(run, "metrics");
	JsonArray *tasks = json_object_get_array_member(m, "tasks");
	gint64 worst = 0, busy = 0;

	g_assert_cmpstr(json_object_get_string_member(row, "policy"), ==,
			json_object_get_string_member(run, "policy"));
	g_assert_cmpint(json_object_get_int_member(row, "fallbacks"), ==,
			json_object_get_int_member(m, "fallbacks"));
	g_assert_cmpint(json_object_get_int_member(row, "hot_ns"), ==,
			json_object_get_int_member(m, "hot_ns"));
	for (guint i = 0; i < json_array_get_length(tasks); i++)
		worst = MAX(worst, json_object_get_int_member(
			json_array_get_object_element(tasks, i), "hot_ns"));
	g_assert_cmpint(json_object_get_int_member(row, "worst_task_hot_ns"), ==, worst);
	for (int be = 0; be < 2; be++)
		busy += dstest_json_int(m, be ? "zswap.worker_busy_ns" : "zram.worker_busy_ns");
	g_assert_cmpint(json_object_get_int_member(row, "worker_busy_ns"), ==, busy);
	g_assert_cmpstr(json_object_get_string_member(row, "invariants"), ==, "hold");
}

/* Every bundled trace, every policy, --check: exit 0 and every invariant holds. */
static void test_bundled_traces(void)
{
	g_autoptr(GPtrArray) list = dstest_bundled_traces(FALSE);
	g_autofree char *tmp = dstest_tmp_dir();
	g_autofree char *json = g_build_filename(tmp, "c.json", NULL);

	g_assert_cmpuint(list->len, >, 0);
	for (guint t = 0; t < list->len; t++) {
		const char *trace = list->pdata[t];
		g_autofree char *name = g_path_get_basename(trace);
		g_autoptr(JsonParser) parser = json_parser_new();
		JsonObject *root;
		JsonArray *runs, *summary;
		struct dstest_run r;
		guint64 captured;

		/* "releases: N" of the provenance file, written when the trace was captured */
		g_assert_true(dstest_provenance(trace, "releases", &captured));
		r = dstest_defersim("compare", trace, "--check", "--json", json, NULL);
		if (r.status)
			g_error("compare %s: exit %d: %s", name, r.status, r.err);
		g_assert_nonnull(strstr(r.out, "zsonly: invariants hold"));
		dstest_run_clear(&r);
		root = dstest_json_load(parser, json);
		runs = json_object_get_array_member(root, "runs");
		summary = json_object_get_array_member(root, "summary");
		g_assert_cmpuint(json_array_get_length(runs), ==, 4);
		g_assert_cmpuint(json_array_get_length(summary), ==, 4);
		for (guint i = 0; i < 4; i++) {
			static const char *const order[] = { "sync", "v2", "v3", "zsonly" };
			JsonObject *run = json_array_get_object_element(runs, i);

			g_assert_cmpstr(json_object_get_string_member(run, "policy"), ==, order[i]);
			check_run(run, (gint64)captured);
			check_summary(json_array_get_object_element(summary, i), run);
		}
		/*
		 * churn-2x64m-6.1 is the one trace with zs_malloc records.  Counted outside
		 * defersim, with trace-cmd and awk:
		 *   trace-cmd report -i traces/churn-2x64m-6.1.dat | awk '
		 *     /zs_malloc_ret:/ { for (i = 1; i <= NF; i++) if ($i ~ /^handle=/)
		 *                        m[substr($i, 8)] = 1 }
		 *     /zs_free:/ { for (i = 1; i <= NF; i++) if ($i ~ /^handle=/) {
		 *                  h = substr($i, 8); n++; if (h in m) { k++; delete m[h] } } }
		 *     END { print n, k }'
		 * prints "36096 8351": one zs_free per release, 8351 of them of a handle that an
		 * earlier zs_malloc returned.  With no fallback (pool large enough), zsonly defers
		 * all of them with their size from the trace.
		 */
		if (!strcmp(name, "churn-2x64m-6.1.dat")) {
			JsonObject *zs = json_array_get_object_element(runs, 3);

			g_assert_cmpint(dstest_json_int(zs, "metrics.fallbacks"), ==, 0);
			g_assert_cmpint(dstest_json_int(zs, "metrics.zram.sizes_from_trace"), ==,
					8351);
		}
	}
	dstest_rm_rf(tmp);
}

/*
 * compare runs the replay pipeline: its run for a policy is the object `defersim replay
 * --json` writes for that policy, member for member; the CSV has a header and one row per
 * policy with the same columns; a second compare writes the same bytes.
 */
static void test_same_as_replay(void)
{
	g_autofree char *t = dstest_bundled("lmk-zswap-4x32m-6.12.dat");
	g_autofree char *tmp = dstest_tmp_dir();
	g_autofree char *cj = g_build_filename(tmp, "c.json", NULL);
	g_autofree char *cj2 = g_build_filename(tmp, "c2.json", NULL);
	g_autofree char *csv = g_build_filename(tmp, "c.csv", NULL);
	g_autofree char *rj = g_build_filename(tmp, "r.json", NULL);
	g_autofree char *a = NULL, *b = NULL, *csv_text = NULL;
	g_autoptr(JsonParser) cp = json_parser_new();
	g_auto(GStrv) lines = NULL;
	JsonArray *runs;
	struct dstest_run r;

	r = dstest_defersim("compare", t, "--policies", "zsonly,v2", "--pool-pages", "8", "--set",
			 "v2_drain_holds_lock=whole", "--json", cj, "--csv", csv, "-q", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpstr(r.out, ==, "");	/* --quiet */
	dstest_run_clear(&r);
	runs = json_object_get_array_member(dstest_json_load(cp, cj), "runs");
	g_assert_cmpuint(json_array_get_length(runs), ==, 2);
	for (guint i = 0; i < 2; i++) {
		const char *policy = i ? "v2" : "zsonly";
		g_autoptr(JsonParser) rp = json_parser_new();
		JsonNode *from_replay;

		r = dstest_defersim("replay", t, "--policy", policy, "--pool-pages", "8", "--set",
				 "v2_drain_holds_lock=whole", "--json", rj, "-q", NULL);
		g_assert_cmpint(r.status, ==, 0);
		dstest_run_clear(&r);
		dstest_json_load(rp, rj);
		from_replay = json_parser_get_root(rp);
		g_assert_true(json_node_equal(from_replay, json_array_get_element(runs, i)));
	}

	g_assert_true(g_file_get_contents(csv, &csv_text, NULL, NULL));
	lines = g_strsplit(csv_text, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 4);	/* header, 2 rows, "" after the last \n */
	g_assert_true(g_str_has_prefix(lines[0], "schema_version,summary.policy,"));
	g_assert_true(g_str_has_prefix(lines[1], "1,zsonly,"));
	g_assert_true(g_str_has_prefix(lines[2], "1,v2,"));
	for (guint i = 1; i < 3; i++) {
		g_auto(GStrv) h = g_strsplit(lines[0], ",", -1);
		g_auto(GStrv) row = g_strsplit(lines[i], ",", -1);

		g_assert_cmpuint(g_strv_length(row), ==, g_strv_length(h));
	}
	g_assert_cmpstr(lines[3], ==, "");

	r = dstest_defersim("compare", t, "--policies", "zsonly,v2", "--pool-pages", "8", "--set",
			 "v2_drain_holds_lock=whole", "--json", cj2, "-q", NULL);
	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	g_assert_true(g_file_get_contents(cj, &a, NULL, NULL));
	g_assert_true(g_file_get_contents(cj2, &b, NULL, NULL));
	g_assert_cmpstr(a, ==, b);
	dstest_rm_rf(tmp);
}

/* The table names every policy and the parameters, inferred ones marked. */
static void test_table(void)
{
	g_autofree char *t = dstest_bundled("munmap-64m-6.12.dat");
	struct dstest_run r = dstest_defersim("compare", t, "--policies", "sync,v2", NULL);

	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "\nsync "));
	g_assert_nonnull(strstr(r.out, "\nv2 "));
	g_assert_null(strstr(r.out, "\nv3 "));
	g_assert_nonnull(strstr(r.out, "v2_drain_holds_lock      copy   [inferred]"));
	g_assert_nonnull(strstr(r.out, "sha256 "));
	dstest_run_clear(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cli/compare/bad-input", test_bad_input);
	g_test_add_func("/cli/compare/bundled-traces", test_bundled_traces);
	g_test_add_func("/cli/compare/same-as-replay", test_same_as_replay);
	g_test_add_func("/cli/compare/table", test_table);
	return g_test_run();
}
