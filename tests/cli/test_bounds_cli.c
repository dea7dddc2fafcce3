// SPDX-License-Identifier: MIT
/*
 * test_bounds_cli.c - issue 12's bounds and error messages: a stream's times are held to
 * 2^62 ns (reader and engine, named with the file and offset), the time invariant of --check
 * is reported, the recorded-CPU-count error names the trace, pool_pages states its maximum,
 * and a sweep of a .dsev runs in parallel.  Streams are written here event by event, so each
 * expectation follows from the events alone.
 */
#include <string.h>
#include <glib.h>

#include "ds_sim.h"
#include "ds_synth.h"
#include "dstest.h"

#define DESC "bounds"	/* 6 bytes of text, padded to 8: events start at offset 64 + 8 */
#define EV_AT(i) (64 + 8 + 32 * (i))

static char *write_dsev(const char *dir, const char *name, const struct ds_event *evs, size_t n)
{
	char *path = g_build_filename(dir, name, NULL);
	struct ds_source *src = ds_source_new_array(evs, n);
	GError *error = NULL;

	g_assert_true(ds_synth_write_dsev(src, DESC, 2, path, &error));
	g_assert_no_error(error);
	ds_source_close(src);
	return path;
}

static struct ds_event release(uint64_t ts, int32_t pid, uint64_t dur)
{
	return (struct ds_event){ .ts = ts, .value = (uint64_t)ts % 1000, .aux = dur, .pid = pid,
				  .type = DS_EV_RELEASE, .flags = DS_EVF_DURATION };
}

/* A time above 2^62 ns is refused by the .dsev reader with the file and the event's offset
 * (it used to simulate, wrap, and report sim_end_ts = -9223372032559784545). */
static void test_dsev_time_above_bound(struct dstest_tmp *t, gconstpointer data)
{
	const struct ds_event evs[] = {
		release(1000, 10, 100),
		release(DS_EV_TS_MAX + 1, 10, 100),
	};
	g_autofree char *path = write_dsev(t->dir, "late.dsev", evs, G_N_ELEMENTS(evs));
	g_autofree char *want = g_strdup_printf("%s: synthetic event file: event 1 at offset %d: "
						"time %" G_GUINT64_FORMAT " ns is above 2^62 ns",
						path, EV_AT(1), DS_EV_TS_MAX + 1);
	struct dstest_run r = dstest_defersim("replay", path, NULL);

	(void)data;
	g_assert_cmpint(r.status, ==, 2);	/* bad input, though found mid-stream */
	g_assert_nonnull(strstr(r.err, want));
	dstest_run_clear(&r);
}

/* The same for a release longer than 1000 s: named by the reader, file and offset. */
static void test_dsev_duration_above_bound(struct dstest_tmp *t, gconstpointer data)
{
	const struct ds_event evs[] = { release(1000, 10, DS_EV_DURATION_MAX + 1) };
	g_autofree char *path = write_dsev(t->dir, "long.dsev", evs, G_N_ELEMENTS(evs));
	g_autofree char *want = g_strdup_printf("%s: synthetic event file: event 0 at offset %d: "
						"release duration %llu ns is above 1000 s", path,
						EV_AT(0), DS_EV_DURATION_MAX + 1);
	struct dstest_run r = dstest_defersim("replay", path, NULL);

	(void)data;
	g_assert_cmpint(r.status, ==, 2);	/* bad input, though found mid-stream */
	g_assert_nonnull(strstr(r.err, want));
	dstest_run_clear(&r);
}

/*
 * At the bounds everything stays positive and --check says so (the time invariant is in the
 * text and the JSON).  Under sync with the trace's costs a replay is the recording itself:
 * two 1000 s releases and an exit, so the run ends at the exit's recorded time.
 */
static void test_check_times_at_bound(struct dstest_tmp *t, gconstpointer data)
{
	const uint64_t a = DS_EV_TS_MAX - 3 * DS_EV_DURATION_MAX;
	const struct ds_event evs[] = {
		release(a, 10, DS_EV_DURATION_MAX),
		release(a + 1500000000000ull, 10, DS_EV_DURATION_MAX),
		{ .ts = a + 2600000000000ull, .pid = 10, .type = DS_EV_EXIT },
	};
	g_autofree char *path = write_dsev(t->dir, "edge.dsev", evs, G_N_ELEMENTS(evs));
	g_autofree char *json = g_build_filename(t->dir, "run.json", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	struct dstest_run r = dstest_defersim("replay", path, "--policy", "sync", "--check",
					      "--json", json, NULL);
	JsonObject *o;

	(void)data;
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "negative times 0 -> hold"));
	o = dstest_json_load(parser, json);
	g_assert_cmpint(dstest_json_int(o, "invariants.time_violations"), ==, 0);
	g_assert_cmpint(dstest_json_int(o, "metrics.sim_end_ts"), ==,
			(gint64)(a + 2600000000000ull));
	dstest_run_clear(&r);
}

/* The engine holds any source to the bound, also as mapped by think_scale, and names it. */
static void test_engine_time_bound(void)
{
	const struct ds_event late[] = {
		release(1000, 10, 100), release(DS_EV_TS_MAX / 2 + 4096, 10, 100),
	};
	struct ds_profile *prof = ds_profile_new_default();
	struct ds_source *src = ds_source_new_array(late, G_N_ELEMENTS(late));
	struct ds_params p;
	GError *error = NULL;
	struct ds_results *res;

	ds_params_init(&p);
	p.cpus = 1;
	g_assert_true(ds_params_set(&p, "think_scale", "2", NULL));
	res = ds_sim_run(&p, prof, src, 1, &error);
	g_assert_null(res);
	g_assert_error(error, DS_ERROR, DS_ERROR_ORDER);
	g_assert_nonnull(strstr(error->message, "the event stream: event 1 (release, cpu 0, pid "
				"10): timestamp 2305843009213698048 ns times think_scale is out of "
				"range"));
	g_clear_error(&error);
	ds_source_close(src);
	/* with think_scale 1 the same stream is in range */
	src = ds_source_new_array(late, G_N_ELEMENTS(late));
	p.think_scale = 1.0;
	res = ds_sim_run(&p, prof, src, 1, &error);
	g_assert_no_error(error);
	g_assert_nonnull(res);
	ds_results_free(res);
	ds_source_close(src);
	ds_profile_free(prof);
}

/* cpus=recorded with no recorded count: the error names the trace (it named nothing). */
static void test_recorded_cpus_named(struct dstest_tmp *t, gconstpointer data)
{
	const struct ds_event evs[] = { release(1000, 10, 100) };
	g_autofree char *path = write_dsev(t->dir, "cpus.dsev", evs, G_N_ELEMENTS(evs));
	g_autofree char *want = g_strdup_printf("parameter cpus=recorded: %s does not record its "
						"CPU count; give cpus=N", path);
	struct ds_profile *prof = ds_profile_new_default();
	struct ds_source *src = ds_synth_file_open(path, NULL);
	struct ds_params p;
	GError *error = NULL;

	(void)data;
	g_assert_nonnull(src);
	ds_params_init(&p);
	g_assert_null(ds_sim_run(&p, prof, src, 0, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_assert_cmpstr(error->message, ==, want);
	g_clear_error(&error);
	ds_source_close(src);
	ds_profile_free(prof);
}

/* pool_pages above its maximum says the maximum (it said "a page count (0 or more)"). */
static void test_pool_pages_max(void)
{
	struct ds_params p;
	GError *error = NULL;

	ds_params_init(&p);
	g_assert_true(ds_params_set(&p, "pool_pages", "2147483647", NULL));
	g_assert_cmpint(p.pool_pages, ==, 2147483647);
	g_assert_false(ds_params_set(&p, "pool_pages", "2147483648", &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(error->message, "pool_pages=2147483648"));
	g_assert_nonnull(strstr(error->message, "from 0 to 2147483647"));
	g_clear_error(&error);
}

/* v2's array is allocated whole: 2^31-1 entries asked for 80 GiB and GLib aborted the run;
 * the parameter now stops at 2^24 (what auto gives at 8-byte pages) and says so. */
static void test_v2_entries_max(void)
{
	struct ds_params p;
	GError *error = NULL;

	ds_params_init(&p);
	g_assert_true(ds_params_set(&p, "v2_array_entries", "16777216", NULL));
	g_assert_true(ds_params_validate(&p, NULL));
	g_assert_false(ds_params_set(&p, "v2_array_entries", "16777217", &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(error->message, "v2_array_entries=16777217"));
	g_assert_nonnull(strstr(error->message, "from 1 to 16777216"));
	g_clear_error(&error);
	p.v2_array_entries = (1u << 24) + 1;	/* set in code, not parsed */
	g_assert_false(ds_params_validate(&p, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_clear_error(&error);
}

/* A sweep of a .dsev at -j 2: no binary cache is needed (it blamed the cache directory). */
static void test_sweep_dsev_parallel(struct dstest_tmp *t, gconstpointer data)
{
	const struct ds_event evs[] = {
		release(1000, 10, 100), release(2000, 11, 100), release(3000, 10, 100),
	};
	g_autofree char *path = write_dsev(t->dir, "s.dsev", evs, G_N_ELEMENTS(evs));
	g_autofree char *text = g_strdup_printf("[sweep]\ntrace = %s\npool_pages = 1, 2, 3\n", path);
	g_autofree char *ini = dstest_write(t->dir, "s.ini", text);
	g_autofree char *out = g_build_filename(t->dir, "out", NULL);
	g_autofree char *cache = g_build_filename(t->dir, "cache", NULL);
	g_autofree char *jsonl = g_build_filename(out, "results.jsonl", NULL);
	g_autofree char *results = NULL;
	g_auto(GStrv) lines = NULL;
	struct dstest_run r = dstest_defersim("sweep", ini, "-o", out, "-j", "2", "--cache-dir",
					      cache, "--quiet", NULL);

	(void)data;
	g_assert_cmpstr(r.err, ==, "");
	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(g_file_get_contents(jsonl, &results, NULL, NULL));
	lines = g_strsplit(g_strstrip(results), "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 3);
	dstest_run_clear(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	dstest_add_tmp("/bounds/dsev-time-above-bound", test_dsev_time_above_bound);
	dstest_add_tmp("/bounds/dsev-duration-above-bound", test_dsev_duration_above_bound);
	dstest_add_tmp("/bounds/check-times-at-bound", test_check_times_at_bound);
	g_test_add_func("/bounds/engine-time-bound", test_engine_time_bound);
	dstest_add_tmp("/bounds/recorded-cpus-named", test_recorded_cpus_named);
	g_test_add_func("/bounds/pool-pages-max", test_pool_pages_max);
	g_test_add_func("/bounds/v2-entries-max", test_v2_entries_max);
	dstest_add_tmp("/bounds/sweep-dsev-parallel", test_sweep_dsev_parallel);
	return g_test_run();
}
