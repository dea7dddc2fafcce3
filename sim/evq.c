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
 * the same sequence.  The push into the hole is inline (engine.h): it is once per engine
 * event.
 */
#include "engine.h"

void ds_evq_init(struct ds_evq *q)
{
	q->cap = 64;
	q->heap = g_new(struct ds_sev, q->cap);
	q->len = 0;
	q->seq = 0;
	q->hole = false;
}

void ds_evq_clear(struct ds_evq *q)
{
	g_free(q->heap);
	q->heap = NULL;
	q->len = q->cap = 0;
}

void ds_evq_push_up(struct ds_evq *q, const struct ds_sev *ev)
{
	struct ds_sev *h;
	size_t i;

	if (q->len == q->cap) {
		q->cap *= 2;
		q->heap = g_renew(struct ds_sev, q->heap, q->cap);
	}
	h = q->heap;
	for (i = q->len++; i > 0; ) {
		size_t parent = (i - 1) / 2;

		if (!ds_sev_before(ev, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = *ev;
}

/* ds_evq_settle()'s slow path: the root is vacant and no push filled it */
void ds_evq_fill_hole(struct ds_evq *q)
{
	size_t n;

	q->hole = false;
	n = --q->len;
	/* the last event moves into the vacant root; the sift writes only slots below n */
	if (n) {
		size_t i = ds_evq_sift_down(q->heap, n, q->heap[n].time, q->heap[n].seq);

		q->heap[i] = q->heap[n];
	}
}

void ds_evq_pop(struct ds_evq *q, struct ds_sev *out)
{
	ds_evq_settle(q);
	ds_evq_take(q, out);
	ds_evq_settle(q);
}
