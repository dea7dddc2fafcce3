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

static struct ds_evblk *blk_get(struct ds_evblk_pool *pool)
{
	struct ds_evblk *b;

	if (pool && pool->free) {
		b = pool->free;
		pool->free = b->next;
		pool->nfree--;
	} else {
		/* 64-byte aligned: each event within one cache line of its pair */
		b = g_aligned_alloc(1, sizeof(*b), 64);
		if (pool)
			pool->nalloc++;
	}
	b->next = NULL;
	return b;
}

static void blk_put(struct ds_evblk_pool *pool, struct ds_evblk *b)
{
	if (!pool) {
		g_aligned_free(b);
		return;
	}
	b->next = pool->free;
	pool->free = b;
	pool->nfree++;
}

void ds_evring_grow(struct ds_evring *r)
{
	struct ds_evblk *b = blk_get(r->pool);

	if (r->tail) {
		r->tail->next = b;
	} else {
		r->head = b;
		r->hi = 0;
	}
	r->tail = b;
	r->ti = 0;
}

void ds_evring_next_block(struct ds_evring *r)
{
	struct ds_evblk *b = r->head;

	if (!r->len) {
		/* empty: its one block goes back (next push takes the free list's top: this one) */
		blk_put(r->pool, b);
		r->head = r->tail = NULL;
		r->hi = r->ti = 0;
		return;
	}
	r->head = b->next;
	r->hi = 0;
	blk_put(r->pool, b);
}

void ds_evring_clear(struct ds_evring *r)
{
	struct ds_evblk_pool *pool = r->pool;
	struct ds_evblk *b = r->head;

	while (b) {
		struct ds_evblk *next = b->next;

		blk_put(pool, b);
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
