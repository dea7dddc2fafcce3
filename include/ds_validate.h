/* SPDX-License-Identifier: MIT */
/*
 * ds_validate.h - validation suites: published or measured figures beside the model's
 * prediction of them (sim/validate.c, `defersim validate`).
 *
 * A suite file (GKeyFile, docs/validation/) names a profile, a policy, a tolerance and the
 * workload's own timing (gap_ns, exit_ns), then one group per point: processes, MiB each,
 * the published or measured time.  A point is run as a synthetic munmap or LMK burst
 * (synth/synth_gen.c), or replays a capture (trace=), through the simulator; its model time
 * is first release to end, the mean over processes or the slowest (time_of).  Points may
 * carry more measurements to hold the model against: the run-to-run spread, fallbacks, the
 * push-to-free p50 (as the upper bound of a log2 histogram bucket), peak values pending.
 * With a capture and a baseline_ms (the workload's time measured without probes on the kernel
 * the capture came from), the model time is baseline_ms minus what the policy saves in the
 * replay (sync span - policy span), so the probes' and the trace's own offsets cancel.
 */
#ifndef DS_VALIDATE_H
#define DS_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "ds_sim.h"

/**
 * struct ds_validate_point - one row
 * @name: group name
 * @procs: concurrent processes; @size_mib: swapped-out MiB per process
 * @published_ms: the figure it is held against
 * @fit: name of the profile parameter fitted to this row, NULL when none
 * @note: what the row is (in sample, a check, fitted), printed beside it
 * @model_ms: the model's time (filled by ds_validate_run())
 * @error: (model - published) / published
 * @ok: |error| <= the suite's tolerance
 * @lock_wait_ms: class-lock spin time per process in the model
 * @lmk: an LMK burst (every process killed at once; time = first release to the last end)
 *	rather than munmaps
 * @slowest: the time is the slowest process's (else the mean over processes)
 * @policy: the policy of this point, NULL for the suite's
 * @pool_pages: its pool size (DS_POOL_AUTO: the default)
 * @trace: a capture to replay instead of a synthetic workload, NULL for none
 * @baseline_ms: the workload's time without the policy (0: none)
 * @spread_min_ms, @spread_max_ms: run-to-run range of the measured time (0: none)
 * @meas_fallbacks, @fallbacks_min, @fallbacks_max: measured fallbacks (mean, range; < 0: none)
 * @meas_p50_ms: measured push-to-free p50 as a log2 bucket's upper bound (< 0: none)
 * @meas_peak: measured peak values pending (< 0: none)
 * @model_fallbacks, @model_p50_ms, @model_p99_ms, @model_peak: the model's
 * @fallbacks_ok, @p50_ok: within the suite's targets (true when nothing was measured)
 */
struct ds_validate_point {
	char *name;
	unsigned int procs;
	unsigned int size_mib;
	double published_ms;
	char *fit;
	char *note;
	double model_ms;
	double error;
	bool ok;
	double lock_wait_ms;
	bool lmk;
	bool slowest;
	char *policy;
	int64_t pool_pages;
	char *trace;
	double baseline_ms;
	double spread_min_ms;
	double spread_max_ms;
	double meas_fallbacks;
	double fallbacks_min;
	double fallbacks_max;
	double meas_p50_ms;
	double meas_peak;
	double model_fallbacks;
	double model_p50_ms;
	double model_p99_ms;
	double model_peak;
	bool fallbacks_ok;
	bool p50_ok;
};

/**
 * struct ds_validate_suite - a suite file
 * @path, @name, @description, @profile, @policy: as in the file
 * @tolerance: allowed |relative error| of a point's time (or within its spread)
 * @fallback_tolerance: allowed |relative error| of fallbacks (or within their spread)
 * @p50_tolerance: allowed relative error of the p50 against its bucket's bounds
 * @gap_ns: the workload's work per release outside the release (think time)
 * @exit_ns: its work after the last release
 * @points: struct ds_validate_point, file order
 */
struct ds_validate_suite {
	char *path;
	char *name;
	char *description;
	char *profile;
	char *policy;
	double tolerance;
	double fallback_tolerance;
	double p50_tolerance;
	uint64_t gap_ns;
	uint64_t exit_ns;
	GArray *points;
};

/** ds_validate_load() - read a suite file; errors name the file, group and key */
gboolean ds_validate_load(const char *path, struct ds_validate_suite *s, GError **error);
void ds_validate_clear(struct ds_validate_suite *s);

/**
 * ds_validate_run() - run every point under @prof (the suite's profile, possibly with
 * overrides) and @params (policy, CPUs, ... : the caller's; CPUs default to the profile's)
 */
gboolean ds_validate_run(struct ds_validate_suite *s, const struct ds_profile *prof,
			 const struct ds_params *params, GError **error);

/**
 * ds_validate_point_ms() - the model's time of one point (mean over its processes) and
 * its class-lock wait per process
 */
gboolean ds_validate_point_ms(const struct ds_validate_suite *s,
			      const struct ds_validate_point *pt, const struct ds_profile *prof,
			      const struct ds_params *params, double *ms, double *lock_wait_ms,
			      GError **error);

/**
 * ds_validate_fit() - the value of lock_handover_ns that makes the model meet the point
 * whose fit is "lock_handover_ns" (bisection over 0..100 us, to 1 ns); FALSE with @error
 * when no point asks for it or no value in range meets it
 */
gboolean ds_validate_fit(const struct ds_validate_suite *s, const struct ds_profile *prof,
			 const struct ds_params *params, uint64_t *value, GError **error);

#endif
