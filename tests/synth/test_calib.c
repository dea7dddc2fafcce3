// SPDX-License-Identifier: MIT
/*
 * test_calib.c - calibration (sim/calibrate.c, `defersim calibrate`): it recovers, within 5%,
 * the costs a synthetic trace was generated with (through memory and through a trace.dat),
 * its figures equal the test's own computation over the same events, the profile it writes
 * loads and keeps the base's values where the trace tells nothing, the shipped calibrated
 * profile is what its documented command produces, and bad input fails cleanly.
 *
 * Why 5% holds: the quantities are lognormal with sigma <= 0.4 and thousands of samples; the
 * relative standard error of a mean or median is then under 1.5%, of the log-sigma under 2%.
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "ds_calib.h"
#include "synthtest.h"

#define EV(a, i) (&g_array_index((a), struct ds_event, (i)))

static void assert_within(double got, double want, double rel, const char *what)
{
	if (fabs(got - want) > rel * fabs(want))
		g_error("%s: %.4g is not within %.0f%% of %.4g", what, got, 100 * rel, want);
}

/* The workload the calibration tests use, and what it was generated with. */
#define COST_MEDIAN 3000.0
#define COST_SIGMA 0.3
#define ZS_SHARE 0.6
#define WAKE_MEDIAN 40000.0
#define WAKE_SIGMA 0.4

static struct ds_synth_params known_munmap(void)
{
	return synthtest_params("munmap", "procs=2", "size_mib=32", "cpus=2",
				"cost=lognormal:3us:0.3", "zs_share=0.6", "wq_items=8",
				"wq_gap=exp:100us", "wq_wake=lognormal:40us:0.4", NULL);
}

static void check_recovered(const struct ds_calib *c)
{
	struct ds_calib_stat s;
	double cost_mean = COST_MEDIAN * exp(COST_SIGMA * COST_SIGMA / 2);

	ds_calib_release(c, DS_BE_ZRAM, &s);
	g_assert_cmpuint(s.n, ==, 2 * 32 * 256);
	assert_within(s.mean, cost_mean, 0.05, "release mean");
	assert_within((double)s.p50, COST_MEDIAN, 0.05, "release p50");
	assert_within(s.log_sigma, COST_SIGMA, 0.05, "release sigma");
	/* p99 of a lognormal: median * exp(2.326 sigma) */
	assert_within((double)s.p99, COST_MEDIAN * exp(2.3263 * COST_SIGMA), 0.05, "release p99");
	ds_calib_zs_tail(c, DS_BE_ZRAM, &s);
	g_assert_cmpuint(s.n, ==, 2 * 32 * 256);
	assert_within(s.mean, ZS_SHARE * cost_mean, 0.05, "zs_free tail mean");
	ds_calib_wake(c, &s);
	g_assert_cmpuint(s.n, >, 1000);
	assert_within((double)s.p50, WAKE_MEDIAN, 0.05, "wake p50");
	assert_within(s.log_sigma, WAKE_SIGMA, 0.05, "wake sigma");
	ds_calib_release(c, DS_BE_ZSWAP, &s);
	g_assert_cmpuint(s.n, ==, 0);
}

/* Calibrate from the stream of @p (the source is closed afterwards). */
static void add_stream(struct ds_calib *c, const struct ds_synth_params *p, const char *label)
{
	GError *err = NULL;
	struct ds_source *src = ds_synth_open(p, &err);

	g_assert_no_error(err);
	g_assert_true(ds_calib_add(c, src, label, &err));
	g_assert_no_error(err);
	ds_source_close(src);
}

static void test_recover_memory(void)
{
	struct ds_synth_params p = known_munmap();
	struct ds_calib *c = ds_calib_new();

	add_stream(c, &p, "memory");
	check_recovered(c);
	ds_calib_free(c);
}

/* The whole way: trace.dat written, read by the trace reader, calibrated. */
static void test_recover_dat(void)
{
	struct ds_synth_params p = known_munmap();
	g_autofree char *path = synthtest_tmp("known.dat");
	struct ds_trace_opts o = { .use_cache = FALSE };
	struct ds_calib *c = ds_calib_new();
	struct ds_source *src;
	GError *err = NULL;

	if (!synthtest_have_trace_cmd()) {
		g_test_skip("trace-cmd not installed");
		ds_calib_free(c);
		return;
	}
	g_assert_true(ds_synth_write(&p, path, &err));
	g_assert_no_error(err);
	src = ds_source_open_trace(path, &o, &err);
	g_assert_no_error(err);
	g_assert_true(ds_calib_add(c, src, path, &err));
	ds_source_close(src);
	check_recovered(c);
	g_assert_true(((const struct ds_calib_source *)
		       g_ptr_array_index((GPtrArray *)ds_calib_sources(c), 0))->synthetic);
	ds_calib_free(c);
}

/* zswap release costs and zs_malloc sizes (churn writes). */
static void test_recover_zswap_sizes(void)
{
	struct ds_synth_params z = synthtest_params("lmk", "backend=zswap", "procs=4",
						    "footprint_mib=8", "cost=lognormal:5us:0.2", NULL);
	struct ds_synth_params w = synthtest_params("churn", "obj_size=lognormal:1500:0.3",
						    "duration=200ms", NULL);
	struct ds_calib *c = ds_calib_new();
	struct ds_calib_stat s;

	add_stream(c, &z, "zswap");
	add_stream(c, &w, "churn");
	ds_calib_release(c, DS_BE_ZSWAP, &s);
	g_assert_cmpuint(s.n, ==, 4 * 8 * 256);
	assert_within(s.mean, 5000 * exp(0.02), 0.05, "zswap release mean");
	ds_calib_obj_size(c, &s);
	g_assert_cmpuint(s.n, >, 5000);
	assert_within(s.mean, 1500 * exp(0.045), 0.05, "object size mean");
	g_assert_cmpuint(ds_calib_sources(c)->len, ==, 2);
	ds_calib_free(c);
}

/*
 * The calibration's figures against the test's own pass over the same stream: exact mean
 * and count of the durations, of the zs_free tails, of queue -> start latencies.
 */
static void test_against_own_count(void)
{
	struct ds_synth_params p = synthtest_params("churn", "duration=100ms", "wq_items=4",
						    "wq_gap=exp:200us", NULL);
	g_autoptr(GArray) a = synthtest_stream(&p);
	g_autoptr(GHashTable) q = g_hash_table_new(g_direct_hash, g_direct_equal);
	struct ds_calib *c = ds_calib_new();
	struct ds_source *src;
	struct ds_calib_stat s;
	double dsum = 0, tsum = 0, wsum = 0;
	guint dn = 0, tn = 0, wn = 0;

	for (guint i = 0; i < a->len; i++) {
		const struct ds_event *e = EV(a, i);

		if (e->type == DS_EV_RELEASE) {
			dsum += (double)e->aux;
			dn++;
			/* the zs_free of this call is the next event of the same pid */
			for (guint j = i + 1; j < a->len; j++) {
				if (EV(a, j)->pid != e->pid)
					continue;
				g_assert_cmpuint(EV(a, j)->type, ==, DS_EV_ZS_FREE);
				tsum += (double)(e->ts + e->aux - EV(a, j)->ts);
				tn++;
				break;
			}
		} else if (e->type == DS_EV_WQ_QUEUE) {
			g_hash_table_insert(q, GSIZE_TO_POINTER((gsize)e->aux),
					    GSIZE_TO_POINTER((gsize)e->ts));
		} else if (e->type == DS_EV_WQ_START) {
			wsum += (double)(e->ts - (gsize)g_hash_table_lookup(
				q, GSIZE_TO_POINTER((gsize)e->aux)));
			wn++;
		}
	}
	src = ds_source_new_array((const struct ds_event *)a->data, a->len);
	g_assert_true(ds_calib_add(c, src, "array", NULL));
	ds_source_close(src);
	ds_calib_release(c, DS_BE_ZRAM, &s);
	g_assert_cmpuint(s.n, ==, dn);
	g_assert_cmpfloat_with_epsilon(s.mean, dsum / dn, 1e-9 * dsum / dn);
	ds_calib_zs_tail(c, DS_BE_ZRAM, &s);
	g_assert_cmpuint(s.n, ==, tn);
	g_assert_cmpfloat_with_epsilon(s.mean, tsum / tn, 1e-9 * tsum / tn);
	ds_calib_wake(c, &s);
	g_assert_cmpuint(s.n, ==, wn);
	g_assert_cmpfloat_with_epsilon(s.mean, wsum / wn, 1e-9 * wsum / wn);
	ds_calib_free(c);
}

static char *key_comment(const char *path, const char *group, const char *key)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();

	g_assert_true(g_key_file_load_from_file(kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL));
	return g_key_file_get_comment(kf, group, key, NULL);
}

static void test_write_profile(void)
{
	struct ds_synth_params p = known_munmap();
	struct ds_calib *c = ds_calib_new();
	g_autofree char *out = synthtest_tmp("cal.ini");
	g_autofree char *text = NULL, *cm = NULL;
	struct ds_profile *base = ds_profile_load("rpi4b", NULL), *prof;
	struct ds_calib_stat rel, tail, wake;
	GError *err = NULL;

	g_assert_nonnull(base);
	add_stream(c, &p, "known-munmap");
	g_assert_true(ds_calib_write_profile(c, "rpi4b", "mycal", "defersim calibrate test",
					     out, &err));
	g_assert_no_error(err);
	prof = ds_profile_load(out, &err);
	g_assert_no_error(err);
	ds_calib_release(c, DS_BE_ZRAM, &rel);
	ds_calib_zs_tail(c, DS_BE_ZRAM, &tail);
	ds_calib_wake(c, &wake);
	g_assert_cmpstr(prof->name, ==, "mycal");
	g_assert_cmpuint(prof->cpus, ==, 2);
	g_assert_cmpuint(prof->sync_free_ns[DS_BE_ZRAM], ==, (uint64_t)llround(rel.mean));
	g_assert_cmpuint(prof->drain_entry_ns[DS_BE_ZRAM], ==, (uint64_t)llround(rel.mean));
	g_assert_cmpuint(prof->zs_free_ns, ==, (uint64_t)llround(tail.mean));
	g_assert_cmpuint(prof->wake_latency_ns, ==, wake.p50);
	g_assert_cmpint(prof->wake_dist, ==, DS_DIST_LOGNORMAL);
	g_assert_cmpfloat_with_epsilon(prof->wake_sigma, wake.log_sigma, 0.0006);
	/* what a trace without the series cannot tell, and what this trace lacks, is the base's */
	g_assert_cmpuint(prof->push_ns, ==, base->push_ns);
	g_assert_cmpuint(prof->swap_ns, ==, base->swap_ns);
	g_assert_cmpuint(prof->queue_work_ns, ==, base->queue_work_ns);
	g_assert_cmpuint(prof->lock_ns, ==, base->lock_ns);
	g_assert_cmpuint(prof->drain_page_ns, ==, base->drain_page_ns);
	g_assert_cmpuint(prof->sync_free_ns[DS_BE_ZSWAP], ==, base->sync_free_ns[DS_BE_ZSWAP]);
	g_assert_cmpuint(prof->drain_entry_ns[DS_BE_ZSWAP], ==, base->drain_entry_ns[DS_BE_ZSWAP]);
	g_assert_cmpuint(prof->object_bytes, ==, base->object_bytes);
	g_assert_cmpuint(prof->page_size, ==, base->page_size);
	/* every key says where it comes from */
	cm = key_comment(out, "costs", "sync_free_zram_ns");
	g_assert_nonnull(strstr(cm, "[C] mean duration"));
	g_clear_pointer(&cm, g_free);
	cm = key_comment(out, "costs", "push_ns");
	g_assert_nonnull(strstr(cm, "[base rpi4b] kept: a kernel without the series has no push"));
	g_clear_pointer(&cm, g_free);
	cm = key_comment(out, "costs", "sync_free_zswap_ns");
	g_assert_nonnull(strstr(cm, "[base rpi4b] kept: the traces have too few samples"));
	g_clear_pointer(&cm, g_free);
	cm = key_comment(out, "costs", "zs_free_ns");
	g_assert_nonnull(strstr(cm, "upper bound"));
	g_assert_true(g_file_get_contents(out, &text, NULL, NULL));
	g_assert_nonnull(strstr(text, "known-munmap (sha256"));
	g_assert_nonnull(strstr(text, "SYNTHETIC"));
	g_assert_nonnull(strstr(text, "defersim calibrate test"));
	ds_profile_free(prof);
	ds_profile_free(base);
	ds_calib_free(c);
}

/* zswap's drain keeps the base's drain/sync proportion (x86-desktop: 293/313). */
static void test_write_profile_zswap(void)
{
	struct ds_synth_params z = synthtest_params("lmk", "backend=zswap", "procs=2",
						    "footprint_mib=4", "wq_items=0", NULL);
	struct ds_calib *c = ds_calib_new();
	g_autofree char *out = synthtest_tmp("calz.ini");
	struct ds_profile *prof;
	struct ds_calib_stat s;

	add_stream(c, &z, "z");
	g_assert_true(ds_calib_write_profile(c, "x86-desktop", "z", NULL, out, NULL));
	prof = ds_profile_load(out, NULL);
	g_assert_nonnull(prof);
	ds_calib_release(c, DS_BE_ZSWAP, &s);
	g_assert_cmpuint(prof->sync_free_ns[DS_BE_ZSWAP], ==, (uint64_t)llround(s.mean));
	g_assert_cmpuint(prof->drain_entry_ns[DS_BE_ZSWAP], ==,
			 (uint64_t)llround(s.mean * 293.0 / 313.0));
	/* no work items in the trace: the wake-up latency stays the base's */
	g_assert_cmpuint(prof->wake_latency_ns, ==, 20000);
	ds_profile_free(prof);
	ds_calib_free(c);
}

static void test_errors(void)
{
	struct ds_calib *c = ds_calib_new();
	g_autofree char *out = synthtest_tmp("never.ini");
	struct ds_synth_params p = synthtest_params("munmap", "size_mib=1", NULL);
	GError *err = NULL;

	g_assert_false(ds_calib_write_profile(c, "x86-desktop", "n", NULL, out, &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_PARAM);
	g_clear_error(&err);
	add_stream(c, &p, "m");
	g_assert_false(ds_calib_write_profile(c, "no-such-profile", "n", NULL, out, &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_PROFILE);
	g_assert_nonnull(strstr(err->message, "no-such-profile"));
	g_clear_error(&err);
	g_assert_false(ds_calib_write_profile(c, "x86-desktop", "n", NULL,
					      "/nonexistent-dir/p.ini", &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_IO);
	g_clear_error(&err);
	g_assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
	ds_calib_free(c);
}

static void test_cli(void)
{
	const char *d = synthtest_defersim();
	g_autofree char *dsev = synthtest_tmp("calcli.dsev"), *ini = synthtest_tmp("calcli.ini");
	g_autofree char *out = NULL, *err = NULL;
	struct ds_profile *prof;

	if (!d) {
		g_test_skip("DS_DEFERSIM not set");
		return;
	}
	g_assert_cmpint(synthtest_run(&out, &err, d, "synth", "munmap", "size_mib=4",
				      "wq_gap=exp:50us", "-q", "-o", dsev, NULL), ==, 0);
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(synthtest_run(&out, &err, d, "calibrate", "--no-cache", dsev, "-o", ini,
				      NULL), ==, 0);
	g_assert_nonnull(strstr(out, "zram release duration"));
	g_assert_nonnull(strstr(out, "wrote profile calcli"));
	prof = ds_profile_load(ini, NULL);
	g_assert_nonnull(prof);
	g_assert_cmpstr(prof->name, ==, "calcli");
	ds_profile_free(prof);
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(synthtest_run(&out, &err, d, "calibrate", "/nonexistent.dat", NULL), !=, 0);
	g_assert_nonnull(strstr(err, "/nonexistent.dat"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(synthtest_run(&out, &err, d, "calibrate", NULL), ==, 2);
	g_assert_nonnull(strstr(err, "no trace"));
}

/*
 * The shipped profiles/tcg-6.1.ini is what its documented command (profiles/README.md)
 * writes from the bundled 6.1 captures: every calibrated number equals a fresh calibration.
 */
static void test_shipped_profile(void)
{
	static const char *const traces[] = {
		"munmap-256m-6.1.dat", "lmk-8x32m-6.1.dat", "lmk-zswap-4x32m-6.1.dat",
		"churn-2x64m-6.1.dat",
	};
	g_autofree char *shipped = dstest_source("profiles/tcg-6.1.ini");
	g_autofree char *fresh = synthtest_tmp("fresh.ini");
	struct ds_trace_opts o = { .use_cache = FALSE };
	struct ds_calib *c;
	struct ds_profile *a, *b;

	if (!g_file_test(shipped, G_FILE_TEST_EXISTS)) {
		g_test_fail_printf("%s is missing", shipped);
		return;
	}
	c = ds_calib_new();
	for (size_t i = 0; i < G_N_ELEMENTS(traces); i++) {
		g_autofree char *t = dstest_bundled(traces[i]);
		GError *err = NULL;
		struct ds_source *src = ds_source_open_trace(t, &o, &err);

		g_assert_no_error(err);
		g_assert_true(ds_calib_add(c, src, traces[i], &err));
		ds_source_close(src);
	}
	g_assert_true(ds_calib_write_profile(c, "x86-desktop", "tcg-6.1", NULL, fresh, NULL));
	a = ds_profile_load(shipped, NULL);
	b = ds_profile_load(fresh, NULL);
	g_assert_nonnull(a);
	g_assert_nonnull(b);
	g_assert_cmpstr(a->name, ==, b->name);
	g_assert_cmpuint(a->cpus, ==, b->cpus);
	g_assert_cmpuint(a->object_bytes, ==, b->object_bytes);
	for (int be = 0; be < DS_BE__COUNT; be++) {
		g_assert_cmpuint(a->sync_free_ns[be], ==, b->sync_free_ns[be]);
		g_assert_cmpuint(a->drain_entry_ns[be], ==, b->drain_entry_ns[be]);
	}
	g_assert_cmpuint(a->zs_free_ns, ==, b->zs_free_ns);
	g_assert_cmpuint(a->wake_latency_ns, ==, b->wake_latency_ns);
	g_assert_cmpint(a->wake_dist, ==, b->wake_dist);
	g_assert_cmpfloat(a->wake_sigma, ==, b->wake_sigma);
	g_assert_cmpuint(a->push_ns, ==, b->push_ns);
	ds_profile_free(a);
	ds_profile_free(b);
	ds_calib_free(c);
}

int main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/synth/calib/recover-memory", test_recover_memory);
	g_test_add_func("/synth/calib/recover-dat", test_recover_dat);
	g_test_add_func("/synth/calib/recover-zswap-sizes", test_recover_zswap_sizes);
	g_test_add_func("/synth/calib/against-own-count", test_against_own_count);
	g_test_add_func("/synth/calib/write-profile", test_write_profile);
	g_test_add_func("/synth/calib/write-profile-zswap", test_write_profile_zswap);
	g_test_add_func("/synth/calib/errors", test_errors);
	g_test_add_func("/synth/calib/cli", test_cli);
	g_test_add_func("/synth/calib/shipped-profile", test_shipped_profile);
	rc = g_test_run();
	synthtest_cleanup();
	return rc;
}
