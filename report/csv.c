// SPDX-License-Identifier: MIT
/*
 * csv.c - CSV twins of the JSON output: one row per run, and the time series.
 *
 * The run row's columns are the scalar leaves of the run's JSON object, so the two forms can
 * never disagree about names or values: CSV is derived from JSON, not written separately.
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

static void csv_append_line(GString *s, GPtrArray *fields)
{
	for (guint i = 0; i < fields->len; i++) {
		if (i)
			g_string_append_c(s, ',');
		csv_append_field(s, g_ptr_array_index(fields, i));
	}
	g_string_append_c(s, '\n');
}

gboolean ds_csv_write_row(const char *path, GPtrArray *keys, GPtrArray *values, GError **error)
{
	GString *s = g_string_new(NULL);
	gboolean ok;

	csv_append_line(s, keys);
	csv_append_line(s, values);
	ok = ds_write_atomic(path, s->str, s->len, error);
	g_string_free(s, TRUE);
	return ok;
}

gboolean ds_csv_write_rows(const char *path, GPtrArray *keys, GPtrArray *rows, GError **error)
{
	GString *s = g_string_new(NULL);
	gboolean ok;

	csv_append_line(s, keys);
	for (guint i = 0; i < rows->len; i++)
		csv_append_line(s, g_ptr_array_index(rows, i));
	ok = ds_write_atomic(path, s->str, s->len, error);
	g_string_free(s, TRUE);
	return ok;
}

gboolean ds_timeseries_write_csv(const struct ds_results *r, const char *path, GError **error)
{
	GString *s = g_string_new("ts_ns,t_rel_s,backend,pool_free,queued_pages,pending_values\n");
	gboolean ok;

	for (guint i = 0; r->timeseries && i < r->timeseries->len; i++) {
		const struct ds_ts_sample *x = &g_array_index(r->timeseries, struct ds_ts_sample, i);
		double rel = x->ts >= r->rec_start_ts ? (double)(x->ts - r->rec_start_ts) / 1e9 : 0.0;

		g_string_append_printf(s, "%" G_GUINT64_FORMAT ",%.9f,%s,%u,%u,%" G_GUINT64_FORMAT "\n",
				       x->ts, rel, ds_backend_name(x->backend), x->pool_free,
				       x->queued_pages, x->pending_values);
	}
	ok = ds_write_atomic(path, s->str, s->len, error);
	g_string_free(s, TRUE);
	return ok;
}
