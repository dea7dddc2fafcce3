/* SPDX-License-Identifier: MIT */
/*
 * ds_synth.h - synthetic traces (synth/; the .dsev reader is replay/synth_file.c): `defersim
 * synth`.
 *
 * A synthetic workload is a struct ds_synth_params; ds_synth_open() turns it into an event
 * source that hands out exactly the stream the trace reader would deliver for a trace of that
 * workload (struct ds_event, time order, releases carrying their duration), generated lazily
 * and seeded: same parameters and seed => the same stream, event for event.  Writers put the
 * stream in a file: a trace.dat (ring-buffer pages assembled by `trace-cmd restore`, kprobes in
 * the group "defersim_synth") or a synthetic event file (.dsev, a flat array of events).  Both
 * are labelled synthetic and both are read back by ds_source_open_trace().
 *
 * Workloads (traces/FORMAT.md names the events; profiles/README.md and docs/model.md the
 * timing model they feed):
 *   munmap  - P processes each free S MiB of swapped-out memory in one burst (the series' own
 *             benchmark): S * 256 releases per process, mostly ascending slot indices.
 *   lmk     - a low-memory-kill storm: K processes with given swap footprints killed at random
 *             times within a window, on C CPUs, each freeing its slots and exiting.
 *   churn   - steady swap churn: per-CPU tasks releasing at Poisson times, zram writes that
 *             reuse freed slots (slot reuse while a value may still be pending).
 *   poisson - pure Poisson release arrivals at a rate, fixed costs, one task per release (so
 *             that no policy can move an arrival): the analytic oracles' input.
 */
#ifndef DS_SYNTH_H
#define DS_SYNTH_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "ds_source.h"

/* Kprobe group of synthetic traces: `defersim info` calls a trace with it "synthetic". */
#define DS_SYNTH_GROUP "defersim_synth"

enum ds_synth_workload {
	DS_SYNTH_MUNMAP = 0,
	DS_SYNTH_LMK,
	DS_SYNTH_CHURN,
	DS_SYNTH_POISSON,
	DS_SYNTH__COUNT
};

/**
 * enum ds_synth_dist_kind - shape of a random quantity
 * @DS_SD_FIXED: always @a
 * @DS_SD_EXP: exponential with mean @a
 * @DS_SD_LOGNORMAL: lognormal with median @a and shape @b (sigma of the log)
 * @DS_SD_UNIFORM: uniform on [@a, @b]
 */
enum ds_synth_dist_kind { DS_SD_FIXED = 0, DS_SD_EXP, DS_SD_LOGNORMAL, DS_SD_UNIFORM };

/**
 * struct ds_synth_dist - a distribution, written "700", "fixed:700", "exp:150",
 *	"lognormal:700:0.25" or "uniform:20ms:80ms" (numbers take ns/us/ms/s suffixes)
 */
struct ds_synth_dist {
	enum ds_synth_dist_kind kind;
	double a;
	double b;
};

/**
 * ds_synth_dist_mean() - the mean of a distribution (the lognormal's is median*exp(sigma^2/2))
 */
double ds_synth_dist_mean(const struct ds_synth_dist *d);

/**
 * struct ds_synth_params - one synthetic workload (`defersim synth --list` documents each)
 * @workload: enum ds_synth_workload
 * @seed: random seed
 * @cpus: CPUs of the synthetic machine
 * @zswap: releases are zswap invalidations (else zram slot frees)
 * @t0_ns: timestamp of the trace's start
 * @cost: duration of one release call (notify entry to return)
 * @gap: a task's think time between the end of one release and its next one
 * @durations: write the returns (release durations), as a kretprobe would
 * @zs_free: write a zs_free inside each release call
 * @zs_share: where it sits: zs_free starts at (1 - zs_share) of the call, so the call's last
 *	zs_share is zs_free and what follows it
 * @wq_items: background work items (queue_work -> execute_start -> end cycles)
 * @wq_gap: time from one execution's end to the item's next queue_work
 * @wq_wake: queue_work to execute_start (the wake-up latency calibration measures)
 * @wq_run: execute_start to execute_end
 * @exit_delay: end of a process's last release to its exit
 * @procs: processes (munmap, lmk)
 * @size_mib: swapped-out MiB per process (munmap): size_mib * 256 releases
 * @fp_min_mib, @fp_max_mib: lmk footprint per process, uniform in [min, max] MiB
 * @seq: probability that a process's next slot index is the next in its range (munmap, lmk)
 * @stagger_ns: munmap: start of process i is t0 + i * stagger
 * @window_ns: lmk: kills happen uniformly within this window
 * @rate: releases per second (churn: over all CPUs; poisson)
 * @duration_ns: churn, poisson: length of the trace
 * @count: poisson: releases (0 = as many as @duration_ns holds)
 * @slots: churn: slots of the swap device
 * @write_rate: churn: zram writes per second over all CPUs
 * @reuse: churn: probability that a write takes the most recently freed slot
 * @obj_size: churn: compressed size of a written object (zs_malloc size)
 */
struct ds_synth_params {
	enum ds_synth_workload workload;
	uint64_t seed;
	unsigned int cpus;
	bool zswap;
	uint64_t t0_ns;
	struct ds_synth_dist cost;
	struct ds_synth_dist gap;
	bool durations;
	bool zs_free;
	double zs_share;
	unsigned int wq_items;
	struct ds_synth_dist wq_gap;
	struct ds_synth_dist wq_wake;
	struct ds_synth_dist wq_run;
	struct ds_synth_dist exit_delay;
	unsigned int procs;
	unsigned int size_mib;
	unsigned int fp_min_mib;
	unsigned int fp_max_mib;
	double seq;
	uint64_t stagger_ns;
	uint64_t window_ns;
	double rate;
	uint64_t duration_ns;
	uint64_t count;
	uint64_t slots;
	double write_rate;
	double reuse;
	struct ds_synth_dist obj_size;
};

/** ds_synth_workload_name() - "munmap", "lmk", "churn", "poisson" ("unknown" otherwise) */
const char *ds_synth_workload_name(unsigned int w);

/**
 * ds_synth_params_init() - the defaults of @workload
 * Return: FALSE with @error when @name is not a workload.
 */
gboolean ds_synth_params_init(struct ds_synth_params *p, const char *name, GError **error);

/**
 * ds_synth_params_set() - set one parameter by name ("procs", "cost", ...)
 * Return: FALSE with @error naming the parameter, the value and why it is refused (unknown
 * name, parameter of another workload, bad number or distribution).
 */
gboolean ds_synth_params_set(struct ds_synth_params *p, const char *name, const char *value,
			     GError **error);

/**
 * ds_synth_params_validate() - reject combinations that make no trace (no CPUs, no releases,
 * min footprint above max, a share outside [0, 1], ...)
 */
gboolean ds_synth_params_validate(const struct ds_synth_params *p, GError **error);

/**
 * ds_synth_params_describe() - every parameter of the workload as "name=value" separated by
 * spaces, in a fixed order (stored in the outputs; equal parameters give equal text)
 * Return: a new string
 */
char *ds_synth_params_describe(const struct ds_synth_params *p);

/**
 * ds_synth_params_help() - the parameters of @workload (all when DS_SYNTH__COUNT), one per
 * line with default and meaning, for `defersim synth --list`
 * Return: a new string
 */
char *ds_synth_params_help(unsigned int workload);

/**
 * ds_synth_open() - the synthetic stream of @p as an event source
 *
 * ds_source_info() of it describes the stream (counts as read, synthetic) once it is read.
 * Return: a source, or NULL with @error when @p does not validate.
 */
struct ds_source *ds_synth_open(const struct ds_synth_params *p, GError **error);

/**
 * ds_synth_write() - generate @p into @path: a trace.dat if @path ends in ".dat" (needs
 * trace-cmd for `restore`), a synthetic event file if it ends in ".dsev"
 *
 * Written atomically (temporary file, then rename).  Same @p => byte-identical file.
 * Return: FALSE with @error naming the file and the step that failed.
 */
gboolean ds_synth_write(const struct ds_synth_params *p, const char *path, GError **error);

/**
 * ds_synth_write_dsev() - a synthetic event file of everything @src delivers
 * @desc: text stored in the file (the generating parameters)
 * @ncpus: CPUs of the stream
 */
gboolean ds_synth_write_dsev(struct ds_source *src, const char *desc, unsigned int ncpus,
			     const char *path, GError **error);

/**
 * ds_synth_write_dat() - a trace.dat of everything @src delivers, via `trace-cmd restore`
 * @desc: text of the marker event "defersim_synth/synth_info" written on every CPU at @t0
 * @comm: command name given to the stream's pids
 */
gboolean ds_synth_write_dat(struct ds_source *src, const char *desc, const char *comm,
			    unsigned int ncpus, uint64_t t0, const char *path, GError **error);

/*
 * ds_synth_signals_catch() - until ds_synth_signals_release(), SIGTERM, SIGINT and SIGHUP
 * stop a synthetic write (it fails with "interrupted" and removes its temporary files)
 * instead of killing the process in the middle of it (synth/synth_signal.c).
 * ds_synth_signals_release() restores the previous actions and, if a signal came, raises it
 * again: the process then ends by that signal, as its sender expects.
 */
#define DS_SYNTH_NSIGNALS 3
struct ds_synth_signals {
	struct sigaction old[DS_SYNTH_NSIGNALS];
};
void ds_synth_signals_catch(struct ds_synth_signals *s);
void ds_synth_signals_release(struct ds_synth_signals *s);
/* ds_synth_interrupted() - whether a caught signal came; if so, @error says which */
gboolean ds_synth_interrupted(GError **error);

/**
 * ds_synth_file_is() - whether @path starts with the synthetic event file's magic
 */
gboolean ds_synth_file_is(const char *path);

/**
 * ds_synth_file_open() - a source over a synthetic event file; checks size and checksum
 * before the first event, and every event's type, CPU and time order as it reads
 * Return: NULL with @error (DS_ERROR_IO, DS_ERROR_FORMAT naming the offset) on failure.
 */
struct ds_source *ds_synth_file_open(const char *path, GError **error);

/**
 * ds_synth_file_open_known() - ds_synth_file_open() of a file whose sha256 the caller has
 * (@sha256: 64 hex digits, or NULL to compute it, in the pass that checks the checksum)
 */
struct ds_source *ds_synth_file_open_known(const char *path, const char *sha256,
					   GError **error);

/**
 * ds_dat_restore() - a trace.dat (v7) from a tracing directory and raw per-CPU ring buffers,
 * as `trace-cmd restore` makes it: `restore -c -t @dir -k @kallsyms -o @head` writes the
 * headers (@dir holds events/header_page, events/header_event, events/SYSTEM/EVENT/format,
 * saved_cmdlines), `restore -i @head -o @out` appends @cpu_files (per_cpu/cpuN/trace_pipe_raw
 * as read).  The clock recorded is always "local": set the real one with ds_dat_clock_set().
 * The one caller of trace-cmd restore (synth/datw.c; `defersim record --restore`).
 */
gboolean ds_dat_restore(const char *dir, const char *kallsyms, char *const *cpu_files,
			unsigned int ncpus, const char *head, const char *out, GError **error);

/**
 * ds_dat_clock_set() - the clock string of a v7 trace.dat's top instance (its BUFFER
 * option, the last section) := @clock (synth/dat_clock.c)
 */
gboolean ds_dat_clock_set(const char *path, const char *clock, GError **error);

#endif /* DS_SYNTH_H */
