// SPDX-License-Identifier: MIT
/*
 * test_rows.c - ds_sim_run_rows(): the per-task rows handed to a sink as they become final
 * instead of kept in results->tasks (memory bounded by the tasks alive at once), and the
 * bounded summary (results->task_sum) the reports use instead of the rows.
 *
 * Expectations come from ds_sim_run() on the same stream (the rows kept in memory, as every
 * other test of the simulator checks them) and from sorting those rows here: the sink must
 * receive each of them exactly once, equal field by field, and the summary must be the first
 * DS_TASK_TOP rows of a stable sort of all rows, whichever mode ran.
 */
#include <string.h>

#include "dstest.h"
#include "simtest.h"

/* The sink of the test: every row by index, how often each came, and whether any came
 * before a lower index (the simulator hands rows over out of order). */
struct collect {
	GArray *rows;
	GArray *times;	/* guint per index */
	guint last;
	bool out_of_order;
	guint n;
};

static void collect_row(void *data, guint index, const struct ds_task_result *t)
{
	struct collect *c = data;

	if (index >= c->rows->len) {
		g_array_set_size(c->rows, index + 1);
		g_array_set_size(c->times, index + 1);
	}
	g_array_index(c->rows, struct ds_task_result, index) = *t;
	g_array_index(c->times, guint, index)++;
	if (c->n++ && index < c->last)
		c->out_of_order = true;
	c->last = index;
}

static gint releases_desc(gconstpointer a, gconstpointer b)
{
	const struct ds_task_result *x = a, *y = b;

	if (x->releases != y->releases)
		return x->releases < y->releases ? 1 : -1;
	return x->pid - y->pid;
}

static gint sync_desc(gconstpointer a, gconstpointer b)
{
	const struct ds_task_result *x = a, *y = b;

	return x->sync_ns > y->sync_ns ? -1 : x->sync_ns < y->sync_ns;
}

static void assert_row_equal(const struct ds_task_result *x, const struct ds_task_result *y)
{
	g_assert_cmpint(x->pid, ==, y->pid);
	g_assert_cmpuint(x->releases, ==, y->releases);
	g_assert_cmpuint(x->fallbacks, ==, y->fallbacks);
	g_assert_cmpuint(x->hot_ns, ==, y->hot_ns);
	g_assert_cmpuint(x->sync_ns, ==, y->sync_ns);
	g_assert_cmpuint(x->first_ts, ==, y->first_ts);
	g_assert_cmpuint(x->rec_end_ts, ==, y->rec_end_ts);
	g_assert_cmpuint(x->sim_end_ts, ==, y->sim_end_ts);
	g_assert_cmpint(x->exited, ==, y->exited);
	g_assert_cmpuint(x->think_clamped_ns, ==, y->think_clamped_ns);
	g_assert_cmpuint(x->think_oncpu_ns, ==, y->think_oncpu_ns);
	g_assert_cmpuint(x->think_offcpu_ns, ==, y->think_offcpu_ns);
	g_assert_cmpuint(x->freed_ts, ==, y->freed_ts);
}

/* @ranked (struct ds_task_ranked) is the first DS_TASK_TOP rows of @sorted. */
static void assert_top(const GArray *ranked, const GArray *sorted)
{
	g_assert_cmpuint(ranked->len, ==, MIN(sorted->len, DS_TASK_TOP));
	for (guint i = 0; i < ranked->len; i++)
		assert_row_equal(&g_array_index(ranked, struct ds_task_ranked, i).t,
				 &g_array_index(sorted, struct ds_task_result, i));
}

/* The summary of @s is what the rows @rows (engine order) give, worked out here. */
static void assert_summary(const struct ds_task_summary *s, const GArray *rows)
{
	g_autoptr(GArray) by_rel = g_array_copy((GArray *)rows);
	g_autoptr(GArray) by_sync = g_array_copy((GArray *)rows);
	const struct ds_task_result *worst = NULL;
	uint64_t max_e2f = 0;

	g_assert_cmpuint(s->count, ==, rows->len);
	/* GLib's sorts are stable: equal rows stay in the engine's order */
	g_array_sort(by_rel, releases_desc);
	g_array_sort(by_sync, sync_desc);
	assert_top(s->by_releases, by_rel);
	assert_top(s->by_sync, by_sync);
	for (guint i = 0; i < rows->len; i++) {
		const struct ds_task_result *t = &g_array_index(rows, struct ds_task_result, i);

		if (!worst || t->hot_ns > worst->hot_ns)
			worst = t;
		max_e2f = MAX(max_e2f, ds_task_exit_to_freed(t));
	}
	if (worst)
		assert_row_equal(&s->worst_hot.t, worst);
	g_assert_cmpuint(s->exit_to_freed.count, ==, rows->len);
	g_assert_cmpuint(s->exit_to_freed.max, ==, max_e2f);
}

static void check_stream(const GArray *evs, const char *policy, unsigned int ncpus,
			 bool *saw_out_of_order)
{
	struct ds_params p;
	struct ds_profile *prof = simtest_profile();
	struct collect c = {
		g_array_new(FALSE, TRUE, sizeof(struct ds_task_result)),
		g_array_new(FALSE, TRUE, sizeof(guint)), 0, false, 0,
	};
	struct ds_task_sink sink = { collect_row, &c };
	struct ds_source *src;
	struct ds_results *full, *rows;
	GError *error = NULL;
	GArray *kept;

	simtest_params(&p);
	p.policy = policy;
	p.pool_pages = 2;	/* some fallbacks, values waiting for the drain past their task */
	p.v2_array_entries = 64;	/* v2's default array is 8 M entries at page_size 16 */
	p.check_invariants = true;
	full = simtest_run(evs, &p, prof, ncpus);
	src = ds_source_new_array((const struct ds_event *)(void *)evs->data, evs->len);
	rows = ds_sim_run_rows(&p, prof, src, ncpus, &sink, &error);
	g_assert_no_error(error);
	ds_source_close(src);

	g_assert_cmpuint(rows->tasks->len, ==, 0);
	g_assert_cmpuint(c.rows->len, ==, full->tasks->len);
	for (guint i = 0; i < c.times->len; i++)
		g_assert_cmpuint(g_array_index(c.times, guint, i), ==, 1);
	/* with the collected rows in place, everything equals the run that kept them */
	kept = rows->tasks;
	rows->tasks = c.rows;
	g_assert_true(simtest_results_equal(full, rows));
	for (guint i = 0; i < full->tasks->len; i++)
		assert_row_equal(&g_array_index(c.rows, struct ds_task_result, i),
				 &g_array_index(full->tasks, struct ds_task_result, i));
	assert_summary(&full->task_sum, full->tasks);
	assert_summary(&rows->task_sum, full->tasks);
	rows->tasks = kept;
	*saw_out_of_order |= c.out_of_order;

	ds_results_free(full);
	ds_results_free(rows);
	g_array_free(c.rows, TRUE);
	g_array_free(c.times, TRUE);
	ds_profile_free(prof);
}

/*
 * Generated streams (both backends, pid reuse, exits, long sleeps) under every policy: the
 * rows and the summary agree with the run that kept every row.  Under a deferring policy a
 * task's last value is freed by the drain after the task ended, so some row must come after
 * a later task's: the sink's order is not the engine's (what the report's spill file
 * re-orders).
 */
static void test_rows_equal(void)
{
	static const char *const policies[] = { "sync", "v3", "v2", "zsonly" };

	for (guint32 seed = 1; seed <= 4; seed++) {
		g_autoptr(GArray) evs = simtest_generate(seed, 60, 24, 4, true, seed & 1);

		for (size_t i = 0; i < G_N_ELEMENTS(policies); i++) {
			bool out_of_order = false;

			check_stream(evs, policies[i], 4, &out_of_order);
			if (strcmp(policies[i], "sync"))
				g_assert_true(out_of_order);
		}
	}
}

/* More tasks than the summary keeps, with ties: the rankings are still the sorted prefix. */
static void test_summary_bounded(void)
{
	g_autoptr(GArray) evs = simtest_generate(7, 3 * DS_TASK_TOP, 3, 2, false, true);
	bool out_of_order = false;

	check_stream(evs, "v3", 2, &out_of_order);
}

/*
 * Thousands of tasks: rows mode keeps the rows not out yet in a window of task indices and
 * cuts off its start once most of it went out (sim/task.c, at 1 024 and more): the rows, each
 * exactly once, and the summary still agree with the run that kept every row, across cuts.
 */
static void test_rows_window(void)
{
	g_autoptr(GArray) evs = simtest_generate(11, 5000, 2, 4, false, true);
	bool out_of_order = false;

	check_stream(evs, "v3", 4, &out_of_order);
	check_stream(evs, "sync", 4, &out_of_order);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/rows/equal-to-kept-rows", test_rows_equal);
	g_test_add_func("/sim/rows/summary-bounded", test_summary_bounded);
	g_test_add_func("/sim/rows/window", test_rows_window);
	return g_test_run();
}
