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
	size_t old = r->cap, cap = old ? old * 2 : 4;
	size_t first = MIN(r->len, old - r->head);	/* from head to the end of the buffer */
	size_t wrapped = r->len - first;		/* the rest, from the start of the buffer */

	/* The ring of a task lagging its recorded times holds all that was read ahead for it
	 * (memory follows drift), and grows while full.  realloc() keeps the old buffer's
	 * contents where they are (a large block is remapped, not copied); then only the
	 * smaller part of the ring moves: the wrapped part after the old end, or the first part
	 * to the new end. */
	r->buf = g_renew(struct ds_event, r->buf, cap);
	if (wrapped <= first) {
		if (wrapped)
			memcpy(r->buf + old, r->buf, wrapped * sizeof(*r->buf));
	} else {
		memcpy(r->buf + r->head + old, r->buf + r->head, first * sizeof(*r->buf));
		r->head += old;
	}
	r->cap = cap;
}

void ds_evring_clear(struct ds_evring *r)
{
	g_free(r->buf);
	memset(r, 0, sizeof(*r));
}
