// SPDX-License-Identifier: MIT
/*
 * test_sweep_file.c - sweep-file values (lists, ranges), sweep files (axes, cartesian
 * product count and order) and their errors, which must name file, group and key.
 *
 * Expected lists are written out by hand from the range definitions in ds_sweep.h.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "ds_sweep.h"
#include "dstest.h"

/* Expand @text and compare with the NULL-terminated @want. */
static void check_values(const char *text, gboolean ranges, const char *const *want)
{
	g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
	GError *error = NULL;
	guint n = g_strv_length((char **)want);

	g_assert_true(ds_sweep_values_parse(text, ranges, got, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(got->len, ==, n);
	for (guint i = 0; i < n; i++)
		g_assert_cmpstr(g_ptr_array_index(got, i), ==, want[i]);
}

static void check_value_error(const char *text, const char *needle)
{
	g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
	GError *error = NULL;

	if (ds_sweep_values_parse(text, TRUE, got, &error))
		g_error("'%s' should be refused", text);
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(error);
	if (!strstr(error->message, needle))
		g_error("'%s': message '%s' lacks '%s'", text, error->message, needle);
	g_error_free(error);
}

static void test_lists(void)
{
	check_values("v3", TRUE, (const char *const[]){ "v3", NULL });
	check_values("sync, v3", TRUE, (const char *const[]){ "sync", "v3", NULL });
	check_values(" 1 ,2,  3 ", TRUE, (const char *const[]){ "1", "2", "3", NULL });
	/* paths are not ranges when ranges are off */
	check_values("../traces/a.dat, b.dat", FALSE,
		     (const char *const[]){ "../traces/a.dat", "b.dat", NULL });
}

static void test_arith(void)
{
	check_values("0..128/8", TRUE, (const char *const[]){ "0", "8", "16", "24", "32", "40",
		"48", "56", "64", "72", "80", "88", "96", "104", "112", "120", "128", NULL });
	check_values("1..4", TRUE, (const char *const[]){ "1", "2", "3", "4", NULL });
	/* the end is included only when a step lands on it */
	check_values("0..10/4", TRUE, (const char *const[]){ "0", "4", "8", NULL });
	/* decimal steps do not drift: 0.1 * 3 is written 0.3, and 0.7 is included */
	check_values("0.1..0.7/0.2", TRUE, (const char *const[]){ "0.1", "0.3", "0.5", "0.7", NULL });
	check_values("0.5..2/0.5", TRUE, (const char *const[]){ "0.5", "1", "1.5", "2", NULL });
	/* durations: integer nanoseconds */
	check_values("0..1ms/250us", TRUE, (const char *const[]){ "0", "250000", "500000",
		"750000", "1000000", NULL });
	/* a list of ranges and literals */
	check_values("0, 4..8/2, 64", TRUE, (const char *const[]){ "0", "4", "6", "8", "64", NULL });
}

static void test_geom(void)
{
	check_values("1..64*2", TRUE, (const char *const[]){ "1", "2", "4", "8", "16", "32", "64",
		NULL });
	/* starting at 0: 0, then 1, F, F^2, ... */
	check_values("0..128*2", TRUE, (const char *const[]){ "0", "1", "2", "4", "8", "16", "32",
		"64", "128", NULL });
	check_values("1..1000*10", TRUE, (const char *const[]){ "1", "10", "100", "1000", NULL });
	check_values("3..100*3", TRUE, (const char *const[]){ "3", "9", "27", "81", NULL });
	check_values("0.5..2*2", TRUE, (const char *const[]){ "0.5", "1", "2", NULL });
	check_values("10us..1ms*10", TRUE, (const char *const[]){ "10000", "100000", "1000000",
		NULL });
}

static void test_value_errors(void)
{
	check_value_error("5..1", "below its start");
	check_value_error("0..10/0", "step must be positive");
	check_value_error("0..10/-2", "step must be positive");
	check_value_error("1..10*1", "greater than 1");
	check_value_error("1..10*0.5", "greater than 1");
	check_value_error("a..5", "start of the range");
	check_value_error("1..b", "end of the range");
	check_value_error("1..5/x", "step is not a number");
	check_value_error("1,,2", "empty item");
	check_value_error("", "empty item");
	check_value_error("1, 1", "listed twice");
	check_value_error("0..8/4, 4", "listed twice");
	check_value_error("0..1e9/1", "more than");
	check_value_error("0..1ms/100", "give the step a unit");
	check_value_error("-4..4*2", "starts at 0 or above");
}

/* A temporary directory with the trace t.dat that the sweep files below name. */
struct fixture {
	char *dir;
	char *trace;
};

static void fixture_setup(struct fixture *f, gconstpointer data)
{
	(void)data;
	f->dir = dstest_tmp_dir();
	/* a plan hashes the trace but does not open it: any file will do here */
	f->trace = dstest_write(f->dir, "t.dat", "not really a trace");
}

static void fixture_teardown(struct fixture *f, gconstpointer data)
{
	(void)data;
	dstest_rm_rf(f->dir);
	g_free(f->dir);
	g_free(f->trace);
}

static void test_product(struct fixture *f, gconstpointer data)
{
	g_autofree char *path = dstest_write(f->dir, "s.ini",
		"[sweep]\n"
		"trace = t.dat\n"
		"policy = sync, v3\n"
		"cpus = 1..3\n"
		"pool_pages = 0..16*4\n");	/* 0 1 4 16 */
	GError *error = NULL;
	struct ds_sweep *sw = ds_sweep_load(path, &error);
	guint choice[4];
	guint64 index = 0;

	(void)data;
	g_assert_no_error(error);
	g_assert_nonnull(sw);
	g_assert_cmpuint(sw->axes->len, ==, 4);
	g_assert_cmpstr(((struct ds_sweep_axis *)sw->axes->pdata[0])->key, ==, "trace");
	g_assert_cmpstr(((struct ds_sweep_axis *)sw->axes->pdata[3])->key, ==, "pool_pages");
	g_assert_cmpuint(sw->n_points, ==, 1 * 2 * 3 * 4);
	/* file order = nested loops, the last key innermost */
	for (guint t = 0; t < 1; t++)
		for (guint p = 0; p < 2; p++)
			for (guint c = 0; c < 3; c++)
				for (guint q = 0; q < 4; q++, index++) {
					ds_sweep_choice(sw, index, choice);
					g_assert_cmpuint(choice[0], ==, t);
					g_assert_cmpuint(choice[1], ==, p);
					g_assert_cmpuint(choice[2], ==, c);
					g_assert_cmpuint(choice[3], ==, q);
				}
	ds_sweep_free(sw);
}

static void test_plan_points(struct fixture *f, gconstpointer data)
{
	g_autofree char *path = dstest_write(f->dir, "s.ini",
		"[sweep]\n"
		"trace = t.dat\n"
		"pool_pages = 8, 16\n"
		"scale.sync_free = 1, 2\n"
		"seed = 7\n");
	GError *error = NULL;
	struct ds_sweep *sw = ds_sweep_load(path, &error);
	GPtrArray *pts;
	const struct ds_sweep_point *p3;
	struct ds_profile *base = ds_profile_new_default();

	(void)data;
	g_assert_no_error(error);
	pts = ds_sweep_plan(sw, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(pts->len, ==, 4);
	/* point 3 = pool_pages 16, scale 2 */
	p3 = pts->pdata[3];
	g_assert_cmpuint(p3->index, ==, 3);
	g_assert_cmpint(p3->params.pool_pages, ==, 16);
	g_assert_cmpuint(p3->params.seed, ==, 7);
	g_assert_cmpuint(p3->profile->sync_free_ns[DS_BE_ZRAM], ==, 2 * base->sync_free_ns[DS_BE_ZRAM]);
	g_assert_cmpuint(p3->profile->sync_free_ns[DS_BE_ZSWAP], ==, 2 * base->sync_free_ns[DS_BE_ZSWAP]);
	g_assert_cmpuint(p3->profile->drain_entry_ns[DS_BE_ZRAM], ==, base->drain_entry_ns[DS_BE_ZRAM]);
	g_assert_cmpstr(p3->trace, ==, f->trace);	/* relative to the sweep file */
	g_assert_cmpstr(p3->values[1], ==, "16");
	g_assert_cmpstr(p3->values[2], ==, "2");
	/* every point has its own key */
	for (guint i = 0; i < pts->len; i++)
		for (guint j = i + 1; j < pts->len; j++)
			g_assert_cmpstr(((struct ds_sweep_point *)pts->pdata[i])->key, !=,
					((struct ds_sweep_point *)pts->pdata[j])->key);
	ds_profile_free(base);
	g_ptr_array_free(pts, TRUE);
	ds_sweep_free(sw);
}

/* The error must name the file, the group and the key, and say what is wrong. */
static void check_file_error(const struct fixture *f, const char *text, const char *key,
			     const char *needle)
{
	g_autofree char *path = dstest_write(f->dir, "bad.ini", text);
	g_autofree char *group_key = g_strdup_printf("[sweep] %s", key);
	GError *error = NULL;
	struct ds_sweep *sw = ds_sweep_load(path, &error);
	GPtrArray *pts = NULL;

	if (sw) {	/* some errors show only when the plan opens profiles and traces */
		pts = ds_sweep_plan(sw, NULL, &error);
		ds_sweep_free(sw);
	}
	g_assert_null(pts);
	g_assert_nonnull(error);
	if (!strstr(error->message, path) || (key && !strstr(error->message, group_key)) ||
	    !strstr(error->message, needle))
		g_error("message '%s' should name %s, %s and '%s'", error->message, path,
			key ? group_key : "-", needle);
	g_error_free(error);
}

static void test_file_errors(struct fixture *f, gconstpointer data)
{
	(void)data;
	check_file_error(f, "[sweep]\ntrace = t.dat\npool_page = 1\n", "pool_page",
			 "unknown parameter");
	check_file_error(f, "[sweep]\ntrace = t.dat\npool_pages = 8..1\n", "pool_pages",
			 "below its start");
	check_file_error(f, "[sweep]\ntrace = t.dat\npool_pages = -1\n", "pool_pages", "-1");
	check_file_error(f, "[sweep]\ntrace = t.dat\ncpus = 2, 0\n", "cpus", "cpus");
	check_file_error(f, "[sweep]\ntrace = t.dat\npolicy = v3, v9\n", "policy", "v9");
	check_file_error(f, "[sweep]\ntrace = t.dat\nscale.sync_fre = 2\n", "scale.sync_fre",
			 "unknown cost");
	check_file_error(f, "[sweep]\ntrace = t.dat\nscale.push = -1\n", "scale.push", ">= 0");
	check_file_error(f, "[sweep]\ntrace = t.dat\nscale.push = fast\n", "scale.push",
			 "a number");
	check_file_error(f, "[sweep]\ntrace = t.dat\npool_pages =\n", "pool_pages", "empty item");
	check_file_error(f, "[sweep]\npool_pages = 1\n", "trace", "missing");
	check_file_error(f, "[sweep]\ntrace = t.dat\n[other]\nx = 1\n", NULL, "[other]");
	check_file_error(f, "[sweep]\ntrace = t.dat\npool_pages = 0..100000/1, 100001..200000/1\n",
			 "pool_pages", "more than");
	check_file_error(f, "[sweep]\ntrace = t.dat\npool_pages = 0..1000\ncpus = 1..1000\n",
			 "cpus", "more than");
	/* a missing trace or profile names the point (and the file) */
	check_file_error(f, "[sweep]\ntrace = nope.dat\n", NULL, "nope.dat");
	check_file_error(f, "[sweep]\ntrace = t.dat\nprofile = no-such-profile\n", NULL,
			 "no-such-profile");
	check_file_error(f, "this is not a key file\n", NULL, "sweep file");
	/* a key given twice lost its first values (GKeyFile keeps the last): refused, both
	 * lines named, also across two [sweep] groups */
	check_file_error(f, "[sweep]\ntrace = t.dat\npool_pages = 1, 2\npool_pages = 4\n",
			 "pool_pages", ":4: [sweep] pool_pages is given twice (first on line 3)");
	check_file_error(f, "[sweep]\ntrace = t.dat\n# c\n[sweep]\n  trace=u.dat\n", "trace",
			 ":5: [sweep] trace is given twice (first on line 2)");
}

static void test_missing_file(void)
{
	GError *error = NULL;

	g_assert_null(ds_sweep_load("/nonexistent/sweep.ini", &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_IO);
	g_assert_nonnull(strstr(error->message, "/nonexistent/sweep.ini"));
	g_error_free(error);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sweep/values/lists", test_lists);
	g_test_add_func("/sweep/values/arithmetic", test_arith);
	g_test_add_func("/sweep/values/geometric", test_geom);
	g_test_add_func("/sweep/values/errors", test_value_errors);
	g_test_add("/sweep/file/product", struct fixture, NULL, fixture_setup, test_product,
		   fixture_teardown);
	g_test_add("/sweep/file/plan", struct fixture, NULL, fixture_setup, test_plan_points,
		   fixture_teardown);
	g_test_add("/sweep/file/errors", struct fixture, NULL, fixture_setup, test_file_errors,
		   fixture_teardown);
	g_test_add_func("/sweep/file/missing", test_missing_file);
	return g_test_run();
}
