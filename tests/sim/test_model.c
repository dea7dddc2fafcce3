// SPDX-License-Identifier: MIT
/*
 * test_model.c - the spec's §5 oracles on generated streams, and the engine's contracts.
 *
 * Streams come from simtest_generate(): random but seeded, synthetic (no measured figure),
 * several tasks on several recorded CPUs, both backends, exits, long sleeps, migrations,
 * sched_switch, slot writes, pid reuse.  Expectations are invariants or independently
 * counted from the stream itself (e.g. releases per CPU), never a figure copied from a run.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "ds_synth.h"
#include "simtest.h"

#define NCPUS_REC 4

static const guint32 seeds[] = { 1, 7, 42, 1234 };

/* Conservation and page conservation under many parameter combinations. */
static void test_conservation(void)
{
	for (size_t s = 0; s < G_N_ELEMENTS(seeds); s++) {
		g_autoptr(GArray) evs = simtest_generate(seeds[s], 12, 300, NCPUS_REC, true, false);
		struct simtest_counts c;

		simtest_count(evs, NCPUS_REC, &c);
		for (unsigned int v = 0; v < 8; v++) {
			struct ds_params p;
			struct ds_results *r;

			simtest_params(&p);
			p.check_invariants = true;
			simtest_v3_choices(&p, v);
			p.max_pages_per_run = v % 3;
			p.timeseries_ns = v == 6 ? 100000 : 0;
			r = simtest_run_hand(evs, &p, NCPUS_REC);
			simtest_assert_conservation(r, &c);
			ds_results_free(r);
		}
		simtest_counts_clear(&c);
	}
}

/* Remapping onto fewer (or more) virtual CPUs keeps every invariant. */
static void test_remap_cpus(void)
{
	g_autoptr(GArray) evs = simtest_generate(3, 10, 300, NCPUS_REC, true, false);

	for (unsigned int n = 1; n <= 6; n++) {
		struct simtest_counts c;
		struct ds_params p;
		struct ds_results *r;

		simtest_count(evs, n, &c);
		simtest_params(&p);
		p.check_invariants = true;
		p.cpus = n;
		p.pool_pages = 3;
		r = simtest_run_hand(evs, &p, NCPUS_REC);
		g_assert_cmpuint(r->ncpus, ==, n);
		simtest_assert_conservation(r, &c);
		ds_results_free(r);
		simtest_counts_clear(&c);
	}
}

/* A pool large enough never runs out: no fallback at all. */
static void test_large_pool(void)
{
	for (size_t s = 0; s < G_N_ELEMENTS(seeds); s++) {
		g_autoptr(GArray) evs = simtest_generate(seeds[s], 12, 300, NCPUS_REC, true, false);
		struct ds_params p;
		struct ds_results *r;

		simtest_params(&p);
		p.pool_pages = 100000;
		r = simtest_run_hand(evs, &p, NCPUS_REC);
		g_assert_cmpuint(r->be[DS_BE_ZRAM].fallbacks, ==, 0);
		g_assert_cmpuint(r->be[DS_BE_ZSWAP].fallbacks, ==, 0);
		g_assert_cmpuint(r->be[DS_BE_ZRAM].swap_failures, ==, 0);
		g_assert_cmpuint(r->be[DS_BE_ZRAM].stranded_ns, ==, 0);
		ds_results_free(r);
	}
}

/*
 * pool_pages 0: each CPU stores CAP values in its own page, the swap fails, and from then
 * on every release on that CPU finds its buffer full and falls back: fallbacks per backend
 * = sum over CPUs of max(0, releases on it - CAP), eager or lazy, retry or not.  With
 * percpu_pages_from_pool no CPU even has a page: every release falls back.
 */
static void test_pool_zero(void)
{
	for (size_t s = 0; s < G_N_ELEMENTS(seeds); s++) {
		g_autoptr(GArray) evs = simtest_generate(seeds[s], 12, 300, NCPUS_REC, true, false);
		struct simtest_counts c;

		simtest_count(evs, NCPUS_REC, &c);
		for (unsigned int v = 0; v < 5; v++) {
			struct ds_params p;
			struct ds_results *r;

			simtest_params(&p);
			p.pool_pages = 0;
			p.check_invariants = true;
			p.push_semantics = v & 1 ? DS_PUSH_LAZY : DS_PUSH_EAGER;
			p.retry_swap_on_full = !(v & 2);
			p.percpu_pages_from_pool = v == 4;
			r = simtest_run_hand(evs, &p, NCPUS_REC);
			for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
				/* with no page of its own a CPU stores nothing: "CAP" 0 */
				uint64_t cap = p.percpu_pages_from_pool ? 0 :
					be == DS_BE_ZRAM ? 4 : 2;

				g_assert_cmpuint(r->be[be].fallbacks, ==,
						 simtest_counts_over(&c, be, cap));
				g_assert_cmpuint(r->be[be].swaps, ==, 0);
			}
			simtest_assert_conservation(r, &c);
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

		simtest_params(&p);
		simtest_assert_fallbacks_monotonic(evs, &p, NCPUS_REC, seeds[s]);
	}
}

/*
 * Policy sync fed the recorded costs reproduces the recorded timeline: with every release
 * carrying its duration and cost_source trace, s_{k+1} = s_k + c_k + (t_{k+1} - t_k - c_k)
 * = t_{k+1}, so each task ends exactly when it ended in the recording, and the hot-path time
 * is the sync time.  (The drift of a release would carry to the task's end: think gaps are
 * never negative in these streams.)  A recording never shows two tasks running on one CPU
 * at once; the generated streams do (their tasks overlap on 4 CPUs), so here each task is
 * put on a recorded CPU of its own (a reused pid follows its predecessor there): then CPU
 * capacity never slows anybody and the timeline must come out exactly.
 */
static void test_sync_reproduces(void)
{
	for (size_t s = 0; s < G_N_ELEMENTS(seeds); s++) {
		g_autoptr(GArray) evs = simtest_generate(seeds[s], 16, 400, NCPUS_REC, true, true);
		struct simtest_counts c;
		struct ds_params p;
		struct ds_results *r;

		for (guint k = 0; k < evs->len; k++) {
			struct ds_event *ev = &g_array_index(evs, struct ds_event, k);

			if (ev->type == DS_EV_RELEASE || ev->type == DS_EV_EXIT)
				ev->cpu = (uint16_t)(ev->pid - 1000);
		}
		simtest_count(evs, 16, &c);
		ds_params_init(&p);
		g_assert_true(ds_params_set(&p, "policy", "sync", NULL));
		p.cost_source = DS_COST_TRACE;
		p.check_invariants = true;
		r = simtest_run_hand(evs, &p, 16);
		simtest_assert_conservation(r, &c);
		g_assert_cmpuint(r->hot_ns, ==, r->sync_ns);
		g_assert_cmpuint(r->be[DS_BE_ZRAM].pushed, ==, 0);
		g_assert_cmpuint(r->be[DS_BE_ZRAM].worker_runs, ==, 0);
		for (guint i = 0; i < r->tasks->len; i++) {
			const struct ds_task_result *t =
				&g_array_index(r->tasks, struct ds_task_result, i);

			g_assert_cmpuint(t->sim_end_ts, ==, t->rec_end_ts);
			g_assert_cmpuint(t->hot_ns, ==, t->sync_ns);
		}
		ds_results_free(r);
		simtest_counts_clear(&c);
	}
}

/* Same seed: byte-identical results; another seed changes the random wake-ups. */
static void test_determinism(void)
{
	g_autoptr(GArray) evs = simtest_generate(5, 12, 300, NCPUS_REC, true, false);
	struct ds_profile *prof = simtest_profile();
	struct ds_params p;
	struct ds_results *a, *b, *c;

	prof->wake_dist = DS_DIST_LOGNORMAL;
	prof->wake_sigma = 1.0;
	simtest_params(&p);
	p.pool_pages = 3;
	p.timeseries_ns = 50000;
	p.seed = 99;
	a = simtest_run(evs, &p, prof, NCPUS_REC);
	b = simtest_run(evs, &p, prof, NCPUS_REC);
	g_assert_true(simtest_results_equal(a, b));
	g_assert_cmpuint(a->timeseries->len, >, 0);
	p.seed = 100;
	c = simtest_run(evs, &p, prof, NCPUS_REC);
	g_assert_false(simtest_results_equal(a, c));
	g_assert_cmpfloat(a->be[DS_BE_ZRAM].drain_latency.sum, !=,
			  c->be[DS_BE_ZRAM].drain_latency.sum);
	ds_results_free(a);
	ds_results_free(b);
	ds_results_free(c);
	ds_profile_free(prof);
}

/*
 * Events the model ignores (zs_free, workqueue, release ends) change where the engine's
 * read-ahead stops, never the results: the lookahead must be exact, not approximate.
 */
static void test_lookahead_exact(void)
{
	g_autoptr(GArray) evs = simtest_generate(11, 12, 300, NCPUS_REC, true, false);
	g_autoptr(GArray) noisy = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	GRand *rng = g_rand_new_with_seed(3);
	struct ds_params p;
	struct ds_results *a, *b;

	for (guint i = 0; i < evs->len; i++) {
		struct ds_event ev = g_array_index(evs, struct ds_event, i);

		g_array_append_val(noisy, ev);
		for (int k = g_rand_int_range(rng, 0, 4); k > 0; k--) {
			struct ds_event n = ev;

			n.type = (uint8_t)(k == 1 ? DS_EV_ZS_FREE : k == 2 ? DS_EV_WQ_START :
					   DS_EV_RELEASE_END);
			n.pid = 4242;
			n.flags = 0;
			g_array_append_val(noisy, n);
		}
	}
	g_rand_free(rng);
	simtest_params(&p);
	p.pool_pages = 2;
	p.timeseries_ns = 20000;
	a = simtest_run_hand(evs, &p, NCPUS_REC);
	b = simtest_run_hand(noisy, &p, NCPUS_REC);
	g_assert_cmpuint(b->events_in, >, a->events_in);
	b->events_in = a->events_in;
	g_assert_true(simtest_results_equal(a, b));
	ds_results_free(a);
	ds_results_free(b);
}

/*
 * The engine reads an in-memory source's events in place (ds_source_block(), the inline path
 * of ds_engine_read_one() for events without effect) and any other source one call and copy
 * at a time: the same stream must give the same results either way.  The stream is the noisy
 * one of lookahead-exact (zs_free, workqueue events and release ends between the model's
 * events, switches, slot writes, exits), once from an array and once from a .dsev file (read
 * as it goes), under every policy, with object sizes followed (zsonly, or class locks on:
 * zs_free is not inert) or not, and with think_scale 1.5 (nothing inert: ds_engine_event_ok()
 * scales every time).
 */
static struct ds_results *run_dsev(const char *path, const struct ds_params *p,
				   const struct ds_profile *prof)
{
	struct ds_trace_opts opts = { 0 };
	GError *error = NULL;
	struct ds_source *src = ds_source_open_trace(path, &opts, &error);
	struct ds_results *r;

	g_assert_no_error(error);
	r = ds_sim_run(p, prof, src, NCPUS_REC, &error);
	g_assert_no_error(error);
	g_assert_nonnull(r);
	ds_source_close(src);
	return r;
}

static void test_read_in_place(void)
{
	/* what makes an event type inert differs: slot writes without pools (sync), zs_free
	 * without object sizes (not zsonly, class locks off), nothing with think_scale > 1 */
	static const struct {
		const char *policy;
		bool locks;
		double think_scale;
	} cases[] = {
		{ "sync", false, 1 }, { "v2", false, 1 }, { "v3", false, 1 }, { "v3", true, 1 },
		{ "zsonly", false, 1 }, { "v3", false, 1.5 },
	};
	/* smaller than lookahead-exact's: 12 runs of it under ASan must stay quick */
	g_autoptr(GArray) evs = simtest_generate(11, 6, 100, NCPUS_REC, true, false);
	g_autoptr(GArray) noisy = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	g_autofree char *dir = g_dir_make_tmp("ds-read-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "noisy.dsev", NULL);
	struct ds_profile *prof = simtest_profile();
	GRand *rng = g_rand_new_with_seed(5);
	struct ds_source *src;
	GError *error = NULL;

	g_assert_nonnull(dir);
	for (guint i = 0; i < evs->len; i++) {
		struct ds_event ev = g_array_index(evs, struct ds_event, i);
		/* between this event and the next, so that the last read sets rec_end_ts */
		uint64_t mid = i + 1 < evs->len ?
			ev.ts + (g_array_index(evs, struct ds_event, i + 1).ts - ev.ts) / 2 :
			ev.ts + 1000;

		g_array_append_val(noisy, ev);
		for (int k = i + 1 == evs->len ? 3 : g_rand_int_range(rng, 0, 4); k > 0; k--) {
			struct ds_event n = ev;

			n.type = (uint8_t)(k == 1 ? DS_EV_ZS_FREE : k == 2 ? DS_EV_WQ_START :
					   DS_EV_RELEASE_END);
			n.ts = mid;
			n.flags = 0;
			g_array_append_val(noisy, n);
		}
	}
	g_rand_free(rng);
	src = ds_source_new_array((const struct ds_event *)(void *)noisy->data, noisy->len);
	g_assert_true(ds_synth_write_dsev(src, "read-in-place", NCPUS_REC, path, &error));
	g_assert_no_error(error);
	ds_source_close(src);
	for (guint c = 0; c < G_N_ELEMENTS(cases); c++) {
		struct ds_params p;
		struct ds_results *a, *b;

		simtest_params(&p);
		p.policy = cases[c].policy;
		p.pool_pages = 2;
		p.timeseries_ns = 20000;
		p.check_invariants = true;
		p.lock_contention = cases[c].locks ? DS_LOCKS_ON : DS_LOCKS_OFF;
		p.think_scale = cases[c].think_scale;
		a = simtest_run(noisy, &p, prof, NCPUS_REC);
		b = run_dsev(path, &p, prof);
		g_assert_cmpuint(a->events_in, ==, noisy->len);
		g_assert_true(simtest_results_equal(a, b));
		ds_results_free(a);
		ds_results_free(b);
	}
	g_assert_cmpint(g_remove(path), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
	ds_profile_free(prof);
}

/*
 * Time series: at most one sample per interval per backend, in time order; free pool pages
 * never above pool_pages, teardown included (the CPUs' buffer pages it hands back are not
 * the pool's: counted as free pool pages they once made a 2-page pool show 2 + NCPUS_REC).
 */
static void test_timeseries(void)
{
	g_autoptr(GArray) evs = simtest_generate(2, 12, 300, NCPUS_REC, true, false);
	struct ds_params p;
	struct ds_results *r;
	uint64_t last[DS_BE__COUNT] = { 0 };
	bool seen[DS_BE__COUNT] = { false };

	simtest_params(&p);
	p.pool_pages = 2;
	p.timeseries_ns = 100000;
	r = simtest_run_hand(evs, &p, NCPUS_REC);
	g_assert_cmpuint(r->timeseries->len, >, 10);
	for (guint i = 0; i < r->timeseries->len; i++) {
		const struct ds_ts_sample *x = &g_array_index(r->timeseries, struct ds_ts_sample, i);

		g_assert_cmpuint(x->backend, <, DS_BE__COUNT);
		g_assert_cmpuint(x->pool_free, <=, 2);
		if (seen[x->backend])
			g_assert_cmpuint(x->ts, >=, last[x->backend] + 100000);
		seen[x->backend] = true;
		last[x->backend] = x->ts;
	}
	ds_results_free(r);
}

/* Lost-event markers are counted, so reports can flag a degraded trace. */
static void test_lost_events(void)
{
	struct ds_event list[] = {
		simtest_release(1000, 100, 0, 1), simtest_lost(1500, 1, 37),
		simtest_lost(1600, 0, 0), simtest_release(2000, 100, 0, 2),
	};
	g_autoptr(GArray) evs = simtest_array(list, G_N_ELEMENTS(list));
	struct ds_params p;
	struct ds_results *r;

	simtest_params(&p);
	r = simtest_run_hand(evs, &p, NCPUS_REC);
	g_assert_cmpuint(r->lost_markers, ==, 2);
	g_assert_cmpuint(r->lost_events, ==, 37);
	g_assert_cmpuint(r->events_in, ==, 4);
	g_assert_cmpuint(r->releases, ==, 2);
	ds_results_free(r);
}

/* A stream going back in time is refused with the event named; nothing is returned. */
static void test_out_of_order(void)
{
	struct ds_event list[] = {
		simtest_release(1000, 100, 0, 1), simtest_release(3000, 100, 0, 2),
		simtest_release(2000, 101, 1, 3),
	};
	struct ds_source *src = ds_source_new_array(list, G_N_ELEMENTS(list));
	struct ds_profile *prof = simtest_profile();
	struct ds_params p;
	GError *error = NULL;
	struct ds_results *r;

	simtest_params(&p);
	r = ds_sim_run(&p, prof, src, 2, &error);
	g_assert_null(r);
	g_assert_error(error, DS_ERROR, DS_ERROR_ORDER);
	g_assert_nonnull(strstr(error->message, "event 2 (release, cpu 1, pid 101) at 2000"));
	g_assert_nonnull(strstr(error->message, "3000"));
	g_clear_error(&error);
	ds_source_close(src);
	ds_profile_free(prof);
}

/* cpus=recorded with no recorded count, and bad parameters, fail before any work. */
static void test_run_errors(void)
{
	struct ds_event ev = simtest_release(1000, 100, 0, 1);
	struct ds_source *src = ds_source_new_array(&ev, 1);
	struct ds_profile *prof = simtest_profile();
	struct ds_params p;
	GError *error = NULL;

	simtest_params(&p);
	g_assert_null(ds_sim_run(&p, prof, src, 0, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(error->message, "cpus"));
	g_clear_error(&error);
	p.think_scale = -1;
	g_assert_null(ds_sim_run(&p, prof, src, 2, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(error->message, "think_scale"));
	g_clear_error(&error);
	simtest_params(&p);
	p.policy = "v9";
	g_assert_null(ds_sim_run(&p, prof, src, 2, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(error->message, "sync, v2, v3, zsonly"));
	g_clear_error(&error);
	ds_source_close(src);
	ds_profile_free(prof);
}

/* An empty stream is a valid, empty run. */
static void test_empty(void)
{
	g_autoptr(GArray) evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	struct ds_params p;
	struct ds_results *r;

	simtest_params(&p);
	p.check_invariants = true;
	r = simtest_run_hand(evs, &p, NCPUS_REC);
	g_assert_cmpuint(r->releases, ==, 0);
	g_assert_cmpuint(r->tasks->len, ==, 0);
	g_assert_cmpuint(r->inv.never_freed + r->inv.pages_violations, ==, 0);
	ds_results_free(r);
}

/*
 * Numbers that would wrap time are refused with the event or key named, not run into negative
 * ends: a release lasting 2^63 ns, a wake-up latency of 2^64 - 1 (a profile built in code).
 */
static void test_huge_numbers(void)
{
	struct ds_event ev[2] = {
		simtest_release_dur(1000, 100, 0, 1, (uint64_t)1 << 63, false),
		simtest_exit(2000, 100, 0),
	};
	struct ds_profile *prof = simtest_profile();
	struct ds_params p;
	struct ds_source *src = ds_source_new_array(ev, 2);
	GError *error = NULL;

	simtest_params(&p);
	p.cost_source = DS_COST_TRACE;
	g_assert_null(ds_sim_run(&p, prof, src, 1, &error));
	g_assert_nonnull(strstr(error->message, "more than 1000 s"));
	g_clear_error(&error);
	ds_source_close(src);

	ev[0] = simtest_release(1000, 100, 0, 1);
	prof->wake_latency_ns = G_MAXUINT64;
	src = ds_source_new_array(ev, 2);
	g_assert_null(ds_sim_run(&p, prof, src, 1, &error));
	g_assert_nonnull(strstr(error->message, "wake_latency_ns"));
	g_clear_error(&error);
	ds_source_close(src);
	ds_profile_free(prof);
}

static gint ts_cmp(gconstpointer a, gconstpointer b)
{
	const struct ds_event *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/*
 * Many short-lived tasks: 600 pids, each two releases 3 us apart and an exit 3 us later, a new
 * pid starting every 2 us on one of 4 CPUs, so a few live at once and hundreds finish: a
 * finished task is kept until no queued event names it and freed by a sweep of them all once
 * they outnumber the queue by 64 (engine.c's ds_engine_bury(); here about 16 sweeps, each
 * freeing all it holds).  Expectations from the stream itself: 1 200
 * releases, 600 rows of two releases each, every one exited; conservation; under sync each
 * task ends when it did in the recording.  Run under ASan in CI, this is also the check that
 * no finished task is read after it was freed.
 */
static void test_many_tasks(void)
{
	g_autoptr(GArray) evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	const char *policies[] = { "sync", "v3" };
	struct simtest_counts c;

	for (int32_t k = 0; k < 600; k++) {
		uint64_t t0 = 1000000 + 2000 * (uint64_t)k;
		uint16_t cpu = (uint16_t)(k % 4);
		struct ds_event e[3] = {
			simtest_release_dur(t0, 1000 + k, cpu, (uint64_t)k * 2, 500, false),
			simtest_release_dur(t0 + 3001, 1000 + k, cpu, (uint64_t)k * 2 + 1, 500, false),
			simtest_exit(t0 + 6002, 1000 + k, cpu),
		};

		g_array_append_vals(evs, e, 3);
	}
	g_array_sort(evs, ts_cmp);	/* (offsets 0, 3001, 6002 every 2000 ns: no ties) */
	simtest_count(evs, 4, &c);
	for (size_t i = 0; i < G_N_ELEMENTS(policies); i++) {
		struct ds_params p;
		struct ds_results *r;

		ds_params_init(&p);
		g_assert_true(ds_params_set(&p, "policy", policies[i], NULL));
		p.cost_source = DS_COST_TRACE;
		p.check_invariants = true;
		p.pool_pages = 1;
		r = simtest_run_hand(evs, &p, 4);
		simtest_assert_conservation(r, &c);
		g_assert_cmpuint(r->releases, ==, 1200);
		g_assert_cmpuint(r->tasks->len, ==, 600);
		for (guint k = 0; k < r->tasks->len; k++) {
			const struct ds_task_result *t =
				&g_array_index(r->tasks, struct ds_task_result, k);

			g_assert_cmpuint(t->releases, ==, 2);
			g_assert_true(t->exited);
			if (i == 0)
				g_assert_cmpuint(t->sim_end_ts, ==, t->rec_end_ts);
		}
		ds_results_free(r);
	}
	simtest_counts_clear(&c);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/model/conservation", test_conservation);
	g_test_add_func("/sim/model/remap-cpus", test_remap_cpus);
	g_test_add_func("/sim/model/large-pool", test_large_pool);
	g_test_add_func("/sim/model/pool-zero", test_pool_zero);
	g_test_add_func("/sim/model/fallbacks-monotonic", test_fallbacks_monotonic);
	g_test_add_func("/sim/model/sync-reproduces", test_sync_reproduces);
	g_test_add_func("/sim/model/determinism", test_determinism);
	g_test_add_func("/sim/model/lookahead-exact", test_lookahead_exact);
	g_test_add_func("/sim/model/read-in-place", test_read_in_place);
	g_test_add_func("/sim/model/timeseries", test_timeseries);
	g_test_add_func("/sim/model/lost-events", test_lost_events);
	g_test_add_func("/sim/model/out-of-order", test_out_of_order);
	g_test_add_func("/sim/model/run-errors", test_run_errors);
	g_test_add_func("/sim/model/empty", test_empty);
	g_test_add_func("/sim/model/huge-numbers", test_huge_numbers);
	g_test_add_func("/sim/model/many-tasks", test_many_tasks);
	return g_test_run();
}
