// SPDX-License-Identifier: MIT
/*
 * results.c - a set of records as results.jsonl (one compact JSON object per line) and
 * results.csv (one row per record).
 *
 * struct ds_results_table holds the rows of a sweep by point index, each as what the two
 * files need and no more (struct row: its compact JSON line, and its scalar leaves as
 * ds_json_flatten() gives them, the names interned since every row has the same ones) - a
 * sweep keeps every finished point in memory to rewrite the files while it runs, and a parsed
 * JsonNode tree is several times the size of its text.  CSV columns are the union of the rows'
 * leaves in the order first seen: records of one sweep share their layout, so in practice
 * every row has every column; a row lacking one gets an empty field.
 */
#include <string.h>

#include "ds_report.h"
#include "ds_sweep.h"

struct row {
	char *line;		/* compact JSON, no newline */
	GPtrArray *keys;	/* interned const char * */
	GPtrArray *values;	/* char * */
};

struct ds_results_table {
	GPtrArray *rows;	/* struct row * or NULL, by index */
	guint count;		/* rows present */
};

static void row_free(gpointer data)
{
	struct row *r = data;

	if (!r)
		return;
	g_free(r->line);
	g_ptr_array_free(r->keys, TRUE);
	g_ptr_array_free(r->values, TRUE);
	g_free(r);
}

struct ds_results_table *ds_results_table_new(guint n_rows)
{
	struct ds_results_table *t = g_new0(struct ds_results_table, 1);

	t->rows = g_ptr_array_new_full(n_rows, row_free);
	g_ptr_array_set_size(t->rows, n_rows);
	return t;
}

void ds_results_table_free(struct ds_results_table *t)
{
	if (!t)
		return;
	g_ptr_array_free(t->rows, TRUE);
	g_free(t);
}

guint ds_results_table_count(const struct ds_results_table *t)
{
	return t->count;
}

void ds_results_table_set(struct ds_results_table *t, guint index, JsonNode *record)
{
	struct row *r = g_new0(struct row, 1);
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

	r->line = json_to_string(record, FALSE);
	r->values = g_ptr_array_new_with_free_func(g_free);
	ds_json_flatten(record, keys, r->values);
	r->keys = g_ptr_array_sized_new(keys->len);
	for (guint i = 0; i < keys->len; i++)
		g_ptr_array_add(r->keys, (gpointer)g_intern_string(keys->pdata[i]));
	g_ptr_array_free(keys, TRUE);
	if (index >= t->rows->len)
		g_ptr_array_set_size(t->rows, index + 1);
	if (!t->rows->pdata[index])
		t->count++;
	row_free(t->rows->pdata[index]);
	t->rows->pdata[index] = r;
}

/* The finished rows, in index order, through the report's one table writer. */
static GString *csv_text(const struct ds_results_table *t)
{
	g_autoptr(GPtrArray) keys = g_ptr_array_new();
	g_autoptr(GPtrArray) values = g_ptr_array_new();

	for (guint i = 0; i < t->rows->len; i++) {
		const struct row *r = t->rows->pdata[i];

		if (!r)
			continue;
		g_ptr_array_add(keys, r->keys);
		g_ptr_array_add(values, r->values);
	}
	return ds_csv_table((GPtrArray *const *)keys->pdata, (GPtrArray *const *)values->pdata,
			    keys->len);
}

static GString *jsonl_text(const struct ds_results_table *t)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < t->rows->len; i++) {
		const struct row *r = t->rows->pdata[i];

		if (!r)
			continue;
		g_string_append(s, r->line);
		g_string_append_c(s, '\n');
	}
	return s;
}

/* @s to @path through a temporary file, fsync()ed before the rename. */
static gboolean write_synced(const char *path, const GString *s, GError **error)
{
	struct ds_outfile *o = ds_outfile_open(path, error);

	if (!o)
		return FALSE;
	if (fwrite(s->str, 1, s->len, ds_outfile_stream(o)) != s->len) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot write %s", path);
		ds_outfile_abort(o);
		return FALSE;
	}
	return ds_outfile_commit(o, error);
}

gboolean ds_results_table_write(const struct ds_results_table *t, const char *dir,
				GError **error)
{
	g_autofree char *jsonl = g_build_filename(dir, "results.jsonl", NULL);
	g_autofree char *csv = g_build_filename(dir, "results.csv", NULL);
	g_autofree char *points = g_build_filename(dir, "points", NULL);
	GString *j = jsonl_text(t), *c = csv_text(t);
	/* every point listed must be on disk before the list is: its file was synced when
	 * saved; its directory entry is here (a whole sweep's points are saved without it:
	 * one sync here covers all saved since the last write), then the results and their
	 * directory */
	gboolean ok = (!g_file_test(points, G_FILE_TEST_IS_DIR) ||
		       ds_sweep_store_sync_dir(dir, "points", error)) &&
		      write_synced(jsonl, j, error) && write_synced(csv, c, error) &&
		      ds_sweep_store_sync_dir(dir, NULL, error);

	g_string_free(j, TRUE);
	g_string_free(c, TRUE);
	return ok;
}

gboolean ds_sweep_results_write(const char *dir, GPtrArray *records, GError **error)
{
	struct ds_results_table *t = ds_results_table_new(records->len);
	gboolean ok;

	for (guint i = 0; i < records->len; i++)
		ds_results_table_set(t, i, records->pdata[i]);
	ok = ds_results_table_write(t, dir, error);
	ds_results_table_free(t);
	return ok;
}
