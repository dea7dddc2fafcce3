/* SPDX-License-Identifier: MIT */
/*
 * ds_calib.h - calibrating a hardware profile from traces (sim/calibrate.c):
 * `defersim calibrate`.
 *
 * A trace recorded on a kernel without the series tells, when it carries durations and
 * workqueue events:
 *  - the cost of a synchronous free: the duration of each release call (notify entry to
 *    return), per backend;
 *  - an upper bound of zs_free()'s cost: the time from the zs_free probe inside a call to the
 *    call's return (zs_free itself plus what follows it in the call: kprobes record entries,
 *    not zs_free's own return);
 *  - the worker wake-up latency: workqueue_queue_work to workqueue_execute_start of the same
 *    work struct (every work item of the trace: the series' drain item is not in it);
 *  - the mean compressed object size (zs_malloc sizes), and the CPU count.
 * The hot-path costs of the series (push, page swap, queue_work...) and the worker's per-page
 * cost cannot be measured on a kernel without it: a calibrated profile keeps them from a base
 * profile and says so, key by key.
 */
#ifndef DS_CALIB_H
#define DS_CALIB_H

#include <stdint.h>
#include <stdio.h>
#include <glib.h>

#include "ds_sim.h"
#include "ds_source.h"

/*
 * Least samples for a figure to replace the base profile's: below, the base value is kept
 * and the profile says why.
 */
#define DS_CALIB_MIN_DURATIONS 100
#define DS_CALIB_MIN_WAKES 20
#define DS_CALIB_MIN_SIZES 100

/**
 * struct ds_calib_stat - summary of one measured quantity (ns, or bytes for sizes)
 * @n: samples
 * @mean: exact mean
 * @p50, @p90, @p99: quantiles (log-linear histogram, within 0.8%)
 * @min, @max: exact
 * @log_sigma: standard deviation of ln(sample) (a lognormal's shape); 0 with < 2 samples
 */
struct ds_calib_stat {
	uint64_t n;
	double mean;
	uint64_t p50;
	uint64_t p90;
	uint64_t p99;
	uint64_t min;
	uint64_t max;
	double log_sigma;
};

/**
 * struct ds_calib_source - one trace that went into a calibration
 * @path: file
 * @sha256: its hash ("" for sources without a file)
 * @ncpus: CPUs recorded
 * @synthetic: made by `defersim synth`
 * @releases: release events
 */
struct ds_calib_source {
	char *path;
	char sha256[65];
	unsigned int ncpus;
	gboolean synthetic;
	uint64_t releases;
};

struct ds_calib;

/** ds_calib_new() - an empty calibration (add traces with ds_calib_add()) */
struct ds_calib *ds_calib_new(void);
void ds_calib_free(struct ds_calib *c);

/**
 * ds_calib_add() - read @src to its end and take its samples
 * @label: what to call it in the profile's comments (file name)
 *
 * Pairs (a call and its zs_free, a queue_work and its execute_start) are matched within one
 * source only.  Return: FALSE with @error when the source fails.
 */
gboolean ds_calib_add(struct ds_calib *c, struct ds_source *src, const char *label,
		      GError **error);

/**
 * ds_calib_release() - release durations of backend @be so far
 * ds_calib_zs_tail() - zs_free entry to the enclosing call's return, backend @be
 * ds_calib_wake() - queue_work to execute_start latencies
 * ds_calib_obj_size() - zs_malloc sizes (bytes)
 */
void ds_calib_release(const struct ds_calib *c, enum ds_backend be, struct ds_calib_stat *s);
void ds_calib_zs_tail(const struct ds_calib *c, enum ds_backend be, struct ds_calib_stat *s);
void ds_calib_wake(const struct ds_calib *c, struct ds_calib_stat *s);
void ds_calib_obj_size(const struct ds_calib *c, struct ds_calib_stat *s);

/**
 * ds_calib_sources() - the traces added (GPtrArray of struct ds_calib_source, owned)
 */
const GPtrArray *ds_calib_sources(const struct ds_calib *c);

/**
 * ds_calib_print() - what was measured and what it becomes, for humans
 */
void ds_calib_print(const struct ds_calib *c, FILE *out);

/**
 * ds_calib_write_profile() - the base profile with every value the traces can tell replaced,
 * each key commented with its origin ("[C]" measured: from which traces, how many samples,
 * the distribution; "[base NAME]" kept: why), written atomically to @path
 * @base: the base profile, a file or a name in profiles/
 * @name: the new profile's name
 * @command: the command line that made it (recorded in the file's header)
 *
 * The file is loaded back with ds_profile_load() before it replaces @path.
 * Return: FALSE with @error (bad base, no trace added, I/O).
 */
gboolean ds_calib_write_profile(const struct ds_calib *c, const char *base, const char *name,
				const char *command, const char *path, GError **error);

#endif /* DS_CALIB_H */
