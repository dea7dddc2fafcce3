/* SPDX-License-Identifier: MIT */
/*
 * simtest.h - helpers shared by the simulator's tests: building synthetic event streams in
 * memory (ds_source_new_array) and a hand-written cost profile with round numbers, so that
 * expected results can be worked out by hand in the tests' comments; the streams several
 * hand-worked cases start from; running a stream; the checks every run must pass (spec §5),
 * against counts taken from the stream itself.
 */
#ifndef DS_SIMTEST_H
#define DS_SIMTEST_H

#include <glib.h>

#include "ds_sim.h"
#include "ds_source.h"

/*
 * The hand profile (ns): push 10, swap 100, queue_work 50, lock 5, wake-up 1000 (fixed),
 * drain: 20 per page, 100 per zram value, 200 per zswap value; sync free: zram 300,
 * zswap 400; object 100 bytes; 4096-byte pages (tests override page_size).
 */
struct ds_profile *simtest_profile(void);

struct ds_event simtest_release(uint64_t ts, int32_t pid, uint16_t cpu, uint64_t value);
struct ds_event simtest_release_zswap(uint64_t ts, int32_t pid, uint16_t cpu, uint64_t value);
/* A release carrying its recorded duration (DS_EVF_DURATION). */
struct ds_event simtest_release_dur(uint64_t ts, int32_t pid, uint16_t cpu, uint64_t value,
				    uint64_t dur, bool zswap);
struct ds_event simtest_exit(uint64_t ts, int32_t pid, uint16_t cpu);
struct ds_event simtest_write(uint64_t ts, int32_t pid, uint16_t cpu, uint64_t index);
struct ds_event simtest_switch(uint64_t ts, uint16_t cpu, int32_t prev, int32_t next);
struct ds_event simtest_lost(uint64_t ts, uint16_t cpu, uint64_t count);

/* A stream of the @n events @evs, in that order. */
GArray *simtest_array(const struct ds_event *evs, guint n);

/*
 * The burst most hand-worked cases use: task 100 on recorded CPU 0 releases zram indices
 * 0..n-1 at t_k = 10000 + 400 k (sync cost 300 -> think 100 between releases), then exits
 * at t_{n-1} + 300 + @exit_think.
 */
GArray *simtest_burst(unsigned int n, uint64_t exit_think);

/*
 * Two tasks, 100 on recorded CPU 0 and 200 on CPU 1, each releasing 4 zram values at
 * 10000 + 400 k (indices 0..3 and 100..103), both exiting at 11600.
 */
GArray *simtest_two_tasks(void);

/*
 * Test parameters: the defaults, cost_source profile, page_size 16 (zram CAP 4, zswap 2),
 * pool 64 pages, and the hand profile's sync costs as the recording machine's (streams
 * without durations were "recorded" on the hand machine: think = gap - 300 or - 400).
 */
void simtest_params(struct ds_params *p);
/*
 * The @v-th (0..7) combination of v3's inferred choices that the conservation tests cover,
 * set in @p: pool of 0..6 pages, eager or lazy push, retry or not, the CPUs' pages from the
 * pool or not, fifo or lifo, 1 or 2 drainers, an idle flush in one of them.
 */
void simtest_v3_choices(struct ds_params *p, unsigned int v);

/* Run @evs through the simulator; fails the test on error. */
struct ds_results *simtest_run(const GArray *evs, const struct ds_params *p,
			       const struct ds_profile *prof, unsigned int ncpus_recorded);
/* The same with the hand profile, for the cases that do not change it. */
struct ds_results *simtest_run_hand(const GArray *evs, const struct ds_params *p,
				    unsigned int ncpus_recorded);

/* The row of @pid in r->tasks (the first task with that pid). */
const struct ds_task_result *simtest_task(const struct ds_results *r, int32_t pid);

/*
 * A random but seeded synthetic stream: @ntasks tasks releasing in bursts on @ncpus recorded
 * CPUs (both backends when @zswap), with think gaps short and long, migrations, exits,
 * recorded durations, sched_switch to foreign tasks, slot writes to recently released zram
 * indices, and pid reuse.  Sorted by time.  @durations: every release carries a recorded
 * duration (else about half the tasks do).
 */
GArray *simtest_generate(guint32 seed, unsigned int ntasks, unsigned int releases_per_task,
			 unsigned int ncpus, bool zswap, bool durations);

/* Every scalar of two results, both backends' histograms, task rows and samples equal. */
gboolean simtest_results_equal(const struct ds_results *a, const struct ds_results *b);

/* @h holds @count values from @min to @max summing to @sum (only the count when empty). */
void simtest_assert_hist(const struct ds_hist *h, uint64_t count, uint64_t min, uint64_t max,
			 double sum);

/* Releases per backend and per virtual CPU (recorded CPU % ncpus), counted from a stream. */
struct simtest_counts {
	uint64_t releases[DS_BE__COUNT];
	GHashTable *per_cpu[DS_BE__COUNT];	/* virtual CPU -> releases */
};

void simtest_count(const GArray *evs, unsigned int ncpus, struct simtest_counts *c);
void simtest_counts_clear(struct simtest_counts *c);
/*
 * Σ over virtual CPUs of max(0, releases of backend @be on it - @cap): the releases that
 * find their CPU's buffer full when no page is ever swapped (pool_pages 0, CAP @cap).
 */
uint64_t simtest_counts_over(const struct simtest_counts *c, unsigned int be, uint64_t cap);

/* The ledger was checked: no value freed twice or never, page conservation held, no virtual
 * CPU gave out more CPU time than elapsed. */
void simtest_assert_clean(const struct ds_results *r);

/*
 * Conservation (spec §5) and the bookkeeping identities every run must satisfy: a clean
 * ledger; per backend releases as counted from the stream, releases = pushed + fallbacks,
 * pushed = drained + stale drains (one per slot reused while pending), drained = drain
 * latencies + teardown; per-task sums equal the totals.  Under policy sync nothing is
 * pushed, falls back or is drained.
 */
void simtest_assert_conservation(const struct ds_results *r, const struct simtest_counts *c);

/*
 * Fallbacks do not increase as the pool grows from 0 to 24 pages and reach 0 (spec §5:
 * checked, not a law): @evs run with @base and each pool size.  @seed names the stream in
 * the message printed when it fails.
 */
void simtest_assert_fallbacks_monotonic(const GArray *evs, const struct ds_params *base,
					unsigned int ncpus, guint32 seed);

#endif
