// SPDX-License-Identifier: MIT
/*
 * evring.c - a growable ring buffer (FIFO) of struct ds_event.  GQueue would allocate a list
 * node per event; tasks queue one or two items at a time, millions of times.  The capacity is
 * a power of two so that wrapping is a mask.  Push, peek and pop are inline (engine.h).
 */
#include <string.h>

#include "engine.h"

void ds_evring_grow(struct ds_evring *r)
{
	size_t cap = r->cap ? r->cap * 2 : 4;
	struct ds_event *buf = g_new(struct ds_event, cap);
	size_t first = MIN(r->len, r->cap - r->head);	/* from head to the end of the buffer */

	/* two block copies, not one masked copy per event: the ring of a task lagging its
	 * recorded times holds all that was read ahead for it (memory follows drift) */
	if (r->len) {
		memcpy(buf, r->buf + r->head, first * sizeof(*buf));
		memcpy(buf + first, r->buf, (r->len - first) * sizeof(*buf));
	}
	g_free(r->buf);
	r->buf = buf;
	r->cap = cap;
	r->head = 0;
}

void ds_evring_clear(struct ds_evring *r)
{
	g_free(r->buf);
	memset(r, 0, sizeof(*r));
}
