// SPDX-License-Identifier: MIT
/*
 * sensitivity.c - how much a run's headline numbers depend on each cost, from the run's own
 * counters (no rerun: a trace may hold 30 M events).  docs/provenance.md has the formulas.
 *
 * Hot path: the time releases spend under the policy is a sum of the costs the policy charges
 * (policy_*.c's hot-path programs) plus lock waits: v3 charges push_ns on every release,
 * swap_ns per swap, queue_work_ns per queue_work, lock_ns per swap that found the pool empty,
 * the release's sync cost per fallback; zsonly and v2 keep the non-zsmalloc part of every free
 * (sync - zs) on the hot path.  A cost's part of that sum is its elasticity: doubling it
 * moves the total by that fraction.  The parts are divided by their own sum, not by the
 * hot-path total, because a release sharing its CPU is stretched as a whole (lock waits,
 * which do not scale with any one cost, are counted as stretched work too).
 *
 * Drain latency (the mean, push to freed): a value's wait is its buffer's fill time (the
 * trace's release rate: no cost), then its page's wait for the worker (the wake-up latency
 * that starts every worker run, which delays each page the run drains; the pages queued
 * ahead of it), then its place in its own page's
 * drain (half a page on average).  The simulated page wait (sim/analytic.c, Little's law on
 * the pool) less the wake-ups gives the queueing part; the drain parts are split among
 * lock_ns, drain_page_ns and the per-value cost by their part of a page's work.
 */
#include <math.h>
#include <string.h>

#include "ds_analytic.h"
#include "ds_prov.h"
#include "zsmalloc.h"

static struct ds_prov_cost *cost(struct ds_provenance *pv, const char *name)
{
	return (struct ds_prov_cost *)ds_prov_find(pv, name);
}

static void add_hot(struct ds_provenance *pv, const char *name, double ns)
{
	struct ds_prov_cost *c = cost(pv, name);

	if (c)
		c->hot_share += ns;
}

static void add_drain(struct ds_provenance *pv, const char *name, double ns)
{
	struct ds_prov_cost *c = cost(pv, name);

	if (c)
		c->drain_share += ns;
}

/* Fraction of releases whose sync and drain cost is their recorded duration. */
static double trace_fraction(const struct ds_results *r)
{
	if (r->params.cost_source != DS_COST_TRACE || !r->releases)
		return 0;
	return 1.0 - (double)MIN(r->think_assumed, r->releases) / (double)r->releases;
}

/* The sync cost of a backend's releases split between the trace's and the profile's key. */
static void add_sync_hot(struct ds_provenance *pv, const struct ds_results *r, int be,
			 double ns)
{
	double ft = trace_fraction(r);
	const char *key = be == DS_BE_ZRAM ? "sync_free_zram_ns" : "sync_free_zswap_ns";

	add_hot(pv, "recorded_release_ns", ns * ft);
	add_hot(pv, key, ns * (1.0 - ft));
}

/* ns of each cost on backend @be's hot path (the policy's program, counters of the run) */
static void hot_parts(struct ds_provenance *pv, const struct ds_results *r,
		      const struct ds_profile *prof, int be)
{
	const struct ds_backend_result *b = &r->be[be];
	double n = (double)b->releases, mean_sync = r->releases ?
		(double)r->sync_ns / (double)r->releases : 0;
	double zs = (double)ds_zs_part(prof, (unsigned int)be, (uint64_t)llround(mean_sync));
	bool v2 = !strcmp(r->policy, "v2"), zsonly = !strcmp(r->policy, "zsonly");

	if (!strcmp(r->policy, "sync")) {
		add_sync_hot(pv, r, be, n * mean_sync);
		return;
	}
	add_hot(pv, "push_ns", (double)(v2 ? b->pushed : b->releases) * (double)prof->push_ns);
	add_hot(pv, "queue_work_ns", (double)b->queue_work_calls * (double)prof->queue_work_ns);
	if (v2) {
		add_hot(pv, "lock_ns", (double)(b->pushed + b->fallbacks) * (double)prof->lock_ns);
	} else {
		add_hot(pv, "swap_ns", (double)b->swaps * (double)prof->swap_ns);
		add_hot(pv, "lock_ns", (double)b->swap_failures * (double)prof->lock_ns);
	}
	if (v2 || zsonly) {
		/* every free keeps sync - zs here; a fallback pays its zs part too */
		add_sync_hot(pv, r, be, n * mean_sync);
		add_hot(pv, "zs_free_ns", -(double)b->pushed * zs);
	} else {
		add_sync_hot(pv, r, be, (double)b->fallbacks * mean_sync);
	}
}

/* Mean of the profile's wake-up latency distribution (its key is the median). */
static double wake_mean(const struct ds_profile *prof)
{
	double m = (double)prof->wake_latency_ns;

	return prof->wake_dist == DS_DIST_LOGNORMAL ? m * exp(prof->wake_sigma *
							       prof->wake_sigma / 2) : m;
}

/* The backend that drained the most values before teardown: its latency is the headline. */
static int main_backend(const struct ds_results *r)
{
	return r->be[DS_BE_ZSWAP].drain_latency.count > r->be[DS_BE_ZRAM].drain_latency.count ?
		DS_BE_ZSWAP : DS_BE_ZRAM;
}

static void drain_parts(struct ds_provenance *pv, const struct ds_results *r,
			const struct ds_profile *prof)
{
	int be = main_backend(r);
	const struct ds_backend_result *b = &r->be[be];
	double mean = b->drain_latency.count ? b->drain_latency.sum /
		(double)b->drain_latency.count : 0;
	double ft = trace_fraction(r), mean_sync, per_value, wake, wait, d, work, queue, n;
	const char *entry = be == DS_BE_ZRAM ? "drain_entry_zram_ns" : "drain_entry_zswap_ns";
	bool zs = !strcmp(r->policy, "v2") || !strcmp(r->policy, "zsonly");
	struct ds_analytic x;

	if (mean <= 0 || !b->swaps)
		return;
	ds_analytic_compute(r, prof, (enum ds_backend)be, &x);
	n = (double)(b->drained + b->stale_drains - b->teardown_drained) / (double)b->swaps;
	mean_sync = r->releases ? (double)r->sync_ns / (double)r->releases : 0;
	/* the per-value drain cost: the trace's duration or the profile's, its zs part for
	 * the policies that defer only zs_free */
	per_value = ft * mean_sync + (1 - ft) * (double)prof->drain_entry_ns[be];
	if (zs && prof->sync_free_ns[be])
		per_value *= MIN(1.0, (double)prof->zs_free_ns / (double)prof->sync_free_ns[be]);
	/* every worker run starts with a wake-up, and a run drains until the list is empty: a
	 * later wake-up delays every page of the run, those queued during it too */
	wake = wake_mean(prof);
	d = x.valid ? x.drain_ns : (double)b->worker_busy_ns / (double)b->swaps;
	wait = x.valid ? x.sim_wait_ns : wake;
	queue = MAX(0.0, wait - wake) + d / 2;
	work = (double)prof->lock_ns + (double)prof->drain_page_ns + n * per_value;
	add_drain(pv, "wake_latency_ns", wake);
	if (work <= 0)
		return;
	add_drain(pv, "lock_ns", queue * (double)prof->lock_ns / work);
	add_drain(pv, "drain_page_ns", queue * (double)prof->drain_page_ns / work);
	add_drain(pv, "recorded_release_ns", queue * n * ft * mean_sync / work);
	add_drain(pv, entry, queue * n * (per_value - ft * mean_sync) / work);
}

void ds_sensitivity_fill(const struct ds_results *r, const struct ds_profile *prof,
			 struct ds_provenance *pv)
{
	const struct ds_backend_result *b = &r->be[main_backend(r)];
	double mean = b->drain_latency.count ? b->drain_latency.sum /
		(double)b->drain_latency.count : 0, parts = 0;

	for (int be = 0; be < DS_BE__COUNT; be++)
		if (r->be[be].releases)
			hot_parts(pv, r, prof, be);
	if (strcmp(r->policy, "sync"))
		drain_parts(pv, r, prof);
	for (unsigned int i = 0; i < pv->n; i++)
		parts += pv->cost[i].hot_share;
	for (unsigned int i = 0; i < pv->n; i++) {
		struct ds_prov_cost *c = &pv->cost[i];

		/* CPU sharing stretches every part of a release's work alike: the parts' shares
		 * of their own sum, not of the (stretched) hot-path total */
		c->hot_share = r->hot_ns && parts > 0 ? c->hot_share / parts : 0;
		c->drain_share = mean > 0 ? MIN(1.0, c->drain_share / mean) : 0;
	}
}
