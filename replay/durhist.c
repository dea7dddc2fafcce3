// SPDX-License-Identifier: MIT
/*
 * durhist.c - log-linear histogram of durations (see trace_impl.h).
 *
 * Values below 2^SUB have a bucket each (exact).  Above, a value v with its top bit at
 * position e (e >= SUB) falls in the bucket of its top SUB+1 bits: bucket width 2^(e-SUB),
 * so a bucket's midpoint is within 2^-(SUB+1) (< 0.4% for SUB = 7) of any value in it.
 */
#include <string.h>
#include <glib.h>

#include "trace_impl.h"

#define SUB DS_DURHIST_SUB

static unsigned int bucket_of(uint64_t v)
{
	if (v < (1u << SUB))
		return (unsigned int)v;
	unsigned int e = 63u - (unsigned int)__builtin_clzll(v);
	unsigned int shift = e - SUB;

	/* (v >> shift) is in [2^SUB, 2^(SUB+1)) */
	return ((shift + 1) << SUB) + (unsigned int)((v >> shift) - (1u << SUB));
}

/* Midpoint of bucket @b. */
static uint64_t value_of(unsigned int b)
{
	if (b < (1u << SUB))
		return b;
	unsigned int shift = (b >> SUB) - 1;
	uint64_t low = ((uint64_t)((b & ((1u << SUB) - 1)) + (1u << SUB))) << shift;

	return low + (shift ? (1ull << shift) / 2 : 0);
}

void ds_durhist_init(struct ds_durhist *h)
{
	memset(h, 0, sizeof(*h));
	h->bucket = g_new0(uint64_t, DS_DURHIST_BUCKETS);
}

void ds_durhist_add(struct ds_durhist *h, uint64_t v)
{
	h->bucket[bucket_of(v)]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

uint64_t ds_durhist_quantile(const struct ds_durhist *h, double q)
{
	if (!h->count)
		return 0;
	/* the smallest value with at least ceil(q * count) values at or below it */
	uint64_t rank = (uint64_t)(q * (double)h->count + 0.999999999);
	uint64_t seen = 0;

	if (rank < 1)
		rank = 1;
	for (unsigned int b = 0; b < DS_DURHIST_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen >= rank) {
			uint64_t v = value_of(b);

			return v > h->max ? h->max : v;
		}
	}
	return h->max;
}

void ds_durhist_clear(struct ds_durhist *h)
{
	g_free(h->bucket);
	memset(h, 0, sizeof(*h));
}
