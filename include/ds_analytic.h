/* SPDX-License-Identifier: MIT */
/*
 * ds_analytic.h - queueing-theory estimates beside the simulated figures (sim/analytic.c).
 *
 * In the v3 model a pool's pages are servers: a swap attempt (a per-CPU buffer that filled)
 * is an arrival, an accepted one takes a page out of the pool until the worker has drained it
 * and given it back; an attempt that finds the pool empty is blocked (the buffer is stranded,
 * later releases on that CPU fall back).  Three classical models then apply, each under its
 * own assumptions, which the verdicts check against the run:
 *  - Erlang-B (M/G/c/c): c = pool pages, Poisson attempts at rate lambda, each page held an
 *    independent time S = mean wake-up latency + mean page drain time; blocking B(c, lambda*S).
 *    Exact when every page has its own drainer (drainers_per_pool >= pool_pages, no wake-up
 *    latency); with one drainer pages also wait for each other.
 *  - M/D/1/K: the spec's single drainer as a queue of at most K = c pages with deterministic
 *    service D (one page's drain); its blocking probability.  Exact for one drainer, no
 *    wake-up latency.
 *  - M/D/1 with set-up times: the mean time a page waits on the drain list before its drain
 *    starts, for one drainer and an unlimited pool: Pollaczek-Khinchine rho*D/(2(1-rho)) plus
 *    the wake-up latency U paid by pages that find the worker idle,
 *    (2E[U] + lambda E[U^2]) / (2 (1 + lambda E[U])).
 * All three assume Poisson arrivals; the arrivals' coefficient of variation and index of
 * dispersion say how far the run is from that.
 */
#ifndef DS_ANALYTIC_H
#define DS_ANALYTIC_H

#include <stdbool.h>
#include <stdint.h>

#include "ds_sim.h"

/**
 * struct ds_analytic - the estimates for one backend's pool, and what to compare them with
 * @valid: the pool saw at least two swap attempts (else nothing below is set)
 * @servers: c, pool pages
 * @drainers: drain work items per pool
 * @arrivals: swap attempts (swaps + swap failures)
 * @span_ns: first to last attempt
 * @lambda: attempts per second, (arrivals - 1) / span
 * @lambda_acc: accepted attempts (swaps) per second
 * @drain_ns: D, mean wall time of one page's drain (worker busy time per swapped page,
 *	teardown's share removed)
 * @wake_ns: mean wake-up latency of the profile (lognormal: median * exp(sigma^2 / 2))
 * @wake_sq_ns2: its second moment E[U^2]
 * @hold_ns: S = @wake_ns + @drain_ns, the holding time Erlang-B uses
 * @offered: a = @lambda * S (Erlangs)
 * @erlang_b: B(c, a)
 * @md1k_block: M/D/1/K blocking, K = c, rho = @lambda * D
 * @rho: utilisation of one drainer, @lambda_acc * D (what M/D/1 uses)
 * @md1_wait_ns: M/D/1 (with set-up) mean wait of a page before its drain starts; negative when
 *	rho >= 1 (no steady state)
 * @sim_block: simulated blocking, swap failures / attempts
 * @sim_hold_ns: simulated mean time a page is out of the pool (Little's law on the pool's
 *	time-weighted occupancy: (c - pool_free_mean) * observed time / swaps)
 * @sim_wait_ns: @sim_hold_ns - D, the simulated counterpart of @md1_wait_ns
 * @cv: coefficient of variation of the attempts' inter-arrival gaps (1 for Poisson)
 * @idc: index of dispersion (variance / mean) of attempt counts in windows of @idc_window_ns
 *	(1 for Poisson); negative when too few windows
 * @idc_window_ns: the window, the power of two nearest S with at least 20 windows
 * @erlang_verdict, @md1k_verdict, @md1_verdict: "reliable", or "unreliable: WHY"
 */
struct ds_analytic {
	bool valid;
	unsigned int servers;
	unsigned int drainers;
	uint64_t arrivals;
	double span_ns;
	double lambda;
	double lambda_acc;
	double drain_ns;
	double wake_ns;
	double wake_sq_ns2;
	double hold_ns;
	double offered;
	double erlang_b;
	double md1k_block;
	double rho;
	double md1_wait_ns;
	double sim_block;
	double sim_hold_ns;
	double sim_wait_ns;
	double cv;
	double idc;
	double idc_window_ns;
	char erlang_verdict[320];
	char md1k_verdict[320];
	char md1_verdict[320];
};

/**
 * ds_analytic_compute() - the estimates for backend @be of a run
 * @r: results of a run (its params, counters and swap arrival statistics)
 * @prof: the profile of the run (wake-up latency distribution)
 * @out: filled; @out->valid false when the pool had fewer than two swap attempts
 */
void ds_analytic_compute(const struct ds_results *r, const struct ds_profile *prof,
			 enum ds_backend be, struct ds_analytic *out);

/**
 * ds_erlang_b() - Erlang-B blocking probability of c servers under offered load @a Erlangs,
 * by the stable recurrence B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))
 */
double ds_erlang_b(unsigned int c, double a);

/**
 * ds_md1k_block() - blocking probability of an M/D/1/K queue (K in system at most, service
 * time D, Poisson arrivals at rate lambda; @rho = lambda * D), from its departure-epoch
 * chain solved by level crossing (only sums of positive terms: stable for any @rho).  O(k^2):
 * k above 8192 is taken as 8192, where the blocking has converged to its limit (0 for rho < 1,
 * 1 - 1/rho above) unless rho is within a few percent of 1.
 */
double ds_md1k_block(unsigned int k, double rho);

/**
 * ds_md1_wait() - mean wait in queue of M/D/1 with set-up times (Pollaczek-Khinchine plus a
 * set-up U paid by arrivals that find the server idle)
 * @lambda: arrivals per ns
 * @d: service time (ns)
 * @u1: E[U] (ns), @u2: E[U^2] (ns^2); both 0 for plain M/D/1
 * Return: the mean wait in ns, or -1 when lambda * d >= 1
 */
double ds_md1_wait(double lambda, double d, double u1, double u2);

/**
 * ds_arrivals_cv() - coefficient of variation of the inter-arrival gaps (-1 with < 3 arrivals)
 */
double ds_arrivals_cv(const struct ds_arrivals *a);

/**
 * ds_arrivals_idc() - index of dispersion of counts in windows of 2^(DS_ARRIVAL_SCALE0 +
 * @scale) ns (-1 with fewer than @min_windows closed windows or no arrival)
 */
double ds_arrivals_idc(const struct ds_arrivals *a, unsigned int scale, uint64_t min_windows);

#endif /* DS_ANALYTIC_H */
