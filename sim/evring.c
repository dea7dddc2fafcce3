// SPDX-License-Identifier: MIT
/*
 * evring.c - a FIFO of struct ds_event in page-sized blocks (struct ds_evblk, engine.h).
 * GQueue would allocate a list node per event; tasks queue one or two items at a time,
 * millions of times, and a task lagging its recorded times queues 10^4..10^5.  Blocks are
 * taken from a free list shared by the run's FIFOs (a stack: the block a pop emptied is the
 * next one filled) and never copied.  Push, peek and pop are inline (engine.h).
 */
#include <string.h>

#include "engine.h"

struct ds_evblk *ds_evblk_new(struct ds_evblk_pool *pool)
{
	/* 64-byte aligned: each event within one cache line of its pair */
	struct ds_evblk *b = g_aligned_alloc(1, sizeof(*b), 64);

	b->next = NULL;
	if (pool)
		pool->nalloc++;
	return b;
}

void ds_evring_grow(struct ds_evring *r)
{
	struct ds_evblk *b = ds_evblk_get(r->pool);

	r->tail->next = b;
	r->tail = b;
	r->ti = 0;
}

void ds_evring_next_block(struct ds_evring *r)
{
	struct ds_evblk *b = r->head;

	r->head = b->next;
	r->hi = 0;
	ds_evblk_put(r->pool, b);
}

void ds_evring_clear(struct ds_evring *r)
{
	struct ds_evblk_pool *pool = r->pool;
	struct ds_evblk *b = r->head;

	while (b) {
		struct ds_evblk *next = b->next;

		ds_evblk_put(pool, b);
		b = next;
	}
	memset(r, 0, sizeof(*r));
	r->pool = pool;
}

void ds_evblk_pool_clear(struct ds_evblk_pool *pool)
{
	while (pool->free) {
		struct ds_evblk *b = pool->free;

		pool->free = b->next;
		g_aligned_free(b);
	}
	pool->nfree = 0;
}
