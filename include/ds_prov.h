/* SPDX-License-Identifier: MIT */
/*
 * ds_prov.h - where every cost a run used came from, and which ones its answer depends on
 * (spec §4.4; sim/provenance.c, sim/sensitivity.c; docs/provenance.md).
 *
 * A run's costs come from the trace (cost_source=trace: a release's recorded duration is its
 * sync and drain cost), from the profile (each key's comment tag: derived, guessed, ...), from
 * the command line (--set), possibly scaled (a sweep's or --set's scale.*).  The trace itself
 * may be real or emulated time (a capture under QEMU TCG): measured is then not hardware.
 * struct ds_provenance says all of it per cost, and the sensitivity of the run's two headline
 * numbers (hot-path time, mean drain latency) to each cost, derived from the run's own counters
 * (no rerun): a cost's share of the headline is its elasticity, d ln(headline) / d ln(cost).
 */
#ifndef DS_PROV_H
#define DS_PROV_H

#include "ds_sim.h"

/* Costs a provenance lists at most (the profile's keys plus the trace-side ones). */
#define DS_PROV_COSTS_MAX 32
/* Costs named in the "most sensitive" line at most. */
#define DS_PROV_TOP 3
/* A weak cost is named when its share of a headline reaches this. */
#define DS_PROV_NAME_SHARE 0.02

/**
 * struct ds_prov_cost - one cost as the run used it
 * @name: the profile key ("push_ns") or run parameter ("think_scale")
 * @value: the value the run used (after scaling and --set)
 * @origin: enum ds_origin (DS_ORIGIN_TRACE: measured in this trace)
 * @scaled_by: the factor applied to the profile's value (1: none)
 * @emulated: measured in a trace recorded in emulated time
 * @used: the run's policy or cost source uses it (a cost that did not matter is listed too)
 * @note: how it was resolved, for people
 * @hot_share: its elasticity in the hot-path time under the policy (signed; 0: none)
 * @drain_share: its elasticity in the mean drain latency (0: none)
 */
struct ds_prov_cost {
	const char *name;
	double value;
	enum ds_origin origin;
	double scaled_by;
	bool emulated;
	bool used;
	char note[200];
	double hot_share;
	double drain_share;
};

/**
 * struct ds_provenance - the provenance of one run
 * @trace_time: the trace's time base (DS_TIME_*)
 * @trace_time_source: how that is known ("traces/X.md: accelerator: tcg")
 * @profile_time: the profile's declared time base ([profile] time_base)
 * @cost: @n costs
 * @top: indices into @cost of the weak costs (guessed, assumption-scaled, unstated) the run is
 *	most sensitive to, largest share first (@ntop of them)
 */
struct ds_provenance {
	enum ds_time_base trace_time;
	char trace_time_source[320];
	enum ds_time_base profile_time;
	struct ds_prov_cost cost[DS_PROV_COSTS_MAX];
	unsigned int n;
	unsigned int top[DS_PROV_TOP];
	unsigned int ntop;
};

/** ds_time_base_name() - "real", "emulated" or "unknown" */
const char *ds_time_base_name(enum ds_time_base t);

/**
 * ds_provenance_compute() - the provenance of run @r under @prof (the profile as the run used
 * it: scaled, --set); @trace_path names the trace for the text (NULL: not a trace)
 */
void ds_provenance_compute(const struct ds_results *r, const struct ds_profile *prof,
			   const char *trace_path, struct ds_provenance *out);

/**
 * ds_prov_weak() - a value the answer should not rest on unchallenged: guessed, scaled by an
 * assumption, or of unstated origin
 */
bool ds_prov_weak(enum ds_origin o);

/**
 * ds_prov_find() - the cost called @name in @pv, NULL when absent
 */
const struct ds_prov_cost *ds_prov_find(const struct ds_provenance *pv, const char *name);

/**
 * ds_sensitivity_fill() - fill each cost's @hot_share and @drain_share from @r's counters
 * (sim/sensitivity.c; docs/provenance.md gives the formulas)
 */
void ds_sensitivity_fill(const struct ds_results *r, const struct ds_profile *prof,
			 struct ds_provenance *pv);

#endif /* DS_PROV_H */
