// SPDX-License-Identifier: MIT
/*
 * records.c - reading records back: from point files, results.jsonl, single-run .json files,
 * and merging the records of several sweep directories.
 *
 * A record is a JSON object (see run.c).  Merging keeps one record per point key
 * (struct merge_set: key -> record, key -> where it came from); a second record with the same
 * key must carry the same params, metrics and invariants, since the key promises the same
 * inputs: if it does not, one of the runs is not what its key says and the merge refuses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds_sweep.h"

const char *ds_record_key(JsonNode *record)
{
	JsonNode *k = ds_record_get(record, "point.key");

	return k && JSON_NODE_HOLDS_VALUE(k) && json_node_get_value_type(k) == G_TYPE_STRING ?
		json_node_get_string(k) : NULL;
}

gint64 ds_record_index(JsonNode *record)
{
	JsonNode *i = ds_record_get(record, "point.index");

	return i && JSON_NODE_HOLDS_VALUE(i) && json_node_get_value_type(i) == G_TYPE_INT64 ?
		json_node_get_int(i) : -1;
}

JsonNode *ds_record_get(JsonNode *record, const char *path)
{
	g_auto(GStrv) parts = g_strsplit(path, ".", -1);
	JsonNode *n = record;

	for (guint i = 0; parts[i]; i++) {
		if (!n || !JSON_NODE_HOLDS_OBJECT(n))
			return NULL;
		n = json_object_get_member(json_node_get_object(n), parts[i]);
	}
	return n;
}

static gint compare_records(gconstpointer a, gconstpointer b)
{
	JsonNode *x = *(JsonNode *const *)a, *y = *(JsonNode *const *)b;
	gint64 ix = ds_record_index(x), iy = ds_record_index(y);

	if (ix != iy)
		return ix < iy ? -1 : 1;
	return g_strcmp0(ds_record_key(x), ds_record_key(y));
}

void ds_records_sort(GPtrArray *records)
{
	g_ptr_array_sort(records, compare_records);
}

static gboolean add_root(JsonNode *root, const char *where, GPtrArray *out, GError **error)
{
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: not a JSON object", where);
		return FALSE;
	}
	g_ptr_array_add(out, json_node_copy(root));
	return TRUE;
}

static gboolean load_json(const char *path, GPtrArray *out, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	GError *e = NULL;
	gsize len = 0;
	g_autofree char *text = ds_json_read_pruned(path, &len, error);

	if (!text)
		return FALSE;
	if (!json_parser_load_from_data(parser, text, (gssize)len, &e)) {
		g_set_error(error, DS_ERROR, e->domain == G_FILE_ERROR ? DS_ERROR_IO :
			    DS_ERROR_FORMAT, "%s: %s", path, e->message);
		g_error_free(e);
		return FALSE;
	}
	return add_root(json_parser_get_root(parser), path, out, error);
}

char **ds_sweep_read_lines(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	GError *e = NULL;

	if (!g_file_get_contents(path, &text, NULL, &e)) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s", e->message);
		g_error_free(e);
		return NULL;
	}
	return g_strsplit(text, "\n", -1);
}

/* One line at a time: the file's text is never all in memory, only the records parsed. */
static gboolean load_jsonl(const char *path, GPtrArray *out, GError **error)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	gboolean ok = TRUE;
	GError *e = NULL;

	if (!f) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: %s", path, g_strerror(errno));
		return FALSE;
	}
	for (guint i = 1; ok && getline(&line, &cap, f) >= 0; i++) {
		g_autoptr(JsonParser) parser = NULL;
		g_autofree char *where = NULL;

		if (!*g_strstrip(line))
			continue;
		parser = json_parser_new();
		where = g_strdup_printf("%s:%u", path, i);
		if (!json_parser_load_from_data(parser, line, -1, &e)) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: %s", where, e->message);
			g_clear_error(&e);
			ok = FALSE;
		} else {
			ok = add_root(json_parser_get_root(parser), where, out, error);
		}
	}
	if (ok && ferror(f)) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: %s", path, g_strerror(errno));
		ok = FALSE;
	}
	free(line);
	fclose(f);
	return ok;
}

/* Point files only: KEY.json; temporary files of an interrupted write are not records. */
static gboolean load_points(const char *dir, GPtrArray *out, GError **error)
{
	g_autofree char *points = g_build_filename(dir, "points", NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(points, 0, NULL);
	const char *name;

	if (!d)
		return TRUE;
	while ((name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".json") &&
		    strlen(name) == DS_SWEEP_KEY_LEN + strlen(".json"))
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *path = g_build_filename(points, (char *)names->pdata[i], NULL);

		if (!load_json(path, out, error))
			return FALSE;
	}
	return TRUE;
}

gboolean ds_records_load(const char *path, GPtrArray *out, GError **error)
{
	g_autofree char *jsonl = NULL;

	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: no such file or directory", path);
		return FALSE;
	}
	if (!g_file_test(path, G_FILE_TEST_IS_DIR))
		return g_str_has_suffix(path, ".jsonl") ? load_jsonl(path, out, error) :
			load_json(path, out, error);
	jsonl = g_build_filename(path, "results.jsonl", NULL);
	if (g_file_test(jsonl, G_FILE_TEST_IS_REGULAR))
		return load_jsonl(jsonl, out, error);
	/* point files come in key order: put them in point order */
	{
		g_autoptr(GPtrArray) pts =
			g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);

		if (!load_points(path, pts, error))
			return FALSE;
		ds_records_sort(pts);
		for (guint i = 0; i < pts->len; i++)
			g_ptr_array_add(out, json_node_ref(pts->pdata[i]));
	}
	return TRUE;
}

struct merge_set {
	GHashTable *by_key;	/* key -> JsonNode * (owned) */
	GHashTable *origin;	/* key -> char * (input it came from) */
};

static gboolean same_results(JsonNode *a, JsonNode *b)
{
	static const char *const members[] = { "params", "metrics", "invariants" };

	for (size_t i = 0; i < G_N_ELEMENTS(members); i++) {
		JsonNode *x = ds_record_get(a, members[i]), *y = ds_record_get(b, members[i]);

		if (!x != !y || (x && !json_node_equal(x, y)))
			return FALSE;
	}
	return TRUE;
}

static gboolean merge_add(struct merge_set *m, GPtrArray *records, const char *origin,
			  GError **error)
{
	for (guint i = 0; i < records->len; i++) {
		JsonNode *rec = g_ptr_array_index(records, i);
		const char *key = ds_record_key(rec);
		JsonNode *have;

		if (!key) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT,
				    "%s: a record without point.key (not sweep output)", origin);
			return FALSE;
		}
		have = g_hash_table_lookup(m->by_key, key);
		if (!have) {
			g_hash_table_insert(m->origin, g_strdup(key), g_strdup(origin));
			g_hash_table_insert(m->by_key, g_strdup(key), json_node_ref(rec));
		} else if (!same_results(have, rec)) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT,
				    "point %s: %s and %s hold different results for the same inputs",
				    key, (char *)g_hash_table_lookup(m->origin, key), origin);
			return FALSE;
		}
	}
	return TRUE;
}

/* A directory contributes every finished point it has: point files and results.jsonl. */
static gboolean merge_input(struct merge_set *m, const char *path, GError **error)
{
	g_autoptr(GPtrArray) recs = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	g_autofree char *jsonl = NULL;

	if (!g_file_test(path, G_FILE_TEST_IS_DIR))
		return ds_records_load(path, recs, error) && merge_add(m, recs, path, error);
	jsonl = g_build_filename(path, "results.jsonl", NULL);
	if (g_file_test(jsonl, G_FILE_TEST_IS_REGULAR) &&
	    !(load_jsonl(jsonl, recs, error) && merge_add(m, recs, jsonl, error)))
		return FALSE;
	g_ptr_array_set_size(recs, 0);
	return load_points(path, recs, error) && merge_add(m, recs, path, error);
}

GPtrArray *ds_records_merge(const char *const *paths, guint n_paths, GError **error)
{
	struct merge_set m = {
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
				      (GDestroyNotify)json_node_unref),
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
	};
	GPtrArray *out = NULL;
	GHashTableIter it;
	gpointer value;

	for (guint i = 0; i < n_paths; i++) {
		if (!g_file_test(paths[i], G_FILE_TEST_EXISTS)) {
			g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: no such file or directory",
				    paths[i]);
			goto out;
		}
		if (!merge_input(&m, paths[i], error))
			goto out;
	}
	out = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	g_hash_table_iter_init(&it, m.by_key);
	while (g_hash_table_iter_next(&it, NULL, &value))
		g_ptr_array_add(out, json_node_ref(value));
	ds_records_sort(out);
out:
	g_hash_table_destroy(m.by_key);
	g_hash_table_destroy(m.origin);
	return out;
}
