// SPDX-License-Identifier: MIT
/*
 * test_sweep_size.c - `defersim size`'s pieces: targets as text, the search on hand-made
 * fallback curves (answers and visited sizes worked out in the comments), the report of
 * non-monotone curves, the early stop when the pool never runs out, a synthetic stream whose
 * need is known by construction (and moves as hand-computed when its wake-up is scaled x0.5
 * and x2), and the search against a linear scan of every pool size with the simulator on
 * generated streams.
 */
#include <math.h>
#include <string.h>

#include "ds_sweep.h"
#include "simtest.h"

static void test_fraction(void)
{
	static const struct { const char *text; double want; } ok[] = {
		{ "0.1%", 0.001 }, { "0.001", 0.001 }, { "5%", 0.05 }, { "100%", 1.0 },
		{ "0", 0.0 }, { "0%", 0.0 }, { "1", 1.0 }, { "2.5e-3", 0.0025 },
	};
	static const char *const bad[] = { "abc", "150%", "-1%", "0.1 %", "5ms", "", "%", "1.5" };
	double v;

	for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
		g_assert_true(ds_parse_fraction(ok[i].text, &v, NULL));
		g_assert_cmpfloat_with_epsilon(v, ok[i].want, 1e-15);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		GError *error = NULL;

		g_assert_false(ds_parse_fraction(bad[i], &v, &error));
		g_assert_nonnull(strstr(error->message, bad[i]));
		g_error_free(error);
	}
}

static void test_duration(void)
{
	static const struct { const char *text; uint64_t want; } ok[] = {
		{ "5ms", 5000000 }, { "200us", 200000 }, { "1s", 1000000000 },
		{ "1.5s", 1500000000 }, { "750ns", 750 }, { "0", 0 }, { "0.5us", 500 },
	};
	static const char *const bad[] = { "5", "-1ms", "5 ms", "5min", "ms", "", "1e30s" };
	uint64_t v;

	for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
		g_assert_true(ds_parse_duration(ok[i].text, &v, NULL));
		g_assert_cmpuint(v, ==, ok[i].want);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		GError *error = NULL;

		g_assert_false(ds_parse_duration(bad[i], &v, &error));
		g_assert_nonnull(error);
		g_error_free(error);
	}
}

/* A fallback curve given as a function of the pool size, over 1000 releases. */
typedef uint64_t (*curve_fn)(int64_t pages);

static uint64_t linear_curve(int64_t p)
{
	return p >= 100 ? 0 : (uint64_t)(1000 - 10 * p);	/* 1000 - 10p, floor 0 */
}

static uint64_t bumpy_curve(int64_t p)
{
	return p == 2 ? 60 : (uint64_t)MAX(0, 100 - 50 * p);	/* 100, 50, 60, 0, 0 ... */
}

static struct ds_size_search *run_search(curve_fn f, double target, int64_t max_pages,
					 GArray *order)
{
	struct ds_size_targets t = { .fallback_rate = target };
	struct ds_size_search *s = ds_size_search_new(&t, max_pages);
	int64_t pages;

	while (ds_size_search_next(s, &pages)) {
		struct ds_size_eval ev = { .pool_pages = pages, .releases = 1000,
					   .fallbacks = f(pages) };

		ev.fallback_rate = (double)ev.fallbacks / 1000.0;
		g_array_append_val(order, pages);
		ds_size_search_feed(s, &ev);
		g_assert_cmpuint(order->len, <, 100);	/* it terminates */
	}
	return s;
}

static void assert_order(GArray *order, const int64_t *want, guint n)
{
	g_assert_cmpuint(order->len, ==, n);
	for (guint i = 0; i < n; i++)
		g_assert_cmpint(g_array_index(order, int64_t, i), ==, want[i]);
}

static void test_search_linear(void)
{
	/* target 5%: 1000 - 10p <= 50 <=> p >= 95.  0 fails, 1 2 4 .. 64 fail, 128 meets; then
	 * bisection of (64, 128): 96 meets, 80 fails, 88 fails, 92 fails, 94 fails, 95 meets. */
	static const int64_t want[] = { 0, 1, 2, 4, 8, 16, 32, 64, 128, 96, 80, 88, 92, 94, 95 };
	g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(int64_t));
	struct ds_size_search *s = run_search(linear_curve, 0.05, 65536, order);
	g_autoptr(GArray) viol = ds_size_search_violations(s);

	assert_order(order, want, G_N_ELEMENTS(want));
	g_assert_cmpint(ds_size_search_answer(s), ==, 95);
	g_assert_true(ds_size_search_lookup(s, 95)->meets);
	g_assert_false(ds_size_search_lookup(s, 94)->meets);
	g_assert_null(ds_size_search_lookup(s, 93));
	g_assert_cmpuint(viol->len, ==, 0);
	ds_size_search_free(s);
}

static void test_search_limits(void)
{
	g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(int64_t));
	struct ds_size_search *s;

	/* the limit is below the answer: 0 .. 64 then the limit 90 itself; all fail */
	s = run_search(linear_curve, 0.05, 90, order);
	assert_order(order, (const int64_t[]){ 0, 1, 2, 4, 8, 16, 32, 64, 90 }, 9);
	g_assert_cmpint(ds_size_search_answer(s), ==, -1);
	ds_size_search_free(s);
	/* the limit is the answer: found at the limit, and 94 shows why 94 is not enough */
	g_array_set_size(order, 0);
	s = run_search(linear_curve, 0.05, 95, order);
	g_assert_cmpint(ds_size_search_answer(s), ==, 95);
	g_assert_false(ds_size_search_lookup(s, 94)->meets);
	ds_size_search_free(s);
	/* everything meets a 100% target: 0 is the answer after one run */
	g_array_set_size(order, 0);
	s = run_search(linear_curve, 1.0, 65536, order);
	assert_order(order, (const int64_t[]){ 0 }, 1);
	g_assert_cmpint(ds_size_search_answer(s), ==, 0);
	ds_size_search_free(s);
	/* --max-pages 0 with a target 0 cannot do: one run */
	g_array_set_size(order, 0);
	s = run_search(linear_curve, 0.0, 0, order);
	assert_order(order, (const int64_t[]){ 0 }, 1);
	g_assert_cmpint(ds_size_search_answer(s), ==, -1);
	ds_size_search_free(s);
}

static void test_search_nonmonotone(void)
{
	/* target 0: 0 (100) 1 (50) 2 (60) fail, 4 (0) meets, 3 (0) meets -> 3.  The visited
	 * neighbours 1 -> 2 go from 50 to 60 fallbacks: reported. */
	g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(int64_t));
	struct ds_size_search *s = run_search(bumpy_curve, 0.0, 65536, order);
	g_autoptr(GArray) viol = ds_size_search_violations(s);

	assert_order(order, (const int64_t[]){ 0, 1, 2, 4, 3 }, 5);
	g_assert_cmpint(ds_size_search_answer(s), ==, 3);
	g_assert_cmpuint(viol->len, ==, 2);
	g_assert_cmpint(g_array_index(viol, struct ds_size_eval, 0).pool_pages, ==, 1);
	g_assert_cmpint(g_array_index(viol, struct ds_size_eval, 1).pool_pages, ==, 2);
	ds_size_search_free(s);
}

/* p99 curve of a pool that never runs out from 1 page on: 0 fails with fallbacks, 1 fails on
 * p99 alone with no fallback and no failed swap (saturated), so the search tries max_pages
 * next and stops there: 3 runs, not the 18 of doubling up to 65536. */
static struct ds_size_search *run_p99(int64_t max_pages, uint64_t p99_at_max, GArray *order)
{
	struct ds_size_targets t = { .fallback_rate = 0, .p99_ns = 1000, .has_p99 = TRUE };
	struct ds_size_search *s = ds_size_search_new(&t, max_pages);
	int64_t pages;

	while (ds_size_search_next(s, &pages)) {
		struct ds_size_eval ev = { .pool_pages = pages, .releases = 1000, .deferred = 10 };

		ev.fallbacks = pages ? 0 : 1000;
		ev.swap_failures = pages ? 0 : 1;
		ev.fallback_rate = pages ? 0.0 : 1.0;
		ev.p99_ns = pages == max_pages ? p99_at_max : 5000;
		g_array_append_val(order, pages);
		ds_size_search_feed(s, &ev);
		g_assert_cmpuint(order->len, <, 100);
	}
	return s;
}

static void test_search_saturated(void)
{
	g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(int64_t));
	struct ds_size_search *s = run_p99(65536, 5000, order);

	assert_order(order, (const int64_t[]){ 0, 1, 65536 }, 3);
	g_assert_cmpint(ds_size_search_answer(s), ==, -1);
	g_assert_true(ds_size_search_unmet_by_pool(s));
	g_assert_true(ds_size_eval_saturated(ds_size_search_lookup(s, 1)));
	ds_size_search_free(s);
	/* the shortcut only skips sizes: when max_pages meets after all (a policy whose pool
	 * size changes something else), bisection of (1, 64) finds the smallest meeting size,
	 * here 64 itself since only 64 meets: 32, 48, 56, 60, 62, 63 fail */
	g_array_set_size(order, 0);
	s = run_p99(64, 500, order);
	assert_order(order, (const int64_t[]){ 0, 1, 64, 32, 48, 56, 60, 62, 63 }, 9);
	g_assert_cmpint(ds_size_search_answer(s), ==, 64);
	g_assert_false(ds_size_search_unmet_by_pool(s));
	ds_size_search_free(s);
	/* a failing limit whose pool ran out is "raise --max-pages", not "no pool can help" */
	g_array_set_size(order, 0);
	s = run_search(linear_curve, 0.05, 90, order);
	g_assert_cmpint(ds_size_search_answer(s), ==, -1);
	g_assert_false(ds_size_search_unmet_by_pool(s));
	ds_size_search_free(s);
}

/* --- against the simulator ---------------------------------------------------------------- */

static struct ds_size_eval sim_eval(const GArray *evs, const struct ds_profile *prof,
				    int64_t pages, unsigned int ncpus)
{
	struct ds_params p;
	struct ds_results *r;
	struct ds_size_eval ev = { 0 };

	simtest_params(&p);
	p.pool_pages = pages;
	r = simtest_run(evs, &p, prof, ncpus);
	ds_size_eval_from_results(r, &ev);
	ds_results_free(r);
	return ev;
}

/* A generated stream and a worker slower than the releases, so that pages pile up. */
struct scan_case {
	guint32 seed;
	unsigned int ntasks, releases, ncpus;
	gboolean zswap;
	double target;
	uint64_t drain_ns;	/* per value, both backends */
	uint64_t wake_ns;
};

static void scan_case(const struct scan_case *c)
{
	GArray *evs = simtest_generate(c->seed, c->ntasks, c->releases, c->ncpus, c->zswap, true);
	struct ds_profile *prof = simtest_profile();
	struct ds_size_targets t = { .fallback_rate = c->target };
	g_autoptr(GArray) scan = g_array_new(FALSE, FALSE, sizeof(struct ds_size_eval));
	struct ds_size_search *s;
	int64_t linear = -1, pages, max_pages;
	gboolean monotone = TRUE;

	prof->drain_entry_ns[DS_BE_ZRAM] = prof->drain_entry_ns[DS_BE_ZSWAP] = c->drain_ns;
	prof->wake_latency_ns = c->wake_ns;
	/* every size from 0 until fallbacks are 0 at three sizes in a row */
	for (int64_t p = 0, zeros = 0; zeros < 3; p++) {
		struct ds_size_eval ev = sim_eval(evs, prof, p, c->ncpus);

		g_assert_cmpint(p, <, 4096);
		g_array_append_val(scan, ev);
		zeros = ev.fallbacks ? 0 : zeros + 1;
		if (linear < 0 && ds_size_meets(&t, &ev, NULL))
			linear = p;
		if (p && ev.fallbacks > g_array_index(scan, struct ds_size_eval, p - 1).fallbacks)
			monotone = FALSE;
	}
	g_assert_cmpint(linear, >=, 0);
	max_pages = (int64_t)scan->len * 4;
	s = ds_size_search_new(&t, max_pages);
	while (ds_size_search_next(s, &pages)) {
		struct ds_size_eval ev = pages < (int64_t)scan->len ?
			g_array_index(scan, struct ds_size_eval, pages) :
			sim_eval(evs, prof, pages, c->ncpus);

		ds_size_search_feed(s, &ev);
	}
	g_test_message("seed %u target %g: linear scan %" G_GINT64_FORMAT ", search %"
		       G_GINT64_FORMAT " (%s, %u sizes scanned)", c->seed, c->target, linear,
		       ds_size_search_answer(s), monotone ? "monotone" : "not monotone", scan->len);
	if (monotone) {
		g_assert_cmpint(ds_size_search_answer(s), ==, linear);
	} else {
		/* then bisection promises only a size that meets next to one that does not */
		int64_t a = ds_size_search_answer(s);

		g_assert_true(ds_size_search_lookup(s, a)->meets);
		g_assert_true(a == 0 || !ds_size_search_lookup(s, a - 1)->meets);
	}
	ds_size_search_free(s);
	ds_profile_free(prof);
	g_array_free(evs, TRUE);
}

/*
 * A stream whose pool need is known by construction (synthetic, hand-computed): task 100 on
 * recorded CPU 0 releases @groups groups of 4 zram values (page_size 16: CAP 4, so each group
 * fills the buffer and swaps once), the groups 100 us apart, then one more value; recorded
 * CPU 1 stays idle for the worker.  The first swap queues the worker, which runs one fixed
 * wake-up W later and returns every page on the list at once (a few hundred ns of drain); the
 * swaps before that each take a pool page.  In simulated time the groups are ~99 us apart
 * (each release's think is its gap minus the 300 ns recorded sync cost, and the v3 push
 * costs 10 ns), so the need is the number of swaps in [s, s + W]: ceil(W / 99 us), with W
 * chosen far from a multiple.  With pool = need - 1 the last swap of a window fails and the
 * next release finds its buffer full: a fallback.
 */
static GArray *groups_stream(unsigned int groups)
{
	GArray *evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	uint64_t ts = 10000;
	struct ds_event ev;

	for (unsigned int g = 0; g < groups; g++)
		for (unsigned int i = 0; i < 4; i++) {
			ev = simtest_release(10000 + g * 100000ull + 400 * i, 100, 0, g * 4 + i);
			g_array_append_val(evs, ev);
		}
	ts = 10000 + groups * 100000ull;
	ev = simtest_release(ts, 100, 0, groups * 4);
	g_array_append_val(evs, ev);
	ev = simtest_exit(ts + 400, 100, 0);
	g_array_append_val(evs, ev);
	return evs;
}

static int64_t sim_answer(const GArray *evs, const struct ds_profile *prof)
{
	struct ds_size_targets t = { .fallback_rate = 0 };
	struct ds_size_search *s = ds_size_search_new(&t, 1024);
	int64_t pages, answer;

	while (ds_size_search_next(s, &pages)) {
		struct ds_size_eval ev = sim_eval(evs, prof, pages, 2);

		ds_size_search_feed(s, &ev);
	}
	answer = ds_size_search_answer(s);
	if (answer > 0)	/* exactly there: one page less falls back */
		g_assert_cmpuint(ds_size_search_lookup(s, answer - 1)->fallbacks, >, 0);
	ds_size_search_free(s);
	return answer;
}

static void test_known_need(void)
{
	GArray *evs = groups_stream(12);
	struct ds_profile *prof = simtest_profile();

	/* W = 10 ms: no page comes back during the 1.2 ms stream: all 12 swaps need a page */
	prof->wake_latency_ns = 10000000;
	g_assert_cmpint(sim_answer(evs, prof), ==, 12);
	/* W = 230 us: 2.3 group gaps -> 3 pages; x0.5 (115 us) -> 2; x2 (460 us) -> 5 */
	prof->wake_latency_ns = 230000;
	g_assert_cmpint(sim_answer(evs, prof), ==, 3);
	for (int k = 0; k < 2; k++) {
		struct ds_profile *scaled = ds_sweep_profile_dup(prof);

		g_assert_true(ds_scale_cost(scaled, "wake_latency", k ? 2.0 : 0.5, NULL));
		g_assert_cmpfloat(ds_profile_scale_of(scaled, "wake_latency_ns"), ==, k ? 2.0 : 0.5);
		g_assert_cmpint(sim_answer(evs, scaled), ==, k ? 5 : 2);
		ds_profile_free(scaled);
	}
	ds_profile_free(prof);
	g_array_free(evs, TRUE);
}

static void test_against_scan(void)
{
	static const struct scan_case cases[] = {
		{ 1, 4, 400, 2, FALSE, 0.0, 2000, 50000 },
		{ 1, 4, 400, 2, FALSE, 0.01, 2000, 50000 },
		{ 2, 8, 300, 4, TRUE, 0.0, 5000, 20000 },
		{ 3, 6, 500, 3, FALSE, 0.05, 3000, 100000 },
		{ 4, 4, 400, 1, TRUE, 0.001, 1000, 200000 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		scan_case(&cases[i]);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/size/units/fraction", test_fraction);
	g_test_add_func("/size/units/duration", test_duration);
	g_test_add_func("/size/search/linear-curve", test_search_linear);
	g_test_add_func("/size/search/limits", test_search_limits);
	g_test_add_func("/size/search/non-monotone", test_search_nonmonotone);
	g_test_add_func("/size/search/saturated-stops-early", test_search_saturated);
	g_test_add_func("/size/search/known-need-and-scaled-wake", test_known_need);
	g_test_add_func("/size/search/against-linear-scan", test_against_scan);
	return g_test_run();
}
