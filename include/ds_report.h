/* SPDX-License-Identifier: MIT */
/*
 * ds_report.h - turning results into what people and programs read (report/).
 *
 * One run's results become: a human report (text), one JSON object (json-glib), a flat CSV
 * row whose columns are the JSON object's scalar leaves ("metrics.zram.fallbacks"), and a
 * time-series CSV.  Every output file is written atomically (temporary file + rename).
 */
#ifndef DS_REPORT_H
#define DS_REPORT_H

#include <stdio.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "ds_sim.h"
#include "ds_source.h"

/**
 * struct ds_report_opts - what to put in a human report
 * @max_tasks: rows of the per-task table (0: all)
 */
struct ds_report_opts {
	unsigned int max_tasks;
};

/**
 * ds_report_print() - the human report of one run
 * @r: results
 * @prof: profile used
 * @info: trace information (NULL for non-trace sources)
 * @opts: NULL for defaults
 * @out: stream
 */
void ds_report_print(const struct ds_results *r, const struct ds_profile *prof,
		     const struct ds_trace_info *info, const struct ds_report_opts *opts, FILE *out);

/**
 * ds_report_to_json() - one run as a JSON object: tool, trace, profile, params (with the
 * list of inferred ones), metrics
 * Return: a new JSON node (json_node_unref() it)
 */
JsonNode *ds_report_to_json(const struct ds_results *r, const struct ds_profile *prof,
			    const struct ds_trace_info *info);

/**
 * ds_json_write() - write a JSON node, pretty-printed, to @path atomically ("-" = stdout)
 */
gboolean ds_json_write(JsonNode *node, const char *path, GError **error);

/**
 * ds_json_flatten() - the scalar leaves of a JSON object as ordered (key, text) pairs, keys
 * joined with '.'; arrays are skipped (per-task rows are not one CSV row)
 * @keys: out: GPtrArray of char *
 * @values: out: GPtrArray of char *
 */
void ds_json_flatten(JsonNode *node, GPtrArray *keys, GPtrArray *values);

/**
 * ds_json_with_first_member() - a copy of JSON object @obj with member @name = @value put
 * first (replacing any member of that name); takes @value
 *
 * Used to wrap a run's object with what identifies it in a table (a sweep point, a compare
 * summary), first so that the CSV columns start with it.
 */
JsonNode *ds_json_with_first_member(JsonNode *obj, const char *name, JsonNode *value);

/**
 * ds_csv_write_row() - write a header line and one row (RFC 4180 quoting) atomically
 */
gboolean ds_csv_write_row(const char *path, GPtrArray *keys, GPtrArray *values, GError **error);

/**
 * ds_csv_table() - CSV text of rows whose columns may differ (RFC 4180 quoting): the header is
 * the union of their keys in first-seen order; a row without a column leaves it empty
 * @keys: per row, a GPtrArray of column names
 * @values: per row, a GPtrArray of texts, as long as its keys
 * @n: rows
 * Return: a new GString (g_string_free() it)
 */
GString *ds_csv_table(GPtrArray *const *keys, GPtrArray *const *values, guint n);

/**
 * DS_TIMESERIES_HEADER - columns of the time series CSV (fallbacks: cumulative count)
 */
#define DS_TIMESERIES_HEADER "ts_ns,t_rel_s,backend,pool_free,queued_pages,pending_values,fallbacks"

/**
 * ds_timeseries_write_csv() - the results' time series as CSV, atomically
 * Columns: ts_ns, t_rel_s, backend, pool_free, queued_pages, pending_values.
 */
gboolean ds_timeseries_write_csv(const struct ds_results *r, const char *path, GError **error);

/**
 * ds_fmt_ns() - a duration in ns as short human text ("870 ns", "1.25 us", "57.0 ms", "2.10 s")
 * @buf: at least 32 bytes
 * Return: @buf
 */
char *ds_fmt_ns(char *buf, double ns);

/**
 * ds_fmt_bytes() - a size as human text ("512 B", "4.0 KiB", "1.25 MiB")
 * @buf: at least 32 bytes
 */
char *ds_fmt_bytes(char *buf, double bytes);

/**
 * ds_write_atomic() - write @len bytes to @path through a temporary file and rename; "-" means
 * stdout
 */
gboolean ds_write_atomic(const char *path, const char *data, gsize len, GError **error);

#endif /* DS_REPORT_H */
