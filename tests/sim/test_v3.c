// SPDX-License-Identifier: MIT
/*
 * test_v3.c - hand-worked cases of policy v3 (spec §2) and the timing model (spec §4).
 *
 * Every stream here is synthetic and tiny, every expected figure is worked out by hand in
 * the comments from the model in docs/model.md, with the hand profile of simtest.h:
 *   push 10, swap 100, queue_work 50, lock 5, wake-up 1000 (fixed), drain 20/page +
 *   100/zram value (200/zswap), sync free 300 zram (400 zswap); page_size 16, so a zram
 *   buffer holds CAP = 16/4 = 4 values and a zswap buffer 16/8 = 2.
 * Reminders of the model: a release's decision happens at its start s_k and its hot-path
 * time h_k follows; s_{k+1} = s_k + h_k + think_k with think_k = t_{k+1} - t_k - c_k.
 * h = push; + swap + queue_work when a full page is swapped; + lock when a swap attempt finds
 * the pool empty; + sync cost on fallback.  A worker batch (one page) costs lock +
 * values + drain_page; value i is freed at start + lock + (i+1) * per-value cost.
 * Most cases start from simtest.h's burst (simtest_burst()) or its two tasks.
 */
#include "simtest.h"

#define ZR(ts, pid, cpu, idx) simtest_release(ts, pid, cpu, idx)

/*
 * Eager, 2 CPUs, pool of 1 page, 12 releases on CPU 0 (think 100), exit think 100.
 *  k  s_k    what happens                                         h
 *  0  10000  push (1)                                             10
 *  1  10110  push (2)                                             10
 *  2  10220  push (3)                                             10
 *  3  10330  push fills A; pool 1->0; A queued; queue_work       160  worker wakes 11330
 *  4  10590  push into B (1)                                      10
 *  5  10700  (2)                                                  10
 *  6  10810  (3)                                                  10
 *  7  10920  fills B; pool empty: failed swap, stranded from here 15
 *  8  11035  full on entry, retry fails: fallback           10+5+300
 *  9  11450  same (A is back only at 11755)                 10+5+300
 * 10  11865  retry succeeds: B queued, C gets value 10; queue_work 160 (stranded 945)
 * 11  12125  push (C: 2)                                          10
 * exit at 12125 + 10 + 100 = 12235 (recorded 14400 + 300 + 100 = 14800).
 * Worker: wakes 11330 on CPU 1 (idle, not the producer's), drains A: values freed at
 * 11435, 11535, 11635, 11735 (pushed 10000, 10110, 10220, 10330: latency 1435, 1425, 1415,
 * 1405), A back at 11755; run ends.  Queued again at 11865: wakes 12865, drains B (pushed
 * 10590, 10700, 10810, 10920; freed 12970, 13070, 13170, 13270: latency 2380, 2370, 2360,
 * 2350), ends 13290.  Teardown at 13290: C (2 values) drained by a run woken at 14290,
 * 5 + 200 + 20 = 225 -> 14515.
 */
static void eager_pool1(bool check)
{
	g_autoptr(GArray) evs = simtest_burst(12, 100);
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;
	const struct ds_task_result *t;

	simtest_params(&p);
	p.pool_pages = 1;
	p.check_invariants = check;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	t = simtest_task(r, 100);

	g_assert_cmpuint(r->releases, ==, 12);
	g_assert_cmpuint(z->releases, ==, 12);
	g_assert_cmpuint(z->pushed, ==, 10);
	g_assert_cmpuint(z->fallbacks, ==, 2);
	g_assert_cmpuint(z->swaps, ==, 2);
	g_assert_cmpuint(z->swap_failures, ==, 3);
	g_assert_cmpuint(z->stranded_episodes, ==, 1);
	g_assert_cmpuint(z->stranded_ns, ==, 945);
	g_assert_cmpuint(z->stranded_values, ==, 4);	/* B's values 4..7: stranded at k=7 */
	g_assert_cmpuint(z->queue_work_calls, ==, 2);
	g_assert_cmpuint(z->queue_work_noops, ==, 0);
	g_assert_cmpuint(z->worker_runs, ==, 3);
	g_assert_cmpuint(z->worker_busy_ns, ==, 425 + 425 + 225);
	g_assert_cmpuint(z->drained, ==, 10);
	g_assert_cmpuint(z->teardown_drained, ==, 2);
	g_assert_cmpuint(z->stale_drains, ==, 0);
	simtest_assert_hist(&z->drain_latency, 8, 1405, 2380,
			    1435 + 1425 + 1415 + 1405 + 2380 + 2370 + 2360 + 2350);
	/* teardown values: C's 10 and 11 pushed at 11865 and 12125, freed 14395 and 14495 */
	simtest_assert_hist(&z->teardown_latency, 2, 14495 - 12125, 14395 - 11865,
			    (14395 - 11865) + (14495 - 12125));
	g_assert_cmpuint(z->pool_free_min, ==, 0);
	g_assert_cmpuint(z->peak_pending_values, ==, 8);	/* A and B full at 10920 */
	g_assert_cmpuint(z->peak_pending_bytes, ==, 800);
	g_assert_cmpuint(z->peak_pages_held, ==, 2);
	/* the pool's one page free over [10000, 10330) and [11755, 11865) of the 3290 ns from
	 * the first event to teardown (13290, when B came back) */
	g_assert_cmpuint(z->observed_ns, ==, 3290);
	g_assert_cmpfloat_with_epsilon(z->pool_free_mean, (330.0 + 110.0) / 3290.0, 1e-12);
	g_assert_cmpuint(z->cap, ==, 4);

	g_assert_cmpuint(t->releases, ==, 12);
	g_assert_cmpuint(t->fallbacks, ==, 2);
	g_assert_cmpuint(t->hot_ns, ==, 30 + 160 + 30 + 15 + 315 + 315 + 160 + 10);
	g_assert_cmpuint(t->sync_ns, ==, 12 * 300);
	g_assert_cmpuint(t->first_ts, ==, 10000);
	g_assert_cmpuint(t->sim_end_ts, ==, 12235);
	g_assert_cmpuint(t->rec_end_ts, ==, 14800);
	g_assert_true(t->exited);
	g_assert_cmpuint(r->sim_end_ts, ==, 14515);
	g_assert_cmpuint(r->rec_start_ts, ==, 10000);
	g_assert_cmpuint(r->rec_end_ts, ==, 14800);

	if (check)
		simtest_assert_clean(r);
	ds_results_free(r);
}

/*
 * The same with and without the invariants checked: checking them makes every pool
 * observation take its whole path (sim/pool.c), without it a value pushed to a page that
 * held values already takes ds_pool_observe_push() and a fallback ds_pool_observe_same();
 * the pool's observed figures (peaks, minimum, mean occupancy) come out the same.
 */
static void test_eager_pool1(void)
{
	eager_pool1(true);
	eager_pool1(false);
}

/*
 * Same stream, push_semantics=lazy: a buffer that fills is swapped only by the next push.
 *  k  s_k    what happens                                         h
 * 0-3 10000, 10110, 10220, 10330: pushes (A full after k=3)      10 each
 *  4  10440  finds A full: swap ok (pool 1->0), A queued, value 4 in B   160  wake 11440
 * 5-7 10700, 10810, 10920: B fills                               10 each
 *  8  11030  finds B full: pool empty: stranded, fallback   10+5+300
 *  9  11445  retry fails (A back at 11865)                  10+5+300
 * 10  11860  retry fails (5 ns too early)                   10+5+300
 * 11  12275  retry ok: B queued, value 11 in C; stranded 12275-11030 = 1245   160
 * exit at 12275 + 160 + 100 = 12535.
 * Worker: 11440 drains A (freed 11545..11845: latency 1545, 1535, 1525, 1515), back 11865.
 * Queued at 12275: wakes 13275, drains B (pushed 10440, 10700, 10810, 10920; freed 13380,
 * 13480, 13580, 13680: latency 2940, 2780, 2770, 2760), ends 13700.  Teardown: C (1 value).
 */
static void test_lazy_pool1(void)
{
	g_autoptr(GArray) evs = simtest_burst(12, 100);
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	simtest_params(&p);
	p.pool_pages = 1;
	p.push_semantics = DS_PUSH_LAZY;
	p.check_invariants = true;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];

	g_assert_cmpuint(z->fallbacks, ==, 3);
	g_assert_cmpuint(z->pushed, ==, 9);
	g_assert_cmpuint(z->swap_failures, ==, 3);
	g_assert_cmpuint(z->stranded_ns, ==, 1245);
	g_assert_cmpuint(z->stranded_episodes, ==, 1);
	/* B (values 4..7) marked at its first failed attempt (k=8), still marked after the
	 * failed retries at k=9 and 10 (which do not write the mark again) */
	g_assert_cmpuint(z->stranded_values, ==, 4);
	g_assert_cmpuint(z->teardown_drained, ==, 1);
	simtest_assert_hist(&z->drain_latency, 8, 1515, 2940,
			    1545 + 1535 + 1525 + 1515 + 2940 + 2780 + 2770 + 2760);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 40 + 160 + 30 + 3 * 315 + 160);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 12535);
	g_assert_cmpuint(r->inv.freed_twice + r->inv.never_freed + r->inv.pages_violations, ==, 0);
	ds_results_free(r);
}

/*
 * Eager, retry_swap_on_full=false: once B fails to swap at k=7 (s 10920, h 15) nothing
 * rescues CPU 0: k = 8..11 fall back without trying (h 10 + 300 each): s_8 = 11035,
 * s_9 = 11445, s_10 = 11855, s_11 = 12265, exit 12265 + 310 + 100 = 12675.  The worker
 * drains A only (11330 -> 11755).  The last event is the exit at 12675: teardown there
 * ends the stranding (12675 - 10920 = 1755) and drains B (4 values).
 */
static void test_no_retry(void)
{
	g_autoptr(GArray) evs = simtest_burst(12, 100);
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	simtest_params(&p);
	p.pool_pages = 1;
	p.retry_swap_on_full = false;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];

	g_assert_cmpuint(z->fallbacks, ==, 4);
	g_assert_cmpuint(z->swap_failures, ==, 1);
	g_assert_cmpuint(z->stranded_ns, ==, 1755);
	g_assert_cmpuint(z->stranded_values, ==, 4);	/* B, drained at teardown */
	g_assert_cmpuint(z->drained, ==, 8);
	g_assert_cmpuint(z->teardown_drained, ==, 4);
	g_assert_cmpuint(z->drain_latency.count, ==, 4);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 30 + 160 + 30 + 15 + 4 * 310);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 12675);
	ds_results_free(r);
}

/*
 * percpu_pages_from_pool: the CPUs' own pages come out of the pool.
 * - pool_pages 3 on 2 CPUs leaves 1 free page: the same as the default with pool_pages 1,
 *   so every figure of test_eager_pool1 must come out again.
 * - pool_pages 2 leaves none: CPU 0's first page fills at k=3 and can never be swapped
 *   (nothing ever reaches the drain list, so no page ever comes back): k = 4..11 fall back.
 * - pool_pages 1: CPU 1 starts without a page (unused here), CPU 0 as above.
 */
static void test_percpu_from_pool(void)
{
	g_autoptr(GArray) evs = simtest_burst(12, 100);
	struct ds_params p, q;
	struct ds_results *a, *b, *c;

	simtest_params(&p);
	p.pool_pages = 1;
	a = simtest_run_hand(evs, &p, 2);
	simtest_params(&q);
	q.percpu_pages_from_pool = true;
	q.pool_pages = 3;
	q.check_invariants = true;
	b = simtest_run_hand(evs, &q, 2);
	g_assert_cmpuint(b->inv.pages_violations, ==, 0);
	g_assert_cmpuint(b->inv.never_freed, ==, 0);
	b->params = a->params;	/* the parameters differ, not the outcome */
	b->inv = a->inv;
	g_assert_true(simtest_results_equal(a, b));

	q.pool_pages = 2;
	c = simtest_run_hand(evs, &q, 2);
	g_assert_cmpuint(c->be[DS_BE_ZRAM].fallbacks, ==, 8);
	g_assert_cmpuint(c->be[DS_BE_ZRAM].swaps, ==, 0);
	g_assert_cmpuint(c->be[DS_BE_ZRAM].teardown_drained, ==, 4);
	g_assert_cmpuint(c->be[DS_BE_ZRAM].stranded_values, ==, 4);	/* stranded from k=3 */
	g_assert_cmpuint(c->inv.pages_violations, ==, 0);
	ds_results_free(c);
	q.pool_pages = 1;
	c = simtest_run_hand(evs, &q, 2);
	g_assert_cmpuint(c->be[DS_BE_ZRAM].fallbacks, ==, 8);
	g_assert_cmpuint(c->be[DS_BE_ZRAM].stranded_values, ==, 4);
	g_assert_cmpuint(c->inv.pages_violations, ==, 0);
	ds_results_free(a);
	ds_results_free(b);
	ds_results_free(c);
}

/*
 * Two tasks, 100 on CPU 0 and 200 on CPU 1, each releasing 4 zram values at
 * 10000 + 400 k: both fill their page at s_3 = 10330 (task 100 first: it was read first)
 * and queue_work.  Both push (10) and want the pool lock at 10340 for their swap (100):
 * 100 got there first and holds it to 10440; 200 spins 100 ns, then swaps 10440..10540
 * (hand-over cost 0 in the hand profile) and queues work (50): 100 exits at 10590 and
 * 200 at 10690.  Pool of 4 pages, 2 CPUs.
 * - drainers_per_pool 1: 100's queue_work makes the item pending, 200's is a no-op.  The
 *   item wakes at 11330 on CPU 1 (first idle CPU that is not the producer's, 0), drains
 *   100's page (latency 1435..1405) then 200's: freed 11860, 11960, 12060, 12160, latency
 *   1860..1830; one run, busy 850.
 * - drainers_per_pool 2: 200's queue_work wakes the second item (producer CPU 1); both
 *   wake at 11330, the first (A) on CPU 1, the second (B) on CPU 0, each drains one page,
 *   and they meet on the pool lock: A takes its page under it (5), B spins to 11335 and
 *   takes its own (11335..11340); A frees 100's values at 11435..11735 (latency 1435..1405)
 *   and wants the lock back at 11735 to return the page (20): free, to 11755.  B frees
 *   200's at 11440..11740 (1440..1410), spins 11740..11755, returns its page at 11775.
 *   Two runs, busy 425 + 445, no no-op; with the producers' 100 ns, three contended
 *   acquisitions of the pool lock, 100 + 5 + 15 ns waited.
 */
static void test_drainers(void)
{
	g_autoptr(GArray) evs = simtest_two_tasks();
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	simtest_params(&p);
	p.pool_pages = 4;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->queue_work_calls, ==, 2);
	g_assert_cmpuint(z->queue_work_noops, ==, 1);
	g_assert_cmpuint(z->worker_runs, ==, 1);
	g_assert_cmpuint(z->worker_busy_ns, ==, 850);
	simtest_assert_hist(&z->drain_latency, 8, 1405, 1860,
			    1435 + 1425 + 1415 + 1405 + 1860 + 1850 + 1840 + 1830);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 10590);
	g_assert_cmpuint(simtest_task(r, 200)->sim_end_ts, ==, 10690);
	g_assert_cmpuint(r->locks[DS_LOCK_POOL].contended, ==, 1);
	g_assert_cmpuint(r->locks[DS_LOCK_POOL].wait_ns, ==, 100);
	g_assert_cmpuint(r->locks[DS_LOCK_POOL].max_wait_ns, ==, 100);
	g_assert_cmpuint(r->locks[DS_LOCK_POOL].handovers, ==, 1);
	ds_results_free(r);

	p.drainers_per_pool = 2;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->queue_work_calls, ==, 2);
	g_assert_cmpuint(z->queue_work_noops, ==, 0);
	g_assert_cmpuint(z->worker_runs, ==, 2);
	g_assert_cmpuint(z->worker_busy_ns, ==, 425 + 445);
	simtest_assert_hist(&z->drain_latency, 8, 1405, 1440,
			    1435 + 1425 + 1415 + 1405 + 1440 + 1430 + 1420 + 1410);
	g_assert_cmpuint(r->sim_end_ts, ==, 11775);
	g_assert_cmpuint(r->locks[DS_LOCK_POOL].contended, ==, 3);
	g_assert_cmpuint(r->locks[DS_LOCK_POOL].wait_ns, ==, 100 + 5 + 15);
	g_assert_cmpuint(r->locks[DS_LOCK_POOL].max_wait_ns, ==, 100);
	ds_results_free(r);
}

/*
 * A contended hold taken in runs (sim/ent.c: acq_wait(), run_hold_rest(), run_finish_locked(),
 * run_after_rel()) with a hand-over that costs work and nothing tagged after the REL: the
 * two-task stream of test_drainers() without its exits, lock_handover_ns 30.  Up to k=2
 * nothing changes (s_3 = 10330, hot 10 each).  At k=3 both push 10, swap 100 under the pool
 * lock, queue_work 50; with no item after it the release is not merged with think time, so
 * its program ends untagged with the 50 after the REL.  100 claimed the lock first: at 10340
 * 200's run ends at its ACQ and splits 100's, which holds the lock to 10440; 200 spins 100,
 * gets the lock with the hand-over (30 + 100): REL at 10570, queue_work to 10620.  100's
 * queue_work ends at 10490.  Hot: 100: 30 + 160 = 190; 200: 30 + 290 = 320.  Pool lock: one
 * contended acquisition, one hand-over, 100 ns waited, 200 alone on CPU 1 burning 100 ns.
 */
static void test_handover_untagged(void)
{
	g_autoptr(GArray) evs = simtest_two_tasks();
	struct ds_profile *prof = simtest_profile();
	struct ds_params p;
	struct ds_results *r;
	const struct ds_lock_result *l;

	g_array_set_size(evs, evs->len - 2);	/* the two exits */
	prof->lock_handover_ns = 30;
	simtest_params(&p);
	p.pool_pages = 4;
	p.check_invariants = true;
	r = simtest_run(evs, &p, prof, 2);
	simtest_assert_clean(r);
	l = &r->locks[DS_LOCK_POOL];
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 190);
	g_assert_cmpuint(simtest_task(r, 200)->hot_ns, ==, 320);
	g_assert_cmpuint(l->contended, ==, 1);
	g_assert_cmpuint(l->handovers, ==, 1);
	g_assert_cmpuint(l->wait_ns, ==, 100);
	g_assert_cmpuint(l->max_wait_ns, ==, 100);
	g_assert_cmpfloat_with_epsilon(l->spin_cpu_ns, 100, 1e-6);
	ds_results_free(r);
	ds_profile_free(prof);
}

/*
 * max_pages_per_run 1 on the two-task stream, one drainer: the run that drains 100's page
 * (11330 -> 11755) stops with 200's page still queued and re-queues itself: it wakes again
 * 1000 later, at 12755, and drains 200's page: freed 12860, 12960, 13060, 13160, latency
 * 2860, 2850, 2840, 2830; two runs, busy 850.
 */
static void test_max_pages_per_run(void)
{
	g_autoptr(GArray) evs = simtest_two_tasks();
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	simtest_params(&p);
	p.pool_pages = 4;
	p.max_pages_per_run = 1;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->worker_runs, ==, 2);
	g_assert_cmpuint(z->worker_busy_ns, ==, 850);
	g_assert_cmpuint(z->queue_work_calls, ==, 2);
	simtest_assert_hist(&z->drain_latency, 8, 1405, 2860,
			    1435 + 1425 + 1415 + 1405 + 2860 + 2850 + 2840 + 2830);
	g_assert_cmpuint(r->sim_end_ts, ==, 13180);
	ds_results_free(r);
}

/*
 * drain_order lifo on a stream where two pages wait together: task 100 on CPU 0 releases 8
 * values with think 100 (4 + 4) at 10000 + 400 k, pool of 4.  Pages: A full at s_3 = 10330
 * (queue_work, wake 11330), B full at s_7 = 10920 (a no-op queue_work: pending).  At 11330
 * the worker takes B first under lifo: B's values (pushed 10590, 10700, 10810, 10920) are
 * freed at 11435..11735 (latency 845, 835, 825, 815), then A at 11860..12160 (pushed
 * 10000..10330: latency 1860, 1850, 1840, 1830).  Under fifo A goes first: 1435..1405 and
 * B 1270, 1260, 1250, 1240.
 */
static void test_drain_order(void)
{
	g_autoptr(GArray) evs = simtest_burst(8, 100);
	struct ds_params p;
	struct ds_results *r;

	simtest_params(&p);
	p.pool_pages = 4;
	p.drain_order = DS_DRAIN_LIFO;
	r = simtest_run_hand(evs, &p, 2);
	simtest_assert_hist(&r->be[DS_BE_ZRAM].drain_latency, 8, 815, 1860,
			    845 + 835 + 825 + 815 + 1860 + 1850 + 1840 + 1830);
	ds_results_free(r);
	p.drain_order = DS_DRAIN_FIFO;
	r = simtest_run_hand(evs, &p, 2);
	simtest_assert_hist(&r->be[DS_BE_ZRAM].drain_latency, 8, 1240, 1435,
			    1435 + 1425 + 1415 + 1405 + 1270 + 1260 + 1250 + 1240);
	ds_results_free(r);
}

/*
 * idle_flush_ns 5000: task 100 releases 2 values (s 10000, 10110) and exits (10220).  The
 * push at 10000 arms CPU 0's timer for 15000; at 15000 the buffer was last touched at
 * 10110, so the timer re-arms for 15110 and then flushes the partial page (pool 1 -> 0)
 * and queues the work: wake 16110, batch 5 + 2*100 + 20: freed 16215 and 16315, latency
 * 6215 and 6205, end 16335.  Nothing is left for teardown.  Without the flush both values
 * wait for teardown and drain_latency stays empty.
 */
static void test_idle_flush(void)
{
	g_autoptr(GArray) evs = simtest_burst(2, 100);
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	simtest_params(&p);
	p.pool_pages = 1;
	p.idle_flush_ns = 5000;
	p.check_invariants = true;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->swaps, ==, 1);
	g_assert_cmpuint(z->queue_work_calls, ==, 1);
	g_assert_cmpuint(z->teardown_drained, ==, 0);
	simtest_assert_hist(&z->drain_latency, 2, 6205, 6215, 6215 + 6205);
	g_assert_cmpuint(r->sim_end_ts, ==, 16335);
	g_assert_cmpuint(r->inv.never_freed + r->inv.pages_violations, ==, 0);
	ds_results_free(r);

	p.idle_flush_ns = 0;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->swaps, ==, 0);
	g_assert_cmpuint(z->teardown_drained, ==, 2);
	g_assert_cmpuint(z->drain_latency.count, ==, 0);
	ds_results_free(r);
}

/*
 * Slot reuse: task 100 releases zram indices 7, 8, 9 (recorded 10000, 10400, 10800; sim
 * 10000, 10110, 10220), exits (sim 10330).  Another task (pid 300, never releases) writes
 * index 8 at recorded 11300, while it is pending in CPU 0's buffer, and index 42, never
 * released, at 11400.  Index 8 is counted as reused and drained stale.  Teardown comes after
 * the last event (11400): the worker wakes at 12400 and drains 5 + 100 + 5 (stale: the slot
 * lock only) + 100 + 20 = 230: 7 is freed at 12505 (teardown latency 2505), 8 at 12510
 * (stale), 9 at 12610 (latency 2390); end 12630.
 */
static void test_slot_reuse(void)
{
	struct ds_event list[] = {
		ZR(10000, 100, 0, 7), ZR(10400, 100, 0, 8), ZR(10800, 100, 0, 9),
		simtest_exit(11200, 100, 0), simtest_write(11300, 300, 1, 8),
		simtest_write(11400, 300, 1, 42),
	};
	g_autoptr(GArray) evs = simtest_array(list, G_N_ELEMENTS(list));
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	simtest_params(&p);
	p.pool_pages = 1;
	p.check_invariants = true;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->slot_reuse_pending, ==, 1);
	g_assert_cmpuint(z->stale_drains, ==, 1);
	g_assert_cmpuint(z->drained, ==, 2);
	g_assert_cmpuint(z->teardown_drained, ==, 2);
	g_assert_cmpuint(z->pushed, ==, z->drained + z->stale_drains);
	g_assert_cmpuint(r->inv.freed_twice + r->inv.never_freed, ==, 0);
	g_assert_cmpuint(r->sim_end_ts, ==, 11400 + 1000 + 5 + 100 + 5 + 100 + 20);
	simtest_assert_hist(&z->teardown_latency, 2, 2390, 2505, 2505 + 2390);
	ds_results_free(r);
}

/*
 * zswap: CAP = 16/8 = 2, sync 400, drain 200/value.  Task 100 releases 4 zswap entries at
 * 10000 + 500 k (think 100), exits at 11500 + 400 + 100 = 12000; pool 1.
 *  k=0 10000 push; k=1 10110 fills, swap (pool 1->0), queue_work (wake 11110): h 160;
 *  k=2 10370 push; k=3 10480 fills, pool empty: stranded, h 15; exit 10595.
 * Worker 11110: 5 + 2*200 + 20 = 425: freed 11315, 11515 (latency 1315, 1405), ends 11535.
 * Teardown at 11535: stranding ends (1055), the full page (2 entries) is drained.
 */
static void test_zswap_cap(void)
{
	GArray *evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *s;
	struct ds_event ev;

	for (unsigned int k = 0; k < 4; k++) {
		ev = simtest_release_zswap(10000 + 500 * (uint64_t)k, 100, 0, 0xffff0000 + k);
		g_array_append_val(evs, ev);
	}
	ev = simtest_exit(12000, 100, 0);
	g_array_append_val(evs, ev);
	simtest_params(&p);
	p.pool_pages = 1;
	r = simtest_run_hand(evs, &p, 2);
	s = &r->be[DS_BE_ZSWAP];
	g_assert_cmpuint(s->cap, ==, 2);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].cap, ==, 4);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].releases, ==, 0);
	g_assert_cmpuint(s->releases, ==, 4);
	g_assert_cmpuint(s->pushed, ==, 4);
	g_assert_cmpuint(s->fallbacks, ==, 0);
	g_assert_cmpuint(s->swaps, ==, 1);
	g_assert_cmpuint(s->stranded_ns, ==, 1055);
	g_assert_cmpuint(s->teardown_drained, ==, 2);
	simtest_assert_hist(&s->drain_latency, 2, 1315, 1405, 1315 + 1405);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 10595);
	g_assert_cmpuint(simtest_task(r, 100)->sync_ns, ==, 4 * 400);
	ds_results_free(r);
	g_array_free(evs, TRUE);
}

/*
 * Processor sharing on 1 CPU (shared_cpu_rate 0.5): task 100 releases 8 values with think
 * 100, pool 2; its exit comes 2000 after the last release's recorded end (a busy gap,
 * < busy_gap_ns).  Pages fill at s_3 = 10330 (queue_work, wake 11330) and s_7 = 10920 (no-op).
 * The task's last think starts at 11080 (10920 + 160) with 2000 ns of work.
 * At 11330 the worker can only go to CPU 0, where the task is: both run at 0.5.
 *   task: 250 done, 1750 left -> at half speed.
 *   worker, page A: 425 of work in 850 ns: values freed at 11330 + 2 * (105, 205, 305, 405)
 *   = 11540, 11740, 11940, 12140 (latency 1540, 1630, 1720, 1810); ends 12180.
 *   page B (pushed 10590, 10700, 10810, 10920) likewise 12180 -> 13030: freed 12390,
 *   12590, 12790, 12990 (latency 1800, 1890, 1980, 2070).
 *   task: from 11330 to 13030 it did 850 ns of work: 900 left at full speed -> exit 13930.
 * On 2 CPUs the worker goes to CPU 1 and the exit stays at 10920 + 160 + 2000 = 13080.
 */
static void test_processor_sharing(void)
{
	g_autoptr(GArray) evs = simtest_burst(8, 2000);
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	simtest_params(&p);
	p.pool_pages = 2;
	p.cpus = 1;
	r = simtest_run_hand(evs, &p, 2);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 13930);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 6 * 10 + 2 * 160);
	g_assert_cmpuint(z->worker_runs, ==, 1);
	g_assert_cmpuint(z->worker_busy_ns, ==, 1700);
	simtest_assert_hist(&z->drain_latency, 8, 1540, 2070,
			    1540 + 1630 + 1720 + 1810 + 1800 + 1890 + 1980 + 2070);
	ds_results_free(r);

	p.cpus = 2;
	r = simtest_run_hand(evs, &p, 2);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 13080);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].worker_busy_ns, ==, 850);
	ds_results_free(r);
}

/*
 * A long think gap is sleep: task 100 releases at 10000 and 5000000 (think 4989700 >
 * busy_gap 1 ms) and exits at 5000400.  Under v3 with the hand profile: s_0 = 10000 (h 10),
 * s_1 = 10010 + 4989700 = 4999710, exit at 4999710 + 10 + 100 = 4999820: 580 earlier than
 * recorded (2 x 290 saved).  Meanwhile the sched_switch of a foreign task onto recorded
 * CPU 0 at 20000 changes nothing for the task (tasks are not slowed by foreign ones).
 * The switch at 2000000 ends the engine's read-ahead after the first release (it is past
 * 10300 + 1 ms): the task then waits asleep, shifted by -290, for its next release to be
 * read, and must come out the same.
 */
static void test_long_gap(void)
{
	struct ds_event list[] = {
		ZR(10000, 100, 0, 1), simtest_switch(20000, 0, 100, 777),
		simtest_switch(2000000, 1, 0, 778), ZR(5000000, 100, 0, 2),
		simtest_exit(5000400, 100, 0),
	};
	g_autoptr(GArray) evs = simtest_array(list, G_N_ELEMENTS(list));
	struct ds_params p;
	struct ds_results *r;

	simtest_params(&p);
	r = simtest_run_hand(evs, &p, 2);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 4999820);
	g_assert_cmpuint(simtest_task(r, 100)->rec_end_ts, ==, 5000400);
	ds_results_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/v3/eager-pool1", test_eager_pool1);
	g_test_add_func("/sim/v3/lazy-pool1", test_lazy_pool1);
	g_test_add_func("/sim/v3/no-retry", test_no_retry);
	g_test_add_func("/sim/v3/percpu-from-pool", test_percpu_from_pool);
	g_test_add_func("/sim/v3/drainers", test_drainers);
	g_test_add_func("/sim/v3/handover-untagged", test_handover_untagged);
	g_test_add_func("/sim/v3/max-pages-per-run", test_max_pages_per_run);
	g_test_add_func("/sim/v3/drain-order", test_drain_order);
	g_test_add_func("/sim/v3/idle-flush", test_idle_flush);
	g_test_add_func("/sim/v3/slot-reuse", test_slot_reuse);
	g_test_add_func("/sim/v3/zswap-cap", test_zswap_cap);
	g_test_add_func("/sim/v3/processor-sharing", test_processor_sharing);
	g_test_add_func("/sim/v3/long-gap", test_long_gap);
	return g_test_run();
}
