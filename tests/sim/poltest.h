/* SPDX-License-Identifier: MIT */
/*
 * poltest.h - checks shared by the tests of policies v2 and zsonly: their parameters, and
 * the spec's §5 conservation adapted to policies that defer zsmalloc handles (no stale
 * drains: a slot write never touches a handle).  Streams, runs and the checks of every
 * policy are simtest.h's.
 */
#ifndef DS_POLTEST_H
#define DS_POLTEST_H

#include "simtest.h"

/* Test parameters (simtest_params()) for @policy, with the ledger checked. */
void poltest_params(struct ds_params *p, const char *policy);

/*
 * simtest_assert_conservation(), and for these policies: no stale drain and no slot reused
 * while pending (so pushed = drained), lock fallbacks among the fallbacks.
 */
void poltest_assert_conservation(const struct ds_results *r, const struct simtest_counts *c);

#endif
