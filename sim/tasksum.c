// SPDX-License-Identifier: MIT
/*
 * tasksum.c - struct ds_task_summary: what the reports need of a run's per-task rows, in
 * memory that does not grow with the task count (a million-task trace must not cost a
 * million rows to report on).
 *
 * Each ranking is a GArray of at most DS_TASK_TOP struct ds_task_ranked kept sorted, best
 * first; a row enters by insertion when it beats the last one.  The orders are total (the
 * row's index breaks every tie), so the kept rows are exactly the first DS_TASK_TOP of a
 * stable sort of all rows, whatever order the rows arrive in.
 */
#include "ds_sim.h"

/* Most releases, then lower pid, then lower index: the text report's table order. */
static int by_releases(const struct ds_task_ranked *x, const struct ds_task_ranked *y)
{
	if (x->t.releases != y->t.releases)
		return x->t.releases > y->t.releases ? -1 : 1;
	if (x->t.pid != y->t.pid)
		return x->t.pid < y->t.pid ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Most sync time, then lower index: the hot-path plot's order. */
static int by_sync(const struct ds_task_ranked *x, const struct ds_task_ranked *y)
{
	if (x->t.sync_ns != y->t.sync_ns)
		return x->t.sync_ns > y->t.sync_ns ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void rank(GArray *a, const struct ds_task_ranked *x,
		 int (*cmp)(const struct ds_task_ranked *, const struct ds_task_ranked *))
{
	guint pos = a->len;

	if (a->len == DS_TASK_TOP &&
	    cmp(x, &g_array_index(a, struct ds_task_ranked, a->len - 1)) > 0)
		return;
	while (pos > 0 && cmp(x, &g_array_index(a, struct ds_task_ranked, pos - 1)) < 0)
		pos--;
	g_array_insert_val(a, pos, *x);
	if (a->len > DS_TASK_TOP)
		g_array_set_size(a, DS_TASK_TOP);
}

void ds_task_summary_add(struct ds_task_summary *s, guint index, const struct ds_task_result *t)
{
	struct ds_task_ranked x = { index, *t };

	if (!s->count || t->hot_ns > s->worst_hot.t.hot_ns ||
	    (t->hot_ns == s->worst_hot.t.hot_ns && index < s->worst_hot.index))
		s->worst_hot = x;
	s->count++;
	ds_hist_add(&s->exit_to_freed, ds_task_exit_to_freed(t));
	rank(s->by_releases, &x, by_releases);
	rank(s->by_sync, &x, by_sync);
}
