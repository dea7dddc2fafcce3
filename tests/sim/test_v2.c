// SPDX-License-Identifier: MIT
/*
 * test_v2.c - policy v2 (spec §3): hand-worked cases and the §5 invariants.
 *
 * Hand profile (simtest.h): push 10, queue_work 50, lock 5, wake-up 1000 (fixed), sync free
 * zram 300 / zswap 400, zs_free 250, drain per page 20 (unused by v2).  v2 defers zs_free
 * only, so per zram release (docs/model.md §7):
 *   zs = 300 x 250 / 300 = 250 (the worker's cost per value), rest = 300 - 250 = 50;
 *   pushed:               rest + trylock + push  = 50 + 5 + 10 = 65
 *   pushed at threshold:  65 + queue_work         = 115
 *   fallback:             rest + trylock + zs     = 50 + 5 + 250 = 305
 * A drain batch: before = lock 5 (+ n x copy_entry_ns with "copy"), then 250 per value,
 * nothing after; value i is freed at start + before + 250 (i + 1).  The lock is held during
 * "before" (copy) or the whole batch (whole): a trylock then fails.
 * Release timing (spec §4): s_{k+1} = s_k + h_k + think_k.  Most cases run simtest_burst(n,
 * 100): task 100 on recorded CPU 0, zram indices 0..n-1 at 10000 + 400 k (think 100), exit
 * 400 after the last.
 */
#include <string.h>

#include "poltest.h"

#define NCPUS_REC 4

static const guint32 seeds[] = { 1, 7, 42, 1234 };

static void v2_params(struct ds_params *p, unsigned int entries, unsigned int threshold)
{
	poltest_params(p, "v2");
	p->v2_array_entries = entries;
	p->v2_drain_threshold = threshold;
}

/*
 * Array of 4, threshold 2, copy mode with copy_entry_ns 2, 2 CPUs, 8 releases:
 *  k  s_k    what happens                                          h
 *  0  10000  push (1)                                              65
 *  1  10165  push (2) = threshold: queue_work (wakes 11165)        115
 *  2  10380  push (3)                                              65
 *  3  10545  push (4): full                                        65
 *  4  10710  full: fallback                                        305
 *  5  11115  full: fallback                                        305
 *     11165  worker (CPU 1) takes the 4 values: lock + copy 5 + 4 x 2 = 13, held to 11178;
 *            frees at 11428, 11678, 11928, 12178 (latency 1428, 1513, 1548, 1633)
 *  6  11520  lock free, new array: push (1)                        65
 *  7  11685  push (2) = threshold: queue_work on the running item  115
 * exit at 11685 + 115 + 100 = 11900.  At 12178 the same run takes the 2 values (before
 * 5 + 2 x 2 = 9): freed 12437, 12687 (latency 917, 1002); then the re-queued run finds
 * nothing (2 runs, busy 12687 - 11165 = 1522).  Nothing left for teardown.
 */
static void test_copy_threshold(void)
{
	g_autoptr(GArray) evs = simtest_burst(8, 100);
	struct ds_profile *prof = simtest_profile();
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;
	const struct ds_task_result *t;

	prof->copy_entry_ns = 2;
	v2_params(&p, 4, 2);
	r = simtest_run(evs, &p, prof, 2);
	z = &r->be[DS_BE_ZRAM];
	t = simtest_task(r, 100);

	g_assert_cmpuint(z->cap, ==, 4);
	g_assert_cmpuint(z->releases, ==, 8);
	g_assert_cmpuint(z->pushed, ==, 6);
	g_assert_cmpuint(z->fallbacks, ==, 2);
	g_assert_cmpuint(z->fallbacks_lock, ==, 0);
	g_assert_cmpuint(z->queue_work_calls, ==, 2);
	g_assert_cmpuint(z->queue_work_noops, ==, 0);
	g_assert_cmpuint(z->worker_runs, ==, 2);
	g_assert_cmpuint(z->worker_busy_ns, ==, 1522);
	g_assert_cmpuint(z->drained, ==, 6);
	g_assert_cmpuint(z->teardown_drained, ==, 0);
	g_assert_cmpuint(z->swaps, ==, 0);
	simtest_assert_hist(&z->drain_latency, 6, 917, 1633,
			    1428 + 1513 + 1548 + 1633 + 917 + 1002);
	/* values count as pending until their batch ends (model §9): 4 copied + 2 at 11685 */
	g_assert_cmpuint(z->peak_pending_values, ==, 6);
	g_assert_cmpuint(t->hot_ns, ==, 65 + 115 + 65 + 65 + 305 + 305 + 65 + 115);
	g_assert_cmpuint(t->sync_ns, ==, 8 * 300);
	g_assert_cmpuint(t->fallbacks, ==, 2);
	g_assert_cmpuint(t->sim_end_ts, ==, 11900);
	g_assert_cmpuint(r->sim_end_ts, ==, 12687);
	simtest_assert_clean(r);
	ds_results_free(r);
	ds_profile_free(prof);
}

/*
 * The same with copy_entry_ns 100: the first drain holds the lock for 5 + 4 x 100 = 405,
 * [11165, 11570).  k = 0..5 as above; then
 *  6  11520  trylock fails (the drain copies): fallback            305
 *  7  11925  lock free, new array: push (1), below threshold       65
 * exit at 11925 + 65 + 100 = 12090.  Drain: freed 11165 + 405 + 250 (i + 1) = 11820, 12070,
 * 12320, 12570 (latency 1820, 1905, 1940, 2025); the run ends (1 value < threshold).
 * Teardown at 12570 kicks the item: wakes 13570, 5 + 100 + 250 = 355 -> value 7 freed at
 * 13925 (teardown latency 2000).  3 fallbacks, 1 of them on the lock.
 */
static void test_copy_lock_held(void)
{
	g_autoptr(GArray) evs = simtest_burst(8, 100);
	struct ds_profile *prof = simtest_profile();
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	prof->copy_entry_ns = 100;
	v2_params(&p, 4, 2);
	r = simtest_run(evs, &p, prof, 2);
	z = &r->be[DS_BE_ZRAM];

	g_assert_cmpuint(z->pushed, ==, 5);
	g_assert_cmpuint(z->fallbacks, ==, 3);
	g_assert_cmpuint(z->fallbacks_lock, ==, 1);
	g_assert_cmpuint(z->queue_work_calls, ==, 1);
	g_assert_cmpuint(z->worker_runs, ==, 2);
	g_assert_cmpuint(z->worker_busy_ns, ==, 1405 + 355);
	g_assert_cmpuint(z->teardown_drained, ==, 1);
	simtest_assert_hist(&z->drain_latency, 4, 1820, 2025, 1820 + 1905 + 1940 + 2025);
	simtest_assert_hist(&z->teardown_latency, 1, 2000, 2000, 2000);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 65 + 115 + 65 + 65 + 3 * 305 + 65);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 12090);
	g_assert_cmpuint(r->sim_end_ts, ==, 13925);
	simtest_assert_clean(r);
	ds_results_free(r);
	ds_profile_free(prof);
}

/*
 * v2_drain_holds_lock=whole: the drain holds the lock for its whole batch, 5 + 4 x 250 =
 * 1005: [11165, 12170).  k = 0..5 as above, then
 *  6  11520  lock held: fallback                                   305
 *  7  11925  lock held: fallback                                   305
 * exit at 11925 + 305 + 100 = 12330.  Values freed 11420, 11670, 11920, 12170 (latency 1420,
 * 1505, 1540, 1625).  4 fallbacks, 2 on the lock; one run of 1005.
 */
static void test_whole_lock_held(void)
{
	g_autoptr(GArray) evs = simtest_burst(8, 100);
	struct ds_profile *prof = simtest_profile();
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	prof->copy_entry_ns = 100;	/* no copy in this mode: must not matter */
	v2_params(&p, 4, 2);
	p.v2_drain_holds_lock = DS_V2_LOCK_WHOLE;
	r = simtest_run(evs, &p, prof, 2);
	z = &r->be[DS_BE_ZRAM];

	g_assert_cmpuint(z->pushed, ==, 4);
	g_assert_cmpuint(z->fallbacks, ==, 4);
	g_assert_cmpuint(z->fallbacks_lock, ==, 2);
	g_assert_cmpuint(z->worker_runs, ==, 1);
	g_assert_cmpuint(z->worker_busy_ns, ==, 1005);
	simtest_assert_hist(&z->drain_latency, 4, 1420, 1625, 1420 + 1505 + 1540 + 1625);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 65 + 115 + 65 + 65 + 4 * 305);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 12330);
	g_assert_cmpuint(r->sim_end_ts, ==, 12330);
	simtest_assert_clean(r);
	ds_results_free(r);
	ds_profile_free(prof);
}

/*
 * Lock contention constructed from two tasks on 3 CPUs: task 100 on CPU 0 fills the threshold
 * (2 values at 10000 and 10400: s 10000, 10165; queue_work at 10165, the worker wakes 11165 on
 * CPU 1, the first idle one that is not the producer's, and holds the lock, whole mode, for
 * 5 + 2 x 250 = 505: [11165, 11670)); task 200 on CPU 2 (no CPU sharing with the worker)
 * releases once at 11400 (inside) and once at 11700 (after): the first falls back on the
 * lock (h 305), the second is pushed (65) - both recorded without a duration, so their
 * times do not move: s = 11400 and 11400 + 305 + think 0 = 11705 (think = 11700 - 11400 -
 * 300 = 0).  11705 > 11670: pushed.
 */
static void test_lock_two_tasks(void)
{
	struct ds_event ev[] = {
		simtest_release(10000, 100, 0, 1), simtest_release(10400, 100, 0, 2),
		simtest_exit(10800, 100, 0),
		simtest_release(11400, 200, 2, 3), simtest_release(11700, 200, 2, 4),
		simtest_exit(12100, 200, 2),
	};
	g_autoptr(GArray) evs = simtest_array(ev, G_N_ELEMENTS(ev));
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	v2_params(&p, 8, 2);
	p.v2_drain_holds_lock = DS_V2_LOCK_WHOLE;
	r = simtest_run_hand(evs, &p, 3);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->fallbacks, ==, 1);
	g_assert_cmpuint(z->fallbacks_lock, ==, 1);
	g_assert_cmpuint(simtest_task(r, 200)->fallbacks, ==, 1);
	g_assert_cmpuint(simtest_task(r, 200)->hot_ns, ==, 305 + 65);
	g_assert_cmpuint(simtest_task(r, 100)->fallbacks, ==, 0);
	g_assert_cmpuint(z->teardown_drained, ==, 1);	/* value 4: below the threshold */
	simtest_assert_clean(r);
	ds_results_free(r);
}

/*
 * Recorded durations (cost_source trace): the zs_free share is the same proportion of the
 * recorded duration as zs_free_ns of sync_free_ns: 600 x 250 / 300 = 500 (worker), rest 100.
 * zswap with the profile: 400 x 250 / 400 = 250, rest 150.  One value each, drained at
 * teardown (threshold 2 never reached): hot = rest + 5 + 10; teardown batches 5 + zs.
 */
static void test_zs_share(void)
{
	struct ds_event ev[] = {
		simtest_release_dur(10000, 100, 0, 1, 600, false),
		simtest_release_zswap(10000, 200, 1, 7),
		simtest_exit(11000, 100, 0), simtest_exit(11000, 200, 1),
	};
	g_autoptr(GArray) evs = simtest_array(ev, G_N_ELEMENTS(ev));
	struct ds_params p;
	struct ds_results *r;

	v2_params(&p, 8, 2);
	p.cost_source = DS_COST_TRACE;
	r = simtest_run_hand(evs, &p, 2);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 100 + 5 + 10);
	g_assert_cmpuint(simtest_task(r, 100)->sync_ns, ==, 600);
	g_assert_cmpuint(simtest_task(r, 200)->hot_ns, ==, 150 + 5 + 10);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].worker_busy_ns, ==, 5 + 500);
	g_assert_cmpuint(r->be[DS_BE_ZSWAP].worker_busy_ns, ==, 5 + 250);
	g_assert_cmpuint(r->be[DS_BE_ZSWAP].cap, ==, 8);
	simtest_assert_clean(r);
	ds_results_free(r);
}

/*
 * Defaults are derived from the page size: 128 MiB >> PAGE_SHIFT handles, drained at half:
 * 32768 / 16384 at 4 KiB, 8192 at 16 KiB; a threshold above the array is refused.
 */
static void test_defaults(void)
{
	g_autoptr(GArray) evs = simtest_burst(3, 100);
	struct ds_profile *prof = simtest_profile();
	struct ds_params p;
	struct ds_results *r;
	struct ds_source *src;
	GError *error = NULL;

	v2_params(&p, 0, 0);
	p.page_size = 4096;
	r = simtest_run(evs, &p, prof, 1);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].cap, ==, (128u << 20) / 4096);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].queue_work_calls, ==, 0);	/* 3 < 16384 */
	g_assert_cmpuint(r->be[DS_BE_ZRAM].teardown_drained, ==, 3);
	ds_results_free(r);
	p.page_size = 16384;
	r = simtest_run(evs, &p, prof, 1);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].cap, ==, 8192);
	ds_results_free(r);

	p.page_size = 4096;
	p.v2_drain_threshold = 40000;
	src = ds_source_new_array((const struct ds_event *)(void *)evs->data, evs->len);
	g_assert_null(ds_sim_run(&p, prof, src, 1, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(error->message, "v2_drain_threshold"));
	g_clear_error(&error);
	ds_source_close(src);
	g_assert_false(ds_params_set(&p, "v2_drain_holds_lock", "sometimes", &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_clear_error(&error);
	g_assert_false(ds_params_set(&p, "v2_array_entries", "0", &error));
	g_clear_error(&error);
	g_assert_true(ds_params_set(&p, "v2_array_entries", "auto", NULL));
	g_assert_cmpuint(p.v2_array_entries, ==, 0);
	ds_profile_free(prof);
}

/* §5 conservation on generated streams, both lock modes, several array sizes. */
static void test_conservation(void)
{
	for (size_t s = 0; s < G_N_ELEMENTS(seeds); s++) {
		g_autoptr(GArray) evs = simtest_generate(seeds[s], 12, 300, NCPUS_REC, true, false);
		struct simtest_counts c;

		simtest_count(evs, NCPUS_REC, &c);
		for (unsigned int v = 0; v < 8; v++) {
			struct ds_params p;
			struct ds_results *r;

			v2_params(&p, 4u << (v % 4), v & 4 ? 1 : 0);
			p.v2_drain_holds_lock = v & 1 ? DS_V2_LOCK_WHOLE : DS_V2_LOCK_COPY;
			p.drainers_per_pool = 1 + v % 3;
			p.timeseries_ns = v == 6 ? 100000 : 0;
			r = simtest_run_hand(evs, &p, NCPUS_REC);
			poltest_assert_conservation(r, &c);
			g_assert_cmpuint(r->be[DS_BE_ZRAM].swaps, ==, 0);
			g_assert_cmpuint(r->be[DS_BE_ZRAM].class_lock_acquisitions, ==, 0);
			ds_results_free(r);
		}
		simtest_counts_clear(&c);
	}
}

/*
 * An array as large as the stream never fills: every fallback is a lock fallback; with a
 * free lock (lock_ns 0, push_ns 0, copy_entry_ns 0: neither a push nor the copy holds it for
 * any time) there is none at all; with a threshold above the stream nothing is drained before
 * teardown and nothing falls back.
 */
static void test_fallback_causes(void)
{
	for (size_t s = 0; s < G_N_ELEMENTS(seeds); s++) {
		g_autoptr(GArray) evs = simtest_generate(seeds[s], 12, 300, NCPUS_REC, true, false);
		struct ds_profile *prof = simtest_profile();
		unsigned int n = evs->len;
		struct ds_params p;
		struct ds_results *r;

		v2_params(&p, n, 8);
		p.v2_drain_holds_lock = DS_V2_LOCK_WHOLE;
		r = simtest_run(evs, &p, prof, NCPUS_REC);
		for (unsigned int be = 0; be < DS_BE__COUNT; be++)
			g_assert_cmpuint(r->be[be].fallbacks, ==, r->be[be].fallbacks_lock);
		g_assert_cmpuint(r->be[DS_BE_ZRAM].fallbacks, >, 0);	/* the stream is dense */
		ds_results_free(r);

		prof->lock_ns = 0;
		prof->push_ns = 0;
		p.v2_drain_holds_lock = DS_V2_LOCK_COPY;
		r = simtest_run(evs, &p, prof, NCPUS_REC);
		for (unsigned int be = 0; be < DS_BE__COUNT; be++)
			g_assert_cmpuint(r->be[be].fallbacks, ==, 0);
		g_assert_cmpuint(r->be[DS_BE_ZRAM].worker_runs, >, 0);
		ds_results_free(r);

		v2_params(&p, n, n);
		r = simtest_run(evs, &p, prof, NCPUS_REC);
		for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
			g_assert_cmpuint(r->be[be].fallbacks, ==, 0);
			g_assert_cmpuint(r->be[be].teardown_drained, ==, r->be[be].releases);
			g_assert_cmpuint(r->be[be].drain_latency.count, ==, 0);
		}
		ds_results_free(r);
		ds_profile_free(prof);
	}
}

/* Same inputs, same seed: byte-identical results (wake-ups drawn lognormal). */
static void test_determinism(void)
{
	g_autoptr(GArray) evs = simtest_generate(5, 12, 300, NCPUS_REC, true, true);
	struct ds_profile *prof = simtest_profile();
	struct ds_params p;
	struct ds_results *a, *b;

	prof->wake_dist = DS_DIST_LOGNORMAL;
	prof->wake_sigma = 1.0;
	prof->copy_entry_ns = 3;
	v2_params(&p, 16, 5);
	p.cost_source = DS_COST_TRACE;
	p.seed = 99;
	p.timeseries_ns = 50000;
	a = simtest_run(evs, &p, prof, NCPUS_REC);
	b = simtest_run(evs, &p, prof, NCPUS_REC);
	g_assert_true(simtest_results_equal(a, b));
	g_assert_cmpuint(a->be[DS_BE_ZRAM].drain_latency.count, >, 0);
	ds_results_free(a);
	ds_results_free(b);
	ds_profile_free(prof);
}

/*
 * Producers collide on the array trylock (spec §4.3): tasks 100 (CPU 0) and 200 (CPU 1)
 * release at 10000 + 400 k, array of 64 (threshold 64: no drain before teardown).  A push is
 * [trylock, lock_ns + push_ns = 15 under the lock][the rest of the free, 300 - 250 = 50];
 * a lock fallback is 5 + 50 + zs_free 250 = 305.  Think time 400 - 300 = 100.
 *   k=0  both at 10000: 100 (read first) holds the lock 10000..10015; 200's trylock fails:
 *        fallback, 10000..10305.  100: 10000..10065.
 *   then 100 at 10165, 10330, 10495 (ends 10560) and 200 at 10405, 10570, 10735 (ends
 *   10800): their holds never meet again.  Exits 100 after: 10660 and 10900.
 * One fallback (a lock fallback), 7 values pushed and drained at teardown.
 */
static void test_producer_collision(void)
{
	g_autoptr(GArray) evs = simtest_two_tasks();
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	v2_params(&p, 64, 64);
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->fallbacks, ==, 1);
	g_assert_cmpuint(z->fallbacks_lock, ==, 1);
	g_assert_cmpuint(simtest_task(r, 200)->fallbacks, ==, 1);
	g_assert_cmpuint(z->pushed, ==, 7);
	g_assert_cmpuint(z->teardown_drained, ==, 7);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 10660);
	g_assert_cmpuint(simtest_task(r, 200)->sim_end_ts, ==, 10900);
	g_assert_cmpuint(simtest_task(r, 200)->hot_ns, ==, 305 + 3 * 65);
	ds_results_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/v2/copy-threshold", test_copy_threshold);
	g_test_add_func("/sim/v2/copy-lock-held", test_copy_lock_held);
	g_test_add_func("/sim/v2/whole-lock-held", test_whole_lock_held);
	g_test_add_func("/sim/v2/lock-two-tasks", test_lock_two_tasks);
	g_test_add_func("/sim/v2/zs-share", test_zs_share);
	g_test_add_func("/sim/v2/defaults", test_defaults);
	g_test_add_func("/sim/v2/conservation", test_conservation);
	g_test_add_func("/sim/v2/fallback-causes", test_fallback_causes);
	g_test_add_func("/sim/v2/determinism", test_determinism);
	g_test_add_func("/sim/v2/producer-collision", test_producer_collision);
	return g_test_run();
}
