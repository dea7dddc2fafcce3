/* SPDX-License-Identifier: MIT */
/*
 * ds_sim.h - the simulator (sim/): hardware profiles, run parameters, results.
 *
 * One run = one event source + one profile + one struct ds_params -> one struct ds_results.
 * The model it implements is the spec (../shared/spec/algorithm.md); docs/model.md says how
 * defersim realises it and which choices are defersim's own.  Every [I]nferred choice of the
 * spec is a field of struct ds_params, listed by ds_params_foreach() so reports print them.
 */
#ifndef DS_SIM_H
#define DS_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <glib.h>

#include "ds_event.h"
#include "ds_source.h"

struct ds_sim_observer;	/* ds_observe.h */

/* Backends: each has its own zsmalloc pool, per-CPU buffers, page pool and worker. */
enum ds_backend {
	DS_BE_ZRAM = 0,
	DS_BE_ZSWAP = 1,
	DS_BE__COUNT
};
const char *ds_backend_name(unsigned int be);

/*
 * Hardware profile
 */

/**
 * enum ds_dist - shape of a random duration around its mean
 * @DS_DIST_FIXED: always the mean
 * @DS_DIST_EXP: exponential with that mean
 * @DS_DIST_LOGNORMAL: lognormal with that median and shape sigma
 */
enum ds_dist { DS_DIST_FIXED = 0, DS_DIST_EXP, DS_DIST_LOGNORMAL };

/**
 * enum ds_size_kind - how compressed object sizes are drawn when the trace has none
 * @DS_SIZE_FIXED: every object is the profile's object_bytes (one size class)
 * @DS_SIZE_LOGNORMAL: lognormal with median @median and shape @sigma, clamped to [1, page]
 * @DS_SIZE_HISTOGRAM: one of @bin_size[], with probability proportional to @bin_weight[]
 */
enum ds_size_kind { DS_SIZE_FIXED = 0, DS_SIZE_LOGNORMAL, DS_SIZE_HISTOGRAM };

#define DS_SIZE_BINS 64

/**
 * struct ds_size_dist - distribution of compressed object sizes (profile [sizes] group).
 * Inline arrays, no pointers: a profile stays copyable by assignment.
 * @kind: enum ds_size_kind
 * @median: lognormal median in bytes (0: the profile's object_bytes)
 * @sigma: lognormal shape
 * @nbins: histogram bins in use
 * @bin_size: histogram sizes in bytes
 * @bin_weight: their relative weights (> 0)
 */
struct ds_size_dist {
	enum ds_size_kind kind;
	unsigned int median;
	double sigma;
	unsigned int nbins;
	uint32_t bin_size[DS_SIZE_BINS];
	double bin_weight[DS_SIZE_BINS];
};

/**
 * enum ds_origin - where a value comes from (spec §4.4; sim/origin.c, profiles/README.md)
 * @DS_ORIGIN_UNSTATED: the profile does not say
 * @DS_ORIGIN_TRACE: measured in the trace being replayed
 * @DS_ORIGIN_SET: set on the command line (--set)
 * @DS_ORIGIN_STATED: [S] stated by the series
 * @DS_ORIGIN_MEASURED: [M] measured on that machine, not in this trace
 * @DS_ORIGIN_DERIVED: [D] derived from published or measured figures
 * @DS_ORIGIN_CALIBRATED: [C] calibrated on one run
 * @DS_ORIGIN_FITTED: [F] fitted to a published figure
 * @DS_ORIGIN_SCALED: [A] scaled from another value by an assumption
 * @DS_ORIGIN_GUESSED: [G] a guess
 *
 * The tagged origins are ordered from strongest to weakest: a comment with several tags
 * ("[D]+[G]") gives the weakest.
 */
enum ds_origin {
	DS_ORIGIN_UNSTATED,
	DS_ORIGIN_TRACE,
	DS_ORIGIN_SET,
	DS_ORIGIN_STATED,
	DS_ORIGIN_MEASURED,
	DS_ORIGIN_DERIVED,
	DS_ORIGIN_CALIBRATED,
	DS_ORIGIN_FITTED,
	DS_ORIGIN_SCALED,
	DS_ORIGIN_GUESSED,
	DS_ORIGIN__COUNT
};

/** ds_origin_name() - "guessed", "measured", ...: the word JSON, CSV and text reports use */
const char *ds_origin_name(enum ds_origin o);
/** ds_origin_meaning() - a short phrase for reports ("a guess", "measured in this trace") */
const char *ds_origin_meaning(enum ds_origin o);
/**
 * ds_origin_from_comment() - the weakest origin tag ([S] [M] [D] [C] [F] [A] [G]) in a
 * profile comment
 * Return: false (and @origin untouched) when the comment has no tag.
 */
bool ds_origin_from_comment(const char *comment, enum ds_origin *origin);

/**
 * enum ds_time_base - the time a duration was measured in (docs/provenance.md)
 * @DS_TIME_UNKNOWN: nothing says
 * @DS_TIME_REAL: hardware time (bare metal, or a guest under KVM)
 * @DS_TIME_EMULATED: a guest under software emulation (QEMU TCG): several times slower than
 *	hardware, with emulator stalls
 */
enum ds_time_base { DS_TIME_UNKNOWN = 0, DS_TIME_REAL, DS_TIME_EMULATED };

/* Capacity of struct ds_profile's origin array: at least the profile format's key count. */
#define DS_PROFILE_KEYS_MAX 40

/**
 * struct ds_profile - costs of one machine, all in ns (profiles/NAME.ini, [costs] group)
 * @name: profile name (printed in every report)
 * @path: file it was loaded from, NULL for built-in
 * @description: free text
 * @time_base: the time its measured or calibrated costs are in ([profile] time_base = real |
 *	emulated; unknown when absent): calibrated from emulated traces, they are emulated
 * @cpus: CPU count of that machine (0: use the trace's)
 * @page_size: bytes per page (4096)
 * @push_ns: hot path: store one value in this CPU's buffer
 * @swap_ns: hot path: take a pool page under the lock and put the full one on the drain list
 * @queue_work_ns: hot path: queue_work() on the drain work item
 * @lock_ns: one uncontended spin lock/unlock pair
 * @wake_latency_ns: queue_work() to the worker running (median)
 * @wake_dist: distribution of the wake-up latency
 * @wake_sigma: lognormal shape parameter
 * @drain_page_ns: worker: fixed cost per page (take it from the list, return it)
 * @drain_entry_ns: worker: per-value cost, by backend (zram: slot_lock+slot_free+unlock;
 *	zswap: zswap_entry_free)
 * @sync_free_ns: full synchronous free of one value, by backend (slot_free / zswap_entry_free
 *	on the releasing CPU; also the cost of a fallback)
 * @zs_free_ns: zs_free() alone (policies that defer only the zsmalloc object)
 * @object_bytes: mean compressed object size, for "memory pending" when the trace has no sizes
 * @copy_entry_ns: copying one handle out of v2's array under its lock (v2_drain_holds_lock=copy)
 * @zs_class_hold_ns: the part of one zs_free() spent holding its size class's class->lock
 *	(inside zs_free_ns, sync_free_ns and drain_entry_ns; 0: class locks cost no contention)
 * @lock_handover_ns: extra work when a contended spin lock passes to a waiting CPU (cache
 *	lines of the lock and the data it guards move)
 * @sizes: compressed object sizes ([sizes] group) for policies that need a zsmalloc size class
 *	per object (zsonly) when the trace does not record it
 * @origin: enum ds_origin of each key, in the profile format's key order (ds_profile_origin())
 * @scale: the factor each key's value was multiplied by since it was read (0 or 1: not
 *	scaled; ds_profile_scale_cost(), ds_profile_scale_of()), so reports can say "x2 of a guess"
 */
struct ds_profile {
	char *name;
	char *path;
	char *description;
	enum ds_time_base time_base;
	unsigned int cpus;
	unsigned int page_size;
	uint64_t push_ns;
	uint64_t swap_ns;
	uint64_t queue_work_ns;
	uint64_t lock_ns;
	uint64_t wake_latency_ns;
	enum ds_dist wake_dist;
	double wake_sigma;
	uint64_t drain_page_ns;
	uint64_t drain_entry_ns[DS_BE__COUNT];
	uint64_t sync_free_ns[DS_BE__COUNT];
	uint64_t zs_free_ns;
	uint64_t object_bytes;
	uint64_t copy_entry_ns;
	uint64_t zs_class_hold_ns;
	uint64_t lock_handover_ns;
	struct ds_size_dist sizes;
	unsigned char origin[DS_PROFILE_KEYS_MAX];
	double scale[DS_PROFILE_KEYS_MAX];
};

/**
 * ds_profile_load() - read a GKeyFile profile
 * @path: .ini file; a bare name ("x86-desktop") is looked up in the profiles directory
 *
 * Unknown keys and negative or missing costs are errors that name the file, group and key.
 * Return: a new profile or NULL with @error set.
 */
struct ds_profile *ds_profile_load(const char *path, GError **error);

/* Largest cost (ns) a profile may give: 1000 s.  Anything above is a typo or an attack. */
#define DS_PROFILE_NS_MAX 1000000000000ull

/* The built-in profile's lock costs (x86-desktop.ini's; profiles/README.md). */
#define DS_BUILTIN_CLASS_HOLD_NS 101
#define DS_BUILTIN_HANDOVER_NS 158

/**
 * ds_profile_validate() - a profile built in code (not loaded) within the bounds a loaded one
 * is held to: every ns cost at most DS_PROFILE_NS_MAX, wake_sigma in [0, 10)
 */
gboolean ds_profile_validate(const struct ds_profile *p, GError **error);

/** ds_profile_new_default() - the built-in profile ("builtin-default"), documented in profiles/README.md */
struct ds_profile *ds_profile_new_default(void);
void ds_profile_free(struct ds_profile *p);

/* How ds_profile_foreach() hands a value over. */
enum ds_profile_value { DS_PV_INT, DS_PV_DOUBLE, DS_PV_TEXT };

/**
 * ds_profile_foreach() - every key of the profile file format with this profile's value, in
 * the file's order: the one enumeration of a profile's fields (JSON reports, sweep point
 * keys), so a field added to the format reaches them all
 * @fn: called with the group, the key, the value as the .ini would hold it, and its kind;
 *	unset text values (no description) are skipped
 */
void ds_profile_foreach(const struct ds_profile *p,
			void (*fn)(const char *group, const char *key, const char *text,
				   enum ds_profile_value kind, void *data),
			void *data);

/**
 * ds_profile_cost() - the [costs] field called @key ("zs_free_ns"), NULL if there is none
 */
uint64_t *ds_profile_cost(struct ds_profile *p, const char *key);

/**
 * ds_profile_origin() - where the profile's value of @key ("push_ns", "cpus") comes from: the
 * tag of its comment in the profile file, or what changed it since (--set, a sweep's scale.*)
 * Return: DS_ORIGIN_UNSTATED for an unknown key.
 */
enum ds_origin ds_profile_origin(const struct ds_profile *p, const char *key);

/**
 * ds_profile_set_origin() - record that @key's value now comes from @origin
 * Return: false for an unknown key.
 */
bool ds_profile_set_origin(struct ds_profile *p, const char *key, enum ds_origin origin);

/**
 * ds_profile_scale_cost() - multiply the [costs] value @key ("push_ns") by @factor (finite,
 * >= 0; rounded to the ns), keeping its origin and compounding its scale factor
 * Return: false for an unknown cost key, a bad factor or a result above DS_PROFILE_NS_MAX
 * (the profile is then unchanged).
 */
bool ds_profile_scale_cost(struct ds_profile *p, const char *key, double factor);

/** ds_profile_scale_of() - the factor @key was scaled by (1.0 when it was not, or unknown) */
double ds_profile_scale_of(const struct ds_profile *p, const char *key);

/**
 * ds_scale_names() - the cost names a factor may multiply (sim/scale.c): [costs] keys
 * without "_ns"; "sync_free" and "drain_entry" stand for both backends' keys.  NULL-terminated.
 */
const char *const *ds_scale_names(void);

/**
 * ds_scale_cost() - multiply the cost(s) @name (one of ds_scale_names()) by @factor, as
 * `scale.NAME = F` in a sweep file or `--set scale.NAME=F` ask; an unknown name is an error
 * listing the known ones
 */
gboolean ds_scale_cost(struct ds_profile *p, const char *name, double factor, GError **error);

/** ds_scale_set() - ds_scale_cost() with the factor as text ("2", "0.5") */
gboolean ds_scale_set(struct ds_profile *p, const char *name, const char *value, GError **error);

/*
 * Run parameters
 */

enum ds_push_semantics { DS_PUSH_EAGER = 0, DS_PUSH_LAZY };
enum ds_drain_order { DS_DRAIN_FIFO = 0, DS_DRAIN_LIFO };
enum ds_stale_policy { DS_STALE_NOOP = 0 };
enum ds_cost_source { DS_COST_TRACE = 0, DS_COST_PROFILE, DS_COST_AUTO };
enum ds_v2_lock { DS_V2_LOCK_COPY = 0, DS_V2_LOCK_WHOLE };
enum ds_cpu_sharing { DS_SHARE_FAIR = 0, DS_SHARE_FIFO };
enum ds_placement { DS_PLACE_IDLE_OTHER = 0, DS_PLACE_PRODUCER };
enum ds_lock_mode { DS_LOCKS_AUTO = 0, DS_LOCKS_ON, DS_LOCKS_OFF };

/* a duration parameter left for the trace's provenance to give (ds_sim_open_trace()) */
#define DS_NS_AUTO UINT64_MAX

/* pool_pages "auto": 256 KiB / PAGE_SIZE [S] (64 at 4 KiB, 16 at 16 KiB) */
#define DS_POOL_AUTO (-1)
#define DS_POOL_AUTO_BYTES (256u << 10)

/**
 * struct ds_params - one run's parameters
 * @policy: policy name ("sync", "v3", ...; see ds_policy_names())
 * @cpus: virtual CPUs; 0 = the recorded CPUs, else recorded CPU c runs on c % cpus
 * @pool_pages: pre-allocated pool pages per backend; DS_POOL_AUTO (the default) = 256 KiB /
 *	page size [S]; results hold the resolved count
 * @seed: random seed (wake-up latency draws)
 * @cost_source: sync/fallback cost of a release: the recorded duration when the trace has it
 *	(DS_COST_TRACE) or always the profile (DS_COST_PROFILE); DS_COST_AUTO (the default)
 *	means the profile when it was loaded from a file (the user asked for that machine's
 *	costs) and the trace with the built-in profile.  Results hold the resolved value.
 * @percpu_pages_from_pool: [I] per-CPU buffer pages come out of the pool (spec default false)
 * @push_semantics: [I] eager: swap when the push fills the buffer; lazy: on the next push
 * @retry_swap_on_full: [I] a CPU whose buffer is stranded full retries the swap on each push
 * @drain_order: [I] order the worker takes full pages in
 * @drainers_per_pool: [I] concurrent drain work items per pool (spec default 1)
 * @max_pages_per_run: [I] pages a worker run drains before re-queueing itself (0 = unbounded)
 * @idle_flush_ns: [I] flush a partial buffer after this long without a push (0 = off)
 * @stale_policy: [I] what the drain of a reused zram slot does
 * @cpu_sharing: [I] how entities runnable on one virtual CPU share it: fair (processor
 *	sharing, 1/n each) or fifo (the first runs until it blocks)
 * @worker_placement: [I] where a worker runs a page: idle_other (an idle CPU other than the
 *	producer's, WQ_UNBOUND's stated purpose) or producer (the producer's CPU)
 * @think_scale: [I] factor on every think time (spec §4.1); 0 = auto: target sync cost /
 *	median measured sync cost of the trace (@think_ref_ns)
 * @think_ref_ns: the trace's median measured release duration for think_scale=auto (set by
 *	the caller that read the trace; 0 = unknown); not a user parameter
 * @record_sync_ns: per backend, the recording machine's cost of a release the trace did not
 *	time (its think time subtracts it); 0 = auto: the median of that backend's durations
 *	measured so far in the trace, else the built-in profile's sync cost
 * @probe_overhead_ns: the recording probes' own cost inside each measured release duration,
 *	subtracted from it before it is used; DS_NS_AUTO (default) = what the capture's
 *	provenance file states (ds_sim_open_trace()), else 0
 * @probe_provenance: the probe costs were read from the provenance (not a user parameter)
 * @trace_time: the trace's time base as its capture's provenance states it (TRACE.md beside
 *	TRACE.dat, "- accelerator: tcg" or "- time_base: real"; ds_sim_open_trace()); not a user
 *	parameter
 * @trace_time_line: the provenance line that said so (empty: nothing said)
 * @probe_gap_ns: the probes' own cost in the gap after each release (the part of a hit
 *	outside the measured interval, probes on the path between releases), subtracted from
 *	that gap (not below 0); DS_NS_AUTO as above
 * @lock_contention: class locks (zsmalloc class->lock) as contended resources: on, off, or
 *	auto = on when release costs come from the profile, off when they are the trace's
 *	measured durations (those already contain the recording's lock waits).  The series'
 *	own locks (pool lock, v2 array lock) are always modelled.  Results hold the resolved value
 * @check_invariants: keep a per-release ledger and check the spec's §5 invariants
 * @timeseries_ns: sample pool/pending state at most once per this interval (0 = off)
 * @page_size: bytes per page, overriding the profile's (0 = the profile's); sets CAP
 * @busy_gap_ns: [defersim] a releasing task's think gap longer than this is spent asleep (its
 *	CPU counts as idle and the gap is not slowed by CPU sharing); shorter gaps are CPU work
 * @v2_array_entries: v2: handles in the per-pool array (0 = 128 MiB >> PAGE_SHIFT [S], 32768
 *	at 4 KiB)
 * @v2_drain_threshold: v2: entries at which the push queues the drain (0 = half the array [S])
 * @v2_drain_holds_lock: [I] v2: the drain holds the array lock only while copying the array
 *	out (DS_V2_LOCK_COPY) or for the whole drain (DS_V2_LOCK_WHOLE)
 * @zsonly_pages_per_run: zsonly: pages one worker run drains before re-queueing itself
 *	(0 = pool_pages / 2, at least 1 [S])
 * @zs_chain_size: [defersim] zsmalloc's maximum pages per zspage (CONFIG_ZSMALLOC_CHAIN_SIZE;
 *	4 before 6.3): decides which size classes are merged and so share a class lock
 * @observer: told what the run does as it happens (include/ds_observe.h); NULL (the
 *	default): nobody.  Not a user parameter; the results' copy holds NULL
 */
struct ds_params {
	const char *policy;
	unsigned int cpus;
	int64_t pool_pages;
	uint64_t seed;
	enum ds_cost_source cost_source;
	bool percpu_pages_from_pool;
	enum ds_push_semantics push_semantics;
	bool retry_swap_on_full;
	enum ds_drain_order drain_order;
	unsigned int drainers_per_pool;
	unsigned int max_pages_per_run;
	uint64_t idle_flush_ns;
	enum ds_stale_policy stale_policy;
	enum ds_cpu_sharing cpu_sharing;
	enum ds_placement worker_placement;
	double think_scale;
	uint64_t think_ref_ns;
	uint64_t record_sync_ns[DS_BE__COUNT];
	uint64_t probe_overhead_ns;
	uint64_t probe_gap_ns;
	bool probe_provenance;
	enum ds_time_base trace_time;
	char trace_time_line[96];
	enum ds_lock_mode lock_contention;
	bool check_invariants;
	uint64_t timeseries_ns;
	unsigned int page_size;
	uint64_t busy_gap_ns;
	unsigned int v2_array_entries;
	unsigned int v2_drain_threshold;
	enum ds_v2_lock v2_drain_holds_lock;
	unsigned int zsonly_pages_per_run;
	unsigned int zs_chain_size;
	const struct ds_sim_observer *observer;
};

/** ds_params_init() - fill @p with the spec's defaults (policy "v3", pool 64 pages) */
void ds_params_init(struct ds_params *p);

/**
 * ds_params_set() - set a parameter by its name, as in `--set name=value` and sweep files
 * Return: FALSE with @error naming the parameter and why the value is refused.
 */
gboolean ds_params_set(struct ds_params *p, const char *name, const char *value, GError **error);

/**
 * ds_params_validate() - reject nonsense (cpus 0 given explicitly, negative pool, ...)
 */
gboolean ds_params_validate(const struct ds_params *p, GError **error);

/**
 * ds_params_foreach() - every parameter with its current value as text and whether it is
 * one of the spec's inferred [I] choices (reports print them all)
 */
void ds_params_foreach(const struct ds_params *p,
		       void (*fn)(const char *name, const char *value, bool inferred, void *data),
		       void *data);

/** ds_policy_names() - NULL-terminated list of known policy names */
const char *const *ds_policy_names(void);

/*
 * Results
 */

/**
 * struct ds_hist - log-linear histogram of ns values: exact below 256, then 128 sub-buckets per
 * power of two (relative error < 0.8%); min, max, sum and count are exact.
 */
struct ds_hist {
	uint64_t count;
	uint64_t min;
	uint64_t max;
	double sum;
	uint64_t *buckets;	/* DS_HIST_BUCKETS */
};
#define DS_HIST_BUCKETS (256 + 56 * 128)

/** ds_hist_init() - an empty histogram (allocates the buckets) */
void ds_hist_init(struct ds_hist *h);
/** ds_hist_clear() - free the buckets; ds_hist_init() again before reuse */
void ds_hist_clear(struct ds_hist *h);
/** ds_hist_add() - count one value */
void ds_hist_add(struct ds_hist *h, uint64_t v);
/** ds_hist_add_pairs() - count each of @v[0..n) in both @a and @b (as ds_hist_add() calls
 * would, value by value; @a and @b distinct) */
void ds_hist_add_pairs(struct ds_hist *a, struct ds_hist *b, const uint64_t *v, size_t n);
/** ds_hist_quantile() - value at quantile @q in [0,1] (the max for q=1, 0 when empty) */
uint64_t ds_hist_quantile(const struct ds_hist *h, double q);
/**
 * ds_hist_quantiles() - ds_hist_quantile() of each of @qs[0..@n) into @out, in one pass over
 * the buckets when @qs ascend (the reports' 101 percentiles)
 */
void ds_hist_quantiles(const struct ds_hist *h, const double *qs, size_t n, uint64_t *out);

/*
 * DS_ARRIVAL_SCALES - window widths of struct ds_arrivals: 2^(10+k) ns for k = 0..23
 * (1.02 us to 8.6 s)
 */
#define DS_ARRIVAL_SCALES 24
#define DS_ARRIVAL_SCALE0 10

/**
 * struct ds_arrivals - statistics of an arrival process (a pool's swap attempts), kept for
 * the analytic cross-check (include/ds_analytic.h): how many, when, how regular
 * @n: arrivals (also the running counter's value last observed: ds_arrivals_observe())
 * @first_ts, @last_ts: first and last arrival (sim time); the inter-arrival gaps' sum is
 *	@last_ts - @first_ts
 * @gap_sumsq: sum of squares of the inter-arrival gaps (ns)
 * @scale: per window width 2^(DS_ARRIVAL_SCALE0 + k) ns, windows aligned on @first_ts: the
 *	window being counted (@window, from 0: also the number of windows already closed, empty
 *	ones included; @start: @n when it began, also the sum of the closed windows' counts; the
 *	count being kept is @n - @start: an arrival then moves nothing in the windows that go on)
 *	and the sum of squares of the closed windows' counts
 */
struct ds_arrivals {
	uint64_t n;
	uint64_t first_ts;
	uint64_t last_ts;
	double gap_sumsq;
	struct {
		uint64_t window;
		uint64_t start;
		double sumsq;
	} scale[DS_ARRIVAL_SCALES];
};

/* ds_arrivals_window() - the slow part of ds_arrivals_observe(): windows moved (sim/analytic.c) */
void ds_arrivals_window(struct ds_arrivals *a, uint64_t now);

/**
 * ds_arrivals_observe() - the running arrival counter is @total at sim time @now: count the
 * arrivals since the last observation as arriving at @now.  Inline: once per swap attempt,
 * i.e. per fallback of a pool too small.  Several arrivals at once cost no more than one:
 * after the first, each has a gap of 0 (adding 0.0 to @gap_sumsq changes nothing) and falls in
 * the window being counted at every scale, where the counts (@n - @start) move with @n.
 */
static inline void ds_arrivals_observe(struct ds_arrivals *a, uint64_t total, uint64_t now)
{
	if (a->n >= total)
		return;
	if (!a->n) {
		a->first_ts = now;
	} else {
		/* (a span of sim times, below 2^63: through int64_t, one instruction) */
		double gap = (double)(int64_t)(now - a->last_ts);

		a->gap_sumsq += gap * gap;
	}
	if ((now - a->first_ts) >> DS_ARRIVAL_SCALE0 != a->scale[0].window)
		ds_arrivals_window(a, now);
	a->n = total;
	a->last_ts = now;
}

/**
 * struct ds_task_result - one releasing task
 * @pid: task id
 * @releases: releases it made
 * @fallbacks: of them, synchronous fallbacks
 * @hot_ns: time its releases spent on the hot path under the policy
 * @sync_ns: the same releases' cost under sync (recorded durations or profile)
 * @first_ts: its first release (trace clock)
 * @rec_end_ts: recorded end: exit, else end of its last release
 * @sim_end_ts: simulated end under the policy
 * @exited: sched_process_exit was seen
 * @think_clamped_ns: recorded costs that overlapped the next release (negative think time
 *	clamped to 0): under sync with recorded costs, sim_end_ts - rec_end_ts equals this
 * @think_oncpu_ns, @think_offcpu_ns: its simulated think time on a CPU (work) and off it
 * @freed_ts: when the last of its values was freed (sync: at its hot path; deferred: by the
 *	drain, possibly at teardown); 0 when it freed nothing
 */
struct ds_task_result {
	int32_t pid;
	uint64_t releases;
	uint64_t fallbacks;
	uint64_t hot_ns;
	uint64_t sync_ns;
	uint64_t first_ts;
	uint64_t rec_end_ts;
	uint64_t sim_end_ts;
	bool exited;
	uint64_t think_clamped_ns;
	uint64_t think_oncpu_ns;
	uint64_t think_offcpu_ns;
	uint64_t freed_ts;
};

/*
 * DS_TASK_TOP - rows each ranking of struct ds_task_summary keeps: the text report's table
 * (20 by default) and the hot-path plot (30) fit in it
 */
#define DS_TASK_TOP 40

/**
 * struct ds_task_ranked - a task row with its position in the engine's order (first release),
 * the last tie-break of every ranking
 */
struct ds_task_ranked {
	guint index;
	struct ds_task_result t;
};

/**
 * struct ds_task_summary - what reports need of the per-task rows, in memory bounded by
 * DS_TASK_TOP whatever the task count (sim/tasksum.c); filled in both modes of the run
 * @count: tasks
 * @exit_to_freed: ds_task_exit_to_freed() of every task
 * @by_releases: struct ds_task_ranked, at most DS_TASK_TOP: most releases first, then lower
 *	pid, then lower index (the text report's table)
 * @by_sync: the same by most sync_ns first, then lower index (the hot-path plot)
 * @worst_hot: the task with the most hot_ns, the first in index order among equals (valid
 *	when @count)
 */
struct ds_task_summary {
	uint64_t count;
	struct ds_hist exit_to_freed;
	GArray *by_releases;
	GArray *by_sync;
	struct ds_task_ranked worst_hot;
};

/** ds_task_summary_add() - count task row @t, number @index in the engine's order */
void ds_task_summary_add(struct ds_task_summary *s, guint index, const struct ds_task_result *t);

/**
 * struct ds_backend_result - metrics of one backend's pool
 * @releases: release events of this backend
 * @pushed: values stored in a per-CPU buffer
 * @fallbacks: values freed synchronously because no page could be had
 * @drained: values freed by the worker (excluding stale ones)
 * @stale_drains: drained values whose slot had been reused (freed by the write path)
 * @teardown_drained: of @drained, those freed at teardown
 * @swaps: full buffers swapped for a pool page
 * @swap_failures: swap attempts that found the pool empty
 * @queue_work_calls: queue_work() calls; @queue_work_noops: of them, already pending
 * @worker_runs: worker executions; @worker_busy_ns: their total wall time
 * @worker_cpu_ns: CPU time the workers consumed; @worker_longest_run_ns: longest run (wall)
 * @stranded_ns: CPU-time buffers stood full with no page; @stranded_episodes: how often
 * @pool_free_min: fewest free pool pages; @pool_free_mean: time-weighted mean
 * @peak_pending_values: most values waiting in buffers at once
 * @peak_pending_bytes: memory they stood for (object sizes or profile object_bytes)
 * @peak_pages_held: most pages holding pending values (per-CPU + queued + draining)
 * @drain_latency: push to freed, deferred values only
 * @slot_reuse_pending: zram writes to an index that was still pending
 * @cap: values per buffer page (page_size / 4 for zram, / 8 for zswap)
 * @teardown_latency: push to freed of the values freed at teardown (they measure the end of
 *	the trace, not the design, so they are kept out of @drain_latency)
 * @free_latency: push to freed of every deferred value, those freed at teardown included
 * @stranded_values: drained values that sat in a buffer while it stood stranded (full with
 *	no free page)
 * @fallbacks_lock: v2: of @fallbacks, those whose spin_trylock found the drain holding the lock
 *	(the rest found the array full)
 * @class_lock_acquisitions: zsonly: class->lock acquisitions by the drain (one per run of
 *	consecutive same-class handles in a page; the other policies' drains take one per value)
 * @sizes_from_trace: zsonly: pushed values whose object size came from the trace (zs_malloc
 *	records); the others were drawn from the profile's [sizes]
 * @swap_arrivals: when swap attempts (@swaps + @swap_failures) happened: the arrival process
 *	of pages to the pool, for the analytic cross-check
 * @observed_ns: the span @pool_free_mean is averaged over (first event to teardown)
 */
struct ds_backend_result {
	uint64_t releases;
	uint64_t pushed;
	uint64_t fallbacks;
	uint64_t drained;
	uint64_t stale_drains;
	uint64_t teardown_drained;
	uint64_t swaps;
	uint64_t swap_failures;
	uint64_t queue_work_calls;
	uint64_t queue_work_noops;
	uint64_t worker_runs;
	uint64_t worker_busy_ns;
	uint64_t worker_cpu_ns;
	uint64_t worker_longest_run_ns;
	uint64_t stranded_ns;
	uint64_t stranded_episodes;
	uint64_t pool_free_min;
	double pool_free_mean;
	uint64_t peak_pending_values;
	uint64_t peak_pending_bytes;
	uint64_t peak_pages_held;
	struct ds_hist drain_latency;
	uint64_t slot_reuse_pending;
	uint64_t cap;
	struct ds_hist teardown_latency;
	struct ds_hist free_latency;
	uint64_t stranded_values;
	uint64_t fallbacks_lock;
	uint64_t class_lock_acquisitions;
	uint64_t sizes_from_trace;
	struct ds_arrivals swap_arrivals;
	uint64_t observed_ns;
};

/**
 * struct ds_ts_sample - one time-series sample (results->timeseries)
 */
struct ds_ts_sample {
	uint64_t ts;
	uint32_t backend;
	uint32_t pool_free;
	uint32_t queued_pages;
	uint64_t pending_values;
	uint64_t fallbacks;	/* cumulative */
};

/**
 * struct ds_invariants - the spec's §5 checks, when params.check_invariants
 * @checked: the ledger was kept
 * @freed_twice: releases freed more than once (must be 0)
 * @never_freed: releases not freed at the end (must be 0)
 * @pages_violations: times the page count was not pool_pages + ncpus (must be 0)
 * @cpu_violations: virtual CPUs that gave out more CPU time than elapsed (must be 0)
 * @time_violations: reported times and latencies that are negative (above 2^63 - 1 ns, which
 *	JSON would print negative) or end before they start (must be 0)
 */
struct ds_invariants {
	bool checked;
	uint64_t freed_twice;
	uint64_t never_freed;
	uint64_t pages_violations;
	uint64_t cpu_violations;
	uint64_t time_violations;
};

/** ds_invariants_hold() - every checked invariant held (the one verdict all reports use) */
static inline bool ds_invariants_hold(const struct ds_invariants *inv)
{
	return !inv->freed_twice && !inv->never_freed && !inv->pages_violations &&
	       !inv->cpu_violations && !inv->time_violations;
}

/* Locks modelled as shared resources (spec §4.3). */
enum ds_lock_kind { DS_LOCK_CLASS = 0, DS_LOCK_POOL, DS_LOCK_V2_ARRAY, DS_LOCK__COUNT };
const char *ds_lock_kind_name(unsigned int kind);

/**
 * struct ds_lock_result - one kind of lock over the run
 * @acquisitions: times it was taken; @contended: of them, the taker had to spin
 * @handovers: contended releases (each costs lock_handover_ns to the next holder)
 * @wait_ns: time spent spinning, all waiters; @max_wait_ns: the worst single spin
 * @spin_cpu_ns: CPU time burnt spinning
 */
struct ds_lock_result {
	uint64_t acquisitions;
	uint64_t contended;
	uint64_t handovers;
	uint64_t wait_ns;
	uint64_t max_wait_ns;
	double spin_cpu_ns;
};

/**
 * struct ds_results - everything one run measured
 * @policy: policy name
 * @profile_name: profile used
 * @params: copy of the parameters (policy points to @policy)
 * @ncpus: virtual CPUs simulated
 * @rec_start_ts, @rec_end_ts: span of the replayed events on the trace clock
 * @sim_end_ts: when the last simulated activity (incl. teardown) ended
 * @releases: all releases
 * @hot_ns: total hot-path time under the policy; @sync_ns: the same under sync
 * @be: per-backend metrics
 * @tasks: GArray of struct ds_task_result, by first release; empty when the run handed its
 *	rows to a struct ds_task_sink instead (ds_sim_run_rows())
 * @task_sum: the per-task rows summarised (both modes)
 * @timeseries: GArray of struct ds_ts_sample (empty unless params.timeseries_ns)
 * @inv: invariant checks
 * @events_in: events consumed from the source
 * @lost_markers: DS_EV_LOST events in the stream (the trace lost events: results degrade)
 * @lost_events: events lost according to those markers (0 when their counts are unknown)
 * @locks: per lock kind, contention
 * @cpu_busy_ns: per virtual CPU, CPU time given to simulated entities (GArray of double)
 * @think_measured, @think_assumed: releases whose think time subtracted their measured cost,
 *	or the recording machine's assumed cost (no duration in the trace)
 * @think_scale: the think-time factor used (auto resolved)
 * @probe_from_provenance: the probe costs used came from the capture's provenance file
 * @probe_removed_ns: recorded time taken out of the tasks' timelines as the probes' own
 * @mechanism_bytes: memory the deferred scheme itself holds (pool + per-CPU pages), per pool
 */
struct ds_results {
	char *policy;
	char *profile_name;
	struct ds_params params;
	unsigned int ncpus;
	uint64_t rec_start_ts;
	uint64_t rec_end_ts;
	uint64_t sim_end_ts;
	uint64_t releases;
	uint64_t hot_ns;
	uint64_t sync_ns;
	struct ds_backend_result be[DS_BE__COUNT];
	GArray *tasks;
	struct ds_task_summary task_sum;
	GArray *timeseries;
	struct ds_invariants inv;
	uint64_t events_in;
	uint64_t lost_markers;
	uint64_t lost_events;
	struct ds_lock_result locks[DS_LOCK__COUNT];
	GArray *cpu_busy_ns;
	uint64_t think_measured;
	uint64_t think_assumed;
	double think_scale;
	bool probe_from_provenance;
	uint64_t probe_removed_ns;
	uint64_t mechanism_bytes;
};

/**
 * ds_sim_run() - replay @src under @params and @prof
 * @src: event source, read to its end
 * @ncpus_recorded: CPUs of the recording (used when params->cpus == 0)
 *
 * Return: results (free with ds_results_free()) or NULL with @error set (bad parameters, a
 * source error, or with check_invariants an invariant failure is reported in ->inv, not here).
 */
struct ds_results *ds_sim_run(const struct ds_params *params, const struct ds_profile *prof,
			      struct ds_source *src, unsigned int ncpus_recorded, GError **error);
void ds_results_free(struct ds_results *r);

/**
 * struct ds_task_sink - where ds_sim_run_rows() hands each task's row, once it is final (the
 * task ended and every value it released was freed): rows come out of order, each once, with
 * its @index in the engine's order (0 .. task_sum.count - 1)
 */
struct ds_task_sink {
	void (*row)(void *data, guint index, const struct ds_task_result *t);
	void *data;
};

/**
 * ds_sim_run_rows() - ds_sim_run() whose per-task rows go to @sink (NULL: dropped) instead of
 * results->tasks, so that memory follows the tasks alive at once, not the trace's task count;
 * results->task_sum holds what the reports need of them
 */
struct ds_results *ds_sim_run_rows(const struct ds_params *params, const struct ds_profile *prof,
				   struct ds_source *src, unsigned int ncpus_recorded,
				   const struct ds_task_sink *sink, GError **error);

/**
 * ds_sim_open_trace() - ds_source_open_trace() for a run with @p: when think_scale is auto
 * and the trace's median measured duration is not known yet, the trace is read once first;
 * the median goes to @p->think_ref_ns.  probe_overhead_ns / probe_gap_ns left "auto" are
 * read from the capture's provenance (TRACE.md beside TRACE.dat: lines "probe_overhead_ns: N",
 * "probe_gap_ns: N"), else 0.
 */
struct ds_source *ds_sim_open_trace(const char *trace, const struct ds_trace_opts *topts,
				    struct ds_params *p, GError **error);

/**
 * ds_trace_time_base() - the time base of @trace as its capture's provenance (TRACE.md beside
 * TRACE.dat) states it: "- time_base: real|emulated", else "- accelerator: tcg" (emulated) or
 * another accelerator (real); DS_TIME_UNKNOWN without either
 * @line: out (may be NULL): the line that said so, empty when none did
 */
enum ds_time_base ds_trace_time_base(const char *trace, char *line, size_t size);

/**
 * ds_task_exit_to_freed() - how long after the task's simulated end its last value was
 * freed (0 when all were freed by then, as under sync)
 */
static inline uint64_t ds_task_exit_to_freed(const struct ds_task_result *t)
{
	return t->freed_ts > t->sim_end_ts ? t->freed_ts - t->sim_end_ts : 0;
}

#endif /* DS_SIM_H */
