// SPDX-License-Identifier: MIT
/*
 * csv.c - CSV twins of the JSON output: one row per run, and the time series.
 *
 * The run row's columns are the scalar leaves of the run's JSON object, so the two forms can
 * never disagree about names or values: CSV is derived from JSON, not written separately.
 * Tables of several runs (compare, sweeps) go through ds_csv_table(), the one place that
 * lines up rows whose columns differ.
 */
#include <string.h>

#include "ds_report.h"

static void csv_append_field(GString *s, const char *field)
{
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

static void csv_append_line(GString *s, const char *const *fields, guint n)
{
	for (guint i = 0; i < n; i++) {
		if (i)
			g_string_append_c(s, ',');
		if (fields[i])
			csv_append_field(s, fields[i]);
	}
	g_string_append_c(s, '\n');
}

/* Do rows @a and @b name the same keys, at the same addresses, in the same order? */
static gboolean same_layout(const GPtrArray *a, const GPtrArray *b)
{
	return a && a->len == b->len && !memcmp(a->pdata, b->pdata, sizeof(gpointer) * a->len);
}

/*
 * Rows usually share their layout, and a sweep's rows name their keys by interned strings
 * (sweep/results.c): a row whose keys are the previous row's, pointer for pointer, reuses its
 * columns without hashing a name (hashing every name of every row was 85 % of rewriting a
 * 100-point sweep's results.csv).  Other keys are looked up by their text, as always.
 */
GString *ds_csv_table(GPtrArray *const *keys, GPtrArray *const *values, guint n)
{
	g_autoptr(GPtrArray) columns = g_ptr_array_new();
	g_autoptr(GHashTable) col = g_hash_table_new(g_str_hash, g_str_equal);
	g_autofree const char **fields = NULL;
	g_autofree guint *at = NULL;	/* the column of each key of row @last */
	g_autofree char *version = g_strdup_printf("%d", DS_CSV_SCHEMA_VERSION);
	const GPtrArray *last = NULL;
	GString *s = g_string_new(NULL);

	/* every table says how it was made (docs/csv.md) */
	g_hash_table_insert(col, "schema_version", GUINT_TO_POINTER(0));
	g_ptr_array_add(columns, "schema_version");
	for (guint i = 0; i < n; i++) {
		if (same_layout(last, keys[i]))
			continue;	/* its keys are columns already */
		last = keys[i];
		for (guint k = 0; k < keys[i]->len; k++) {
			if (g_hash_table_contains(col, keys[i]->pdata[k]))
				continue;
			g_hash_table_insert(col, keys[i]->pdata[k], GUINT_TO_POINTER(columns->len));
			g_ptr_array_add(columns, keys[i]->pdata[k]);
		}
	}
	csv_append_line(s, (const char *const *)columns->pdata, columns->len);
	fields = g_new0(const char *, columns->len + 1);
	last = NULL;
	for (guint i = 0; i < n; i++) {
		if (!same_layout(last, keys[i])) {
			last = keys[i];
			g_free(at);
			at = g_new(guint, MAX(last->len, 1));
			for (guint k = 0; k < last->len; k++)
				at[k] = GPOINTER_TO_UINT(g_hash_table_lookup(col, last->pdata[k]));
		}
		memset(fields, 0, sizeof(*fields) * columns->len);
		fields[0] = version;
		for (guint k = 0; k < keys[i]->len; k++)
			fields[at[k]] = values[i]->pdata[k];
		csv_append_line(s, fields, columns->len);
	}
	return s;
}

gboolean ds_csv_write_row(const char *path, GPtrArray *keys, GPtrArray *values, GError **error)
{
	GString *s = ds_csv_table(&keys, &values, 1);
	gboolean ok = ds_write_atomic(path, s->str, s->len, error);

	g_string_free(s, TRUE);
	return ok;
}

gboolean ds_timeseries_write_csv(const struct ds_results *r, const char *path, GError **error)
{
	GString *s = g_string_new(DS_TIMESERIES_HEADER "\n");
	gboolean ok;

	for (guint i = 0; r->timeseries && i < r->timeseries->len; i++) {
		const struct ds_ts_sample *x = &g_array_index(r->timeseries, struct ds_ts_sample, i);
		double rel = x->ts >= r->rec_start_ts ? (double)(x->ts - r->rec_start_ts) / 1e9 : 0.0;

		g_string_append_printf(s, "%d,%" G_GUINT64_FORMAT ",%.9f,%s,%u,%u,%" G_GUINT64_FORMAT
				       ",%" G_GUINT64_FORMAT "\n", DS_CSV_SCHEMA_VERSION, x->ts, rel,
				       ds_backend_name(x->backend), x->pool_free, x->queued_pages,
				       x->pending_values, x->fallbacks);
	}
	ok = ds_write_atomic(path, s->str, s->len, error);
	g_string_free(s, TRUE);
	return ok;
}
