// SPDX-License-Identifier: MIT
/*
 * run.c - one run (the same pipeline as `defersim replay`) and one point's record.
 *
 * A record is the run's JSON object (ds_report_to_json(): the per-task rows summarised in
 * metrics.tasks_summary, not listed) with a "point" member put first:
 *   { "point": { "index": 17, "key": "…", "values": { "pool_pages": "8", … } }, "tool": …, … }
 * First, so that the CSV twin starts with the point's columns.  Values stay the text of the
 * sweep file; the run's "params" member has every parameter as the simulator used it.
 */
#include <string.h>
#include <unistd.h>

#include "ds_report.h"
#include "ds_sweep.h"
#include "ds_synth.h"

/* the most a point's rows may take in memory (each running point: -j of them at once) */
#define ROWS_IN_MEMORY_BYTES (64u << 20)

/* @src replayed, its rows summarised and not kept (see the top of the file) */
static struct ds_results *run_summary(struct ds_params *p, const struct ds_profile *prof,
				      struct ds_source *src, GError **error)
{
	unsigned int ncpus = ds_source_info(src)->ncpus;
	struct ds_results *r;

	if (ds_mem_source_tasks_max(src) > ROWS_IN_MEMORY_BYTES / sizeof(struct ds_task_result))
		return ds_sim_run_rows(p, prof, src, ncpus, NULL, error);
	r = ds_sim_run(p, prof, src, ncpus, error);
	if (r)
		g_array_set_size(r->tasks, 0);	/* as ds_sim_run_rows() leaves it */
	return r;
}

gboolean ds_sweep_run_one(const char *trace, const struct ds_trace_opts *topts,
			  const struct ds_profile *prof, const struct ds_params *params,
			  struct ds_results **results, JsonNode **json, GError **error)
{
	struct ds_params p = *params;
	struct ds_source *src = ds_sim_open_trace(trace, topts, &p, error);
	struct ds_results *r;

	if (!src)
		return FALSE;
	/* a point keeps the per-task summary, not the rows: memory and point files stay bounded
	 * whatever the trace's task count (docs/json.md) */
	r = run_summary(&p, prof, src, error);
	if (r && json)
		*json = ds_report_to_json(r, prof, ds_source_info(src));
	ds_source_close(src);
	if (!r)
		return FALSE;
	if (results)
		*results = r;
	else
		ds_results_free(r);
	return TRUE;
}

JsonNode *ds_record_set_point(JsonNode *run, const struct ds_sweep_point *pt)
{
	JsonObject *point = json_object_new();
	JsonObject *values = json_object_new();
	JsonNode *node = json_node_new(JSON_NODE_OBJECT);

	json_object_set_int_member(point, "index", (gint64)pt->index);
	json_object_set_string_member(point, "key", pt->key);
	for (guint i = 0; i < pt->n_axes; i++)
		json_object_set_string_member(values, pt->axis_keys[i], pt->values[i]);
	json_object_set_object_member(point, "values", values);
	json_node_take_object(node, point);
	return ds_json_with_first_member(run, "point", node);
}

JsonNode *ds_sweep_point_run(const struct ds_sweep_point *pt, const struct ds_trace_opts *topts,
			     GError **error)
{
	struct ds_trace_opts opts = *topts;
	JsonNode *run = NULL, *rec;

	opts.sha256 = pt->trace_sha256;	/* hashed once for the point's key */
	if (!ds_sweep_run_one(pt->trace, &opts, pt->profile, &pt->params, NULL, &run, error))
		return NULL;
	rec = ds_record_set_point(run, pt);
	json_node_unref(run);
	return rec;
}

JsonNode *ds_sweep_point_run_save(const struct ds_sweep_point *pt,
				  const struct ds_trace_opts *topts, const char *dir,
				  gboolean task_rows, gboolean sync_dir, GError **error)
{
	struct ds_trace_opts opts = *topts;
	struct ds_params p = pt->params;
	struct ds_task_sink sink = { 0 };
	struct ds_task_spill *spill = NULL;
	struct ds_source *src;
	struct ds_results *r = NULL;
	JsonNode *run = NULL, *rec = NULL;

	if (!task_rows) {
		rec = ds_sweep_point_run(pt, topts, error);
		if (rec && !ds_sweep_store_write(dir, rec, NULL, sync_dir, error))
			g_clear_pointer(&rec, json_node_unref);
		return rec;
	}
	/* every row asked for: they wait in a temporary file, then stream into the point file */
	opts.sha256 = pt->trace_sha256;
	if (!(spill = ds_task_spill_new(&sink, error)))
		return NULL;
	src = ds_sim_open_trace(pt->trace, &opts, &p, error);
	if (src) {
		r = ds_sim_run_rows(&p, pt->profile, src, ds_source_info(src)->ncpus, &sink, error);
		if (r)
			run = ds_report_to_json(r, pt->profile, ds_source_info(src));
		ds_source_close(src);
	}
	if (run) {
		struct ds_json_rows rows = { NULL, r, spill };

		rec = ds_record_set_point(run, pt);
		rows.metrics = json_object_get_object_member(json_node_get_object(rec), "metrics");
		if (!ds_sweep_store_write(dir, rec, &rows, sync_dir, error))
			g_clear_pointer(&rec, json_node_unref);
		json_node_unref(run);
	}
	ds_results_free(r);
	ds_task_spill_free(spill);
	return rec;
}

gboolean ds_sweep_warm_cache(const char *trace, const struct ds_trace_opts *topts,
			     char *sha256, GError **error)
{
	struct ds_source *src;
	const struct ds_trace_info *info;
	g_autofree char *cpath = NULL;
	int rc;

	if (sha256)
		sha256[0] = '\0';
	/* a .dsev is read without libtracecmd and has no cache: nothing to warm */
	if (ds_synth_file_is(trace))
		return TRUE;
	src = ds_source_open_trace(trace, topts, error);
	if (!src)
		return FALSE;
	rc = ds_source_drain(src, error) < 0 ? -1 : 0;
	info = ds_source_info(src);
	cpath = info ? ds_cache_path(trace, topts, NULL) : NULL;
	/* read whole: the info holds the digest, hashed beside the decode (or the cache's) */
	if (sha256 && !rc && info && strlen(info->sha256) == 64)
		g_strlcpy(sha256, info->sha256, 65);
	ds_source_close(src);
	if (rc < 0)
		return FALSE;
	if (!cpath || !g_file_test(cpath, G_FILE_TEST_IS_REGULAR)) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO,
			    "%s: its binary cache %s was not written, and parallel points must not "
			    "read the trace.dat itself at the same time (give --cache-dir a "
			    "writable directory, or run with -j 1)", trace, cpath ? cpath : "?");
		return FALSE;
	}
	return TRUE;
}
