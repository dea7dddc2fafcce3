// SPDX-License-Identifier: MIT
/*
 * zscost.c - which part of a release is zs_free(), for the policies that defer only that
 * (v2, zsonly): the rest (zram slot metadata, zswap LRU delete and tree erase) stays on the
 * releasing CPU.  The rule is in zsmalloc.h; docs/model.md §7 explains it.
 */
#include <math.h>

#include "zsmalloc.h"

uint64_t ds_zs_part(const struct ds_profile *prof, unsigned int be, uint64_t sync_cost)
{
	uint64_t base = prof->sync_free_ns[be];
	double zs;

	if (!base)
		return MIN(prof->zs_free_ns, sync_cost);
	if (sync_cost == base)
		return MIN(prof->zs_free_ns, sync_cost);	/* exact, no rounding */
	zs = round((double)sync_cost * (double)prof->zs_free_ns / (double)base);
	return MIN((uint64_t)zs, sync_cost);
}
