// SPDX-License-Identifier: MIT
/*
 * test_json_rows.c - a run's JSON written as a stream (ds_json_write_rows()): the bounded
 * tree of ds_report_to_json() with the per-task rows streamed in as metrics.tasks.
 *
 * The expected document is built here as one tree, the way the report was built before it
 * was streamed: ds_report_to_json() of the run that kept its rows in memory, plus a
 * metrics.tasks array made in this file from those rows, field by field (exit_to_freed_ns
 * worked out here).  The streamed file must parse to the same tree, whether its rows came
 * from memory or from the temporary file the simulator filled out of order.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "dstest.h"
#include "ds_report.h"
#include "simtest.h"

static JsonNode *row_node(const struct ds_task_result *t)
{
	JsonObject *o = json_object_new();
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);

	json_object_set_int_member(o, "pid", t->pid);
	json_object_set_int_member(o, "releases", (gint64)t->releases);
	json_object_set_int_member(o, "fallbacks", (gint64)t->fallbacks);
	json_object_set_int_member(o, "hot_ns", (gint64)t->hot_ns);
	json_object_set_int_member(o, "sync_ns", (gint64)t->sync_ns);
	json_object_set_int_member(o, "first_ts", (gint64)t->first_ts);
	json_object_set_int_member(o, "rec_end_ts", (gint64)t->rec_end_ts);
	json_object_set_int_member(o, "sim_end_ts", (gint64)t->sim_end_ts);
	json_object_set_boolean_member(o, "exited", t->exited);
	json_object_set_int_member(o, "think_clamped_ns", (gint64)t->think_clamped_ns);
	json_object_set_int_member(o, "think_oncpu_ns", (gint64)t->think_oncpu_ns);
	json_object_set_int_member(o, "think_offcpu_ns", (gint64)t->think_offcpu_ns);
	json_object_set_int_member(o, "freed_ts", (gint64)t->freed_ts);
	json_object_set_int_member(o, "exit_to_freed_ns", t->freed_ts > t->sim_end_ts ?
				   (gint64)(t->freed_ts - t->sim_end_ts) : 0);
	json_node_take_object(n, o);
	return n;
}

/* The whole report as one tree: the old way, kept here as the reference. */
static JsonNode *expected_tree(const struct ds_results *full, const struct ds_profile *prof)
{
	JsonNode *root = ds_report_to_json(full, prof, NULL);
	JsonObject *metrics = json_object_get_object_member(json_node_get_object(root), "metrics");
	JsonArray *a = json_array_new();

	for (guint i = 0; i < full->tasks->len; i++)
		json_array_add_element(a, row_node(&g_array_index(full->tasks,
								  struct ds_task_result, i)));
	json_object_set_array_member(metrics, "tasks", a);
	return root;
}

/* @node through text and back, so that both sides went through the same number parsing. */
static JsonNode *reparse(JsonNode *node)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autofree char *text = NULL;

	json_generator_set_root(gen, node);
	text = json_generator_to_data(gen, NULL);
	g_assert_true(json_parser_load_from_data(parser, text, -1, NULL));
	return json_node_copy(json_parser_get_root(parser));
}

static JsonNode *load(const char *path)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	GError *error = NULL;

	g_assert_true(json_parser_load_from_file(parser, path, &error));
	g_assert_no_error(error);
	return json_node_copy(json_parser_get_root(parser));
}

/* Write @r's report with its rows from @spill (NULL: from r->tasks) and parse it back. */
static JsonNode *write_streamed(const struct ds_results *r, struct ds_task_spill *spill,
				const struct ds_profile *prof, const char *path)
{
	JsonNode *root = ds_report_to_json(r, prof, NULL);
	struct ds_json_rows rows = {
		json_object_get_object_member(json_node_get_object(root), "metrics"), r, spill,
	};
	GError *error = NULL;
	JsonNode *back;

	g_assert_true(ds_json_write_rows(root, path, &rows, 1, &error));
	g_assert_no_error(error);
	/* the tree given is left as it was: no rows, no placeholder */
	g_assert_false(json_object_has_member(rows.metrics, "tasks"));
	json_node_unref(root);
	back = load(path);
	return back;
}

static void check(const GArray *evs, const char *policy, const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "run.json", NULL);
	struct ds_profile *prof = simtest_profile();
	struct ds_task_sink sink = { 0 };
	struct ds_task_spill *spill;
	struct ds_results *full, *rows;
	struct ds_source *src;
	struct ds_params p;
	GError *error = NULL;
	JsonNode *want, *tree, *got;

	simtest_params(&p);
	p.policy = policy;
	p.pool_pages = 2;
	p.v2_array_entries = 64;	/* v2's default array is 8 M entries at page_size 16 */
	full = simtest_run(evs, &p, prof, 4);
	spill = ds_task_spill_new(&sink, &error);
	g_assert_no_error(error);
	src = ds_source_new_array((const struct ds_event *)(void *)evs->data, evs->len);
	rows = ds_sim_run_rows(&p, prof, src, 4, &sink, &error);
	g_assert_no_error(error);
	ds_source_close(src);

	tree = expected_tree(full, prof);
	want = reparse(tree);
	got = write_streamed(full, NULL, prof, path);
	g_assert_true(json_node_equal(got, want));
	json_node_unref(got);
	got = write_streamed(rows, spill, prof, path);
	g_assert_true(json_node_equal(got, want));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(
		json_object_get_object_member(json_node_get_object(got), "metrics"), "tasks")),
		==, full->tasks->len);
	json_node_unref(got);

	json_node_unref(tree);
	json_node_unref(want);
	ds_task_spill_free(spill);
	ds_results_free(full);
	ds_results_free(rows);
	ds_profile_free(prof);
}

/*
 * Hand-checkable: simtest_two_tasks() has two tasks, 100 and 200, four zram releases each
 * (simtest.h); the rows are theirs, in order of first release (100's at 10000 comes first:
 * the stream lists it before 200's at the same time).
 */
static void test_two_tasks(struct dstest_tmp *t, gconstpointer data)
{
	g_autoptr(GArray) evs = simtest_two_tasks();
	g_autofree char *path = g_build_filename(t->dir, "run.json", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *root;
	JsonArray *tasks;

	(void)data;
	check(evs, "v3", t->dir);
	root = dstest_json_load(parser, path);
	tasks = json_object_get_array_member(json_object_get_object_member(root, "metrics"),
					     "tasks");
	g_assert_cmpuint(json_array_get_length(tasks), ==, 2);
	g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(tasks, 0), "pid"),
			==, 100);
	g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(tasks, 1), "pid"),
			==, 200);
	g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(tasks, 0),
						   "releases"), ==, 4);
	g_assert_cmpint(dstest_json_int(root, "metrics.tasks_summary.count"), ==, 2);
	g_assert_cmpint(dstest_json_int(root, "tool.schema_version"), ==, DS_JSON_SCHEMA_VERSION);
}

/* Generated streams under each deferring policy: rows come out of order, the file is in order. */
static void test_generated(struct dstest_tmp *t, gconstpointer data)
{
	static const char *const policies[] = { "sync", "v3", "v2", "zsonly" };

	(void)data;
	for (guint32 seed = 1; seed <= 3; seed++) {
		g_autoptr(GArray) evs = simtest_generate(seed, 50, 12, 4, true, true);

		for (size_t i = 0; i < G_N_ELEMENTS(policies); i++)
			check(evs, policies[i], t->dir);
	}
}

/* No task at all: "tasks" is an empty array, the summary counts 0 and names no worst task. */
static void test_no_tasks(struct dstest_tmp *t, gconstpointer data)
{
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	g_autofree char *path = g_build_filename(t->dir, "run.json", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *root, *metrics;

	(void)data;
	check(evs, "v3", t->dir);
	root = dstest_json_load(parser, path);
	metrics = json_object_get_object_member(root, "metrics");
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(metrics, "tasks")),
			 ==, 0);
	g_assert_true(json_node_is_null(json_object_get_member(
		json_object_get_object_member(metrics, "tasks_summary"), "worst_hot")));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	dstest_add_tmp("/report/json-rows/two-tasks", test_two_tasks);
	dstest_add_tmp("/report/json-rows/generated", test_generated);
	dstest_add_tmp("/report/json-rows/no-tasks", test_no_tasks);
	return g_test_run();
}
