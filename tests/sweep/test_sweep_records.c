// SPDX-License-Identifier: MIT
/*
 * test_sweep_records.c - the output directory: point files (save, lookup, a file that is not
 * what its name says), results.jsonl/csv (order, columns, quoting), reading records back, and
 * merging directories (dedup by key, conflicting duplicates refused).
 *
 * Records here are small hand-written JSON objects, so every expected line is known.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "ds_sweep.h"
#include "dstest.h"

#define KEY(c) c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c	/* 32 chars */

static JsonNode *parse(const char *text)
{
	g_autoptr(JsonParser) p = json_parser_new();
	GError *error = NULL;

	g_assert_true(json_parser_load_from_data(p, text, -1, &error));
	g_assert_no_error(error);
	return json_node_copy(json_parser_get_root(p));
}

static JsonNode *record(gint64 index, const char *key, gint64 fallbacks, const char *raw_note)
{
	g_autofree char *note = g_strescape(raw_note, NULL);
	g_autofree char *text = g_strdup_printf(
		"{\"point\":{\"index\":%" G_GINT64_FORMAT ",\"key\":\"%s\",\"values\":"
		"{\"pool_pages\":\"%" G_GINT64_FORMAT "\"}},\"params\":{\"policy\":\"v3\"},"
		"\"metrics\":{\"fallbacks\":%" G_GINT64_FORMAT ",\"note\":\"%s\",\"tasks\":[1,2]},"
		"\"invariants\":{\"checked\":false}}", index, key, index * 8, fallbacks, note);

	return parse(text);
}

static char *sub(const struct dstest_tmp *t, const char *name)
{
	return g_build_filename(t->dir, name, NULL);
}

static char *slurp(const char *path)
{
	char *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return text;
}

static void test_store(struct dstest_tmp *t, gconstpointer data)
{
	g_autofree char *dir = sub(t, "out");
	g_autofree char *path = NULL;
	JsonNode *rec = record(3, KEY("a"), 5, "x"), *back;
	GError *error = NULL;

	(void)data;
	g_assert_true(ds_sweep_store_init(dir, "/s/a.ini", FALSE, &error));
	g_assert_no_error(error);
	/* the same sweep file again is fine (an edited sweep); another one only with adopt */
	g_assert_true(ds_sweep_store_init(dir, "/s/a.ini", FALSE, &error));
	g_assert_false(ds_sweep_store_init(dir, "/s/b.ini", FALSE, &error));
	g_assert_nonnull(strstr(error->message, "another sweep file (/s/a.ini)"));
	g_clear_error(&error);
	g_assert_true(ds_sweep_store_init(dir, "/s/b.ini", TRUE, &error));
	g_assert_false(ds_sweep_store_init(dir, "/s/a.ini", FALSE, &error));
	g_assert_nonnull(strstr(error->message, "another sweep file (/s/b.ini)"));
	g_clear_error(&error);
	g_assert_null(ds_sweep_store_lookup(dir, KEY("a"), &error));
	g_assert_no_error(error);	/* absent is not an error */
	g_assert_true(ds_sweep_store_save(dir, rec, &error));
	g_assert_no_error(error);
	path = ds_sweep_point_path(dir, KEY("a"));
	g_assert_true(g_str_has_suffix(path, "/points/" KEY("a") ".json"));
	back = ds_sweep_store_lookup(dir, KEY("a"), &error);
	g_assert_no_error(error);
	g_assert_true(json_node_equal(back, rec));
	json_node_unref(back);
	/* a file whose content is another point's is not that point */
	g_free(path);
	path = ds_sweep_point_path(dir, KEY("b"));
	g_assert_true(g_file_set_contents(path, "{\"point\":{\"key\":\"" KEY("c") "\"}}", -1,
					  NULL));
	g_assert_null(ds_sweep_store_lookup(dir, KEY("b"), &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_FORMAT);
	g_clear_error(&error);
	g_assert_true(g_file_set_contents(path, "{ half a rec", -1, NULL));
	g_assert_null(ds_sweep_store_lookup(dir, KEY("b"), &error));
	g_assert_nonnull(strstr(error->message, path));
	g_clear_error(&error);
	json_node_unref(rec);
}

static void test_results(struct dstest_tmp *t, gconstpointer data)
{
	g_autoptr(GPtrArray) recs = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	g_autofree char *jsonl = sub(t, "results.jsonl");
	g_autofree char *csv = sub(t, "results.csv");
	g_autofree char *jtext = NULL, *ctext = NULL;
	g_auto(GStrv) lines = NULL;
	GError *error = NULL;

	(void)data;
	g_ptr_array_add(recs, record(0, KEY("a"), 1, "plain"));
	g_ptr_array_add(recs, record(1, KEY("b"), 2, "with, comma and \"quotes\""));
	g_assert_true(ds_sweep_results_write(t->dir, recs, &error));
	g_assert_no_error(error);
	jtext = slurp(jsonl);
	lines = g_strsplit(jtext, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 3);	/* two lines + "" after the last \n */
	g_assert_cmpstr(lines[2], ==, "");
	for (guint i = 0; i < 2; i++) {
		JsonNode *n = parse(lines[i]);

		g_assert_true(json_node_equal(n, recs->pdata[i]));
		json_node_unref(n);
	}
	ctext = slurp(csv);
	/* columns: the CSV schema version (docs/csv.md), then the scalar leaves in record
	 * order, arrays (tasks) left out */
	g_assert_cmpstr(ctext, ==,
		"schema_version,point.index,point.key,point.values.pool_pages,params.policy,"
		"metrics.fallbacks,metrics.note,invariants.checked\n"
		"1,0," KEY("a") ",0,v3,1,plain,false\n"
		"1,1," KEY("b") ",8,v3,2,\"with, comma and \"\"quotes\"\"\",false\n");
}

/* Records with different members: the union of columns, empty fields where one lacks one. */
static void test_results_union(struct dstest_tmp *t, gconstpointer data)
{
	g_autoptr(GPtrArray) recs = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	g_autofree char *csv = sub(t, "results.csv");
	g_autofree char *ctext = NULL;

	(void)data;
	g_ptr_array_add(recs, parse("{\"a\":1,\"b\":2}"));
	g_ptr_array_add(recs, parse("{\"a\":3,\"c\":{\"d\":null}}"));
	g_assert_true(ds_sweep_results_write(t->dir, recs, NULL));
	ctext = slurp(csv);
	g_assert_cmpstr(ctext, ==, "schema_version,a,b,c.d\n1,1,2,\n1,3,,\n");
}

static void test_set_point(void)
{
	JsonNode *run = parse("{\"tool\":{\"name\":\"defersim\"},\"point\":{\"index\":9},"
			      "\"metrics\":{\"fallbacks\":4}}");
	const char *keys[] = { "trace", "pool_pages" };
	const char *values[] = { "a.dat", "16" };
	struct ds_sweep_point pt = { .index = 2, .key = KEY("e"), .axis_keys = keys,
				     .values = values, .n_axes = 2 };
	JsonNode *rec = ds_record_set_point(run, &pt);
	JsonNode *want = parse("{\"point\":{\"index\":2,\"key\":\"" KEY("e") "\",\"values\":"
			       "{\"trace\":\"a.dat\",\"pool_pages\":\"16\"}},"
			       "\"tool\":{\"name\":\"defersim\"},\"metrics\":{\"fallbacks\":4}}");
	GList *members = json_object_get_members(json_node_get_object(rec));

	g_assert_true(json_node_equal(rec, want));
	g_assert_cmpstr(members->data, ==, "point");	/* first: first CSV columns */
	g_assert_cmpint(ds_record_index(rec), ==, 2);
	g_assert_cmpstr(ds_record_key(rec), ==, KEY("e"));
	g_assert_cmpint(ds_record_index(run), ==, 9);
	g_assert_null(ds_record_key(run));
	g_list_free(members);
	json_node_unref(rec);
	json_node_unref(want);
	json_node_unref(run);
}

static void save_all(const char *dir, JsonNode *const *recs, guint n)
{
	g_assert_true(ds_sweep_store_init(dir, "/s/sweep.ini", FALSE, NULL));
	for (guint i = 0; i < n; i++)
		g_assert_true(ds_sweep_store_save(dir, recs[i], NULL));
}

static void test_merge(struct dstest_tmp *t, gconstpointer data)
{
	g_autofree char *d1 = sub(t, "host1"), *d2 = sub(t, "host2"), *d3 = sub(t, "host3");
	JsonNode *r0 = record(0, KEY("a"), 10, ""), *r1 = record(1, KEY("b"), 11, "");
	JsonNode *r2 = record(2, KEY("c"), 12, ""), *r1bad = record(1, KEY("b"), 99, "");
	JsonNode *host1[] = { r2, r0 }, *host2[] = { r1, r0 }, *host3[] = { r1bad };
	const char *ok_inputs[] = { d1, d2 };
	const char *bad_inputs[] = { d1, d2, d3 };
	GError *error = NULL;
	GPtrArray *m;

	(void)data;
	save_all(d1, host1, 2);
	save_all(d2, host2, 2);
	save_all(d3, host3, 1);
	m = ds_records_merge(ok_inputs, 2, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(m->len, ==, 3);	/* r0 twice, once kept */
	g_assert_true(json_node_equal(m->pdata[0], r0));
	g_assert_true(json_node_equal(m->pdata[1], r1));
	g_assert_true(json_node_equal(m->pdata[2], r2));
	g_ptr_array_free(m, TRUE);
	/* the same key with other metrics: refused, naming the key and both places */
	g_assert_null(ds_records_merge(bad_inputs, 3, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_FORMAT);
	g_assert_nonnull(strstr(error->message, KEY("b")));
	g_assert_nonnull(strstr(error->message, d2));
	g_assert_nonnull(strstr(error->message, d3));
	g_clear_error(&error);
	/* a results.jsonl is an input too, and so is a directory holding one */
	{
		g_autofree char *jl = g_build_filename(d1, "results.jsonl", NULL);
		GPtrArray *two = g_ptr_array_new();
		const char *inputs[] = { jl, d2 };

		g_ptr_array_add(two, r0);
		g_ptr_array_add(two, r2);
		g_assert_true(ds_sweep_results_write(d1, two, NULL));
		g_ptr_array_free(two, TRUE);
		m = ds_records_merge(inputs, 2, &error);
		g_assert_no_error(error);
		g_assert_cmpuint(m->len, ==, 3);
		g_ptr_array_free(m, TRUE);
	}
	{
		const char *missing[] = { d1, "/nonexistent/dir" };

		g_assert_null(ds_records_merge(missing, 2, &error));
		g_assert_nonnull(strstr(error->message, "/nonexistent/dir"));
		g_clear_error(&error);
	}
	json_node_unref(r0);
	json_node_unref(r1);
	json_node_unref(r2);
	json_node_unref(r1bad);
}

static void test_merge_needs_keys(struct dstest_tmp *t, gconstpointer data)
{
	g_autofree char *run = sub(t, "run.json");
	const char *inputs[] = { run };
	GError *error = NULL;

	(void)data;
	g_assert_true(g_file_set_contents(run, "{\"metrics\":{}}", -1, NULL));
	g_assert_null(ds_records_merge(inputs, 1, &error));
	g_assert_nonnull(strstr(error->message, "point.key"));
	g_clear_error(&error);
}

/* A directory is read from its results.jsonl when there is one, else from its points. */
static void test_load_dir(struct dstest_tmp *t, gconstpointer data)
{
	g_autofree char *d = sub(t, "d");
	g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	JsonNode *r0 = record(0, KEY("a"), 1, ""), *r1 = record(1, KEY("b"), 2, "");
	JsonNode *both[] = { r1, r0 };
	GPtrArray *one = g_ptr_array_new();

	(void)data;
	save_all(d, both, 2);
	g_assert_true(ds_records_load(d, got, NULL));
	g_assert_cmpuint(got->len, ==, 2);
	g_ptr_array_set_size(got, 0);
	g_ptr_array_add(one, r1);
	g_assert_true(ds_sweep_results_write(d, one, NULL));
	g_assert_true(ds_records_load(d, got, NULL));
	g_assert_cmpuint(got->len, ==, 1);
	g_assert_true(json_node_equal(got->pdata[0], r1));
	g_ptr_array_free(one, TRUE);
	json_node_unref(r0);
	json_node_unref(r1);
}

/* The sync_ns of row @i of the big array of test_pruned: few distinct values, many ties. */
static gint64 pruned_sync(guint i)
{
	return (gint64)((i * 7919u) % 97u) * 1000;
}

static gint by_sync_then_index(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;
	gint64 sx = pruned_sync(x), sy = pruned_sync(y);

	if (sx != sy)
		return sx > sy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * A run's JSON read back (ds_records_load() of a .json file) without its per-task rows in
 * memory: an array of "tasks" above 1 MiB keeps the DS_TASK_TOP rows of largest sync_ns, ties
 * in file order; a small one, and text that only looks like such a member inside a string,
 * are kept as they are; everything else is read unchanged.
 */
static void test_pruned(struct dstest_tmp *t, gconstpointer data)
{
	const guint n = 20000;	/* ~100 bytes a row: 2 MB */
	g_autoptr(GString) s = g_string_new("{\"note\":\"x \\\"tasks\\\": [1, 2] y\",\n"
					    " \"small\":{\"tasks\":[1,{\"sync_ns\":5},\"a]\"]},\n"
					    " \"metrics\":{\"releases\":3,\"tasks\" : [");
	g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autofree char *path = NULL;
	JsonObject *root, *metrics;
	JsonArray *kept;

	(void)data;
	for (guint i = 0; i < n; i++) {
		g_string_append_printf(s, "%s\n  {\"pid\":%u,\"releases\":1,\"sync_ns\":%" G_GINT64_FORMAT
				       ",\"hot_ns\":5,\"note\":\"}]\\\"\",\"exited\":true}",
				       i ? "," : "", i, pruned_sync(i));
		g_array_append_val(order, i);
	}
	g_string_append(s, "],\"after\":[\"tasks\"]}}\n");
	g_assert_cmpuint(s->len, >, 1024 * 1024);
	path = dstest_write(t->dir, "run.json", s->str);
	g_assert_true(ds_records_load(path, got, NULL));
	g_assert_cmpuint(got->len, ==, 1);
	root = json_node_get_object(got->pdata[0]);
	g_assert_cmpstr(json_object_get_string_member(root, "note"), ==, "x \"tasks\": [1, 2] y");
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(
		json_object_get_object_member(root, "small"), "tasks")), ==, 3);
	metrics = json_object_get_object_member(root, "metrics");
	g_assert_cmpint(json_object_get_int_member(metrics, "releases"), ==, 3);
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(metrics, "after")),
			 ==, 1);
	/* the expected rows: a stable sort of the indices by sync_ns, worked out here */
	g_array_sort(order, by_sync_then_index);
	kept = json_object_get_array_member(metrics, "tasks");
	g_assert_cmpuint(json_array_get_length(kept), ==, DS_TASK_TOP);
	for (guint i = 0; i < DS_TASK_TOP; i++) {
		JsonObject *row = json_array_get_object_element(kept, i);

		g_assert_cmpint(json_object_get_int_member(row, "pid"), ==,
				g_array_index(order, guint, i));
		g_assert_cmpstr(json_object_get_string_member(row, "note"), ==, "}]\"");
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	dstest_add_tmp("/sweep/store/points", test_store);
	dstest_add_tmp("/sweep/results/jsonl-csv", test_results);
	dstest_add_tmp("/sweep/results/csv-union", test_results_union);
	g_test_add_func("/sweep/record/point-member", test_set_point);
	dstest_add_tmp("/sweep/merge/dedup-conflict", test_merge);
	dstest_add_tmp("/sweep/merge/needs-keys", test_merge_needs_keys);
	dstest_add_tmp("/sweep/records/load-dir", test_load_dir);
	dstest_add_tmp("/sweep/records/pruned-tasks", test_pruned);
	return g_test_run();
}
