/* SPDX-License-Identifier: MIT */
/*
 * ds_validate.h - validation suites: published or measured figures beside the model's
 * prediction of them (sim/validate.c, `defersim validate`).
 *
 * A suite file (GKeyFile, docs/validation/) names a profile, a policy, a tolerance and the
 * workload's own timing (gap_ns, exit_ns), then one group per point: processes, MiB each,
 * the published time.  Each point is run as a synthetic munmap (replay/synth_gen.c) through
 * the simulator; its model time is the mean over processes of first release to end.
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
};

/**
 * struct ds_validate_suite - a suite file
 * @path, @name, @description, @profile, @policy: as in the file
 * @tolerance: allowed |relative error| per point
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
