// SPDX-License-Identifier: MIT
/*
 * test_evring.c - sim/'s event FIFO (sim/evring.c): a ring of page-sized blocks of
 * DS_EVBLK_EVENTS (127) events keeps first-in first-out order wherever its head and tail
 * stand in their blocks, and the blocks of rings sharing a pool are recycled: a run makes no
 * more blocks than it ever holds at once.
 *
 * Each event's ts is its sequence number: whatever the ring does inside, pops must answer
 * 0, 1, 2, ... in order.
 */
#include <glib.h>

#include "engine.h"

/* Turn the head to @offset (push and pop @offset events), then push @n without popping,
 * popping @pop_every-th time one, and check every pop and the final drain. */
static void ring_case(size_t offset, size_t n, size_t pop_every)
{
	struct ds_evring r = { 0 };
	struct ds_event ev = { 0 }, out;
	uint64_t next_in = 0, next_out = 0;

	for (size_t i = 0; i < offset; i++) {
		ev.ts = next_in++;
		ds_evring_push(&r, &ev);
		ds_evring_pop(&r, &out);
		g_assert_cmpuint(out.ts, ==, next_out);
		next_out++;
	}
	for (size_t i = 0; i < n; i++) {
		ev.ts = next_in++;
		ds_evring_push(&r, &ev);
		g_assert_cmpuint(r.len, ==, next_in - next_out);
		g_assert_cmpuint(ds_evring_peek(&r)->ts, ==, next_out);
		if (pop_every && i % pop_every == pop_every - 1) {
			ds_evring_pop(&r, &out);
			g_assert_cmpuint(out.ts, ==, next_out);
			next_out++;
		}
	}
	while (r.len) {
		ds_evring_pop(&r, &out);
		g_assert_cmpuint(out.ts, ==, next_out);
		next_out++;
	}
	g_assert_cmpuint(next_out, ==, next_in);
	g_assert_null(ds_evring_peek(&r));
	ds_evring_clear(&r);
}

/* every head position of the first capacities, each grown through several doublings: both
 * ways of growing (wrapped part smaller, or not) and the unwrapped case */
static void test_fifo_order(void)
{
	for (size_t offset = 0; offset < 40; offset++)
		for (size_t pop_every = 0; pop_every < 4; pop_every++)
			ring_case(offset, 300, pop_every);
}

/* a large ring: thousands of blocks */
static void test_large(void)
{
	ring_case(100003, 1u << 18, 0);
	ring_case(3, 1u << 18, 3);
}

static void push_n(struct ds_evring *r, uint64_t *next_in, size_t n)
{
	struct ds_event ev = { 0 };

	for (size_t i = 0; i < n; i++) {
		ev.ts = (*next_in)++;
		ds_evring_push(r, &ev);
	}
}

static void pop_n(struct ds_evring *r, uint64_t *next_out, size_t n)
{
	struct ds_event out;

	for (size_t i = 0; i < n; i++) {
		ds_evring_pop(r, &out);
		g_assert_cmpuint(out.ts, ==, (*next_out)++);
	}
}

/*
 * Worked by hand: 300 events take blocks of 127 + 127 + 46: 3 made.  Popping them all hands
 * the two full blocks back as each is read to its end, and the third when the ring empties
 * (3 free).  300 more take the three again: still 3 made, none free.  Clearing a ring that
 * holds 1 event gives its one block back: 3 free.
 */
static void test_pool_reuse(void)
{
	struct ds_evblk_pool pool = { 0 };
	struct ds_evring r = { .pool = &pool };
	uint64_t next_in = 0, next_out = 0;

	push_n(&r, &next_in, 300);
	g_assert_cmpuint(pool.nalloc, ==, 3);
	g_assert_cmpuint(pool.nfree, ==, 0);
	pop_n(&r, &next_out, 300);
	g_assert_cmpuint(pool.nalloc, ==, 3);
	g_assert_cmpuint(pool.nfree, ==, 3);
	g_assert_null(ds_evring_peek(&r));
	push_n(&r, &next_in, 300);
	g_assert_cmpuint(pool.nalloc, ==, 3);
	g_assert_cmpuint(pool.nfree, ==, 0);
	pop_n(&r, &next_out, 299);
	g_assert_cmpuint(pool.nfree, ==, 2);
	ds_evring_clear(&r);
	g_assert_cmpuint(pool.nfree, ==, 3);
	g_assert_true(r.pool == &pool);
	ds_evblk_pool_clear(&pool);
	g_assert_cmpuint(pool.nfree, ==, 0);
}

/*
 * Two rings taking turns on one pool, worked by hand: ring A holds 127 * 4 events (4 blocks,
 * the last full) while ring B fills and drains 127 * 3 at a time, ten times.  B's first
 * round makes 3 blocks (7 in all); draining gives all three back (the last when B empties);
 * every later round takes those three again: 7 made, never more, 3 free after the rounds.
 */
static void test_pool_shared(void)
{
	struct ds_evblk_pool pool = { 0 };
	struct ds_evring a = { .pool = &pool }, b = { .pool = &pool };
	uint64_t a_in = 0, a_out = 0, b_in = 0, b_out = 0;

	push_n(&a, &a_in, 127 * 4);
	for (int round = 0; round < 10; round++) {
		push_n(&b, &b_in, 127 * 3);
		pop_n(&b, &b_out, 127 * 3);
	}
	g_assert_cmpuint(pool.nalloc, ==, 4 + 3);
	g_assert_cmpuint(pool.nfree, ==, 3);
	pop_n(&a, &a_out, 127 * 4);
	ds_evring_clear(&a);
	ds_evring_clear(&b);
	g_assert_cmpuint(pool.nfree, ==, pool.nalloc);
	ds_evblk_pool_clear(&pool);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/evring/fifo-order", test_fifo_order);
	g_test_add_func("/sim/evring/large", test_large);
	g_test_add_func("/sim/evring/pool-reuse", test_pool_reuse);
	g_test_add_func("/sim/evring/pool-shared", test_pool_shared);
	return g_test_run();
}
