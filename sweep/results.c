// SPDX-License-Identifier: MIT
/*
 * results.c - a set of records as results.jsonl (one compact JSON object per line) and
 * results.csv (one row per record).
 *
 * CSV columns are the union of the records' scalar leaves (ds_json_flatten()), in the order
 * first seen: records of one sweep share their layout, so in practice every row has every
 * column; a record lacking one gets an empty field.  struct csv_table holds that: column
 * names, name -> column number, and one GPtrArray of values per row.
 */
#include <string.h>

#include "ds_report.h"
#include "ds_sweep.h"

struct csv_table {
	GPtrArray *columns;	/* char * */
	GHashTable *index;	/* column name -> column number + 1 */
	GPtrArray *rows;	/* GPtrArray * of char * (NULL: empty) */
};

/* RFC 4180: quote a field holding a comma, quote or line break; double inner quotes. */
static void csv_field(GString *s, const char *field)
{
	if (!field)
		return;
	if (!strpbrk(field, ",\"\n\r")) {
		g_string_append(s, field);
		return;
	}
	g_string_append_c(s, '"');
	for (const char *p = field; *p; p++) {
		if (*p == '"')
			g_string_append_c(s, '"');
		g_string_append_c(s, *p);
	}
	g_string_append_c(s, '"');
}

static void csv_table_add(struct csv_table *t, JsonNode *record)
{
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *values = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *row = g_ptr_array_new_with_free_func(g_free);

	ds_json_flatten(record, keys, values);
	for (guint i = 0; i < keys->len; i++) {
		const char *k = g_ptr_array_index(keys, i);
		guint col = GPOINTER_TO_UINT(g_hash_table_lookup(t->index, k));

		if (!col) {
			g_ptr_array_add(t->columns, g_strdup(k));
			col = t->columns->len;
			g_hash_table_insert(t->index, g_strdup(k), GUINT_TO_POINTER(col));
		}
		if (row->len < col)
			g_ptr_array_set_size(row, col);
		g_free(row->pdata[col - 1]);
		row->pdata[col - 1] = g_strdup(g_ptr_array_index(values, i));
	}
	g_ptr_array_add(t->rows, row);
	g_ptr_array_free(keys, TRUE);
	g_ptr_array_free(values, TRUE);
}

static GString *csv_table_text(const struct csv_table *t)
{
	GString *s = g_string_new(NULL);

	for (guint c = 0; c < t->columns->len; c++) {
		if (c)
			g_string_append_c(s, ',');
		csv_field(s, g_ptr_array_index(t->columns, c));
	}
	g_string_append_c(s, '\n');
	for (guint r = 0; r < t->rows->len; r++) {
		GPtrArray *row = g_ptr_array_index(t->rows, r);

		for (guint c = 0; c < t->columns->len; c++) {
			if (c)
				g_string_append_c(s, ',');
			csv_field(s, c < row->len ? g_ptr_array_index(row, c) : NULL);
		}
		g_string_append_c(s, '\n');
	}
	return s;
}

static gboolean write_csv(const char *path, GPtrArray *records, GError **error)
{
	struct csv_table t = {
		g_ptr_array_new_with_free_func(g_free),
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref),
	};
	GString *text;
	gboolean ok;

	for (guint i = 0; i < records->len; i++)
		csv_table_add(&t, g_ptr_array_index(records, i));
	text = csv_table_text(&t);
	ok = ds_write_atomic(path, text->str, text->len, error);
	g_string_free(text, TRUE);
	g_ptr_array_free(t.columns, TRUE);
	g_hash_table_destroy(t.index);
	g_ptr_array_free(t.rows, TRUE);
	return ok;
}

static gboolean write_jsonl(const char *path, GPtrArray *records, GError **error)
{
	GString *s = g_string_new(NULL);
	gboolean ok;

	for (guint i = 0; i < records->len; i++) {
		g_autofree char *line = json_to_string(g_ptr_array_index(records, i), FALSE);

		g_string_append(s, line);
		g_string_append_c(s, '\n');
	}
	ok = ds_write_atomic(path, s->str, s->len, error);
	g_string_free(s, TRUE);
	return ok;
}

gboolean ds_sweep_results_write(const char *dir, GPtrArray *records, GError **error)
{
	g_autofree char *jsonl = g_build_filename(dir, "results.jsonl", NULL);
	g_autofree char *csv = g_build_filename(dir, "results.csv", NULL);

	return write_jsonl(jsonl, records, error) && write_csv(csv, records, error);
}
