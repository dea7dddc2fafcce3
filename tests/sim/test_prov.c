// SPDX-License-Identifier: MIT
/*
 * test_prov.c - a run's provenance and sensitivity (sim/provenance.c, sim/sensitivity.c) on
 * hand-worked cases (synthetic streams of simtest.h, the hand profile's round costs).
 */
#include <math.h>
#include <string.h>

#include "ds_prov.h"
#include "simtest.h"

static const struct ds_prov_cost *must(const struct ds_provenance *pv, const char *name)
{
	const struct ds_prov_cost *c = ds_prov_find(pv, name);

	g_assert_nonnull(c);
	return c;
}

/*
 * test_v3.c's eager_pool1 case (12 releases, pool 1 page, CAP 4): 12 pushes, 2 swaps with a
 * queue_work each, 3 swap attempts that found the pool empty, 2 fallbacks.  v3's hot path:
 * push 12 x 10 = 120, swap 2 x 100 = 200, queue_work 2 x 50 = 100, lock 3 x 5 = 15,
 * sync 2 x 300 = 600: 1035 ns, so the shares are those over 1035.
 */
static void test_hot_shares_by_hand(void)
{
	g_autoptr(GArray) evs = simtest_burst(12, 100);
	struct ds_profile *prof = simtest_profile();
	struct ds_provenance pv;
	struct ds_params p;
	struct ds_results *r;

	simtest_params(&p);
	p.pool_pages = 1;
	r = simtest_run(evs, &p, prof, 2);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].fallbacks, ==, 2);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].swap_failures, ==, 3);
	g_test_message("hot_ns %" G_GUINT64_FORMAT " (the hand program: 1035)", r->hot_ns);
	ds_provenance_compute(r, prof, NULL, &pv);
	g_assert_cmpfloat_with_epsilon(must(&pv, "push_ns")->hot_share, 120.0 / 1035, 1e-9);
	g_assert_cmpfloat_with_epsilon(must(&pv, "swap_ns")->hot_share, 200.0 / 1035, 1e-9);
	g_assert_cmpfloat_with_epsilon(must(&pv, "queue_work_ns")->hot_share, 100.0 / 1035, 1e-9);
	g_assert_cmpfloat_with_epsilon(must(&pv, "lock_ns")->hot_share, 15.0 / 1035, 1e-9);
	g_assert_cmpfloat_with_epsilon(must(&pv, "sync_free_zram_ns")->hot_share, 600.0 / 1035,
				       1e-9);
	/* not a trace: nothing says its time base */
	g_assert_cmpint(pv.trace_time, ==, DS_TIME_UNKNOWN);
	/* the hand profile is built in code: every origin unstated, so every cost is weak and
	 * the largest share is named first */
	g_assert_cmpuint(pv.ntop, >=, 1);
	g_assert_cmpstr(pv.cost[pv.top[0]].name, ==, "sync_free_zram_ns");
	ds_results_free(r);
	ds_profile_free(prof);
}

static double mean_latency(const struct ds_results *r)
{
	const struct ds_hist *h = &r->be[DS_BE_ZRAM].drain_latency;

	return h->sum / (double)h->count;
}

/*
 * The wake-up's share of the mean drain latency against a rerun with the wake-up doubled:
 * 16 releases fill 4 pages of 4, the worker idles between them (think 100 ns per release,
 * a page every 1.6 us, a wake-up of 1 us and a drain of 425 ns): every page waits a wake-up.
 */
static void test_drain_share_vs_rerun(void)
{
	g_autoptr(GArray) evs = simtest_burst(16, 100);
	struct ds_profile *prof = simtest_profile();
	struct ds_provenance pv;
	struct ds_params p;
	struct ds_results *r1, *r2;
	double share, actual;

	simtest_params(&p);
	r1 = simtest_run(evs, &p, prof, 2);
	ds_provenance_compute(r1, prof, NULL, &pv);
	share = must(&pv, "wake_latency_ns")->drain_share;
	prof->wake_latency_ns *= 2;
	r2 = simtest_run(evs, &p, prof, 2);
	actual = mean_latency(r2) / mean_latency(r1) - 1;
	g_test_message("wake_latency_ns: predicted %.4f, measured %.4f", share, actual);
	g_assert_cmpfloat(share, >, 0.1);
	g_assert_cmpfloat(fabs(share - actual), <, 0.1);
	ds_results_free(r1);
	ds_results_free(r2);
	ds_profile_free(prof);
}

/* A profile's tags and scale factors reach the provenance; sync has no hot-path push. */
static void test_origin_and_scale(void)
{
	g_autoptr(GArray) evs = simtest_burst(8, 100);
	struct ds_profile *prof = simtest_profile();
	struct ds_provenance pv;
	struct ds_params p;
	struct ds_results *r;

	g_assert_true(ds_profile_set_origin(prof, "push_ns", DS_ORIGIN_GUESSED));
	g_assert_true(ds_profile_scale_cost(prof, "push_ns", 2.0));
	simtest_params(&p);
	p.policy = "sync";
	r = simtest_run(evs, &p, prof, 2);
	ds_provenance_compute(r, prof, NULL, &pv);
	g_assert_cmpint(must(&pv, "push_ns")->origin, ==, DS_ORIGIN_GUESSED);
	g_assert_cmpfloat(must(&pv, "push_ns")->scaled_by, ==, 2.0);
	g_assert_cmpfloat(must(&pv, "push_ns")->value, ==, 20.0);
	g_assert_false(must(&pv, "push_ns")->used);
	g_assert_cmpfloat(must(&pv, "push_ns")->hot_share, ==, 0.0);
	g_assert_cmpfloat_with_epsilon(must(&pv, "sync_free_zram_ns")->hot_share, 1.0, 1e-9);
	ds_results_free(r);
	ds_profile_free(prof);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/prov/hot-shares-by-hand", test_hot_shares_by_hand);
	g_test_add_func("/prov/drain-share-vs-rerun", test_drain_share_vs_rerun);
	g_test_add_func("/prov/origin-and-scale", test_origin_and_scale);
	return g_test_run();
}
