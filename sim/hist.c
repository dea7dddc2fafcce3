// SPDX-License-Identifier: MIT
/*
 * hist.c - log-linear histogram of nanosecond values (struct ds_hist).
 *
 * Buckets: values below 256 have one bucket each; a value v >= 256 with top bit k (2^k <= v <
 * 2^(k+1), 8 <= k <= 63) falls in group k-8, sub-bucket (v >> (k-7)) & 127, i.e. 128 equal
 * slices of each power of two.  A bucket spans 2^(k-7) values, so its midpoint is within
 * 1/256 of any value in it (< 0.4%; the header promises < 0.8%).  count, min, max and sum are
 * kept exactly beside the buckets.
 */
#include <string.h>

#include "ds_sim.h"

#define EXACT 256u
#define SUB 128u

void ds_hist_init(struct ds_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->buckets = g_new0(uint64_t, DS_HIST_BUCKETS);
}

/* Frees the buckets: the histogram must be ds_hist_init()ed again before reuse. */
void ds_hist_clear(struct ds_hist *h)
{
	g_free(h->buckets);
	memset(h, 0, sizeof(*h));
}

/*
 * The same bucket without a branch (once per drained value): for v >= 256, with s = k - 7,
 * (v >> s) is in [128, 256), so EXACT + (k - 8) * SUB + ((v >> s) & 127) = (s << 7) + (v >> s);
 * and for v < 256 the OR with 128 makes s = 0, giving v itself.
 */
static inline unsigned int bucket_of(uint64_t v)
{
	unsigned int s = 56u - (unsigned int)__builtin_clzll(v | 128u);

	return (s << 7) + (unsigned int)(v >> s);
}

/* Smallest value of bucket @b and how many values it spans. */
static void bucket_span(unsigned int b, uint64_t *lo, uint64_t *width)
{
	unsigned int k, sub;

	if (b < EXACT) {
		*lo = b;
		*width = 1;
		return;
	}
	k = (b - EXACT) / SUB + 8u;
	sub = (b - EXACT) % SUB;
	*width = 1ull << (k - 7u);
	*lo = (1ull << k) + (uint64_t)sub * *width;
}

/* Count @v, already known to fall in bucket @k. */
static inline void hist_count(struct ds_hist *h, uint64_t v, unsigned int k)
{
	if (!h->count || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += (double)v;
	h->buckets[k]++;
}

void ds_hist_add(struct ds_hist *h, uint64_t v)
{
	hist_count(h, v, bucket_of(v));
}

/*
 * Both histograms count each of @v[0..n) (drained values' latencies go to two): one bucket
 * computation a value; min, max and count are kept in registers and merged once (exact), the
 * sums take the values one by one in order (the same rounding as adding them one at a time).
 */
void ds_hist_add_pairs(struct ds_hist *a, struct ds_hist *b, const uint64_t *v, size_t n)
{
	uint64_t lo, hi, *ba = a->buckets, *bb = b->buckets;
	double sa, sb;		/* the sums in registers: the same additions in the same order */
	struct ds_hist *h[2] = { a, b };

	if (!n)
		return;
	lo = hi = v[0];
	sa = a->sum;
	sb = b->sum;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = v[i];
		unsigned int k = bucket_of(x);
		double d = (double)(int64_t)x;	/* exact below 2^63: else redone below */

		lo = MIN(lo, x);
		hi = MAX(hi, x);
		sa += d;
		sb += d;
		ba[k]++;
		bb[k]++;
	}
	if (G_UNLIKELY(hi >> 63)) {
		sa = a->sum;
		sb = b->sum;
		for (size_t i = 0; i < n; i++) {
			sa += (double)v[i];
			sb += (double)v[i];
		}
	}
	a->sum = sa;
	b->sum = sb;
	for (unsigned int j = 0; j < 2; j++) {
		if (!h[j]->count || lo < h[j]->min)
			h[j]->min = lo;
		if (hi > h[j]->max)
			h[j]->max = hi;
		h[j]->count += n;
	}
}

/*
 * The value of rank ceil(q * count) (1-based): the midpoint of its bucket, clamped to the
 * exact min and max so that a one-value histogram answers that value.
 */
uint64_t ds_hist_quantile(const struct ds_hist *h, double q)
{
	uint64_t rank, seen = 0, lo, width, mid;

	if (!h->count)
		return 0;
	if (q <= 0.0)
		return h->min;
	if (q >= 1.0)
		return h->max;
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (rank < 1)
		rank = 1;
	for (unsigned int b = 0; b < DS_HIST_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen < rank)
			continue;
		bucket_span(b, &lo, &width);
		mid = lo + (width - 1) / 2;
		return CLAMP(mid, h->min, h->max);
	}
	return h->max;
}

/*
 * The same answers as ds_hist_quantile() for each of @qs, in one walk of the buckets when the
 * @qs ascend (their ranks then never go back); a @q below the one before restarts the walk.
 */
void ds_hist_quantiles(const struct ds_hist *h, const double *qs, size_t n, uint64_t *out)
{
	uint64_t seen = 0, last_rank = 0, lo, width, mid;
	unsigned int b = 0;

	for (size_t i = 0; i < n; i++) {
		double q = qs[i];
		uint64_t rank;

		if (!h->count) {
			out[i] = 0;
			continue;
		}
		if (q <= 0.0 || q >= 1.0) {
			out[i] = q <= 0.0 ? h->min : h->max;
			continue;
		}
		rank = (uint64_t)(q * (double)h->count);
		if ((double)rank < q * (double)h->count)
			rank++;
		if (rank < 1)
			rank = 1;
		if (rank < last_rank) {
			seen = 0;
			b = 0;
		}
		last_rank = rank;
		/* the first bucket whose cumulative count reaches @rank */
		while (b < DS_HIST_BUCKETS && seen + h->buckets[b] < rank)
			seen += h->buckets[b++];
		if (b == DS_HIST_BUCKETS) {
			out[i] = h->max;
			continue;
		}
		bucket_span(b, &lo, &width);
		mid = lo + (width - 1) / 2;
		out[i] = CLAMP(mid, h->min, h->max);
	}
}
