// SPDX-License-Identifier: MIT
/*
 * analytic.c - queueing-theory cross-check of a run (include/ds_analytic.h): Erlang-B,
 * M/D/1/K and M/D/1 with set-up times for a pool's pages, from the run's own counters, and
 * the statistics of swap arrivals they need (struct ds_arrivals, filled by pool.c).
 *
 * Nothing here feeds back into the simulation: the estimates are printed beside the
 * simulated figures, with a verdict on whether the run meets each model's assumptions.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ds_analytic.h"

/*
 * Verdict thresholds.  A Poisson process has CV = IDC = 1; with >= 50 gaps the sample CV of
 * a Poisson process stays within 0.7..1.3 in all but ~1% of samples, and with >= 20 windows
 * the IDC within 0.5..2.  Outside, the arrivals are not Poisson and the formulas are not about
 * this run.  Pages wait for each other in an Erlang-B model with fewer drainers than pages
 * once the drainers are engaged (pending or running) more than 10% of the time; M/D/1/K
 * ignores the wake-up latency, fine while it is under a tenth of a page's drain.
 */
#define MIN_GAPS 50
#define CV_LO 0.7
#define CV_HI 1.3
#define MIN_WINDOWS 20
#define IDC_LO 0.5
#define IDC_HI 2.0
#define ERLANG_MAX_ENGAGED 0.1
#define MD1K_MAX_WAKE_SHARE 0.1
#define MD1_MAX_BLOCK 0.01
/* Blocking is a steady-state probability: a run with fewer than 10 attempts per pool page
 * (a single burst through a large pool) is all transient. */
#define MIN_ATTEMPTS_PER_PAGE 10
/* M/D/1/K is O(K^2); past this K the blocking is within double precision of its limit (0
 * for rho < 1, 1 - 1/rho above) unless rho is within a few percent of 1. */
#define MD1K_MAX_K 8192

/* --- arrival statistics ------------------------------------------------------------------ */

/*
 * An arrival at @now opened a new window at scale 0 (ds_arrivals_observe(), ds_sim.h): close the
 * window being counted at each scale whose window moved, and the empty ones after it.  Window
 * k is the offset from @first_ts shifted right by DS_ARRIVAL_SCALE0 + k, and the windows being
 * counted are those of the last arrival, so the scales that moved are those below the top bit
 * where the two offsets differ: no test per scale.  The empty windows add nothing to @sumsq;
 * their number and the counts' sum follow from @window and @start (struct ds_arrivals).
 */
void ds_arrivals_window(struct ds_arrivals *a, uint64_t now)
{
	uint64_t d = now - a->first_ts;
	uint64_t diff = (d ^ (a->last_ts - a->first_ts)) >> DS_ARRIVAL_SCALE0;
	unsigned int top = diff ? MIN(64u - (unsigned int)__builtin_clzll(diff),
				      (unsigned int)DS_ARRIVAL_SCALES) : 0;

	for (unsigned int k = 0; k < top; k++) {
		/* a count is at most @n arrivals, far below 2^63: a signed conversion is exact */
		double c = (double)(int64_t)(a->n - a->scale[k].start);

		a->scale[k].sumsq += c * c;
		a->scale[k].window = d >> (DS_ARRIVAL_SCALE0 + k);
		a->scale[k].start = a->n;
	}
}

double ds_arrivals_cv(const struct ds_arrivals *a)
{
	double m, var, sum;
	uint64_t gaps = a->n ? a->n - 1 : 0;

	/* the gaps' sum: exact; the sum of the gaps as doubles it replaces was the same value
	 * while the arrivals spanned less than 2^53 ns (104 days) */
	sum = (double)(a->last_ts - a->first_ts);
	if (gaps < 2 || sum <= 0)
		return -1;
	m = sum / (double)gaps;
	var = (a->gap_sumsq - (double)gaps * m * m) / (double)(gaps - 1);
	return sqrt(MAX(var, 0.0)) / m;
}

double ds_arrivals_idc(const struct ds_arrivals *a, unsigned int scale, uint64_t min_windows)
{
	uint64_t m;
	double mean, var, sum;

	if (scale >= DS_ARRIVAL_SCALES)
		return -1;
	/* the windows closed: those before the one being counted; their counts' sum: the
	 * arrivals before it (exact in a double, as the sum of the counts was) */
	m = a->scale[scale].window;
	sum = (double)a->scale[scale].start;
	if (m < MAX(min_windows, 2) || sum <= 0)
		return -1;
	mean = sum / (double)m;
	var = (a->scale[scale].sumsq - (double)m * mean * mean) / (double)(m - 1);
	return MAX(var, 0.0) / mean;
}

/* --- the formulas ------------------------------------------------------------------------ */

double ds_erlang_b(unsigned int c, double a)
{
	double b = 1.0;

	if (!(a > 0))
		return c ? 0.0 : 1.0;
	for (unsigned int k = 1; k <= c; k++)
		b = a * b / ((double)k + a * b);
	return b;
}

/* P(A >= n) for n = 0..k of A ~ Poisson(rho), as suffix sums of the pmf (no cancellation). */
static double *poisson_tails(unsigned int k, double rho)
{
	unsigned int top = MAX(k, (unsigned int)ceil(rho + 40.0 * sqrt(rho) + 100.0));
	double *pmf = g_new(double, top + 2);
	double *tail = g_new0(double, (gsize)k + 2);
	double acc = 0;

	for (unsigned int j = 0; j <= top; j++)
		pmf[j] = exp(-rho + j * log(rho) - lgamma(j + 1.0));
	for (unsigned int j = top + 1; j-- > 0;) {
		acc += pmf[j];
		if (j <= k + 1)
			tail[j] = acc;
	}
	g_free(pmf);
	return tail;
}

double ds_md1k_block(unsigned int k, double rho)
{
	double *pi, *tail, a0, sum = 0, p0;

	if (!k)
		return 1.0;
	if (!(rho > 0))
		return 0.0;
	if (rho > 600)		/* e^-rho underflows; the queue is full but for 1/rho */
		return 1.0 - 1.0 / rho;
	k = MIN(k, MD1K_MAX_K);
	tail = poisson_tails(k, rho);
	a0 = exp(-rho);
	pi = g_new0(double, k);
	pi[0] = 1.0;
	/* level crossing between {0..j} and {j+1..}: pi_{j+1} a0 = pi_0 T_{j+1} +
	 * sum_{i=1..j} pi_i T_{j-i+2} */
	for (unsigned int j = 0; j + 1 < k; j++) {
		double up = pi[0] * tail[j + 1];

		for (unsigned int i = 1; i <= j; i++)
			up += pi[i] * tail[j - i + 2];
		pi[j + 1] = up / a0;
		if (pi[j + 1] > 1e250)
			for (unsigned int i = 0; i <= j + 1; i++)
				pi[i] *= 1e-250;
	}
	for (unsigned int j = 0; j < k; j++)
		sum += pi[j];
	p0 = pi[0] / sum;
	g_free(pi);
	g_free(tail);
	/* time average: p_K = 1 - 1 / (pi_0 + rho) (departure-epoch pi normalised) */
	return 1.0 - 1.0 / (p0 + rho);
}

double ds_md1_wait(double lambda, double d, double u1, double u2)
{
	double rho = lambda * d;

	if (rho >= 1.0)
		return -1;
	return rho * d / (2.0 * (1.0 - rho)) + (2.0 * u1 + lambda * u2) / (2.0 * (1.0 + lambda * u1));
}

/* --- one run ----------------------------------------------------------------------------- */

static void wake_moments(const struct ds_profile *prof, double *m1, double *m2)
{
	double w = (double)prof->wake_latency_ns, s = prof->wake_sigma;

	switch (prof->wake_dist) {
	case DS_DIST_EXP:
		*m1 = w;
		*m2 = 2.0 * w * w;
		break;
	case DS_DIST_LOGNORMAL:
		*m1 = w * exp(s * s / 2.0);
		*m2 = w * w * exp(2.0 * s * s);
		break;
	case DS_DIST_FIXED:
	default:
		*m1 = w;
		*m2 = w * w;
		break;
	}
}

/* The window nearest @target_ns (log scale) that has enough windows, else a narrower one. */
static double pick_idc(const struct ds_arrivals *a, double target_ns, double *window_ns)
{
	int best = 0;
	double best_d = INFINITY;

	for (int k = 0; k < DS_ARRIVAL_SCALES; k++) {
		double w = ldexp(1.0, DS_ARRIVAL_SCALE0 + k);
		double d = fabs(log(w) - log(MAX(target_ns, 1.0)));

		if (d < best_d) {
			best_d = d;
			best = k;
		}
	}
	for (int k = best; k >= 0; k--) {
		double idc = ds_arrivals_idc(a, (unsigned int)k, MIN_WINDOWS);

		if (idc >= 0) {
			*window_ns = ldexp(1.0, DS_ARRIVAL_SCALE0 + k);
			return idc;
		}
	}
	*window_ns = 0;
	return -1;
}

/* Append "; why" (or "unreliable: why" for the first reason) to a verdict. */
static void because(char *v, size_t len, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void because(char *v, size_t len, const char *fmt, ...)
{
	char why[128];
	va_list ap;
	size_t used = strlen(v);

	va_start(ap, fmt);
	g_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!used)
		g_snprintf(v, len, "unreliable: %s", why);
	else if (used + 2 < len)
		g_snprintf(v + used, len - used, "; %s", why);
}

/* Reasons that concern every model: the arrivals, the pool's accounting. */
static void common_reasons(const struct ds_analytic *x, const struct ds_results *r, char *v,
			   size_t len)
{
	if (x->arrivals - 1 < MIN_GAPS)
		because(v, len, "only %" G_GUINT64_FORMAT " swap attempts", x->arrivals);
	else if (x->cv > CV_HI)
		because(v, len, "bursty arrivals (CV=%.2f)", x->cv);
	else if (x->cv < CV_LO)
		because(v, len, "regular arrivals (CV=%.2f)", x->cv);
	if (x->idc > IDC_HI)
		because(v, len, "bursty arrivals (IDC=%.2f)", x->idc);
	else if (x->idc >= 0 && x->idc < IDC_LO)
		because(v, len, "regular arrivals (IDC=%.2f)", x->idc);
	if (r->params.percpu_pages_from_pool)
		because(v, len, "per-CPU pages come out of the pool");
	if (r->params.idle_flush_ns)
		because(v, len, "idle flushes add arrivals");
}

static void verdicts(struct ds_analytic *x, const struct ds_results *r)
{
	char *e = x->erlang_verdict, *k = x->md1k_verdict, *m = x->md1_verdict;
	double engaged = x->lambda_acc * x->hold_ns * 1e-9 / x->drainers;

	common_reasons(x, r, e, sizeof(x->erlang_verdict));
	common_reasons(x, r, k, sizeof(x->md1k_verdict));
	common_reasons(x, r, m, sizeof(x->md1_verdict));
	if (x->drainers < x->servers && engaged > ERLANG_MAX_ENGAGED)
		because(e, sizeof(x->erlang_verdict), "pages wait for each other: %u drainer(s) "
			"engaged %.0f%% of the time", x->drainers, 100.0 * MIN(engaged, 1.0));
	if (x->arrivals < MIN_ATTEMPTS_PER_PAGE * (uint64_t)x->servers) {
		because(e, sizeof(x->erlang_verdict), "transient: %" G_GUINT64_FORMAT " attempts "
			"for %u pages", x->arrivals, x->servers);
		because(k, sizeof(x->md1k_verdict), "transient: %" G_GUINT64_FORMAT " attempts "
			"for %u pages", x->arrivals, x->servers);
	}
	if (x->drainers > 1 && x->wake_ns > MD1K_MAX_WAKE_SHARE * x->drain_ns)
		because(e, sizeof(x->erlang_verdict), "running drainers take pages queued for a "
			"waking one (wake-up latency %.0f%% of a page's drain)",
			100.0 * x->wake_ns / MAX(x->drain_ns, 1.0));
	if (x->drainers != 1) {
		because(k, sizeof(x->md1k_verdict), "the model has one drainer, the run %u",
			x->drainers);
		because(m, sizeof(x->md1_verdict), "the model has one drainer, the run %u",
			x->drainers);
	}
	if (r->params.max_pages_per_run) {
		because(k, sizeof(x->md1k_verdict), "max_pages_per_run re-queues the worker");
		because(m, sizeof(x->md1_verdict), "max_pages_per_run re-queues the worker");
	}
	if (x->wake_ns > MD1K_MAX_WAKE_SHARE * x->drain_ns)
		because(k, sizeof(x->md1k_verdict), "ignores a wake-up latency of %.0f%% of a "
			"page's drain", 100.0 * x->wake_ns / MAX(x->drain_ns, 1.0));
	if (x->md1_wait_ns < 0)
		because(m, sizeof(x->md1_verdict), "no steady state: utilisation %.2f >= 1", x->rho);
	if (x->sim_block > MD1_MAX_BLOCK)
		because(m, sizeof(x->md1_verdict), "the pool blocks %.1f%% of swaps (the model "
			"has no limit)", 100.0 * x->sim_block);
	if (!*e)
		g_strlcpy(e, "reliable", sizeof(x->erlang_verdict));
	if (!*k)
		g_strlcpy(k, "reliable", sizeof(x->md1k_verdict));
	if (!*m)
		g_strlcpy(m, "reliable", sizeof(x->md1_verdict));
}

void ds_analytic_compute(const struct ds_results *r, const struct ds_profile *prof,
			 enum ds_backend be, struct ds_analytic *x)
{
	const struct ds_backend_result *b = &r->be[be];
	const struct ds_arrivals *a = &b->swap_arrivals;
	double values = (double)(b->drained + b->stale_drains), tear_share;

	memset(x, 0, sizeof(*x));
	if (a->n < 2 || a->last_ts <= a->first_ts || !b->swaps)
		return;
	x->valid = true;
	x->servers = (unsigned int)MIN(MAX(r->params.pool_pages, 0), G_MAXUINT32);
	x->drainers = MAX(r->params.drainers_per_pool, 1);
	x->arrivals = a->n;
	x->span_ns = (double)(a->last_ts - a->first_ts);
	x->lambda = (double)(a->n - 1) / x->span_ns * 1e9;
	x->lambda_acc = x->lambda * (double)b->swaps / (double)a->n;
	/* the worker's time on pages that were swapped, not on teardown's partial ones */
	tear_share = values > 0 ? (double)b->teardown_drained / values : 0;
	x->drain_ns = (double)b->worker_busy_ns * (1.0 - tear_share) / (double)b->swaps;
	wake_moments(prof, &x->wake_ns, &x->wake_sq_ns2);
	x->hold_ns = x->wake_ns + x->drain_ns;
	x->offered = x->lambda * x->hold_ns * 1e-9;
	x->erlang_b = ds_erlang_b(x->servers, x->offered);
	x->md1k_block = ds_md1k_block(x->servers, x->lambda * x->drain_ns * 1e-9);
	x->rho = x->lambda_acc * x->drain_ns * 1e-9;
	x->md1_wait_ns = ds_md1_wait(x->lambda_acc * 1e-9, x->drain_ns, x->wake_ns,
				     x->wake_sq_ns2);
	x->sim_block = (double)b->swap_failures / (double)a->n;
	x->sim_hold_ns = ((double)x->servers - b->pool_free_mean) * (double)b->observed_ns /
			 (double)b->swaps;
	x->sim_wait_ns = x->sim_hold_ns - x->drain_ns;
	x->cv = ds_arrivals_cv(a);
	x->idc = pick_idc(a, x->hold_ns, &x->idc_window_ns);
	verdicts(x, r);
}
