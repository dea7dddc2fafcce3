// SPDX-License-Identifier: MIT
/*
 * test_evq.c - sim/'s event queue (sim/evq.c, engine.h): events come out in (time, insertion
 * sequence) order, whichever way they went in: pushed at the end and sifted up, pushed into
 * the root left vacant by ds_evq_take(), or left to ds_evq_settle() to fill.
 *
 * run_loop() (engine.c) relies on that order being total: it asks whether the earliest event
 * is obsolete only when it is about to handle it (after reading what must be read), which is
 * the same run only because the order does not depend on the heap's shape.  Each event's
 * @arg is its push number; the expected orders are worked out by hand in the comments.
 */
#include <glib.h>

#include "engine.h"

static void push(struct ds_evq *q, uint64_t time, uint32_t tag)
{
	ds_evq_push(q, time, DS_SEV_ENT, NULL, 0, tag);
}

static uint32_t pop_tag(struct ds_evq *q, uint64_t want_time)
{
	struct ds_sev ev;

	g_assert_cmpuint(q->len, >, 0);
	ds_evq_pop(q, &ev);
	g_assert_cmpuint(ev.time, ==, want_time);
	return ev.arg;
}

/*
 * Pushes at times 5, 3, 5, 1, 3 (tags 0..4).  By time, ties by push order: 1 (tag 3),
 * 3 (tag 1, then 4), 5 (tag 0, then 2).
 */
static void test_order_ties(void)
{
	static const uint64_t times[] = { 5, 3, 5, 1, 3 };
	static const uint64_t want_time[] = { 1, 3, 3, 5, 5 };
	static const uint32_t want_tag[] = { 3, 1, 4, 0, 2 };
	struct ds_evq q;

	ds_evq_init(&q);
	for (uint32_t i = 0; i < G_N_ELEMENTS(times); i++)
		push(&q, times[i], i);
	for (guint i = 0; i < G_N_ELEMENTS(want_tag); i++)
		g_assert_cmpuint(pop_tag(&q, want_time[i]), ==, want_tag[i]);
	g_assert_cmpuint(q.len, ==, 0);
	g_assert_null(ds_evq_peek(&q));
	ds_evq_clear(&q);
}

/*
 * The loop's path: take the earliest, maybe push while its slot is vacant, settle.
 * Queue 10 (tag 0), 20 (tag 1), 30 (tag 2).
 * - take 10; push 15 (tag 3) into the hole; settle: 15 is now the earliest.
 * - take 15; push 20 (tag 4): it ties with tag 1 at 20 and comes after it; settle.
 * - take 20 (tag 1); nothing pushed; settle fills the hole: 20 (tag 4), then 30 (tag 2).
 * - take 20 (tag 4); push 25 (tag 5) and 5 (tag 6): the first goes into the hole, the second
 *   sifts up past it: 5 is the earliest though pushed last.
 * Then 5 (tag 6), 25 (tag 5), 30 (tag 2).
 */
static void test_take_settle(void)
{
	struct ds_evq q;
	struct ds_sev ev;

	ds_evq_init(&q);
	push(&q, 10, 0);
	push(&q, 20, 1);
	push(&q, 30, 2);

	ds_evq_take(&q, &ev);
	g_assert_cmpuint(ev.time, ==, 10);
	g_assert_cmpuint(ev.arg, ==, 0);
	push(&q, 15, 3);
	ds_evq_settle(&q);
	g_assert_cmpuint(q.len, ==, 3);
	g_assert_cmpuint(ds_evq_peek(&q)->arg, ==, 3);

	ds_evq_take(&q, &ev);
	g_assert_cmpuint(ev.arg, ==, 3);
	push(&q, 20, 4);
	ds_evq_settle(&q);

	ds_evq_take(&q, &ev);
	g_assert_cmpuint(ev.time, ==, 20);
	g_assert_cmpuint(ev.arg, ==, 1);
	ds_evq_settle(&q);
	g_assert_cmpuint(q.len, ==, 2);
	g_assert_cmpuint(ds_evq_peek(&q)->arg, ==, 4);

	ds_evq_take(&q, &ev);
	g_assert_cmpuint(ev.arg, ==, 4);
	push(&q, 25, 5);
	push(&q, 5, 6);
	ds_evq_settle(&q);
	g_assert_cmpuint(q.len, ==, 3);

	g_assert_cmpuint(pop_tag(&q, 5), ==, 6);
	g_assert_cmpuint(pop_tag(&q, 25), ==, 5);
	g_assert_cmpuint(pop_tag(&q, 30), ==, 2);
	g_assert_cmpuint(q.len, ==, 0);
	ds_evq_clear(&q);
}

/*
 * The vacant root's only child (a heap of two): the sift's last level has one child.
 * - Queue 10 (tag 0), 20 (tag 1); take 10, push 30 (tag 2) into the hole: the lone child 20
 *   comes first and moves up, 30 goes below it; settle: 20 (tag 1) is the earliest.
 * - Take 20, push 25 (tag 3): the lone child 30 comes after it: 25 stays at the root.
 * - Pop 25 (tag 3); the queue holds 30 (tag 2) alone; push 1 (tag 4), 2 (tag 5): 1, 30, 2.
 *   Take 1 and settle: the last event (2) fills the root and the lone child 30 stays below.
 * Then 2 (tag 5), 30 (tag 2).
 */
static void test_lone_child(void)
{
	struct ds_evq q;
	struct ds_sev ev;

	ds_evq_init(&q);
	push(&q, 10, 0);
	push(&q, 20, 1);
	ds_evq_take(&q, &ev);
	g_assert_cmpuint(ev.arg, ==, 0);
	push(&q, 30, 2);
	ds_evq_settle(&q);
	g_assert_cmpuint(q.len, ==, 2);
	g_assert_cmpuint(ds_evq_peek(&q)->arg, ==, 1);
	g_assert_cmpuint(q.heap[1].arg, ==, 2);

	ds_evq_take(&q, &ev);
	g_assert_cmpuint(ev.arg, ==, 1);
	push(&q, 25, 3);
	ds_evq_settle(&q);
	g_assert_cmpuint(ds_evq_peek(&q)->arg, ==, 3);
	g_assert_cmpuint(q.heap[1].arg, ==, 2);

	g_assert_cmpuint(pop_tag(&q, 25), ==, 3);
	push(&q, 1, 4);
	push(&q, 2, 5);
	ds_evq_take(&q, &ev);
	g_assert_cmpuint(ev.arg, ==, 4);
	ds_evq_settle(&q);
	g_assert_cmpuint(q.len, ==, 2);
	g_assert_cmpuint(pop_tag(&q, 2), ==, 5);
	g_assert_cmpuint(pop_tag(&q, 30), ==, 2);
	g_assert_cmpuint(q.len, ==, 0);
	ds_evq_clear(&q);
}

/*
 * Past the first growth (64 slots), with nearly every time tied: push k = 0..299 at time
 * 7 - (k % 3 == 1) (so 6 for k = 1, 4, 7, ...), taking the earliest out after every fifth
 * push.  The reference is a stable sort by time in push order, kept as two lists (time 6
 * and time 7), each in push order: what comes out must be the earliest remaining of them.
 */
static void test_growth_ties(void)
{
	GQueue at6 = G_QUEUE_INIT, at7 = G_QUEUE_INIT;
	struct ds_evq q;
	guint out = 0;

	ds_evq_init(&q);
	for (uint32_t k = 0; k < 300; k++) {
		uint64_t time = k % 3 == 1 ? 6 : 7;

		push(&q, time, k);
		g_queue_push_tail(time == 6 ? &at6 : &at7, GUINT_TO_POINTER(k));
		if (k % 5 == 4) {
			GQueue *first = at6.length ? &at6 : &at7;
			uint32_t want = GPOINTER_TO_UINT(g_queue_pop_head(first));

			g_assert_cmpuint(pop_tag(&q, first == &at6 ? 6 : 7), ==, want);
			out++;
		}
	}
	g_assert_cmpuint(q.len, ==, 300 - out);
	g_assert_cmpuint(q.cap, >=, q.len);
	while (at6.length)
		g_assert_cmpuint(pop_tag(&q, 6), ==, GPOINTER_TO_UINT(g_queue_pop_head(&at6)));
	while (at7.length)
		g_assert_cmpuint(pop_tag(&q, 7), ==, GPOINTER_TO_UINT(g_queue_pop_head(&at7)));
	g_assert_cmpuint(q.len, ==, 0);
	ds_evq_clear(&q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/evq/order-ties", test_order_ties);
	g_test_add_func("/evq/take-settle", test_take_settle);
	g_test_add_func("/evq/lone-child", test_lone_child);
	g_test_add_func("/evq/growth-ties", test_growth_ties);
	return g_test_run();
}
