// SPDX-License-Identifier: MIT
/*
 * evq.c - the engine's event queue: a binary min-heap of struct ds_sev in a plain growing
 * array (every engine event goes through it: no GArray call per push or pop), ordered by
 * (time, seq).  GLib has no priority queue (GSequence would do, at a tree node allocation
 * per event); the heap stays as small as the number of live tasks and work items.
 *
 * The loop takes the earliest event out with ds_evq_take(), which leaves its slot at the root
 * vacant (@hole) while the event is handled: handling one usually schedules one (a task's
 * next step), which then goes straight into the root and sifts down once, instead of a pop
 * sifting down and a push sifting up.  ds_evq_settle() fills a hole left unused.  The order
 * events come out in is the same either way: (time, seq) is unique, so any valid heap gives
 * the same sequence.
 */
#include "engine.h"

static bool sev_before(const struct ds_sev *a, const struct ds_sev *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void ds_evq_init(struct ds_evq *q)
{
	q->cap = 64;
	q->heap = g_new(struct ds_sev, q->cap);
	q->len = 0;
	q->seq = 0;
}

void ds_evq_clear(struct ds_evq *q)
{
	g_free(q->heap);
	q->heap = NULL;
	q->len = q->cap = 0;
}

/* Put @ev in the root slot (vacant) of a heap of @n and sift it down (inline in the push, by
 * pointer: no copy of the event for a call, once per engine event). */
G_ALWAYS_INLINE static inline void sift_down(struct ds_sev *h, size_t n,
					     const struct ds_sev *evp)
{
	const struct ds_sev ev = *evp;
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && sev_before(&h[c + 1], &h[c]))
			c++;
		if (!sev_before(&h[c], &ev))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = ev;
}

void ds_evq_push(struct ds_evq *q, uint64_t time, uint32_t kind, void *obj, uint32_t gen,
		 uint32_t arg)
{
	struct ds_sev ev = { .time = time, .seq = q->seq++, .obj = obj, .kind = kind, .gen = gen,
			     .arg = arg };
	struct ds_sev *h;
	size_t i;

	if (q->hole) {
		q->hole = false;
		sift_down(q->heap, q->len, &ev);
		return;
	}
	if (q->len == q->cap) {
		q->cap *= 2;
		q->heap = g_renew(struct ds_sev, q->heap, q->cap);
	}
	h = q->heap;
	for (i = q->len++; i > 0; ) {
		size_t parent = (i - 1) / 2;

		if (!sev_before(&ev, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = ev;
}

/* ds_evq_settle()'s slow path: the root is vacant and no push filled it */
void ds_evq_fill_hole(struct ds_evq *q)
{
	size_t n;

	q->hole = false;
	n = --q->len;
	if (n)
		sift_down(q->heap, n, &q->heap[n]);
}

void ds_evq_pop(struct ds_evq *q, struct ds_sev *out)
{
	ds_evq_settle(q);
	ds_evq_take(q, out);
	ds_evq_settle(q);
}
