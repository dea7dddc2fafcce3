// SPDX-License-Identifier: MIT
/*
 * test_analytic.c - the analytic cross-check (sim/analytic.c): the formulas against closed
 * forms worked out by hand, the arrival statistics on hand-made arrivals, and the formulas as
 * oracles for the simulator on synthetic Poisson traces.
 *
 * The oracle runs: `synth poisson` releases, one task each (so no policy moves an arrival),
 * zswap with page_size 8 (CAP = 1: every release is a swap attempt, so attempts are exactly
 * Poisson), a profile whose only cost is the worker's 1000 ns per value (D = 1000 ns per
 * page: no lock, no per-page cost), 16 virtual CPUs for 4 recorded ones and busy_gap_ns 0
 * (the releases cost nothing on their CPUs, the tasks sleep between them, and at most 8
 * drainers run at once: a worker always finds an idle CPU and is never slowed), and:
 *  - Erlang-B: as many drainers as pages, no wake-up latency: every page is held exactly D,
 *    independently: M/D/c/c, whose blocking is Erlang-B (insensitivity);
 *  - M/D/1/K: one drainer, no wake-up latency, c = K pages;
 *  - M/D/1 (+ set-up): one drainer, a pool too large to block, wake-up 0 or fixed.
 * Tolerances.  Blocking over N attempts is a correlated 0/1 sequence; its standard error is
 * about sqrt(B(1-B)(1+2m)/N) with m the number of attempts a holding period spans (a for
 * Erlang-B, K*rho for M/D/1/K); the tests allow 4 of those (a false alarm < 1e-4).  The mean
 * wait of M/D/1 at rho <= 0.8 over 1e5 arrivals has a relative standard error of about 1.5%
 * (its relaxation time, D/(1-sqrt(rho))^2 ~ 90 D, gives ~1000 independent stretches); the
 * tests allow 5%.  The models are evaluated at the nominal rate; the realised rate of 1e5
 * arrivals differs by ~0.3%, which moves the M/D/1 wait by up to 1.6% at rho = 0.8 (included
 * in the 5%).  Measured over 8 seeds with the realised rate: Erlang-B within 0.002 absolute,
 * M/D/1/K within 0.0016, M/D/1 within 2%.
 */
#include <math.h>
#include <string.h>

#include "ds_analytic.h"
#include "synthtest.h"

#define N_ARRIVALS 100000
#define D_NS 1000.0

/* --- formulas against hand-worked closed forms ------------------------------------------ */

static void test_erlang_closed_forms(void)
{
	const double loads[] = { 0.1, 0.5, 1.0, 2.5, 10.0 };

	for (size_t i = 0; i < G_N_ELEMENTS(loads); i++) {
		double a = loads[i];

		g_assert_cmpfloat_with_epsilon(ds_erlang_b(0, a), 1.0, 1e-15);
		/* one server: a / (1 + a) */
		g_assert_cmpfloat_with_epsilon(ds_erlang_b(1, a), a / (1 + a), 1e-12);
		/* two: (a^2/2) / (1 + a + a^2/2) */
		g_assert_cmpfloat_with_epsilon(ds_erlang_b(2, a),
					       (a * a / 2) / (1 + a + a * a / 2), 1e-12);
		/* three: (a^3/6) / (1 + a + a^2/2 + a^3/6) */
		g_assert_cmpfloat_with_epsilon(ds_erlang_b(3, a), (a * a * a / 6) /
					       (1 + a + a * a / 2 + a * a * a / 6), 1e-12);
	}
	/* B(4, 3) = (81/24) / (1 + 3 + 9/2 + 27/6 + 81/24) = 3.375 / 16.375 */
	g_assert_cmpfloat_with_epsilon(ds_erlang_b(4, 3.0), 3.375 / 16.375, 1e-12);
	g_assert_cmpfloat(ds_erlang_b(5, 0.0), ==, 0.0);
}

/* Large c: the recurrence against the direct formula, summed in logs (no overflow). */
static void test_erlang_large(void)
{
	const unsigned int c = 300;
	const double a = 280.0;
	double m = -INFINITY, s = 0, direct;

	for (unsigned int k = 0; k <= c; k++)
		m = MAX(m, k * log(a) - lgamma(k + 1.0));
	for (unsigned int k = 0; k <= c; k++)
		s += exp(k * log(a) - lgamma(k + 1.0) - m);
	direct = exp(c * log(a) - lgamma(c + 1.0) - m) / s;
	g_assert_cmpfloat_with_epsilon(ds_erlang_b(c, a), direct, 1e-10);
	/* blocking falls as servers are added */
	for (unsigned int k = 1; k < 50; k++)
		g_assert_cmpfloat(ds_erlang_b(k, 20.0), <, ds_erlang_b(k - 1, 20.0));
}

/*
 * M/D/1/K.  K = 1 is a one-server loss system: rho / (1 + rho) whatever the service law.
 * K = 2, by hand: the departure-epoch chain has states {0, 1}; balance across the cut:
 * pi_1 e^-rho = pi_0 P(A >= 1) = pi_0 (1 - e^-rho), so pi_1 = pi_0 (e^rho - 1) and normalised
 * pi_0 = e^-rho; blocking p_2 = 1 - 1 / (pi_0 + rho) = 1 - 1 / (e^-rho + rho).
 */
static void test_md1k_closed_forms(void)
{
	const double rhos[] = { 0.05, 0.3, 0.8, 1.0, 1.5, 4.0, 20.0 };

	for (size_t i = 0; i < G_N_ELEMENTS(rhos); i++) {
		double r = rhos[i];

		g_assert_cmpfloat_with_epsilon(ds_md1k_block(1, r), r / (1 + r), 1e-12);
		g_assert_cmpfloat_with_epsilon(ds_md1k_block(2, r), 1 - 1 / (exp(-r) + r), 1e-12);
		/* more room, less blocking */
		g_assert_cmpfloat(ds_md1k_block(3, r), <, ds_md1k_block(2, r));
	}
	/* limits: rho < 1 and large K, nothing blocks; rho = 2, the lost fraction 1 - 1/rho */
	g_assert_cmpfloat(ds_md1k_block(2000, 0.5), <, 1e-12);
	g_assert_cmpfloat_with_epsilon(ds_md1k_block(2000, 2.0), 0.5, 1e-9);
	g_assert_cmpfloat_with_epsilon(ds_md1k_block(64, 50.0), 1 - 1 / 50.0, 1e-6);
	g_assert_cmpfloat(ds_md1k_block(4, 0.0), ==, 0.0);
	g_assert_cmpfloat(ds_md1k_block(0, 0.5), ==, 1.0);
}

/*
 * M/D/1: rho D / (2 (1 - rho)); D = 1000, lambda = 1/2000 per ns: 500 ns.  With a fixed
 * set-up U = 500: + (2*500 + lambda*500^2) / (2 (1 + lambda*500)) = 1125 / 2.5 = 450.
 */
static void test_md1_hand(void)
{
	g_assert_cmpfloat_with_epsilon(ds_md1_wait(1.0 / 2000, 1000, 0, 0), 500.0, 1e-9);
	g_assert_cmpfloat_with_epsilon(ds_md1_wait(1.0 / 2000, 1000, 500, 250000), 950.0, 1e-9);
	g_assert_cmpfloat_with_epsilon(ds_md1_wait(0.8 / 1000, 1000, 0, 0), 2000.0, 1e-9);
	g_assert_cmpfloat(ds_md1_wait(1.0 / 1000, 1000, 0, 0), <, 0);
	g_assert_cmpfloat(ds_md1_wait(2.0 / 1000, 1000, 0, 0), <, 0);
}

/*
 * Arrivals at 0, 1024, 1024, 5000 ns.  Gaps 1024, 0, 3976: mean 5000/3, sample variance
 * (16857152 - 3 (5000/3)^2) / 2 = 4261909.33, CV = 2064.44 / 1666.67 = 1.23866.  In
 * 1024-ns windows the closed ones hold 1, 2, 0, 0 (the fifth, with t = 5000, is open):
 * mean 0.75, sample variance (5 - 4 * 0.5625) / 3 = 0.91667, IDC 1.22222.
 */
static void test_arrivals_hand(void)
{
	struct ds_arrivals a;

	memset(&a, 0, sizeof(a));
	ds_arrivals_observe(&a, 1, 0);
	ds_arrivals_observe(&a, 3, 1024);
	ds_arrivals_observe(&a, 3, 2000);	/* no new arrival */
	ds_arrivals_observe(&a, 4, 5000);
	g_assert_cmpuint(a.n, ==, 4);
	g_assert_cmpuint(a.first_ts, ==, 0);
	g_assert_cmpuint(a.last_ts, ==, 5000);
	g_assert_cmpfloat_with_epsilon(ds_arrivals_cv(&a), 1.23866, 1e-4);
	g_assert_cmpfloat_with_epsilon(ds_arrivals_idc(&a, 0, 2), 1.22222, 1e-4);
	g_assert_cmpfloat(ds_arrivals_idc(&a, 0, 5), <, 0);	/* too few windows */
}

/* Regular arrivals: CV 0 and IDC near 0; Poisson ones: both near 1. */
static void test_arrivals_shapes(void)
{
	struct ds_arrivals reg, poi;
	GRand *r = g_rand_new_with_seed(7);
	uint64_t t = 0;

	memset(&reg, 0, sizeof(reg));
	memset(&poi, 0, sizeof(poi));
	for (uint64_t i = 1; i <= 100000; i++) {
		ds_arrivals_observe(&reg, i, i * 1000);
		t += (uint64_t)llround(-1000.0 * log1p(-g_rand_double(r)));
		ds_arrivals_observe(&poi, i, t);
	}
	g_assert_cmpfloat(ds_arrivals_cv(&reg), <, 1e-9);
	/* windows of 16384 ns hold 16 or 17 regular arrivals: variance < 0.25, mean ~16.4 */
	g_assert_cmpfloat(ds_arrivals_idc(&reg, 4, 20), <, 0.02);
	/* Poisson: CV's standard error ~ 1/sqrt(1e5) = 0.003; IDC over ~6100 windows ~ 0.018 */
	g_assert_cmpfloat(fabs(ds_arrivals_cv(&poi) - 1), <, 0.015);
	g_assert_cmpfloat(fabs(ds_arrivals_idc(&poi, 4, 20) - 1), <, 0.08);
	g_rand_free(r);
}

/* --- the simulator against the formulas -------------------------------------------------- */

static struct ds_profile *oracle_profile(uint64_t wake_ns, enum ds_dist dist)
{
	struct ds_profile *p = ds_profile_new_default();

	p->push_ns = p->swap_ns = p->queue_work_ns = p->lock_ns = p->drain_page_ns = 0;
	p->zs_class_hold_ns = p->lock_handover_ns = 0;	/* no lock holds time: none waits */
	p->wake_latency_ns = wake_ns;
	p->wake_dist = dist;
	p->drain_entry_ns[DS_BE_ZSWAP] = (uint64_t)D_NS;
	/* a fallback costs its task nothing: no worker ever shares a CPU with one (one task per
	 * release: its cost would move no arrival anyway) */
	p->sync_free_ns[DS_BE_ZSWAP] = 0;
	return p;
}

/* Poisson releases at @rate per second through v3 with @pool pages and @drainers. */
static struct ds_results *oracle_run(double rate, int64_t pool, unsigned int drainers,
				     const struct ds_profile *prof, uint64_t seed)
{
	g_autofree char *r = g_strdup_printf("rate=%.1f", rate);
	g_autofree char *s = g_strdup_printf("seed=%" G_GUINT64_FORMAT, seed);
	g_autofree char *n = g_strdup_printf("count=%d", N_ARRIVALS);
	struct ds_synth_params sp = synthtest_params("poisson", "backend=zswap", "cpus=4", r, s,
						     n, "cost=fixed:1000", NULL);
	struct ds_params p;
	struct ds_source *src;
	struct ds_results *res;
	GError *err = NULL;

	ds_params_init(&p);
	g_assert_true(ds_params_set(&p, "policy", "v3", NULL));
	g_assert_true(ds_params_set(&p, "page_size", "8", NULL));
	g_assert_true(ds_params_set(&p, "cost_source", "profile", NULL));
	g_assert_true(ds_params_set(&p, "cpus", "16", NULL));
	/* the tasks' gaps are sleep: a worker never shares a CPU with a thinking task */
	g_assert_true(ds_params_set(&p, "busy_gap_ns", "0", NULL));
	p.pool_pages = pool;
	p.drainers_per_pool = drainers;
	src = ds_synth_open(&sp, &err);
	g_assert_no_error(err);
	res = ds_sim_run(&p, prof, src, 4, &err);
	g_assert_no_error(err);
	ds_source_close(src);
	g_assert_cmpuint(res->be[DS_BE_ZSWAP].cap, ==, 1);
	g_assert_cmpuint(res->be[DS_BE_ZSWAP].releases, ==, N_ARRIVALS);
	return res;
}

static double sim_block(const struct ds_results *r)
{
	const struct ds_backend_result *b = &r->be[DS_BE_ZSWAP];

	return (double)b->swap_failures / (double)(b->swaps + b->swap_failures);
}

static void assert_close(double sim, double model, double tol, const char *what)
{
	if (fabs(sim - model) > tol)
		g_error("%s: simulated %.5f, model %.5f, tolerance %.5f", what, sim, model, tol);
	g_test_message("%s: simulated %.5f, model %.5f (tolerance %.5f)", what, sim, model, tol);
}

/* M/D/c/c: c drainers for c pages, no wake-up latency. */
static void test_sim_erlang(void)
{
	const struct { unsigned int c; double a; } cases[] = { { 2, 1.0 }, { 4, 3.0 }, { 8, 4.0 } };
	struct ds_profile *prof = oracle_profile(0, DS_DIST_FIXED);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		unsigned int c = cases[i].c;
		double a = cases[i].a, b = ds_erlang_b(c, a);
		struct ds_results *r = oracle_run(a / D_NS * 1e9, c, c, prof, 1 + i);
		const struct ds_backend_result *x = &r->be[DS_BE_ZSWAP];
		double tol = 4 * sqrt(b * (1 - b) * (1 + 2 * a) / N_ARRIVALS);
		struct ds_analytic an;
		g_autofree char *what = g_strdup_printf("Erlang-B c=%u a=%.1f", c, a);

		assert_close(sim_block(r), b, tol, what);
		/* every attempt is a release: CAP 1 */
		g_assert_cmpuint(x->swaps + x->swap_failures, ==, N_ARRIVALS);
		/* a failed attempt is a fallback, but for the first one of each stranded CPU */
		g_assert_cmpuint(x->fallbacks, <=, x->swap_failures);
		g_assert_cmpuint(x->fallbacks + 4, >=, x->swap_failures);
		ds_analytic_compute(r, prof, DS_BE_ZSWAP, &an);
		g_assert_true(an.valid);
		g_assert_cmpfloat_with_epsilon(an.sim_block, sim_block(r), 1e-12);
		g_assert_cmpfloat_with_epsilon(an.drain_ns, D_NS, 1.0);
		assert_close(an.erlang_b, b, tol, "analytic Erlang-B with the measured rate");
		g_assert_cmpstr(an.erlang_verdict, ==, "reliable");
		ds_results_free(r);
	}
	ds_profile_free(prof);
}

/* One drainer, c = K pages, no wake-up latency. */
static void test_sim_md1k(void)
{
	const struct { unsigned int k; double rho; } cases[] = {
		{ 2, 0.8 }, { 4, 0.8 }, { 4, 1.5 },
	};
	struct ds_profile *prof = oracle_profile(0, DS_DIST_FIXED);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		unsigned int k = cases[i].k;
		double rho = cases[i].rho, b = ds_md1k_block(k, rho);
		struct ds_results *r = oracle_run(rho / D_NS * 1e9, k, 1, prof, 10 + i);
		double tol = 4 * sqrt(b * (1 - b) * (1 + 2 * k * rho) / N_ARRIVALS);
		struct ds_analytic an;
		g_autofree char *what = g_strdup_printf("M/D/1/K K=%u rho=%.1f", k, rho);

		assert_close(sim_block(r), b, tol, what);
		ds_analytic_compute(r, prof, DS_BE_ZSWAP, &an);
		g_assert_cmpstr(an.md1k_verdict, ==, "reliable");
		ds_results_free(r);
	}
	ds_profile_free(prof);
}

/*
 * One drainer, a pool that never blocks.  The simulated wait two ways: from each value's
 * drain latency (pushed at its release, freed when its page's drain of D ends: latency =
 * wait + D), and from the pool's occupancy by Little's law (ds_analytic's sim_wait_ns).
 */
static void test_sim_md1(void)
{
	const struct { double rho; uint64_t wake; enum ds_dist dist; } cases[] = {
		{ 0.5, 0, DS_DIST_FIXED }, { 0.8, 0, DS_DIST_FIXED }, { 0.5, 500, DS_DIST_FIXED },
		{ 0.5, 500, DS_DIST_EXP },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct ds_profile *prof = oracle_profile(cases[i].wake, cases[i].dist);
		double lambda = cases[i].rho / D_NS, u = (double)cases[i].wake;
		double u2 = cases[i].dist == DS_DIST_EXP ? 2 * u * u : u * u;
		double w = ds_md1_wait(lambda, D_NS, u, u2);
		struct ds_results *r = oracle_run(lambda * 1e9, 1000000, 1, prof, 20 + i);
		const struct ds_hist *h = &r->be[DS_BE_ZSWAP].drain_latency;
		struct ds_analytic an;
		g_autofree char *what = g_strdup_printf("M/D/1 rho=%.1f wake=%" G_GUINT64_FORMAT
							"%s", cases[i].rho, cases[i].wake,
							cases[i].dist == DS_DIST_EXP ? " exp" : "");

		g_assert_cmpuint(r->be[DS_BE_ZSWAP].swap_failures, ==, 0);
		g_assert_cmpuint(h->count, ==, N_ARRIVALS);
		assert_close(h->sum / (double)h->count - D_NS, w, 0.05 * w, what);
		ds_analytic_compute(r, prof, DS_BE_ZSWAP, &an);
		assert_close(an.sim_wait_ns, w, 0.05 * w, "the same from the pool occupancy");
		g_assert_cmpstr(an.md1_verdict, ==, "reliable");
		ds_results_free(r);
		ds_profile_free(prof);
	}
}

/* A munmap burst: swaps every CAP releases of one CPU, far from Poisson: said so. */
static void test_verdict_bursty(void)
{
	struct ds_synth_params sp = synthtest_params("munmap", "size_mib=64", "cpus=2", NULL);
	struct ds_profile *prof = ds_profile_new_default();
	struct ds_params p;
	struct ds_source *src = ds_synth_open(&sp, NULL);
	struct ds_results *r;
	struct ds_analytic an;

	ds_params_init(&p);
	r = ds_sim_run(&p, prof, src, 2, NULL);
	g_assert_nonnull(r);
	ds_analytic_compute(r, prof, DS_BE_ZRAM, &an);
	g_assert_true(an.valid);
	g_assert_cmpuint(an.arrivals, ==, 16);	/* 16384 releases, 1024 per page */
	g_assert_true(g_str_has_prefix(an.erlang_verdict, "unreliable: only 16 swap attempts"));
	ds_analytic_compute(r, prof, DS_BE_ZSWAP, &an);
	g_assert_false(an.valid);
	ds_results_free(r);
	ds_source_close(src);
	ds_profile_free(prof);
}

/* Regular arrivals with enough of them: CV named in the verdict. */
static void test_verdict_regular(void)
{
	struct ds_synth_params sp = synthtest_params("munmap", "size_mib=64", "cpus=1",
						     "cost=fixed:1000", "gap=fixed:0", NULL);
	struct ds_profile *prof = ds_profile_new_default();
	struct ds_params p;
	struct ds_source *src = ds_synth_open(&sp, NULL);
	struct ds_results *r;
	struct ds_analytic an;

	ds_params_init(&p);
	g_assert_true(ds_params_set(&p, "page_size", "64", NULL));	/* CAP 16: 1024 swaps */
	/* the profile's drain (16 x 241 ns a page) keeps up: no failed swap adds attempts */
	g_assert_true(ds_params_set(&p, "cost_source", "profile", NULL));
	r = ds_sim_run(&p, prof, src, 1, NULL);
	ds_analytic_compute(r, prof, DS_BE_ZRAM, &an);
	g_assert_cmpuint(an.arrivals, ==, 1024);
	g_assert_cmpfloat(an.cv, <, 0.5);	/* one CPU shared with the worker: not quite 0 */
	g_assert_nonnull(strstr(an.erlang_verdict, "regular arrivals (CV="));
	g_assert_nonnull(strstr(an.md1_verdict, "regular arrivals (CV="));
	ds_results_free(r);
	ds_source_close(src);
	ds_profile_free(prof);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/synth/analytic/erlang-closed-forms", test_erlang_closed_forms);
	g_test_add_func("/synth/analytic/erlang-large", test_erlang_large);
	g_test_add_func("/synth/analytic/md1k-closed-forms", test_md1k_closed_forms);
	g_test_add_func("/synth/analytic/md1-hand", test_md1_hand);
	g_test_add_func("/synth/analytic/arrivals-hand", test_arrivals_hand);
	g_test_add_func("/synth/analytic/arrivals-shapes", test_arrivals_shapes);
	g_test_add_func("/synth/analytic/sim-erlang", test_sim_erlang);
	g_test_add_func("/synth/analytic/sim-md1k", test_sim_md1k);
	g_test_add_func("/synth/analytic/sim-md1", test_sim_md1);
	g_test_add_func("/synth/analytic/verdict-bursty", test_verdict_bursty);
	g_test_add_func("/synth/analytic/verdict-regular", test_verdict_regular);
	return g_test_run();
}
