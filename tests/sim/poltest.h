/* SPDX-License-Identifier: MIT */
/*
 * poltest.h - checks shared by the tests of policies v2 and zsonly: the spec's §5
 * conservation adapted to policies that defer zsmalloc handles (no stale drains: a slot
 * write never touches a handle), and releases counted from the stream itself.
 */
#ifndef DS_POLTEST_H
#define DS_POLTEST_H

#include "simtest.h"

/* Releases per backend and per virtual CPU (recorded CPU % ncpus), counted from a stream. */
struct poltest_counts {
	uint64_t releases[DS_BE__COUNT];
	GHashTable *per_cpu[DS_BE__COUNT];	/* virtual CPU -> releases */
};

void poltest_count(const GArray *evs, unsigned int ncpus, struct poltest_counts *c);
void poltest_counts_clear(struct poltest_counts *c);

/*
 * Every value freed exactly once (ledger), page conservation held, and the bookkeeping:
 * releases = pushed + fallbacks, pushed = drained, drained = drain latencies + teardown,
 * per-task sums equal the totals, releases per backend as counted from the stream.
 */
void poltest_assert_conservation(const struct ds_results *r, const struct poltest_counts *c);

/* Run a generated stream with the hand profile; fails the test on error. */
struct ds_results *poltest_run(const GArray *evs, const struct ds_params *p, unsigned int ncpus);

#endif
