// SPDX-License-Identifier: MIT
/*
 * test_info_cli.c - `defersim info` as a user runs it: exit codes, the stable lines
 * "releases: N", "cpus: N", "lost events: N", --json to a file and to stdout, error text.
 * $DS_DEFERSIM is the built binary.
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "helpers.h"

/* `defersim info ARGS...` to completion (a crash fails the test). */
static struct dstest_run run(const char *const *args)
{
	return dstest_spawn(dstest_env("DS_DEFERSIM"), "info", args);
}

static gboolean has_line(const char *text, const char *line)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (char **l = lines; *l; l++)
		if (!strcmp(*l, line))
			return TRUE;
	return FALSE;
}

static void test_lines(void)
{
	g_autofree char *basic = dstest_fixture("basic.dat");
	g_autofree char *lost = dstest_fixture("lost.dat");
	struct dstest_run r = run((const char *const[]){ "--no-cache", basic, NULL });

	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(has_line(r.out, "releases: 5"));
	g_assert_true(has_line(r.out, "cpus: 2"));
	g_assert_true(has_line(r.out, "lost events: 0"));
	g_assert_true(has_line(r.out, "clock: mono (synchronised across CPUs)"));
	dstest_run_clear(&r);
	r = run((const char *const[]){ "--no-cache", lost, NULL });
	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(has_line(r.out, "lost events: 42"));
	g_assert_true(has_line(r.out, "lost event markers: 2 (1 of unknown size)"));
	g_assert_true(has_line(r.out, "releases: 3"));
	dstest_run_clear(&r);
}

static void test_json(void)
{
	g_autofree char *basic = dstest_fixture("basic.dat");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *json = g_build_filename(dir, "info.json", NULL);
	g_autoptr(JsonParser) p = json_parser_new();
	struct dstest_run r = run((const char *const[]){ "--no-cache", "--json", json, basic,
							  NULL });

	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(has_line(r.out, "releases: 5"));
	g_assert_true(json_parser_load_from_file(p, json, NULL));
	g_assert_cmpint(json_object_get_int_member(json_node_get_object(json_parser_get_root(p)),
						   "releases"), ==, 5);
	dstest_run_clear(&r);
	r = run((const char *const[]){ "--no-cache", "--json", "-", basic, NULL });
	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(json_parser_load_from_data(p, r.out, -1, NULL));	/* only JSON */
	g_assert_cmpint(json_object_get_int_member(json_node_get_object(json_parser_get_root(p)),
						   "cpus"), ==, 2);
	dstest_run_clear(&r);
	dstest_rm_rf(dir);
}

static void test_cache_dir(void)
{
	g_autofree char *basic = dstest_fixture("basic.dat");
	g_autofree char *dir = dstest_tmp_dir();
	struct dstest_run a = run((const char *const[]){ "--cache-dir", dir, basic, NULL });
	struct dstest_run b = run((const char *const[]){ "--cache-dir", dir, basic, NULL });

	g_assert_cmpint(a.status, ==, 0);
	g_assert_cmpint(b.status, ==, 0);
	g_assert_cmpstr(a.out, ==, b.out);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name = g_dir_read_name(d);

	g_assert_nonnull(name);
	g_assert_true(g_str_has_suffix(name, ".dscache"));
	g_dir_close(d);
	dstest_run_clear(&a);
	dstest_run_clear(&b);
	dstest_rm_rf(dir);
}

static void expect_fail(const char *const *args, int status, const char *needle)
{
	struct dstest_run r = run(args);

	g_assert_cmpint(r.status, ==, status);
	if (!strstr(r.err, needle))
		g_error("stderr \"%s\" lacks \"%s\"", r.err, needle);
	dstest_run_clear(&r);
}

static void test_errors(void)
{
	g_autofree char *foreign = dstest_fixture("foreign.dat");
	g_autofree char *local = dstest_fixture("local.dat");
	g_autofree char *junk = dstest_fixture("notatrace.dat");
	g_autofree char *basic = dstest_fixture("basic.dat");

	expect_fail((const char *const[]){ "--no-cache", foreign, NULL }, 2, foreign);
	expect_fail((const char *const[]){ "--no-cache", local, NULL }, 2, "--force-clock");
	expect_fail((const char *const[]){ "--no-cache", junk, NULL }, 2, "not a trace.dat");
	expect_fail((const char *const[]){ "--no-cache", "/nonexistent.dat", NULL }, 2,
		    "/nonexistent.dat");
	expect_fail((const char *const[]){ "--no-cache", "--map", "x=y", basic, NULL }, 2,
		    "SYSTEM/EVENT=KIND");
	expect_fail((const char *const[]){ NULL }, 2, "TRACE");
	expect_fail((const char *const[]){ "--bogus", basic, NULL }, 2, "bogus");

	struct dstest_run r = run((const char *const[]){ "--no-cache", "--force-clock", local,
							  NULL });

	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(has_line(r.out, "clock: local (NOT synchronised across CPUs; per-CPU "
				      "sched_clock, not synchronised across CPUs)"));
	dstest_run_clear(&r);
	r = run((const char *const[]){ "--help", NULL });
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "--force-clock"));
	g_assert_nonnull(strstr(r.out, "--json"));
	dstest_run_clear(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay/info-cli/lines", test_lines);
	g_test_add_func("/replay/info-cli/json", test_json);
	g_test_add_func("/replay/info-cli/cache-dir", test_cache_dir);
	g_test_add_func("/replay/info-cli/errors", test_errors);
	return g_test_run();
}
