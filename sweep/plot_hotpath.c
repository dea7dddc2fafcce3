// SPDX-License-Identifier: MIT
/*
 * plot_hotpath.c - hotpath.dat and its job: the exit hot-path time per task of one run, sync
 * vs the policy, for plots/hotpath.gp.
 */
#include <math.h>
#include <string.h>

#include "ds_plot.h"
#include "ds_report.h"
#include "ds_sweep.h"
#include "plotctx.h"

#define HOTPATH_MAX_TASKS 30

static gint by_sync_desc(gconstpointer a, gconstpointer b)
{
	JsonObject *x = json_node_get_object(*(JsonNode *const *)a);
	JsonObject *y = json_node_get_object(*(JsonNode *const *)b);
	gint64 sx = json_object_get_int_member(x, "sync_ns");
	gint64 sy = json_object_get_int_member(y, "sync_ns");

	return sx > sy ? -1 : sx < sy;
}

/*
 * The rows to rank by sync time: the run's summary of its largest ones (schema 2, always
 * there) or, in a file of schema 1, every row.  NULL when there are none.
 */
static JsonNode *task_rows(JsonNode *rec)
{
	JsonNode *a = ds_record_get(rec, "metrics.tasks_summary.by_sync");

	if (!a || !JSON_NODE_HOLDS_ARRAY(a))
		a = ds_record_get(rec, "metrics.tasks");
	return a && JSON_NODE_HOLDS_ARRAY(a) ? a : NULL;
}

/* The number of tasks of a run (the summary's count, or the rows of a schema 1 file). */
static guint64 task_count(JsonNode *rec)
{
	JsonNode *n = ds_record_get(rec, "metrics.tasks_summary.count");
	JsonNode *a;

	if (n && JSON_NODE_HOLDS_VALUE(n))
		return (guint64)json_node_get_int(n);
	a = ds_record_get(rec, "metrics.tasks");
	return a && JSON_NODE_HOLDS_ARRAY(a) ? json_array_get_length(json_node_get_array(a)) : 0;
}

/* The deferring run with the largest pool (the first such): the design at its best. */
static JsonNode *hotpath_record(const struct plot_ctx *c)
{
	JsonNode *best = NULL;

	for (guint i = 0; i < c->records->len; i++) {
		JsonNode *rec = g_ptr_array_index(c->records, i);
		g_autofree char *policy = plot_rec_text(rec, "policy");
		JsonNode *tasks = task_rows(rec);

		if (!g_strcmp0(policy, "sync") || !tasks ||
		    !json_array_get_length(json_node_get_array(tasks)))
			continue;
		if (!best || plot_rec_num(rec, "params.pool_pages") > plot_rec_num(best, "params.pool_pages"))
			best = rec;
	}
	return best;
}

struct ds_plot_job *plot_plan_hotpath(const struct plot_ctx *c, GPtrArray *notes,
					GError **error)
{
	JsonNode *rec = hotpath_record(c);
	g_autoptr(GString) s = g_string_new("# pid sync_ms policy_ms\n");
	g_autoptr(GPtrArray) tasks = g_ptr_array_new();
	g_autofree char *path = NULL, *run = NULL, *label = NULL, *which = NULL;
	struct ds_plot_job *j;
	JsonArray *a;

	if (!rec) {
		plot_note(notes, "hotpath: no run of a deferring policy with tasks");
		return NULL;
	}
	a = json_node_get_array(task_rows(rec));
	for (guint i = 0; i < json_array_get_length(a); i++)
		g_ptr_array_add(tasks, json_array_get_element(a, i));
	g_ptr_array_sort(tasks, by_sync_desc);
	for (guint i = 0; i < tasks->len && i < HOTPATH_MAX_TASKS; i++) {
		JsonObject *t = json_node_get_object(g_ptr_array_index(tasks, i));

		g_string_append_printf(s, "%" G_GINT64_FORMAT " %.6f %.6f\n",
				       json_object_get_int_member(t, "pid"),
				       (double)json_object_get_int_member(t, "sync_ns") / 1e6,
				       (double)json_object_get_int_member(t, "hot_ns") / 1e6);
	}
	if (!plot_write_data(c, "hotpath.dat", s, &path, error))
		return NULL;
	/* one run: the title says which already; among several, say which one is drawn */
	run = c->records->len > 1 ? plot_run_text(rec) : plot_rec_text(rec, "policy");
	label = plot_label_of(c, rec, NULL);
	which = g_strdup_printf("%s%s%s%s", run ? run : "?", c->records->len > 1 ? " (" : "",
				c->records->len > 1 ? label : "", c->records->len > 1 ? ")" : "");
	j = plot_job_new(c, "hotpath", "hotpath.gp", path);
	plot_job_var(j, "policy", which);
	if (task_count(rec) > HOTPATH_MAX_TASKS)
		plot_note(notes, "hotpath: the %d tasks of largest sync time of %" G_GUINT64_FORMAT,
		     HOTPATH_MAX_TASKS, task_count(rec));
	if (c->records->len > 1)
		plot_note(notes, "hotpath: drawn for one run, the deferring one with the largest pool: %s "
		     "(choose another with --where)", which);
	return j;
}
