// SPDX-License-Identifier: MIT
/*
 * cmd_replay.c - `defersim replay TRACE`: one trace, one policy, one profile -> one report.
 *
 * Every run parameter goes through ds_params_set() (the dedicated options are spelled-out
 * forms of `--set NAME=VALUE`), so a parameter is parsed and checked in exactly one place
 * and errors read the same from the command line and from sweep files.  The pieces shared
 * with `defersim compare` (parameters, profile, --map) are in run_common.c.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ds_report.h"
#include "ds_sim.h"
#include "ds_source.h"
#include "run_common.h"
#include "run_timeline.h"

/* The shared run options (run_common.h) and replay's own outputs. */
struct replay_opts {
	struct ds_cli_run_opts run;
	char *json;
	char *csv;
	char *timeseries;
	char *timeseries_ns;
	gboolean quiet;
	gint max_tasks;
	struct ds_cli_timeline timeline;
};

static const char replay_summary[] =
	"Replays the swap-entry releases of a trace.dat (recorded with `defersim record`,\n"
	"scripts/record.sh or scripts/capture-vm; see traces/FORMAT.md) through a release policy\n"
	"on N virtual CPUs with a hardware profile, and reports fallbacks, drain latency, pool\n"
	"occupancy, memory pending and hot-path time per task.\n\n"
	"Policies: sync (mainline), v2 (the series' v2), v3 (RFC v3), zsonly (the zsmalloc-only\n"
	"variant).  Every parameter can also be set\n"
	"with --set NAME=VALUE; the report lists them all and marks the spec's inferred ones.";

static void replay_opts_free(struct replay_opts *o)
{
	ds_cli_run_opts_clear(&o->run);
	g_free(o->json);
	g_free(o->csv);
	g_free(o->timeseries);
	g_free(o->timeseries_ns);
	ds_cli_timeline_clear(&o->timeline);
}

static gboolean parse_args(int *argc, char ***argv, struct replay_opts *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_FILENAME, &o->json, "Write the run as one JSON object ('-' = stdout)", "FILE" },
		{ "csv", 0, 0, G_OPTION_ARG_FILENAME, &o->csv, "Write the run's scalar metrics as a CSV header + row", "FILE" },
		{ "timeseries", 0, 0, G_OPTION_ARG_FILENAME, &o->timeseries, "Write pool/pending state over time as CSV", "FILE" },
		{ "timeseries-ns", 0, 0, G_OPTION_ARG_STRING, &o->timeseries_ns, "Sampling interval for --timeseries (default 1000000)", "NS" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No human report (use with --json/--csv)", NULL },
		{ "tasks", 0, 0, G_OPTION_ARG_INT, &o->max_tasks, "Rows of the per-task table (0 = all; default 20)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("TRACE.dat - replay a trace through a release policy");
	gboolean ok;

	o->max_tasks = 20;
	g_option_context_set_summary(ctx, replay_summary);
	ds_cli_exit_help(ctx, NULL, NULL);
	ds_cli_run_add_options(ctx, &o->run, 0);
	g_option_context_add_main_entries(ctx, entries, NULL);
	ds_cli_timeline_add_options(ctx, &o->timeline, "Write the simulated run as a "
				    "Chrome/Perfetto trace (docs/timeline.md)");
	ok = g_option_context_parse(ctx, argc, argv, error) &&
	     ds_cli_timeline_check(&o->timeline, error);
	g_option_context_free(ctx);
	return ok;
}

static gboolean build_params(const struct replay_opts *o, struct ds_params *p, GError **error)
{
	const struct ds_cli_named own[] = {
		{ "timeseries_ns", o->timeseries_ns ? o->timeseries_ns :
				   o->timeseries ? "1000000" : NULL },
	};

	return ds_cli_run_params(&o->run, own, G_N_ELEMENTS(own), p, error);
}

static gboolean write_outputs(const struct replay_opts *o, const struct ds_results *r,
			      struct ds_task_spill *spill, const struct ds_profile *prof,
			      const struct ds_trace_info *info, GError **error)
{
	JsonNode *root;
	gboolean ok = TRUE;

	if (!o->json && !o->csv)
		return !o->timeseries || ds_timeseries_write_csv(r, o->timeseries, error);
	/* bounded: the per-task rows are streamed into the JSON file, never in the tree */
	root = ds_report_to_json(r, prof, info);
	if (o->json) {
		struct ds_json_rows rows = {
			json_object_get_object_member(json_node_get_object(root), "metrics"),
			r, spill,
		};

		ok = ds_json_write_rows(root, o->json, &rows, 1, error);
	}
	if (ok && o->csv) {
		GPtrArray *k = g_ptr_array_new_with_free_func(g_free);
		GPtrArray *v = g_ptr_array_new_with_free_func(g_free);

		ds_json_flatten(root, k, v);
		ok = ds_csv_write_row(o->csv, k, v, error);
		g_ptr_array_free(k, TRUE);
		g_ptr_array_free(v, TRUE);
	}
	if (ok && o->timeseries)
		ok = ds_timeseries_write_csv(r, o->timeseries, error);
	json_node_unref(root);
	return ok;
}

/* Runs the replay proper; returns an exit status and prints its own error. */
static int run(struct replay_opts *o, const char *trace, struct ds_params *params)
{
	struct ds_profile *prof = NULL;
	struct ds_source *src = NULL;
	struct ds_results *r = NULL;
	struct ds_task_spill *spill = NULL;
	struct ds_timeline *tl = NULL;
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	prof = ds_cli_profile_load(o->run.profile, o->run.set, &error);
	if (!prof || !ds_cli_run_trace_opts(&o->run, &error))
		goto out;
	/* before the run: a path that cannot be written fails before any work */
	tl = ds_cli_timeline_open(&o->timeline, o->timeline.path, params, prof->name, trace,
				  &error);
	if (o->timeline.path && !tl)
		goto out;
	src = ds_sim_open_trace(trace, &o->run.topts, params, &error);
	if (!src)
		goto out;
	status = DS_EXIT_FAIL;
	/* Memory must not follow the task count: rows go to a temporary file for --json, the
	 * table comes from the run's summary.  Only a table longer than the summary keeps
	 * every row in memory. */
	if (!o->quiet && (o->max_tasks <= 0 || o->max_tasks > DS_TASK_TOP)) {
		r = ds_sim_run(params, prof, src, ds_source_info(src)->ncpus, &error);
	} else {
		struct ds_task_sink sink = { 0 };

		if (o->json && !(spill = ds_task_spill_new(&sink, &error)))
			goto out;
		r = ds_sim_run_rows(params, prof, src, ds_source_info(src)->ncpus, &sink, &error);
	}
	if (!r) {
		status = ds_cli_exit_for_run_error(error);
		goto out;
	}
	ds_cli_run_warn("replay", r, ds_source_info(src));
	if (!o->quiet) {
		struct ds_report_opts ropts = { .max_tasks = (unsigned int)MAX(o->max_tasks, 0) };

		ds_report_print(r, prof, ds_source_info(src), &ropts, stdout);
	}
	if (!write_outputs(o, r, spill, prof, ds_source_info(src), &error) ||
	    !ds_cli_timeline_finish(g_steal_pointer(&tl), "replay", o->timeline.path, params,
				    &error))
		goto out;
	status = DS_EXIT_OK;
	/* --check is a test: a violated invariant fails the run, after the report showed it */
	if (r->inv.checked && !ds_invariants_hold(&r->inv)) {
		g_set_error(&error, DS_ERROR, DS_ERROR_INTERNAL, "%s: an invariant of the spec "
			    "failed (see the invariants line of the report)", trace);
		status = DS_EXIT_FAIL;
	}
out:
	if (error) {
		fprintf(stderr, "defersim replay: %s\n", error->message);
		g_error_free(error);
	}
	ds_timeline_abort(tl);
	ds_results_free(r);
	ds_task_spill_free(spill);
	ds_source_close(src);
	if (prof)
		ds_profile_free(prof);
	return status;
}

int ds_cmd_replay(int argc, char **argv)
{
	struct replay_opts o = { 0 };
	struct ds_params params;
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	if (!parse_args(&argc, &argv, &o, &error) || !build_params(&o, &params, &error)) {
		fprintf(stderr, "defersim replay: %s\n", error->message);
		g_error_free(error);
		goto out;
	}
	if (argc != 2) {
		fprintf(stderr, "defersim replay: %s\nTry 'defersim replay --help'.\n",
			argc < 2 ? "no trace given" : "more than one trace given");
		goto out;
	}
	status = run(&o, argv[1], &params);
out:
	replay_opts_free(&o);
	return status;
}
