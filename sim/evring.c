// SPDX-License-Identifier: MIT
/*
 * evring.c - a growable ring buffer (FIFO) of struct ds_event.  GQueue would allocate a list
 * node per event; tasks queue one or two items at a time, millions of times.  The capacity is
 * a power of two so that wrapping is a mask.
 */
#include <string.h>

#include "engine.h"

static void evring_grow(struct ds_evring *r)
{
	size_t cap = r->cap ? r->cap * 2 : 4;
	struct ds_event *buf = g_new(struct ds_event, cap);

	for (size_t i = 0; i < r->len; i++)
		buf[i] = r->buf[(r->head + i) & (r->cap - 1)];
	g_free(r->buf);
	r->buf = buf;
	r->cap = cap;
	r->head = 0;
}

void ds_evring_push(struct ds_evring *r, const struct ds_event *ev)
{
	if (r->len == r->cap)
		evring_grow(r);
	r->buf[(r->head + r->len) & (r->cap - 1)] = *ev;
	r->len++;
}

const struct ds_event *ds_evring_peek(const struct ds_evring *r)
{
	return r->len ? &r->buf[r->head] : NULL;
}

void ds_evring_pop(struct ds_evring *r, struct ds_event *out)
{
	*out = r->buf[r->head];
	r->head = (r->head + 1) & (r->cap - 1);
	r->len--;
}

void ds_evring_clear(struct ds_evring *r)
{
	g_free(r->buf);
	memset(r, 0, sizeof(*r));
}
