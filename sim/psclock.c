// SPDX-License-Identifier: MIT
/*
 * psclock.c - the virtual clock of processor sharing (GPS): with n entities sharing a CPU
 * fairly each at 1/n, one clock V advancing at 1/n per ns stands for all of them; a job that
 * needs w ns of work from V = v0 ends when V reaches its finish tag v0 + w.  A run-queue change
 * then costs one rate change of the clock and O(log n) heap work, not a new rate and a new
 * engine event for every entity on the CPU (cpu.c decides when a CPU uses it).
 *
 * Virtual time is kept in 64.64 fixed point (ds_vtime), not in a double: V grows with the
 * run while a job's work left is the small difference of two values of it, which a double
 * would know to ulp(V) (1e-6 ns at 10 s) and so round many whole-ns ends up by one.  In fixed
 * point each rate change floors V by < 2^-64 ns, and ends are rounded as job.c rounds them.
 *
 * struct ds_psclock (engine.h): @hist, the clock's piecewise-linear history (struct ds_ps_seg,
 * one per rate change), kept back to the oldest job following it, so the time at which a job
 * reached any amount of its work is found afterwards (ds_psclock_time_at(), for a worker's
 * per-value free times); @heap, the entities whose jobs follow it, a binary min-heap by
 * (finish tag, insertion order) with each job's index in job.ps_pos.
 */
#include <math.h>

#include "engine.h"

#define TRIM_SLACK 256u	/* history entries appended before a trim is tried */

void ds_psclock_init(struct ds_psclock *k)
{
	k->hist = g_array_new(FALSE, FALSE, sizeof(struct ds_ps_seg));
	k->heap = g_ptr_array_new();
	k->base = 0;
	k->kept = 0;
	k->sched = NULL;
	k->seq = 0;
}

void ds_psclock_clear(struct ds_psclock *k)
{
	if (k->hist)
		g_array_free(k->hist, TRUE);
	if (k->heap)
		g_ptr_array_free(k->heap, TRUE);
	k->hist = NULL;
	k->heap = NULL;
}

#define ONE ((ds_vtime)1 << 64)
/* 1e-9 ns in 2^-64 ns: job.c's slack, for rounding as an explicit job's end is rounded */
#define SLACK ((ds_vtime)18446744074u)

ds_vtime ds_vt_from_ns(double ns)
{
	double whole;

	if (!(ns > 0))
		return 0;
	whole = floor(ns);
	/* ns < 2^53: the fraction and its scaling by 2^64 are exact */
	return ((ds_vtime)(uint64_t)whole << 64) + (ds_vtime)(uint64_t)ldexp(ns - whole, 64);
}

double ds_vt_ns(ds_vtime v)
{
	return (double)(uint64_t)(v >> 64) + ldexp((double)(uint64_t)v, -64);
}

uint64_t ds_vt_end(uint64_t now, ds_vtime left, uint32_t m)
{
	ds_vtime t;
	uint64_t whole;

	if (left <= SLACK)
		return now;
	if (!m)
		return DS_NEVER;
	if (left >> 64 >= ((ds_vtime)1 << 62) / m)	/* beyond any trace */
		return DS_NEVER;
	t = left * m;
	whole = (uint64_t)(t >> 64) + ((t & (ONE - 1)) > SLACK);
	return whole > DS_NEVER - 1 - now ? DS_NEVER : now + whole;
}

void ds_psclock_reset(struct ds_psclock *k, uint64_t now)
{
	struct ds_ps_seg s = { .t = now, .v = 0, .m = 0 };

	g_assert(!k->heap->len);
	k->base += k->hist->len;
	g_array_set_size(k->hist, 0);
	g_array_append_val(k->hist, s);
	k->kept = 1;
	k->sched = NULL;
}

static inline const struct ds_ps_seg *last_seg(const struct ds_psclock *k)
{
	return &g_array_index(k->hist, struct ds_ps_seg, k->hist->len - 1);
}

/* V advanced by @dt ns at 1/@m: floored to 2^-64 ns (one such error per rate change) */
static ds_vtime advance(ds_vtime v, uint64_t dt, uint32_t m)
{
	return m ? v + ((ds_vtime)dt << 64) / m : v;
}

ds_vtime ds_psclock_v(const struct ds_psclock *k, uint64_t now)
{
	const struct ds_ps_seg *s = last_seg(k);

	return now > s->t ? advance(s->v, now - s->t, s->m) : s->v;
}

uint32_t ds_psclock_div(const struct ds_psclock *k)
{
	return last_seg(k)->m;
}

/* Drop the history no job needs any more (the oldest ps_idx of the jobs on the heap). */
static void trim(struct ds_psclock *k)
{
	uint64_t keep = k->base + k->hist->len - 1;	/* the current segment at least */

	for (guint i = 0; i < k->heap->len; i++) {
		const struct ds_ent *e = g_ptr_array_index(k->heap, i);

		keep = MIN(keep, e->job.ps_idx);
	}
	if (keep > k->base) {
		g_array_remove_range(k->hist, 0, (guint)(keep - k->base));
		k->base = keep;
	}
	k->kept = k->hist->len;
}

void ds_psclock_set_div(struct ds_psclock *k, uint64_t now, uint32_t m)
{
	struct ds_ps_seg *s = &g_array_index(k->hist, struct ds_ps_seg, k->hist->len - 1);
	struct ds_ps_seg n;

	if (s->t == now) {	/* several changes at one instant: the last counts */
		s->m = m;
		return;
	}
	n = (struct ds_ps_seg){ .t = now, .v = ds_psclock_v(k, now), .m = m };
	g_array_append_val(k->hist, n);
	if (k->hist->len > 2 * k->kept + TRIM_SLACK)
		trim(k);
}

uint64_t ds_psclock_time_at(const struct ds_psclock *k, uint64_t idx, ds_vtime v, uint64_t cap)
{
	const struct ds_ps_seg *h = (const struct ds_ps_seg *)(void *)k->hist->data;
	guint lo = (guint)(idx - k->base), hi = k->hist->len;

	g_assert(idx >= k->base && lo < hi);
	/* the last segment that began below @v (a stopped one only lasts until the next) */
	while (hi - lo > 1) {
		guint mid = (lo + hi) / 2;

		if (h[mid].v < v)
			lo = mid;
		else
			hi = mid;
	}
	if (v <= h[lo].v)
		return MIN(h[lo].t, cap);
	return MIN(ds_vt_end(h[lo].t, v - h[lo].v, h[lo].m), cap);
}

/* --- the heap of jobs by finish tag --- */

static bool before(const struct ds_ent *a, const struct ds_ent *b)
{
	return a->job.ps_f < b->job.ps_f ||
	       (a->job.ps_f == b->job.ps_f && a->job.ps_seq < b->job.ps_seq);
}

static void put(struct ds_psclock *k, guint i, struct ds_ent *e)
{
	k->heap->pdata[i] = e;
	e->job.ps_pos = i;
}

static void sift_up(struct ds_psclock *k, guint i)
{
	struct ds_ent *e = k->heap->pdata[i];

	while (i > 0) {
		guint parent = (i - 1) / 2;
		struct ds_ent *p = k->heap->pdata[parent];

		if (!before(e, p))
			break;
		put(k, i, p);
		i = parent;
	}
	put(k, i, e);
}

static void sift_down(struct ds_psclock *k, guint i)
{
	struct ds_ent *e = k->heap->pdata[i];
	guint n = k->heap->len;

	for (;;) {
		guint c = 2 * i + 1;
		struct ds_ent *ce;

		if (c >= n)
			break;
		if (c + 1 < n && before(k->heap->pdata[c + 1], k->heap->pdata[c]))
			c++;
		ce = k->heap->pdata[c];
		if (!before(ce, e))
			break;
		put(k, i, ce);
		i = c;
	}
	put(k, i, e);
}

void ds_psclock_insert(struct ds_psclock *k, struct ds_ent *e)
{
	e->job.ps_seq = k->seq++;
	g_ptr_array_add(k->heap, e);
	sift_up(k, k->heap->len - 1);
}

void ds_psclock_remove(struct ds_psclock *k, struct ds_ent *e)
{
	guint i = e->job.ps_pos, lastpos = k->heap->len - 1;
	struct ds_ent *last = k->heap->pdata[lastpos];

	g_assert(i < k->heap->len && k->heap->pdata[i] == e);
	g_ptr_array_set_size(k->heap, lastpos);
	if (k->sched == e)
		k->sched = NULL;
	if (i == lastpos)
		return;
	put(k, i, last);
	ds_psclock_moved(k, last);
}

void ds_psclock_moved(struct ds_psclock *k, struct ds_ent *e)
{
	sift_up(k, e->job.ps_pos);
	sift_down(k, e->job.ps_pos);
}
