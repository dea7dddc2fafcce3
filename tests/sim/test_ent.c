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
	struct ds_lock l, m;
};

static void fx_setup(struct fixture *f, gconstpointer data)
{
	(void)data;
	ds_ent_init(&f->e, DS_ENT_TASK, NULL);
	ds_lock_init(&f->l, DS_LOCK_POOL);
	ds_lock_init(&f->m, DS_LOCK_POOL);
	ds_ent_prog_reset(&f->e);
}

static void fx_teardown(struct fixture *f, gconstpointer data)
{
	(void)data;
	ds_ent_clear(&f->e);
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
	return g_test_run();
}
