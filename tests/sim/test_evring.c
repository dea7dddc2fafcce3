// SPDX-License-Identifier: MIT
/*
 * test_evring.c - sim/'s event FIFO (sim/evring.c): a ring that doubles while full keeps
 * first-in first-out order wherever its head stands when it grows (growing moves either the
 * wrapped part or the part up to the old end, whichever is smaller).
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

/* a large ring (the block realloc() moves by remapping) */
static void test_large(void)
{
	ring_case(100003, 1u << 18, 0);
	ring_case(3, 1u << 18, 3);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/evring/fifo-order", test_fifo_order);
	g_test_add_func("/sim/evring/large", test_large);
	return g_test_run();
}
