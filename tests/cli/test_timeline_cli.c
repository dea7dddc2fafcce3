// SPDX-License-Identifier: MIT
/*
 * test_timeline_cli.c - `--export-timeline` of `defersim replay` and `defersim compare` as
 * users run it: the file is written next to the run's JSON report and agrees with it; one
 * file per policy for compare; a path that cannot be written, a bound without a file, a
 * bound without a unit or an empty window exit 2 before any run; a capped file says so on
 * stderr and inside.
 *
 * Environment: DS_DEFERSIM (the binary), DS_SOURCE_ROOT (traces/).
 */
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "dstest.h"

/* "fallback" instants and "release: ..." slices in a timeline file */
static void count_timeline(const char *path, gint64 *releases, gint64 *fallbacks,
			   JsonObject **other, JsonParser *parser)
{
	JsonObject *root = dstest_json_load(parser, path);
	JsonArray *ev = json_object_get_array_member(root, "traceEvents");

	*releases = *fallbacks = 0;
	for (guint i = 0; i < json_array_get_length(ev); i++) {
		JsonObject *e = json_array_get_object_element(ev, i);
		const char *name = json_object_get_string_member(e, "name");
		const char *ph = json_object_get_string_member(e, "ph");

		*releases += !strcmp(ph, "X") && g_str_has_prefix(name, "release: ");
		*fallbacks += !strcmp(ph, "i") && !strcmp(name, "fallback");
	}
	*other = json_object_get_object_member(root, "otherData");
}

/* replay: the timeline's releases and fallbacks are the JSON report's */
static void test_replay_export(void)
{
	g_autofree char *trace = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *tl = g_build_filename(dir, "tl.json", NULL);
	g_autofree char *js = g_build_filename(dir, "run.json", NULL);
	g_autoptr(JsonParser) p1 = json_parser_new();
	g_autoptr(JsonParser) p2 = json_parser_new();
	JsonObject *run, *other;
	gint64 releases, fallbacks;
	struct dstest_run r;

	r = dstest_defersim("replay", trace, "-q", "--cpus", "2", "--pool-pages", "2", "--json",
			    js, "--export-timeline", tl, NULL);
	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	run = dstest_json_load(p1, js);
	count_timeline(tl, &releases, &fallbacks, &other, p2);
	g_assert_cmpint(releases, ==, dstest_json_int(run, "metrics.releases"));
	g_assert_cmpint(fallbacks, >, 0);
	g_assert_cmpint(fallbacks, ==, dstest_json_int(run, "metrics.zram.fallbacks") +
			dstest_json_int(run, "metrics.zswap.fallbacks"));
	g_assert_false(json_object_get_boolean_member(other, "truncated"));
	g_assert_cmpstr(json_object_get_string_member(other, "policy"), ==, "v3");
	dstest_rm_rf(dir);
}

/* compare: FILE.json -> FILE-POLICY.json, one per policy asked for, nothing else */
static void test_compare_export(void)
{
	g_autofree char *trace = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *tl = g_build_filename(dir, "tl.json", NULL);
	static const char *const pol[] = { "sync", "v3" };
	struct dstest_run r;

	r = dstest_defersim("compare", trace, "-q", "--policies", "sync,v3", "--export-timeline",
			    tl, NULL);
	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	g_assert_false(g_file_test(tl, G_FILE_TEST_EXISTS));
	for (guint i = 0; i < G_N_ELEMENTS(pol); i++) {
		g_autofree char *name = g_strdup_printf("tl-%s.json", pol[i]);
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_autoptr(JsonParser) parser = json_parser_new();
		JsonObject *other;
		gint64 releases, fallbacks;

		count_timeline(path, &releases, &fallbacks, &other, parser);
		g_assert_cmpint(releases, >, 0);
		g_assert_cmpstr(json_object_get_string_member(other, "policy"), ==, pol[i]);
	}
	dstest_rm_rf(dir);
}

static void assert_exit2(struct dstest_run *r, const char *needle)
{
	if (r->status != 2 || !strstr(r->err, needle))
		g_error("expected exit 2 mentioning '%s'; exit %d, stderr: %s", needle, r->status,
			r->err);
	dstest_run_clear(r);
}

static void test_bad_options(void)
{
	g_autofree char *trace = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *bad = g_build_filename(dir, "no-such-dir", "tl.json", NULL);
	g_autofree char *ok = g_build_filename(dir, "tl.json", NULL);
	struct dstest_run r;

	r = dstest_defersim("replay", trace, "-q", "--export-timeline", bad, NULL);
	assert_exit2(&r, bad);
	r = dstest_defersim("replay", trace, "-q", "--export-timeline", dir, NULL);
	assert_exit2(&r, "not a regular file");
	r = dstest_defersim("compare", trace, "-q", "--export-timeline", bad, NULL);
	assert_exit2(&r, "no-such-dir");
	r = dstest_defersim("replay", trace, "-q", "--timeline-from", "1ms", NULL);
	assert_exit2(&r, "without --export-timeline");
	r = dstest_defersim("replay", trace, "-q", "--export-timeline", ok, "--timeline-to", "5",
			    NULL);
	assert_exit2(&r, "--timeline-to");
	r = dstest_defersim("replay", trace, "-q", "--export-timeline", ok, "--timeline-from",
			    "2ms", "--timeline-to", "1ms", NULL);
	assert_exit2(&r, "empty");
	r = dstest_defersim("replay", trace, "-q", "--export-timeline", ok,
			    "--timeline-max-events", "many", NULL);
	assert_exit2(&r, "--timeline-max-events");
	g_assert_false(g_file_test(ok, G_FILE_TEST_EXISTS));
	dstest_rm_rf(dir);
}

/* A cap: exit 0, a warning naming the file and the cap, and the file says it was cut. */
static void test_cap(void)
{
	g_autofree char *trace = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *tl = g_build_filename(dir, "tl.json", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *other;
	gint64 releases, fallbacks;
	struct dstest_run r;

	r = dstest_defersim("replay", trace, "-q", "--export-timeline", tl,
			    "--timeline-max-events", "100", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.err, "was cut at 100 events"));
	g_assert_nonnull(strstr(r.err, tl));
	dstest_run_clear(&r);
	count_timeline(tl, &releases, &fallbacks, &other, parser);
	g_assert_true(json_object_get_boolean_member(other, "truncated"));
	g_assert_cmpint(json_object_get_int_member(other, "events_written"), ==, 100);
	g_assert_cmpint(json_object_get_int_member(other, "events_dropped"), >, 0);
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/timeline-cli/replay-export", test_replay_export);
	g_test_add_func("/timeline-cli/compare-export", test_compare_export);
	g_test_add_func("/timeline-cli/bad-options", test_bad_options);
	g_test_add_func("/timeline-cli/cap", test_cap);
	return g_test_run();
}
