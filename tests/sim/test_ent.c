// SPDX-License-Identifier: MIT
/*
 * test_ent.c - the summaries a program's builders keep (sim/engine.h: ds_ent_work(),
 * ds_ent_acq(), ds_ent_rel(); struct ds_ent @prog_*), from which advance() (sim/ent.c) starts
 * a fresh program's run without walking its steps.  Each program below is written out by
 * hand with its expected steps, total work, work up to its last tag and lock shape; the
 * simulations themselves (tests/sim/test_timing.c and co., scripts/engine-identical.sh) check
 * that the run built from them is the walk's.
 */
#include <glib.h>

#include "engine.h"

struct fixture {
	struct ds_ent e;
	struct ds_ent g;	/* the same program by other means */
	struct ds_lock l, m;
};

static void fx_setup(struct fixture *f, gconstpointer data)
{
	(void)data;
	ds_ent_init(&f->e, DS_ENT_TASK, NULL);
	ds_ent_init(&f->g, DS_ENT_TASK, NULL);
	ds_lock_init(&f->l, DS_LOCK_POOL);
	ds_lock_init(&f->m, DS_LOCK_POOL);
	ds_ent_prog_reset(&f->e);
	ds_ent_prog_reset(&f->g);
}

static void fx_teardown(struct fixture *f, gconstpointer data)
{
	(void)data;
	ds_ent_clear(&f->e);
	ds_ent_clear(&f->g);
	ds_lock_clear(&f->l);
	ds_lock_clear(&f->m);
}

/* push 100, the release's end (tag 1), think 2000: three steps, no lock */
static void test_nolock(struct fixture *f, gconstpointer data)
{
	struct ds_ent *e = &f->e;

	(void)data;
	ds_ent_work(e, 60, 0);
	ds_ent_work(e, 40, 0);		/* joins the step before */
	ds_ent_work(e, 0, 1);
	ds_ent_work(e, 2000, 0);
	g_assert_cmpuint(e->nsteps, ==, 3);
	g_assert_cmpuint(e->prog[0].ns, ==, 100);
	g_assert_cmpuint(e->prog_ns, ==, 2100);
	g_assert_true(e->prog_tagged);
	g_assert_cmpuint(e->prog_tag_ns, ==, 100);
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_NOLOCK);
}

/* a fallback: push 100, ACQ, 30 under the lock, REL, free 500, end, think 2000 */
static void test_hold(struct fixture *f, gconstpointer data)
{
	struct ds_ent *e = &f->e;

	(void)data;
	ds_ent_work(e, 100, 0);
	ds_ent_locked(e, &f->l, 30, 0);
	ds_ent_work(e, 500, 0);
	ds_ent_work(e, 0, 1);
	ds_ent_work(e, 2000, 0);
	g_assert_cmpuint(e->nsteps, ==, 7);
	g_assert_cmpuint(e->prog[1].op, ==, DS_OP_ACQ);
	g_assert_cmpuint(e->prog[3].op, ==, DS_OP_REL);
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_HOLD);
	g_assert_true(e->prog_lock == &f->l);
	g_assert_cmpuint(e->prog_acq_ns, ==, 100);
	g_assert_cmpuint(e->prog_rel_ns, ==, 130);
	g_assert_cmpuint(e->prog_tag_ns, ==, 630);
	g_assert_cmpuint(e->prog_ns, ==, 2630);
}

/* every other arrangement of lock steps is left to the walk */
static void test_shapes(struct fixture *f, gconstpointer data)
{
	struct ds_ent *e = &f->e;

	(void)data;
	ds_ent_acq(e, &f->l);
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_OPEN);	/* a hold not closed */
	ds_ent_rel(e, &f->l);
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_HOLD);
	ds_ent_locked(e, &f->l, 10, 0);				/* a second hold */
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_MANY);
	ds_ent_rel(e, &f->m);
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_MANY);	/* stays */

	ds_ent_prog_reset(e);
	g_assert_cmpuint(e->nsteps, ==, 0);
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_NOLOCK);
	g_assert_cmpuint(e->prog_ns, ==, 0);
	g_assert_false(e->prog_tagged);
	ds_ent_acq(e, &f->l);
	ds_ent_rel(e, &f->m);					/* another lock's REL */
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_MANY);

	ds_ent_prog_reset(e);
	ds_ent_acq(e, &f->l);
	ds_ent_acq(e, &f->m);					/* nested */
	ds_ent_rel(e, &f->m);
	ds_ent_rel(e, &f->l);
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_MANY);

	ds_ent_prog_reset(e);
	ds_ent_rel(e, &f->l);					/* a REL first */
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_MANY);
}

/* a worker's page: more steps than the first allocation, each tagged; the sum saturates */
static void test_growth_overflow(struct fixture *f, gconstpointer data)
{
	struct ds_ent *e = &f->e;
	uint64_t sum = 0;

	(void)data;
	for (uint32_t i = 1; i <= 100; i++) {
		ds_ent_work(e, 1000 + i, i);
		sum += 1000 + i;
	}
	g_assert_cmpuint(e->nsteps, ==, 100);
	g_assert_cmpuint(e->prog_ns, ==, sum);
	g_assert_cmpuint(e->prog_tag_ns, ==, sum);
	g_assert_cmpuint(e->prog[99].tag, ==, 100);
	g_assert_cmpuint(e->prog[99].ns, ==, 1100);

	ds_ent_prog_reset(e);
	ds_ent_work(e, UINT64_MAX - 5, 0);
	ds_ent_work(e, 10, 1);
	g_assert_cmpuint(e->prog_ns, ==, UINT64_MAX);	/* advance() walks such a program */
}

/* @a and @b hold the same steps and the summaries advance() reads of them */
static void assert_same_prog(const struct ds_ent *a, const struct ds_ent *b)
{
	g_assert_cmpuint(a->nsteps, ==, b->nsteps);
	for (guint k = 0; k < a->nsteps; k++) {
		g_assert_cmpuint(a->prog[k].op, ==, b->prog[k].op);
		g_assert_true(a->prog[k].lock == b->prog[k].lock);
		g_assert_cmpuint(a->prog[k].ns, ==, b->prog[k].ns);
		g_assert_cmpuint(a->prog[k].tag, ==, b->prog[k].tag);
	}
	g_assert_cmpuint(a->prog_ns, ==, b->prog_ns);
	g_assert_cmpuint(a->prog_shape, ==, b->prog_shape);
	g_assert_cmpint(a->prog_tagged, ==, b->prog_tagged);
	if (a->prog_tagged)
		g_assert_cmpuint(a->prog_tag_ns, ==, b->prog_tag_ns);
	if (a->prog_shape == DS_PROG_HOLD) {
		g_assert_true(a->prog_lock == b->prog_lock);
		g_assert_cmpuint(a->prog_acq_ns, ==, b->prog_acq_ns);
		g_assert_cmpuint(a->prog_rel_ns, ==, b->prog_rel_ns);
		g_assert_cmpuint(a->prog_acq_at, ==, b->prog_acq_at);
		g_assert_cmpint(a->prog_acq_tagged, ==, b->prog_acq_tagged);
	}
}

/*
 * test_hold()'s fallback written at once: ds_ent_prog_hold() (v3's fallback on an empty
 * pool) and ds_ent_end_then() (the release's end and its think time, task.c) give the
 * program worked out by hand there, and the builders' own steps and summaries
 */
static void test_prog_hold(struct fixture *f, gconstpointer data)
{
	struct ds_ent *e = &f->e;

	(void)data;
	ds_ent_prog_hold(e, 100, &f->l, 30, 500);
	ds_ent_end_then(e, 1, 2000);
	g_assert_cmpuint(e->nsteps, ==, 7);
	g_assert_cmpuint(e->prog[1].op, ==, DS_OP_ACQ);
	g_assert_cmpuint(e->prog[3].op, ==, DS_OP_REL);
	g_assert_cmpuint(e->prog[5].tag, ==, 1);
	g_assert_cmpuint(e->prog_shape, ==, DS_PROG_HOLD);
	g_assert_true(e->prog_lock == &f->l);
	g_assert_cmpuint(e->prog_acq_ns, ==, 100);
	g_assert_cmpuint(e->prog_acq_at, ==, 1);
	g_assert_false(e->prog_acq_tagged);
	g_assert_cmpuint(e->prog_rel_ns, ==, 130);
	g_assert_cmpuint(e->prog_tag_ns, ==, 630);
	g_assert_cmpuint(e->prog_ns, ==, 2630);

	ds_ent_work(&f->g, 100, 0);
	ds_ent_locked(&f->g, &f->l, 30, 0);
	ds_ent_work(&f->g, 500, 0);
	ds_ent_work(&f->g, 0, 1);
	ds_ent_work(&f->g, 2000, 0);
	assert_same_prog(e, &f->g);
}

/* the sums saturate as the builders' do: UINT64_MAX once they overflow */
static void test_prog_hold_overflow(struct fixture *f, gconstpointer data)
{
	struct ds_ent *e = &f->e;

	(void)data;
	ds_ent_prog_hold(e, UINT64_MAX - 5, &f->l, 10, 7);
	g_assert_cmpuint(e->prog_acq_ns, ==, UINT64_MAX - 5);
	g_assert_cmpuint(e->prog_rel_ns, ==, UINT64_MAX);
	g_assert_cmpuint(e->prog_ns, ==, UINT64_MAX);
	ds_ent_work(&f->g, UINT64_MAX - 5, 0);
	ds_ent_locked(&f->g, &f->l, 10, 0);
	ds_ent_work(&f->g, 7, 0);
	assert_same_prog(e, &f->g);

	ds_ent_prog_reset(e);
	ds_ent_prog_reset(&f->g);
	ds_ent_work(e, 40, 0);
	ds_ent_end_then(e, 3, UINT64_MAX);
	g_assert_cmpuint(e->prog_tag_ns, ==, 40);
	g_assert_cmpuint(e->prog_ns, ==, UINT64_MAX);
	ds_ent_work(&f->g, 40, 0);
	ds_ent_work(&f->g, 0, 3);
	ds_ent_work(&f->g, UINT64_MAX, 0);
	assert_same_prog(e, &f->g);
}

/*
 * ds_ent_prog_hold() on a program already begun takes the builders' way: after a tagged
 * step its first work is a step of its own (the tagged step and five: 6), and the ACQ's
 * step and the tag before it are noted; ds_ent_end_then() at a full program grows it
 */
static void test_prog_hold_begun(struct fixture *f, gconstpointer data)
{
	struct ds_ent *e = &f->e;
	guint cap;

	(void)data;
	ds_ent_work(e, 5, 2);
	ds_ent_prog_hold(e, 100, &f->l, 30, 500);
	g_assert_cmpuint(e->nsteps, ==, 6);
	g_assert_cmpuint(e->prog[2].op, ==, DS_OP_ACQ);
	g_assert_cmpuint(e->prog_acq_at, ==, 2);
	g_assert_true(e->prog_acq_tagged);
	g_assert_cmpuint(e->prog_acq_ns, ==, 105);
	g_assert_cmpuint(e->prog_tag_ns, ==, 5);
	g_assert_cmpuint(e->prog_ns, ==, 635);
	ds_ent_work(&f->g, 5, 2);
	ds_ent_work(&f->g, 100, 0);
	ds_ent_locked(&f->g, &f->l, 30, 0);
	ds_ent_work(&f->g, 500, 0);
	assert_same_prog(e, &f->g);

	/* fill the program to one short of its room: end_then needs two */
	ds_ent_prog_reset(e);
	ds_ent_prog_reset(&f->g);
	cap = e->cap;
	for (guint k = 1; k < cap; k++) {
		ds_ent_work(e, k, k);
		ds_ent_work(&f->g, k, k);
	}
	g_assert_cmpuint(e->nsteps, ==, cap - 1);
	ds_ent_end_then(e, 9999, 77);
	g_assert_cmpuint(e->nsteps, ==, cap + 1);
	g_assert_cmpuint(e->cap, >, cap);
	ds_ent_work(&f->g, 0, 9999);
	ds_ent_work(&f->g, 77, 0);
	assert_same_prog(e, &f->g);
	g_assert_cmpuint(e->prog_ns, ==, (guint64)(cap - 1) * cap / 2 + 77);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/sim/ent/summary-nolock", struct fixture, NULL, fx_setup, test_nolock,
		   fx_teardown);
	g_test_add("/sim/ent/summary-hold", struct fixture, NULL, fx_setup, test_hold,
		   fx_teardown);
	g_test_add("/sim/ent/summary-shapes", struct fixture, NULL, fx_setup, test_shapes,
		   fx_teardown);
	g_test_add("/sim/ent/summary-growth-overflow", struct fixture, NULL, fx_setup,
		   test_growth_overflow, fx_teardown);
	g_test_add("/sim/ent/prog-hold", struct fixture, NULL, fx_setup, test_prog_hold,
		   fx_teardown);
	g_test_add("/sim/ent/prog-hold-overflow", struct fixture, NULL, fx_setup,
		   test_prog_hold_overflow, fx_teardown);
	g_test_add("/sim/ent/prog-hold-begun", struct fixture, NULL, fx_setup,
		   test_prog_hold_begun, fx_teardown);
	return g_test_run();
}
