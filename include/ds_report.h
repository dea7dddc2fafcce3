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

#include "ds_prov.h"
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
 * list of inferred ones), metrics; the per-task rows summarised (metrics.tasks_summary), not
 * listed: ds_json_write_rows() streams them in
 * Return: a new JSON node (json_node_unref() it)
 */
JsonNode *ds_report_to_json(const struct ds_results *r, const struct ds_profile *prof,
			    const struct ds_trace_info *info);

/**
 * ds_report_warnings() - sentences a run's reader should see (report/warnings.c): --cpus
 * above the recorded CPUs; the commands print them on stderr, the JSON holds them in
 * "warnings"
 * Return: a GPtrArray of strings, possibly empty (g_ptr_array_unref() it)
 */
GPtrArray *ds_report_warnings(const struct ds_results *r, const struct ds_trace_info *info);

/*
 * DS_JSON_SCHEMA_VERSION - tool.schema_version of a run's JSON (docs/json.md).  2: per-task
 * rows (metrics.tasks) only where asked for, metrics.tasks_summary always.  3: null where a
 * metric does not apply (an empty distribution, a share of nothing, sync's pool), "warnings",
 * "provenance" (every cost's origin) and "sensitivity" (docs/provenance.md).
 */
#define DS_JSON_SCHEMA_VERSION 3

/**
 * ds_report_add_provenance() - the members "provenance" and "sensitivity" of a run's JSON
 * object (report/provenance.c, docs/provenance.md)
 */
void ds_report_add_provenance(JsonBuilder *b, const struct ds_provenance *pv);

/**
 * ds_report_print_reliance() - the text line naming the guessed costs a run's answer rests on
 * most, and the emulated-time warning when the trace or profile is emulated time
 */
void ds_report_print_reliance(const struct ds_provenance *pv, const char *indent, FILE *out);

/** ds_report_print_provenance() - the text table of every cost's value, origin and share */
void ds_report_print_provenance(const struct ds_provenance *pv, FILE *out);

/*
 * struct ds_outfile - an output file written as a stream, atomically: a temporary file
 * beside @path, fsync()ed and renamed on commit, removed on abort ("-" = stdout; a device
 * or FIFO is written in place) (report/outfile.c)
 */
struct ds_outfile;

struct ds_outfile *ds_outfile_open(const char *path, GError **error);
FILE *ds_outfile_stream(struct ds_outfile *o);
/** ds_outfile_commit() - flush, fsync, rename over the path; frees @o in every case */
gboolean ds_outfile_commit(struct ds_outfile *o, GError **error);
/** ds_outfile_abort() - drop what was written (the target is left as it was); frees @o */
void ds_outfile_abort(struct ds_outfile *o);

/*
 * struct ds_task_spill - a run's per-task rows on disk (an unlinked temporary file) in the
 * engine's order, filled by the simulator through a struct ds_task_sink (report/taskrows.c)
 */
struct ds_task_spill;

/** ds_task_spill_new() - a spill, and @sink set to fill it (give @sink to ds_sim_run_rows()) */
struct ds_task_spill *ds_task_spill_new(struct ds_task_sink *sink, GError **error);
void ds_task_spill_free(struct ds_task_spill *s);

/** ds_json_add_task_row() - one task row as a JSON object (the keys of metrics.tasks[]) */
void ds_json_add_task_row(JsonBuilder *b, const struct ds_task_result *t);

/**
 * struct ds_json_rows - where a run's rows go in a document and where they come from
 * @metrics: the run's "metrics" object in the document written (rows become its "tasks")
 * @r: the run's results
 * @spill: its rows, or NULL when they are in @r->tasks (ds_sim_run())
 */
struct ds_json_rows {
	JsonObject *metrics;
	const struct ds_results *r;
	struct ds_task_spill *spill;
};

/**
 * ds_json_write_rows() - write @root pretty-printed to @path atomically, with each of @n
 * runs' per-task rows streamed in as its metrics.tasks array (memory: the tree without rows)
 */
gboolean ds_json_write_rows(JsonNode *root, const char *path, const struct ds_json_rows *rows,
			    guint n, GError **error);

/**
 * ds_json_write() - write a JSON node, pretty-printed, to @path atomically ("-" = stdout)
 */
gboolean ds_json_write(JsonNode *node, const char *path, GError **error);

/**
 * ds_json_flatten() - the scalar leaves of a JSON object as ordered (key, text) pairs, keys
 * joined with '.'; an array of objects that each have a "name" member is keyed by it
 * (provenance.costs.push_ns.origin), other arrays are skipped (per-task rows are not one CSV row)
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

/*
 * DS_CSV_SCHEMA_VERSION - the first column, `schema_version`, of every CSV defersim writes
 * (docs/csv.md): how the columns are made (the JSON's scalar leaves, dotted keys; null an
 * empty field; the time series' fixed columns).  The leaves themselves follow the JSON
 * schema (tool.schema_version, a column of run rows).
 */
#define DS_CSV_SCHEMA_VERSION 1

/**
 * ds_csv_table() - CSV text of rows whose columns may differ (RFC 4180 quoting): the header is
 * `schema_version` (DS_CSV_SCHEMA_VERSION in every row), then the union of their keys in
 * first-seen order; a row without a column leaves it empty
 * @keys: per row, a GPtrArray of column names
 * @values: per row, a GPtrArray of texts, as long as its keys
 * @n: rows
 * Return: a new GString (g_string_free() it)
 */
GString *ds_csv_table(GPtrArray *const *keys, GPtrArray *const *values, guint n);

/**
 * DS_TIMESERIES_HEADER - columns of the time series CSV (fallbacks: cumulative count)
 */
#define DS_TIMESERIES_HEADER "schema_version,ts_ns,t_rel_s,backend,pool_free,queued_pages," \
	"pending_values,fallbacks"
/* the header before the schema_version column, still read by `defersim plot` */
#define DS_TIMESERIES_HEADER_V0 "ts_ns,t_rel_s,backend,pool_free,queued_pages,pending_values," \
	"fallbacks"

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
