// SPDX-License-Identifier: MIT
/*
 * zscost.c - which part of a release is zs_free(), for the policies that defer only that
 * (v2, zsonly): the rest (zram slot metadata, zswap LRU delete and tree erase) stays on the
 * releasing CPU.  The rule is in zsmalloc.h; docs/model.md §7 explains it.
 */
#include <math.h>

#include "zsmalloc.h"

/*
 * round() of a value >= 0 without its library call (one per v2 or zsonly release): below
 * 2^52, trunc is exact through int64_t and so is the fraction x - trunc (the two share a
 * binade, or trunc is 0), so ">= 0.5 goes up" is round()'s half away from zero exactly;
 * from 2^52 on every double is a whole number (and round() takes anything larger).
 */
static inline double round_nonneg(double x)
{
	double t;

	if (!(x < 0x1p52))
		return round(x);
	t = (double)(int64_t)x;
	return x - t >= 0.5 ? t + 1.0 : t;
}

uint64_t ds_zs_part(const struct ds_profile *prof, unsigned int be, uint64_t sync_cost)
{
	uint64_t base = prof->sync_free_ns[be];
	double zs;

	if (!base)
		return MIN(prof->zs_free_ns, sync_cost);
	if (sync_cost == base)
		return MIN(prof->zs_free_ns, sync_cost);	/* exact, no rounding */
	zs = round_nonneg((double)sync_cost * (double)prof->zs_free_ns / (double)base);
	return MIN((uint64_t)zs, sync_cost);
}
