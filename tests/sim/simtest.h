/* SPDX-License-Identifier: MIT */
/*
 * simtest.h - helpers shared by the simulator's tests: building synthetic event streams in
 * memory (ds_source_new_array) and a hand-written cost profile with round numbers, so that
 * expected results can be worked out by hand in the tests' comments.
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

/* Test parameters: the defaults, cost_source profile, page_size 16 (zram CAP 4, zswap 2). */
void simtest_params(struct ds_params *p);

/* Run @evs through the simulator; fails the test on error. */
struct ds_results *simtest_run(const GArray *evs, const struct ds_params *p,
			       const struct ds_profile *prof, unsigned int ncpus_recorded);

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

#endif
