// SPDX-License-Identifier: MIT
/*
 * test_timing.c - the replay timing model (spec §4), worked out by hand: think time from
 * measured costs (4.1), CPUs as a capacity (4.2), locks as shared resources (4.3), and the
 * engine's clock.  Streams are synthetic; every expected figure is derived in the comment
 * above its test from the hand profile (simtest.h): push 10, swap 100, queue_work 50,
 * lock 5, wake-up 1000, drain 20 per page + 100 per zram value, sync zram 300.
 */
#include "simtest.h"

static struct ds_params sync_params(unsigned int cpus)
{
	struct ds_params p;

	simtest_params(&p);
	g_assert_true(ds_params_set(&p, "policy", "sync", NULL));
	p.cpus = cpus;
	p.check_invariants = true;
	return p;
}

/* Three copies of simtest_burst(4, 100) by tasks 100, 200, 300 on recorded CPUs 0, 1, 2. */
static GArray *three_bursts(void)
{
	GArray *evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));

	for (unsigned int k = 0; k < 4; k++) {
		for (int32_t t = 0; t < 3; t++) {
			struct ds_event ev = simtest_release(10000 + 400 * (uint64_t)k, 100 * (t + 1),
							     (uint16_t)t, 100 * (uint64_t)t + k);

			g_array_append_val(evs, ev);
		}
	}
	for (int32_t t = 0; t < 3; t++) {
		struct ds_event ev = simtest_exit(11600, 100 * (t + 1), (uint16_t)t);

		g_array_append_val(evs, ev);
	}
	return evs;
}

/*
 * CPU capacity.  Each task: 4 releases of 300 (sync), think 100 between them and before its
 * exit: 1600 ns of CPU work, ending at 11600 alone on its CPU.
 * - 3 CPUs: each ends at 11600; each CPU busy 1600 of 1600 elapsed.
 * - 1 CPU, fair: the three run in lockstep at 1/3 speed: all end at 10000 + 3 * 1600 =
 *   14800, each release taking 900 (hot 3600); the CPU is busy all 4800 ns.
 * - 1 CPU, fifo: 100 runs alone to its end (11600), then 200 (13200), then 300 (14800);
 *   200's first release waits 1600 before its 300 (hot 1900 + 3 * 300 = 2800), 300's
 *   3200 (hot 3500 + 900 = 4400).
 */
static void test_capacity(void)
{
	g_autoptr(GArray) evs = three_bursts();
	struct ds_params p = sync_params(3);
	struct ds_results *r = simtest_run_hand(evs, &p, 3);

	simtest_assert_clean(r);
	for (int32_t t = 1; t <= 3; t++) {
		g_assert_cmpuint(simtest_task(r, 100 * t)->sim_end_ts, ==, 11600);
		g_assert_cmpuint(simtest_task(r, 100 * t)->hot_ns, ==, 1200);
	}
	g_assert_cmpfloat(g_array_index(r->cpu_busy_ns, double, 0), ==, 1600);
	ds_results_free(r);

	p = sync_params(1);
	r = simtest_run_hand(evs, &p, 3);
	simtest_assert_clean(r);
	for (int32_t t = 1; t <= 3; t++) {
		g_assert_cmpuint(simtest_task(r, 100 * t)->sim_end_ts, ==, 14800);
		g_assert_cmpuint(simtest_task(r, 100 * t)->hot_ns, ==, 3600);
	}
	g_assert_cmpuint(r->cpu_busy_ns->len, ==, 1);
	g_assert_cmpfloat_with_epsilon(g_array_index(r->cpu_busy_ns, double, 0), 4800, 1e-6);
	ds_results_free(r);

	g_assert_true(ds_params_set(&p, "cpu_sharing", "fifo", NULL));
	r = simtest_run_hand(evs, &p, 3);
	simtest_assert_clean(r);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 11600);
	g_assert_cmpuint(simtest_task(r, 200)->sim_end_ts, ==, 13200);
	g_assert_cmpuint(simtest_task(r, 300)->sim_end_ts, ==, 14800);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 1200);
	g_assert_cmpuint(simtest_task(r, 200)->hot_ns, ==, 2800);
	g_assert_cmpuint(simtest_task(r, 300)->hot_ns, ==, 4400);
	g_assert_cmpfloat(g_array_index(r->cpu_busy_ns, double, 0), ==, 4800);
	ds_results_free(r);
}

/*
 * Processor sharing with many entities (sim/cpu.c keeps virtual time from 8 on one CPU), by
 * hand.  Sync, 1 CPU.  Tasks 1..8 (pids 100..800) release at 10000 (300 of work each) and
 * exit 100 * (k - 1) after their recorded release end (think on the CPU); task 9 (pid 900)
 * releases at 11000 and exits right after.  Total work 8 * 300 + 2800 + 300 = 5500.
 * - [10000, 11000): 8 at 1/8, 125 each.  Then 9 at 1/9: tasks 1..8 finish their releases
 *   after 175 * 9 = 1575, at 12575 (hot 2575); task 9 has done 175 (125 left).
 * - 12575: task 1 exits; 8 at 1/8: task 2 (think 100) exits at 13375; task 9 left 25.
 * - 13375: 7 at 1/7: task 9 ends its release at 13375 + 175 = 13550 (hot 2550) and exits.
 * - 13550: 6 at 1/6: task 3 has 75 left: exits at 14000; tasks 4..8 then have 100, 200, ...
 *   500 left, and exit at 14000 + 5 * 100 = 14500, + 4 * 100 = 14900, 15200, 15400, 15500.
 * Ends are whole ns although V is not (1/9, 1/7, 1/6 per ns): the clock must not round any
 * of them up.  The CPU is busy 5500 of 5500 ns.
 */
static gint by_time(gconstpointer a, gconstpointer b)
{
	const struct ds_event *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static void test_many_share(void)
{
	static const uint64_t end[] = { 12575, 13375, 14000, 14500, 14900, 15200, 15400, 15500 };
	g_autoptr(GArray) evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	struct ds_params p = sync_params(1);
	struct ds_event ev;
	struct ds_results *r;

	for (int32_t k = 1; k <= 8; k++) {
		ev = simtest_release(10000, 100 * k, (uint16_t)(k - 1), (uint64_t)k);
		g_array_append_val(evs, ev);
	}
	ev = simtest_release(11000, 900, 8, 9);
	g_array_append_val(evs, ev);
	for (int32_t k = 1; k <= 8; k++) {
		ev = simtest_exit(10300 + 100 * (uint64_t)(k - 1), 100 * k, (uint16_t)(k - 1));
		g_array_append_val(evs, ev);
	}
	ev = simtest_exit(11300, 900, 8);
	g_array_append_val(evs, ev);
	g_array_sort(evs, by_time);
	r = simtest_run_hand(evs, &p, 9);
	simtest_assert_clean(r);
	for (int32_t k = 1; k <= 8; k++) {
		g_assert_cmpuint(simtest_task(r, 100 * k)->hot_ns, ==, 2575);
		g_assert_cmpuint(simtest_task(r, 100 * k)->sim_end_ts, ==, end[k - 1]);
	}
	g_assert_cmpuint(simtest_task(r, 900)->hot_ns, ==, 2550);
	g_assert_cmpuint(simtest_task(r, 900)->sim_end_ts, ==, 13550);
	g_assert_cmpuint(r->sim_end_ts, ==, 15500);
	g_assert_cmpfloat_with_epsilon(g_array_index(r->cpu_busy_ns, double, 0), 5500, 1e-6);
	ds_results_free(r);
}

/*
 * A worker and its producer on one CPU, and a speed change inside a page.  simtest_burst(4,
 * 1000), v3, 1 CPU: releases at 10000, 10110, 10220 (push 10, think 100) and 10330, which
 * fills the page: push 10 + swap 100 + queue_work 50 -> 10490; the worker wakes at 11330.
 * The task then thinks 1000 on the CPU (its exit is 1000 after the last recorded end).
 * - fair: at 11330 the task has 160 left; both run at 1/2: the task exits at 11650.  The
 *   page is 425 of work (lock 5, 4 x 100, page 20): 160 done by 11650, then full speed.
 *   Values are freed when their step ends: 105 of work at 11330 + 210 = 11540; 205 at
 *   11650 + 45 = 11695; then 11795, 11895; the page is back at 11915.  Latencies 1540,
 *   1585, 1575, 1565 (a linear interpolation over the page would give other times).
 * - fifo: the task is first on the CPU and does not block: the worker waits for its exit at
 *   11490, then runs alone: freed 11595, 11695, 11795, 11895 (1595, 1585, 1575, 1565).
 */
static void test_worker_shares(void)
{
	g_autoptr(GArray) evs = simtest_burst(4, 1000);
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	simtest_params(&p);
	p.cpus = 1;
	p.check_invariants = true;
	r = simtest_run_hand(evs, &p, 1);
	simtest_assert_clean(r);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 11650);
	simtest_assert_hist(&z->drain_latency, 4, 1540, 1585, 1540 + 1585 + 1575 + 1565);
	g_assert_cmpuint(z->worker_busy_ns, ==, 11915 - 11330);
	g_assert_cmpuint(z->worker_cpu_ns, ==, 425);
	g_assert_cmpuint(r->sim_end_ts, ==, 11915);
	ds_results_free(r);

	g_assert_true(ds_params_set(&p, "cpu_sharing", "fifo", NULL));
	r = simtest_run_hand(evs, &p, 1);
	simtest_assert_clean(r);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 11490);
	simtest_assert_hist(&z->drain_latency, 4, 1565, 1595, 1595 + 1585 + 1575 + 1565);
	g_assert_cmpuint(z->worker_busy_ns, ==, 11915 - 11330);
	g_assert_cmpuint(z->worker_cpu_ns, ==, 425);
	ds_results_free(r);
}

/*
 * A worker alone on its CPU when a foreign task comes onto it (cpu.c's one-entity update:
 * 1 / (1 + 1) for a worker).  simtest_burst(4, 100), v3, 2 CPUs: the page filled at 10330 is
 * drained by the worker woken at 11330 on CPU 1 (lock 5, 4 x 100, page 20: 425 of work).  A
 * sched_switch at 11385 puts a foreign task (pid 999) on recorded CPU 1: 55 of work done,
 * the worker runs at 1/2 from then on.  Values end at 105, 205, 305, 405 of work: 11385 +
 * 2 x 50 = 11485, then 11685, 11885, 12085; the page at 425: 12125.  Latencies (pushed 10000,
 * 10110, 10220, 10330) 1485, 1575, 1665, 1755; busy 12125 - 11330, its CPU time 425.
 */
static void test_worker_foreign(void)
{
	g_autoptr(GArray) evs = simtest_burst(4, 100);
	struct ds_event sw = simtest_switch(11385, 1, 0, 999);
	struct ds_params p;
	struct ds_results *r;
	const struct ds_backend_result *z;

	g_array_insert_val(evs, evs->len - 1, sw);	/* before the exit (11600) */
	simtest_params(&p);
	p.check_invariants = true;
	r = simtest_run_hand(evs, &p, 2);
	simtest_assert_clean(r);
	z = &r->be[DS_BE_ZRAM];
	simtest_assert_hist(&z->drain_latency, 4, 1485, 1755, 1485 + 1575 + 1665 + 1755);
	g_assert_cmpuint(z->worker_busy_ns, ==, 12125 - 11330);
	g_assert_cmpuint(z->worker_cpu_ns, ==, 425);
	ds_results_free(r);
}

/*
 * An event made obsolete must not move the clock.  As test_worker_shares (fair) but the
 * task thinks 2000: at 11330 it has 1160 left, at 1/2 it would end at 13650 (an engine event
 * is queued for then).  The page ends first, at 11330 + 850 = 12180; the task, alone again,
 * has 735 left: it exits at 12915.  Its event at 13650 is obsolete: the run ends at 12915.
 */
static void test_stale_event_clock(void)
{
	g_autoptr(GArray) evs = simtest_burst(4, 2000);
	struct ds_params p;
	struct ds_results *r;

	simtest_params(&p);
	p.cpus = 1;
	r = simtest_run_hand(evs, &p, 1);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 12915);
	g_assert_cmpuint(r->be[DS_BE_ZRAM].worker_busy_ns, ==, 850);
	g_assert_cmpuint(r->sim_end_ts, ==, 12915);
	ds_results_free(r);
}

/*
 * zsmalloc's class lock (sync, profile costs, one size class).  Hand profile with
 * zs_class_hold_ns 200 and lock_handover_ns 30: a release is 100 of work, then 200 under the
 * class lock.  simtest_two_tasks: 100 (CPU 0) and 200 (CPU 1) release at 10000 + 400 k,
 * think 100, exit think 100.
 *   k=0: both want the lock at 10100; 100 took it first (to 10300); 200 spins 200, gets it
 *        with the hand-over (30 + 200): 10530.  100 thinks to 10400, 200 to 10630.
 *   from then on each finds the other holding it for its last 30: 100 at 10500 waits to
 *   10530, holds to 10760; 200 at 10730 waits to 10760, to 10990; 100: 10960 -> 11220;
 *   200: 11190 -> 11450; 100: 11420 -> 11680, exit 11780; 200: 11650 -> 11910, exit 12010.
 * 8 acquisitions, 7 contended, 7 hand-overs, waited 200 + 6 x 30 = 380 (worst 200), each
 * spinner alone on its CPU: 380 ns of CPU burnt.  Hot: 100: 300 + 3 x 360; 200: 530 +
 * 3 x 360.  With lock_contention off the locks are not modelled: both end at 11600.
 */
static void test_class_lock(void)
{
	g_autoptr(GArray) evs = simtest_two_tasks();
	struct ds_profile *prof = simtest_profile();
	struct ds_params p = sync_params(0);
	struct ds_results *r;
	const struct ds_lock_result *l;

	prof->zs_class_hold_ns = 200;
	prof->lock_handover_ns = 30;
	r = simtest_run(evs, &p, prof, 2);
	simtest_assert_clean(r);
	l = &r->locks[DS_LOCK_CLASS];
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 11780);
	g_assert_cmpuint(simtest_task(r, 200)->sim_end_ts, ==, 12010);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 300 + 3 * 360);
	g_assert_cmpuint(simtest_task(r, 200)->hot_ns, ==, 530 + 3 * 360);
	g_assert_cmpuint(l->acquisitions, ==, 8);
	g_assert_cmpuint(l->contended, ==, 7);
	g_assert_cmpuint(l->handovers, ==, 7);
	g_assert_cmpuint(l->wait_ns, ==, 380);
	g_assert_cmpuint(l->max_wait_ns, ==, 200);
	g_assert_cmpfloat_with_epsilon(l->spin_cpu_ns, 380, 1e-6);
	g_assert_cmpint(r->params.lock_contention, ==, DS_LOCKS_ON);
	ds_results_free(r);

	g_assert_true(ds_params_set(&p, "lock_contention", "off", NULL));
	r = simtest_run(evs, &p, prof, 2);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 11600);
	g_assert_cmpuint(simtest_task(r, 200)->sim_end_ts, ==, 11600);
	g_assert_cmpuint(r->locks[DS_LOCK_CLASS].acquisitions, ==, 0);
	ds_results_free(r);
	ds_profile_free(prof);
}

/*
 * Hand-over order with two waiters queued at once (lock.c's intrusive FIFO: a tail append
 * behind a waiter, a pop that leaves one).  Class lock as above (zs_class_hold_ns 200,
 * lock_handover_ns 30): tasks 100, 200, 300 on CPUs 0, 1, 2 (3 virtual CPUs), one release
 * each at 10000 (100 of work, then 200 under the lock), exit recorded at 10400 (think 100).
 *   10100: all three reach the ACQ; 100's run claimed the free lock first and wins the tie
 *          (it holds it to 10300); 200's run ends first (it started first), so 200 queues,
 *          then 300 behind it;
 *   10300: 100 releases: 200 gets it (waited 200), 30 + 200: releases at 10530;
 *   10530: 300 gets it (waited 430), 30 + 200: 10760.
 * FIFO, so hot 300, 530, 760 (LIFO would give 200 760 and 300 530); exits 10400, 10630,
 * 10860.  3 acquisitions, 2 contended, 2 hand-overs, waited 630 (worst 430), each spinner
 * alone on its CPU: 630 ns burnt spinning.
 */
static void test_lock_fifo(void)
{
	GArray *evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	struct ds_profile *prof = simtest_profile();
	struct ds_params p = sync_params(0);
	struct ds_results *r;
	const struct ds_lock_result *l;
	struct ds_event ev;

	for (int32_t t = 0; t < 3; t++) {
		ev = simtest_release(10000, 100 * (t + 1), (uint16_t)t, (uint64_t)t);
		g_array_append_val(evs, ev);
	}
	for (int32_t t = 0; t < 3; t++) {
		ev = simtest_exit(10400, 100 * (t + 1), (uint16_t)t);
		g_array_append_val(evs, ev);
	}
	prof->zs_class_hold_ns = 200;
	prof->lock_handover_ns = 30;
	r = simtest_run(evs, &p, prof, 3);
	simtest_assert_clean(r);
	l = &r->locks[DS_LOCK_CLASS];
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 300);
	g_assert_cmpuint(simtest_task(r, 200)->hot_ns, ==, 530);
	g_assert_cmpuint(simtest_task(r, 300)->hot_ns, ==, 760);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 10400);
	g_assert_cmpuint(simtest_task(r, 200)->sim_end_ts, ==, 10630);
	g_assert_cmpuint(simtest_task(r, 300)->sim_end_ts, ==, 10860);
	g_assert_cmpuint(l->acquisitions, ==, 3);
	g_assert_cmpuint(l->contended, ==, 2);
	g_assert_cmpuint(l->handovers, ==, 2);
	g_assert_cmpuint(l->wait_ns, ==, 630);
	g_assert_cmpuint(l->max_wait_ns, ==, 430);
	g_assert_cmpfloat_with_epsilon(l->spin_cpu_ns, 630, 1e-6);
	ds_results_free(r);
	ds_profile_free(prof);
	g_array_free(evs, TRUE);
}

/*
 * A lock released at the very instant another run reaches its ACQ is free for it (spec §4.3
 * leaves the order of same-instant steps open; the engine's rule: a run that claimed a free
 * lock passes its steps at an instant before anybody else acts on that lock there, so its
 * REL at that instant has let go).  Sync, the trace's own costs (each release its recorded
 * duration), class locks on with zs_class_hold_ns 200 (the last 200 of each free under the
 * class lock), lock_handover_ns 30; three tasks on CPUs 0-2, one release each:
 * - A (100) at 10000, 300: work to 10100, holds 10100-10300 (a claim: the lock is free);
 * - B (200) at 10250, 300: at 10250 A is inside its hold, so B's run stops at its ACQ at
 *   10350; A is past it then: B takes the lock, holds 10350-10550;
 * - C (300) at 10290, 460: at 10290 A is still inside its hold, so C's run stops at its
 *   ACQ at 10290 + 260 = 10550, the instant B lets go: free, no hand-over; C holds
 *   10550-10750.
 * So 3 acquisitions, none contended, no hand-over, nobody waits; hot paths 300, 300 and 460.
 * (Before this rule the outcome depended on which of C's ACQ and B's REL, both at 10550,
 * came out of the event queue first: C could spin 0 ns and pay the 30 ns hand-over.)
 */
static void test_lock_same_instant(void)
{
	struct ds_event list[] = {
		simtest_release_dur(10000, 100, 0, 1, 300, false),
		simtest_release_dur(10250, 200, 1, 2, 300, false),
		simtest_release_dur(10290, 300, 2, 3, 460, false),
		simtest_exit(20000, 100, 0),
		simtest_exit(20000, 200, 1),
		simtest_exit(20000, 300, 2),
	};
	g_autoptr(GArray) evs = simtest_array(list, G_N_ELEMENTS(list));
	struct ds_profile *prof = simtest_profile();
	struct ds_params p = sync_params(0);
	const struct ds_lock_result *l;
	struct ds_results *r;

	prof->zs_class_hold_ns = 200;
	prof->lock_handover_ns = 30;
	p.cost_source = DS_COST_TRACE;
	g_assert_true(ds_params_set(&p, "lock_contention", "on", NULL));
	r = simtest_run(evs, &p, prof, 3);
	simtest_assert_clean(r);
	l = &r->locks[DS_LOCK_CLASS];
	g_assert_cmpuint(l->acquisitions, ==, 3);
	g_assert_cmpuint(l->contended, ==, 0);
	g_assert_cmpuint(l->handovers, ==, 0);
	g_assert_cmpuint(l->wait_ns, ==, 0);
	g_assert_cmpuint(simtest_task(r, 100)->hot_ns, ==, 300);
	g_assert_cmpuint(simtest_task(r, 200)->hot_ns, ==, 300);
	g_assert_cmpuint(simtest_task(r, 300)->hot_ns, ==, 460);
	g_assert_cmpuint(simtest_task(r, 300)->sim_end_ts, ==, 20000);
	ds_results_free(r);
	ds_profile_free(prof);
}

/* Task 100 on CPU 0: releases measured at 1000 each at 10000, 11500, 13000; exit at 14500. */
static GArray *measured_stream(void)
{
	struct ds_event list[] = {
		simtest_release_dur(10000, 100, 0, 1, 1000, false),
		simtest_release_dur(11500, 100, 0, 2, 1000, false),
		simtest_release_dur(13000, 100, 0, 3, 1000, false),
		simtest_exit(14500, 100, 0),
	};

	return simtest_array(list, G_N_ELEMENTS(list));
}

/*
 * Think time subtracts the *measured* cost (spec §4.1), never the target's.  Task 100 on
 * CPU 0: releases measured at 1000 each at 10000, 11500, 13000 (gaps of 500), exit at
 * 14500.  Replayed under sync with the hand profile (300 per release):
 * - think_scale 1: 10000 + 3 x (300 + 500) = 12400 (subtracting the profile's 300 instead
 *   would give gaps of 1200 and 14500: the recording's end, the old mistake);
 * - think_scale 2: 10000 + 3 x (300 + 1000) = 13900;
 * - think_scale auto with a recorded median of 1000: 300 / 1000 = 0.3: 10000 + 3 x 450 =
 *   11350.
 */
static void test_think_time(void)
{
	g_autoptr(GArray) evs = measured_stream();
	struct ds_params p = sync_params(0);
	struct ds_results *r;

	r = simtest_run_hand(evs, &p, 1);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 12400);
	g_assert_cmpuint(simtest_task(r, 100)->rec_end_ts, ==, 14500);
	g_assert_cmpuint(r->think_measured, ==, 3);
	g_assert_cmpuint(r->think_assumed, ==, 0);
	ds_results_free(r);

	p.think_scale = 2;
	r = simtest_run_hand(evs, &p, 1);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 13900);
	ds_results_free(r);

	g_assert_true(ds_params_set(&p, "think_scale", "auto", NULL));
	p.think_ref_ns = 1000;
	r = simtest_run_hand(evs, &p, 1);
	g_assert_cmpfloat_with_epsilon(r->think_scale, 0.3, 1e-12);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 11350);
	ds_results_free(r);

	/* with the trace's own costs the target is the recording machine: auto = 1 */
	p.cost_source = DS_COST_TRACE;
	r = simtest_run_hand(evs, &p, 1);
	g_assert_cmpfloat(r->think_scale, ==, 1.0);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 14500);
	ds_results_free(r);
}

/*
 * The probes' own cost is taken out of the recorded timeline (spec §4.1): the stream of
 * test_think_time replayed under sync with its own costs, probe_overhead_ns 200 (inside each
 * measured call) and probe_gap_ns 100 (outside, before each release): each call costs 800,
 * each gap between releases 1500 - 800 - 100 = 600, the gap before the exit stays 700:
 * 10000 + 3 x 800 + 2 x 600 + 700 = 14300, 800 ns earlier than recorded, all of it probe time.
 */
static void test_probe_overhead(void)
{
	g_autoptr(GArray) evs = measured_stream();
	struct ds_params p = sync_params(0);
	struct ds_results *r;

	p.cost_source = DS_COST_TRACE;
	p.probe_overhead_ns = 200;
	p.probe_gap_ns = 100;
	r = simtest_run_hand(evs, &p, 1);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 14300);
	g_assert_cmpuint(simtest_task(r, 100)->sync_ns, ==, 3 * 800);
	g_assert_cmpuint(r->probe_removed_ns, ==, 800);
	ds_results_free(r);

	/* the same with every gap off the CPU (busy_gap_ns 0): the same timeline, and each
	 * gap's probe time is taken out once (it was counted again when a release's end could
	 * not be merged with the think time after it) */
	p.busy_gap_ns = 0;
	r = simtest_run_hand(evs, &p, 1);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 14300);
	g_assert_cmpuint(simtest_task(r, 100)->think_offcpu_ns, ==, 2 * 600 + 700);
	g_assert_cmpuint(r->probe_removed_ns, ==, 800);
	ds_results_free(r);
}

/*
 * Off-CPU time consumes nothing (spec §4.2).  Sync with the recorded costs on 1 virtual CPU
 * for 2 recorded ones: task 100 (CPU 0) releases at 10000 (300), is switched out at 10400
 * and back in at 20000, releases at 20100 (300), exits at 20500; task 200 (CPU 1) releases
 * at 11000, 11400, 11800 (300 each) and exits at 12200.  The two never run at once: both end
 * exactly when recorded, task 100 with 300 ns of on-CPU think (10300 -> 10400, 20000 ->
 * 20100, 20400 -> 20500) and 9600 off it.  Without the switches its 9800 ns gap would be
 * CPU work (< busy_gap_ns) on the CPU task 200 needs: 200 would end later.
 */
static void test_switch_offcpu(void)
{
	struct ds_event list[] = {
		simtest_release_dur(10000, 100, 0, 1, 300, false),
		simtest_switch(10400, 0, 100, 777),
		simtest_release_dur(11000, 200, 1, 11, 300, false),
		simtest_release_dur(11400, 200, 1, 12, 300, false),
		simtest_release_dur(11800, 200, 1, 13, 300, false),
		simtest_exit(12200, 200, 1),
		simtest_switch(20000, 0, 777, 100),
		simtest_release_dur(20100, 100, 0, 2, 300, false),
		simtest_exit(20500, 100, 0),
	};
	g_autoptr(GArray) evs = simtest_array(list, G_N_ELEMENTS(list));
	g_autoptr(GArray) noswitch = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	struct ds_params p = sync_params(1);
	struct ds_results *r;

	p.cost_source = DS_COST_TRACE;
	r = simtest_run_hand(evs, &p, 2);
	simtest_assert_clean(r);
	g_assert_cmpuint(simtest_task(r, 100)->sim_end_ts, ==, 20500);
	g_assert_cmpuint(simtest_task(r, 200)->sim_end_ts, ==, 12200);
	g_assert_cmpuint(simtest_task(r, 100)->think_oncpu_ns, ==, 100 + 100 + 100);
	g_assert_cmpuint(simtest_task(r, 100)->think_offcpu_ns, ==, 9600);
	ds_results_free(r);

	for (guint i = 0; i < evs->len; i++)
		if (g_array_index(evs, struct ds_event, i).type != DS_EV_SWITCH)
			g_array_append_val(noswitch, g_array_index(evs, struct ds_event, i));
	r = simtest_run_hand(noswitch, &p, 2);
	g_assert_cmpuint(simtest_task(r, 200)->sim_end_ts, >, 12200);
	ds_results_free(r);
}

/* pool_pages auto is 256 KiB of pages: 64 at 4 KiB, 16 at 16 KiB [S]. */
static void test_pool_auto(void)
{
	g_autoptr(GArray) evs = simtest_burst(4, 100);
	struct ds_params p;
	struct ds_results *r;

	simtest_params(&p);
	p.pool_pages = DS_POOL_AUTO;
	p.page_size = 0;
	r = simtest_run_hand(evs, &p, 1);
	g_assert_cmpint(r->params.pool_pages, ==, 64);
	g_assert_cmpuint(r->mechanism_bytes, ==, (64 + 1) * 4096);
	ds_results_free(r);
	p.page_size = 16384;
	r = simtest_run_hand(evs, &p, 1);
	g_assert_cmpint(r->params.pool_pages, ==, 16);
	ds_results_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/timing/capacity", test_capacity);
	g_test_add_func("/sim/timing/many-share", test_many_share);
	g_test_add_func("/sim/timing/worker-shares", test_worker_shares);
	g_test_add_func("/sim/timing/worker-foreign", test_worker_foreign);
	g_test_add_func("/sim/timing/stale-event-clock", test_stale_event_clock);
	g_test_add_func("/sim/timing/class-lock", test_class_lock);
	g_test_add_func("/sim/timing/lock-same-instant", test_lock_same_instant);
	g_test_add_func("/sim/timing/lock-fifo", test_lock_fifo);
	g_test_add_func("/sim/timing/think-time", test_think_time);
	g_test_add_func("/sim/timing/switch-offcpu", test_switch_offcpu);
	g_test_add_func("/sim/timing/probe-overhead", test_probe_overhead);
	g_test_add_func("/sim/timing/pool-auto", test_pool_auto);
	return g_test_run();
}
