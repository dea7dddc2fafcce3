// SPDX-License-Identifier: MIT
/*
 * test_zsonly.c - policy zsonly (spec §3): zsmalloc's class table, hand-worked cases, the
 * class-lock count against runs counted here, and the §5 invariants on generated streams.
 *
 * Hand profile (simtest.h): push 10, swap 100, queue_work 50, lock 5, wake-up 1000 (fixed),
 * drain 20 per page, sync free zram 300, zs_free 250.  zsonly defers zs_free only, so per
 * zram release: zs = 250 (the worker's cost per value), rest = 50 stays synchronous:
 *   pushed: rest + push = 60;  filling push (eager swap + queue_work): 60 + 100 + 50 = 210;
 *   fallback: v3's push + failed swap (lock) + zs, plus rest: 10 + 5 + 250 + 50 = 315.
 * A page of values costs lock 5 + Σ zs + drain 20 - 5 for every value whose class is the
 * same as its predecessor's in the page (its zs_free keeps class->lock held).
 * CAP = page_size / 8 for zram and zswap alike (handles).
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "dstest.h"
#include "poltest.h"
#include "zsmalloc.h"

#define NCPUS_REC 4

static const guint32 seeds[] = { 1, 7, 42, 1234 };

static struct ds_event ev_mk(uint64_t ts, int32_t pid, unsigned int type, uint64_t value)
{
	struct ds_event ev = { .ts = ts, .value = value, .pid = pid, .type = (uint8_t)type };

	return ev;
}

/*
 * The class table of zs_create_pool(), worked by hand at 4 KiB (ZS_MIN_ALLOC_SIZE 32,
 * delta 16, 255 classes):
 * - index: 32 -> 0, 33 and 48 -> 1, 49 -> 2, 1000 -> ceil(968/16) = 61, 4096 -> 254;
 * - 2000, 2032, 2048 each fit 2 objects in 1 page with the least waste (e.g. 2000: 97% used
 *   for every zspage of 1..8 pages, so 1 page wins): same (pages, objects) as 2048, merged:
 *   one lock, class 126's;
 * - 4080: 99% with 1 page, never better: (1, 1) like 4096: merged into 254;
 * - 1008: 4 per page (98%), not 2: not 2000's lock;
 * - 3504 with chain 8: 6 pages hold 7 objects (99%) - its own lock; with chain 4 every
 *   zspage of 1..4 pages holds as many objects as pages (85%), so every class from 3504 up
 *   is (1, 1) and merges into 4096's.
 */
static void test_classes(void)
{
	struct ds_zs_classes c;

	ds_zs_classes_init(&c, 4096, 8);
	g_assert_cmpuint(c.n, ==, 255);
	g_assert_cmpuint(c.delta, ==, 16);
	g_assert_cmpuint(ds_zs_class_index(&c, 1), ==, 0);
	g_assert_cmpuint(ds_zs_class_index(&c, 32), ==, 0);
	g_assert_cmpuint(ds_zs_class_index(&c, 33), ==, 1);
	g_assert_cmpuint(ds_zs_class_index(&c, 48), ==, 1);
	g_assert_cmpuint(ds_zs_class_index(&c, 49), ==, 2);
	g_assert_cmpuint(ds_zs_class_index(&c, 1000), ==, 61);
	g_assert_cmpuint(ds_zs_class_index(&c, 4096), ==, 254);
	g_assert_cmpuint(ds_zs_class_lock(&c, 2000), ==, 126);
	g_assert_cmpuint(ds_zs_class_lock(&c, 2032), ==, 126);
	g_assert_cmpuint(ds_zs_class_lock(&c, 2048), ==, 126);
	g_assert_cmpuint(ds_zs_class_lock(&c, 4080), ==, 254);
	g_assert_cmpuint(ds_zs_class_lock(&c, 1008), !=, 126);
	g_assert_cmpuint(ds_zs_class_lock(&c, 3504), !=, 254);
	ds_zs_classes_clear(&c);
	ds_zs_classes_init(&c, 4096, 4);
	g_assert_cmpuint(ds_zs_class_lock(&c, 3504), ==, 254);
	g_assert_cmpuint(ds_zs_class_lock(&c, 3300), ==, 254);
	ds_zs_classes_clear(&c);
	ds_zs_classes_init(&c, 16, 8);	/* test pages: one class */
	g_assert_cmpuint(c.n, ==, 1);
	g_assert_cmpuint(ds_zs_class_lock(&c, 1), ==, ds_zs_class_lock(&c, 16));
	ds_zs_classes_clear(&c);
}

/*
 * One task, 8 zram releases at 10000 + 400 k (think 100) whose objects were allocated in
 * the trace (pid 50's zs_malloc records) with sizes 32 32 64 64 64 32 33 33, page size 64:
 * CAP 8.  At 64-byte pages the classes are 32..64 one byte apart; 32 is (1 page, 2 objects),
 * 33 is (8 pages, 15 objects: 96%), 64 is (1, 1): three different locks, so the page holds
 * 4 runs: 32 32 | 64 64 64 | 32 | 33 33.
 *   s_k = 10000 + 160 k (h 60) for k < 7; s_7 = 11120 fills the page: h 210, queue_work;
 *   exit 11120 + 210 + 100 = 11430.  The worker wakes 12120 on CPU 1: costs 250 245 250 245
 *   245 250 250 245 after lock 5: freed 12375 12620 12870 13115 13360 13610 13860 14105
 *   (latency 2375 2460 2550 2635 2720 2810 2900 2985), + drain 20: ends 14125 (work 2005).
 * Without the zs_malloc records the sizes are the profile's object_bytes (100, clamped to
 * the page: one class): 1 run, costs 250 + 7 x 245 = 1965, work 1990.
 */
static GArray *sized_burst(bool with_mallocs)
{
	static const uint32_t sizes[8] = { 32, 32, 64, 64, 64, 32, 33, 33 };
	GArray *evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	struct ds_event ev;

	for (unsigned int k = 0; with_mallocs && k < 8; k++) {
		ev = ev_mk(100 + 2 * k, 50, DS_EV_ZS_MALLOC, sizes[k]);
		g_array_append_val(evs, ev);
		ev = ev_mk(101 + 2 * k, 50, DS_EV_ZS_MALLOC_END, 0x1000 + k);
		g_array_append_val(evs, ev);
	}
	for (unsigned int k = 0; k < 8; k++) {
		ev = simtest_release(10000 + 400 * (uint64_t)k, 100, 0, k);
		g_array_append_val(evs, ev);
		ev = ev_mk(10001 + 400 * (uint64_t)k, 100, DS_EV_ZS_FREE, 0x1000 + k);
		g_array_append_val(evs, ev);
	}
	ev = simtest_exit(10000 + 400 * 7 + 400, 100, 0);
	g_array_append_val(evs, ev);
	return evs;
}

static void test_hand_runs(void)
{
	g_autoptr(GArray) evs = sized_burst(true);
	g_autoptr(GArray) plain = sized_burst(false);
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	poltest_params(&p, "zsonly");
	p.page_size = 64;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->cap, ==, 8);
	g_assert_cmpuint(z->pushed, ==, 8);
	g_assert_cmpuint(z->fallbacks, ==, 0);
	g_assert_cmpuint(z->sizes_from_trace, ==, 8);
	g_assert_cmpuint(z->class_lock_acquisitions, ==, 4);
	g_assert_cmpuint(z->worker_busy_ns, ==, 2005);
	g_assert_cmpuint(z->worker_runs, ==, 1);
	simtest_assert_hist(&z->drain_latency, 8, 2375, 2985,
			    2375 + 2460 + 2550 + 2635 + 2720 + 2810 + 2900 + 2985);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 7 * 60 + 210);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 11430);
	g_assert_cmpuint(r->sim_end_ts, ==, 14125);
	g_assert_cmpuint(r->inv.never_freed + r->inv.freed_twice + r->inv.pages_violations, ==, 0);
	ds_results_free(r);

	r = simtest_run_hand(plain, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->sizes_from_trace, ==, 0);
	g_assert_cmpuint(z->class_lock_acquisitions, ==, 1);
	g_assert_cmpuint(z->worker_busy_ns, ==, 1990);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 7 * 60 + 210);
	ds_results_free(r);
}

/*
 * Run limit: two tasks (100 on CPU 0, 200 on CPU 1) release 4 zram values each at 10000 +
 * 400 k, page size 32: CAP 4, one class.  Both fill their page at s_3 = 10480 (100 first),
 * 200's queue_work is a no-op; the item wakes 11480 on CPU 1 (both tasks exited at 10790).
 * A page costs 5 + 250 + 3 x 245 + 20 = 1010.  100's page: freed 11735 11980 12225 12470
 * (latency 1735 1820 1905 1990), ends 12490.
 * - pool_pages 2: at most 2/2 = 1 page per run [S]: the item re-queues itself, wakes 13490,
 *   200's page freed 13745 .. 14480 (latency 3745 3830 3915 4000); 2 runs.
 * - pool_pages 4: 2 pages per run: 200's page right after, freed 12745 .. 13480 (latency
 *   2745 2830 2915 3000); 1 run.
 * - pool_pages 4 with zsonly_pages_per_run 1: as pool_pages 2.
 */
static void test_run_limit(void)
{
	g_autoptr(GArray) evs = simtest_two_tasks();
	const double first = 1735 + 1820 + 1905 + 1990;
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	poltest_params(&p, "zsonly");
	p.page_size = 32;
	p.pool_pages = 2;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->cap, ==, 4);
	g_assert_cmpuint(z->queue_work_calls, ==, 2);
	g_assert_cmpuint(z->queue_work_noops, ==, 1);
	g_assert_cmpuint(z->worker_runs, ==, 2);
	g_assert_cmpuint(z->worker_busy_ns, ==, 2020);
	g_assert_cmpuint(z->class_lock_acquisitions, ==, 2);
	simtest_assert_hist(&z->drain_latency, 8, 1735, 4000, first + 3745 + 3830 + 3915 + 4000);
	g_assert_cmpuint(r->sim_end_ts, ==, 14500);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 10790);
	ds_results_free(r);

	p.pool_pages = 4;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->worker_runs, ==, 1);
	g_assert_cmpuint(z->worker_busy_ns, ==, 2020);
	simtest_assert_hist(&z->drain_latency, 8, 1735, 3000, first + 2745 + 2830 + 2915 + 3000);
	g_assert_cmpuint(r->sim_end_ts, ==, 13500);
	ds_results_free(r);

	p.zsonly_pages_per_run = 1;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->worker_runs, ==, 2);
	simtest_assert_hist(&z->drain_latency, 8, 1735, 4000, first + 3745 + 3830 + 3915 + 4000);
	ds_results_free(r);
}

/*
 * pool_pages 0 (one task, 6 releases, page 16: CAP 2): values 0 and 1 fill CPU 0's page,
 * the swap fails (stranded, + lock 5 on the filling push: h 65), every later release falls
 * back: h = 50 + 10 + 5 + 250 = 315.  hot = 60 + 65 + 4 x 315.
 */
static void test_fallback_cost(void)
{
	g_autoptr(GArray) evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	struct ds_params p;
	struct ds_results *r;
	struct ds_event ev;

	for (unsigned int k = 0; k < 6; k++) {
		ev = simtest_release(10000 + 400 * (uint64_t)k, 100, 0, k);
		g_array_append_val(evs, ev);
	}
	poltest_params(&p, "zsonly");
	p.pool_pages = 0;
	r = simtest_run_hand(evs, &p, 1);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].fallbacks, ==, 4);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].teardown_drained, ==, 2);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 60 + 65 + 4 * 315);
	ds_results_free(r);
}

/*
 * The class-lock count against runs counted here: one task on one CPU, a pool that never
 * runs out, so pages fill in release order: page j holds releases 512 j .. 512 j + 511 (page
 * size 4096, CAP 512), the last one partial (drained at teardown).  Sizes come from the
 * trace (zs_malloc records), drawn here from {100, 500, 1000, 2000} in runs of random
 * length (so runs straddle page boundaries); these four sizes are in classes with different
 * (pages, objects) per zspage - (2, 73), (1, 8), (1, 4), (1, 2) - so never merged: a new size
 * is a new lock.  Expected acquisitions = Σ over pages of the runs of equal sizes in it.
 */
static void test_class_runs(void)
{
	static const uint32_t choice[4] = { 100, 500, 1000, 2000 };
	const unsigned int n = 1300, cap = 512;
	g_autoptr(GArray) evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	g_autofree uint32_t *size = g_new(uint32_t, n);
	GRand *rng = g_rand_new_with_seed(17);
	struct ds_profile *prof = simtest_profile();
	uint64_t expect = 0;
	struct ds_params p;
	struct ds_results *r;
	struct ds_event ev;

	for (unsigned int k = 0; k < n;) {
		uint32_t s = choice[g_rand_int_range(rng, 0, 4)];

		for (int len = g_rand_int_range(rng, 1, 40); len > 0 && k < n; len--)
			size[k++] = s;
	}
	g_rand_free(rng);
	for (unsigned int k = 0; k < n; k++) {
		if (k % cap == 0 || size[k] != size[k - 1])
			expect++;
		ev = ev_mk(10 + k, 50, DS_EV_ZS_MALLOC, size[k]);
		g_array_append_val(evs, ev);
		ev = ev_mk(10 + k, 50, DS_EV_ZS_MALLOC_END, 0x500000 + k);
		g_array_append_val(evs, ev);
	}
	for (unsigned int k = 0; k < n; k++) {
		ev = simtest_release(100000 + 1000 * (uint64_t)k, 100, 0, k);
		g_array_append_val(evs, ev);
		ev = ev_mk(100002 + 1000 * (uint64_t)k, 100, DS_EV_ZS_FREE, 0x500000 + k);
		g_array_append_val(evs, ev);
	}
	poltest_params(&p, "zsonly");
	p.page_size = 4096;
	p.pool_pages = 1000;
	r = simtest_run(evs, &p, prof, 1);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].cap, ==, cap);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].fallbacks, ==, 0);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].sizes_from_trace, ==, n);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].teardown_drained, ==, n % cap);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].class_lock_acquisitions, ==, expect);
	g_assert_cmpuint(expect, >, 3);	/* the case is not degenerate */
	g_assert_cmpuint(expect, <, n / 2);
	ds_results_free(r);

	/* A one-bin histogram in the profile ([sizes]): one class, one lock per page. */
	g_array_set_size(evs, 0);
	for (unsigned int k = 0; k < n; k++) {
		ev = simtest_release(100000 + 1000 * (uint64_t)k, 100, 0, k);
		g_array_append_val(evs, ev);
	}
	prof->sizes.kind = DS_SIZE_HISTOGRAM;
	prof->sizes.nbins = 1;
	prof->sizes.bin_size[0] = 700;
	prof->sizes.bin_weight[0] = 1.0;
	r = simtest_run(evs, &p, prof, 1);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].sizes_from_trace, ==, 0);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].class_lock_acquisitions, ==, (n + cap - 1) / cap);
	ds_results_free(r);

	/* Two sizes in different classes, drawn per release: more runs than pages, fewer than
	 * values (a run continues with probability 1/2 per value). */
	prof->sizes.nbins = 2;
	prof->sizes.bin_size[1] = 2000;
	prof->sizes.bin_weight[1] = 1.0;
	r = simtest_run(evs, &p, prof, 1);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].class_lock_acquisitions, >, n / 3);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].class_lock_acquisitions, <, 2 * n / 3);
	ds_results_free(r);
	ds_profile_free(prof);
}

/*
 * pool_pages 0 on generated streams: each CPU stores CAP = 16/8 = 2 handles (zram and zswap
 * alike) and then every release on it falls back: fallbacks per backend = Σ over CPUs of
 * max(0, releases on it - 2).
 */
static void test_pool_zero(void)
{
	for (size_t s = 0; s < G_N_ELEMENTS(seeds); s++) {
		g_autoptr(GArray) evs = simtest_generate(seeds[s], 12, 300, NCPUS_REC, true, false);
		struct simtest_counts c;
		struct ds_params p;
		struct ds_results *r;

		simtest_count(evs, NCPUS_REC, &c);
		poltest_params(&p, "zsonly");
		p.pool_pages = 0;
		r = simtest_run_hand(evs, &p, NCPUS_REC);
		for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
			g_assert_cmpuint(r->be[be].fallbacks, ==, simtest_counts_over(&c, be, 2));
			g_assert_cmpuint(r->be[be].cap, ==, 2);
		}
		poltest_assert_conservation(r, &c);
		ds_results_free(r);
		simtest_counts_clear(&c);
	}
}

/* §5 conservation and page conservation under v3's inferred choices and zsonly's own. */
static void test_conservation(void)
{
	for (size_t s = 0; s < G_N_ELEMENTS(seeds); s++) {
		g_autoptr(GArray) evs = simtest_generate(seeds[s], 12, 300, NCPUS_REC, true, false);
		struct simtest_counts c;

		simtest_count(evs, NCPUS_REC, &c);
		for (unsigned int v = 0; v < 8; v++) {
			struct ds_params p;
			struct ds_results *r;

			poltest_params(&p, "zsonly");
			simtest_v3_choices(&p, v);
			p.zsonly_pages_per_run = v % 3;
			p.page_size = v == 3 ? 256 : 16;
			r = simtest_run_hand(evs, &p, NCPUS_REC);
			poltest_assert_conservation(r, &c);
			for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
				const struct ds_backend_result *x = &r->be[be];

				/* at least one lock per drained page, at most one per value */
				g_assert_cmpuint(x->class_lock_acquisitions, <=, x->drained);
				g_assert_cmpuint(x->class_lock_acquisitions * x->cap, >=, x->drained);
			}
			ds_results_free(r);
		}
		simtest_counts_clear(&c);
	}
}

/* Fallbacks should not increase as the pool grows (spec §5: checked, not a law). */
static void test_fallbacks_monotonic(void)
{
	for (size_t s = 0; s < G_N_ELEMENTS(seeds); s++) {
		g_autoptr(GArray) evs = simtest_generate(seeds[s], 12, 300, NCPUS_REC, true, false);
		struct ds_params p;

		poltest_params(&p, "zsonly");
		p.check_invariants = false;
		simtest_assert_fallbacks_monotonic(evs, &p, NCPUS_REC, seeds[s]);
	}
}

/*
 * Sizes from the trace on a generated stream: every release gets a zs_free of its pid just
 * after it, and half of the values a zs_malloc pair at the start.  Adding events the model
 * ignores (another pid's zs_free of unknown handles, workqueue records) moves every read
 * boundary and must change nothing; the same inputs twice give byte-identical results.
 */
static void add_sizes(GArray *evs, bool noise)
{
	static const uint32_t choice[3] = { 40, 300, 900 };
	guint n = evs->len;
	GRand *rng = g_rand_new_with_seed(5);

	for (guint i = 0; i < n; i++) {
		struct ds_event rel = g_array_index(evs, struct ds_event, i), ev;

		if (rel.type != DS_EV_RELEASE)
			continue;
		ev = ev_mk(rel.ts + 1, rel.pid, DS_EV_ZS_FREE, 0x70000000 + rel.value);
		g_array_append_val(evs, ev);
		if (noise) {
			ev = ev_mk(rel.ts + 1, 4242, DS_EV_ZS_FREE, 0xdead0000 + rel.value);
			g_array_append_val(evs, ev);
			ev = ev_mk(rel.ts, 4242, DS_EV_WQ_START, 0);
			g_array_append_val(evs, ev);
		}
		if (rel.value % 2)
			continue;
		ev = ev_mk(0, 77, DS_EV_ZS_MALLOC, choice[g_rand_int_range(rng, 0, 3)]);
		g_array_append_val(evs, ev);
		ev = ev_mk(0, 77, DS_EV_ZS_MALLOC_END, 0x70000000 + rel.value);
		g_array_append_val(evs, ev);
	}
	g_rand_free(rng);
}

static gint by_ts(gconstpointer a, gconstpointer b)
{
	const struct ds_event *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static void test_trace_sizes(void)
{
	g_autoptr(GArray) a_evs = simtest_generate(11, 12, 300, NCPUS_REC, true, false);
	g_autoptr(GArray) b_evs = g_array_copy(a_evs);
	struct ds_params p;
	struct ds_results *a, *b, *c;
	struct simtest_counts cnt;

	simtest_count(a_evs, NCPUS_REC, &cnt);
	add_sizes(a_evs, false);
	add_sizes(b_evs, true);
	g_array_sort(a_evs, by_ts);	/* stable: a zs_malloc pair stays in order */
	g_array_sort(b_evs, by_ts);
	poltest_params(&p, "zsonly");
	p.page_size = 1024;	/* CAP 128, classes of 4 bytes from 32 */
	p.pool_pages = 3;
	a = simtest_run_hand(a_evs, &p, NCPUS_REC);
	b = simtest_run_hand(b_evs, &p, NCPUS_REC);
	poltest_assert_conservation(a, &cnt);
	g_assert_cmpuint(a->be[DS_BE_ZRAM].sizes_from_trace, >, 0);
	g_assert_cmpuint(a->be[DS_BE_ZRAM].sizes_from_trace, <, a->be[DS_BE_ZRAM].pushed);
	g_assert_cmpuint(b->events_in, >, a->events_in);
	b->events_in = a->events_in;
	g_assert_true(simtest_results_equal(a, b));
	c = simtest_run_hand(a_evs, &p, NCPUS_REC);
	g_assert_true(simtest_results_equal(a, c));
	ds_results_free(a);
	ds_results_free(b);
	ds_results_free(c);
	simtest_counts_clear(&cnt);
}

/* The profile's [sizes] group: parsed, drawn from, and bad values refused by name. */
static char *profile_with(const char *dir, const char *name, const char *sizes)
{
	static const char base[] =
		"[profile]\nname=s\nobject_bytes=700\n[costs]\npush_ns=1\nswap_ns=2\n"
		"queue_work_ns=3\nlock_ns=4\nwake_latency_ns=5\ndrain_page_ns=6\n"
		"drain_entry_zram_ns=7\ndrain_entry_zswap_ns=8\nsync_free_zram_ns=9\n"
		"sync_free_zswap_ns=10\nzs_free_ns=11\n";
	g_autofree char *text = g_strconcat(base, sizes, NULL);

	return dstest_write(dir, name, text);
}

static void assert_profile_refused(const char *dir, const char *sizes, const char *needle)
{
	g_autofree char *path = profile_with(dir, "bad.ini", sizes);
	GError *error = NULL;

	g_assert_null(ds_profile_load(path, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PROFILE);
	if (!strstr(error->message, needle))
		g_error("'%s' not in: %s", needle, error->message);
	g_clear_error(&error);
	g_unlink(path);
}

static void test_profile_sizes(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *hist = profile_with(dir, "h.ini", "[sizes]\nobject_size_dist=histogram\n"
					     "object_size_histogram=300:1, 2000:3\n");
	g_autofree char *plain = profile_with(dir, "p.ini", "");
	GError *error = NULL;
	struct ds_profile *p = ds_profile_load(hist, &error), *q, *def, *x86;
	unsigned int n2000 = 0;

	g_assert_no_error(error);
	g_assert_cmpint(p->sizes.kind, ==, DS_SIZE_HISTOGRAM);
	g_assert_cmpuint(p->sizes.nbins, ==, 2);
	g_assert_cmpuint(p->sizes.bin_size[1], ==, 2000);
	g_assert_cmpfloat(p->sizes.bin_weight[1], ==, 3.0);
	g_assert_cmpuint(p->copy_entry_ns, ==, 1);	/* optional: its default */
	/* weights 1:3 - about three quarters of 4000 draws are 2000 (binomial sd ~ 27) */
	for (unsigned int i = 0; i < 4000; i++) {
		uint32_t s = ds_size_draw(p, ds_size_key(1, i, 5, i), 4096);

		g_assert_true(s == 300 || s == 2000);
		n2000 += s == 2000;
	}
	g_assert_cmpuint(n2000, >, 2850);
	g_assert_cmpuint(n2000, <, 3150);
	/* a pure function of its key, clamped to the page */
	g_assert_cmpuint(ds_size_draw(p, 77, 4096), ==, ds_size_draw(p, 77, 4096));
	g_assert_cmpuint(ds_size_draw(p, ds_size_key(1, 0, 5, 0), 256), <=, 256);
	q = ds_profile_load(plain, &error);
	g_assert_no_error(error);
	g_assert_cmpint(q->sizes.kind, ==, DS_SIZE_FIXED);
	g_assert_cmpuint(ds_size_draw(q, 12345, 4096), ==, 700);	/* object_bytes */
	ds_profile_free(p);
	ds_profile_free(q);

	assert_profile_refused(dir, "[sizes]\nobject_size_dist=gamma\n", "object_size_dist");
	assert_profile_refused(dir, "[sizes]\nobject_size_dist=lognormal\n", "object_size_sigma");
	assert_profile_refused(dir, "[sizes]\nobject_size_dist=histogram\n",
			       "object_size_histogram");
	assert_profile_refused(dir, "[sizes]\nobject_size_dist=histogram\n"
			       "object_size_histogram=300:1,x:2\n", "SIZE:WEIGHT");
	assert_profile_refused(dir, "[sizes]\nobject_size_dist=histogram\n"
			       "object_size_histogram=300:0\n", "WEIGHT");
	assert_profile_refused(dir, "[sizes]\nobject_size_histogram=300:1\n", "not histogram");
	assert_profile_refused(dir, "[sizes]\nobject_size_mean=3\n", "object_size_mean");
	assert_profile_refused(dir, "[costs]\ncopy_entry_ns=-1\n", "copy_entry_ns");

	/* the built-in profile stays the x86 desktop's, the new key included */
	def = ds_profile_new_default();
	x86 = ds_profile_load("x86-desktop", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(def->copy_entry_ns, ==, x86->copy_entry_ns);
	g_assert_cmpint(def->sizes.kind, ==, x86->sizes.kind);
	ds_profile_free(def);
	ds_profile_free(x86);
	dstest_rm_rf(dir);
}

/*
 * ds_zs_part() rounds sync_cost x zs_free_ns / sync_free_ns half away from zero.  Base 2, zs
 * 1: 3 -> 1.5 -> 2, 5 -> 2.5 -> 3 (half to even would give 2), 7 -> 3.5 -> 4; base 3: 4 ->
 * 1.33 -> 1, 5 -> 1.67 -> 2; sync_cost equal to the base is zs_free_ns itself; zero sync
 * base: min(zs, cost).  2^62 x 3 / 4 = 3 x 2^60 (beyond 2^52: whole already).  And every
 * cost 0..200000 over bases 3, 7 and 1000 against libm's round() of the same quotient.
 */
static void test_zs_part_rounding(void)
{
	struct ds_profile prof;
	static const uint64_t bases[] = { 3, 7, 1000 };

	memset(&prof, 0, sizeof(prof));
	prof.zs_free_ns = 1;
	prof.sync_free_ns[DS_BE_ZRAM] = 2;
	g_assert_cmpuint(ds_zs_part(&prof, DS_BE_ZRAM, 3), ==, 2);
	g_assert_cmpuint(ds_zs_part(&prof, DS_BE_ZRAM, 5), ==, 3);
	g_assert_cmpuint(ds_zs_part(&prof, DS_BE_ZRAM, 7), ==, 4);
	g_assert_cmpuint(ds_zs_part(&prof, DS_BE_ZRAM, 2), ==, 1);
	prof.sync_free_ns[DS_BE_ZRAM] = 3;
	g_assert_cmpuint(ds_zs_part(&prof, DS_BE_ZRAM, 4), ==, 1);
	g_assert_cmpuint(ds_zs_part(&prof, DS_BE_ZRAM, 5), ==, 2);
	prof.sync_free_ns[DS_BE_ZRAM] = 0;
	prof.zs_free_ns = 40;
	g_assert_cmpuint(ds_zs_part(&prof, DS_BE_ZRAM, 25), ==, 25);
	g_assert_cmpuint(ds_zs_part(&prof, DS_BE_ZRAM, 90), ==, 40);
	prof.zs_free_ns = 3;
	prof.sync_free_ns[DS_BE_ZRAM] = 4;
	g_assert_cmpuint(ds_zs_part(&prof, DS_BE_ZRAM, 1ull << 62), ==, 3ull << 60);
	for (size_t b = 0; b < G_N_ELEMENTS(bases); b++) {
		prof.sync_free_ns[DS_BE_ZRAM] = bases[b];
		prof.zs_free_ns = 2 * bases[b] / 3 + 1;
		for (uint64_t c = 0; c <= 200000; c++) {
			double q = round((double)c * (double)prof.zs_free_ns / (double)bases[b]);

			if (c == bases[b])
				continue;	/* the exact path */
			g_assert_cmpuint(ds_zs_part(&prof, DS_BE_ZRAM, c), ==, MIN((uint64_t)q, c));
		}
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/zsonly/classes", test_classes);
	g_test_add_func("/sim/zsonly/zs-part-rounding", test_zs_part_rounding);
	g_test_add_func("/sim/zsonly/hand-runs", test_hand_runs);
	g_test_add_func("/sim/zsonly/run-limit", test_run_limit);
	g_test_add_func("/sim/zsonly/fallback-cost", test_fallback_cost);
	g_test_add_func("/sim/zsonly/class-runs", test_class_runs);
	g_test_add_func("/sim/zsonly/pool-zero", test_pool_zero);
	g_test_add_func("/sim/zsonly/conservation", test_conservation);
	g_test_add_func("/sim/zsonly/fallbacks-monotonic", test_fallbacks_monotonic);
	g_test_add_func("/sim/zsonly/trace-sizes", test_trace_sizes);
	g_test_add_func("/sim/zsonly/profile-sizes", test_profile_sizes);
	return g_test_run();
}
