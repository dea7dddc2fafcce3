// SPDX-License-Identifier: MIT
/*
 * poltest.c - see poltest.h.
 */
#include <string.h>

#include "poltest.h"

void poltest_count(const GArray *evs, unsigned int ncpus, struct poltest_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		c->per_cpu[be] = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < evs->len; i++) {
		const struct ds_event *ev = &g_array_index(evs, struct ds_event, i);
		unsigned int be = ds_ev_is_zswap(ev) ? DS_BE_ZSWAP : DS_BE_ZRAM;
		gpointer key = GUINT_TO_POINTER(ev->cpu % ncpus);

		if (ev->type != DS_EV_RELEASE)
			continue;
		c->releases[be]++;
		g_hash_table_insert(c->per_cpu[be], key, GUINT_TO_POINTER(
			GPOINTER_TO_UINT(g_hash_table_lookup(c->per_cpu[be], key)) + 1));
	}
}

void poltest_counts_clear(struct poltest_counts *c)
{
	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		g_hash_table_destroy(c->per_cpu[be]);
}

void poltest_assert_conservation(const struct ds_results *r, const struct poltest_counts *c)
{
	uint64_t rel = 0, hot = 0, sync = 0, fb = 0, task_fb = 0;

	g_assert_true(r->inv.checked);
	g_assert_cmpuint(r->inv.freed_twice, ==, 0);
	g_assert_cmpuint(r->inv.never_freed, ==, 0);
	g_assert_cmpuint(r->inv.pages_violations, ==, 0);
	for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
		const struct ds_backend_result *x = &r->be[be];

		g_assert_cmpuint(x->releases, ==, c->releases[be]);
		g_assert_cmpuint(x->releases, ==, x->pushed + x->fallbacks);
		g_assert_cmpuint(x->stale_drains, ==, 0);
		g_assert_cmpuint(x->slot_reuse_pending, ==, 0);
		g_assert_cmpuint(x->pushed, ==, x->drained);
		g_assert_cmpuint(x->drained, ==, x->drain_latency.count + x->teardown_drained);
		g_assert_cmpuint(x->teardown_latency.count, ==, x->teardown_drained);
		g_assert_cmpuint(x->fallbacks_lock, <=, x->fallbacks);
		g_assert_cmpuint(x->queue_work_noops, <=, x->queue_work_calls);
		fb += x->fallbacks;
	}
	for (guint i = 0; i < r->tasks->len; i++) {
		const struct ds_task_result *t = &g_array_index(r->tasks, struct ds_task_result, i);

		rel += t->releases;
		hot += t->hot_ns;
		sync += t->sync_ns;
		task_fb += t->fallbacks;
		g_assert_cmpuint(t->sim_end_ts, >=, t->first_ts);
	}
	g_assert_cmpuint(rel, ==, r->releases);
	g_assert_cmpuint(hot, ==, r->hot_ns);
	g_assert_cmpuint(sync, ==, r->sync_ns);
	g_assert_cmpuint(task_fb, ==, fb);
}

struct ds_results *poltest_run(const GArray *evs, const struct ds_params *p, unsigned int ncpus)
{
	struct ds_profile *prof = simtest_profile();
	struct ds_results *r = simtest_run(evs, p, prof, ncpus);

	ds_profile_free(prof);
	return r;
}
