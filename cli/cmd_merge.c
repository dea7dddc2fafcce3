// SPDX-License-Identifier: MIT
/*
 * cmd_merge.c - `defersim merge DIR|FILE... [-o OUT]`: the finished points of several sweep
 * directories (e.g. one per host of a GNU parallel or Slurm run) as one results.jsonl + csv.
 *
 * Points are deduplicated by key; two records of one key that disagree are an error, never a
 * silent pick (sweep/records.c).
 */
#include <errno.h>
#include <stdio.h>
#include <glib/gstdio.h>

#include "cmd.h"
#include "ds_sweep.h"

static const char merge_summary[] =
	"Inputs: sweep output directories (their points/*.json and results.jsonl), results.jsonl\n"
	"files, or single point .json files.  Writes OUT/results.jsonl and OUT/results.csv,\n"
	"sorted by point index, one record per point key.";

int ds_cmd_merge(int argc, char **argv)
{
	g_autofree char *outdir = NULL;
	gboolean quiet = FALSE;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir, "Output directory (default: merged)", "OUT" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary line", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("DIR|FILE... - merge sweep results");
	GPtrArray *records = NULL;
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	g_option_context_set_summary(ctx, merge_summary);
	ds_cli_exit_help(ctx, NULL, NULL);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error))
		goto out;
	if (argc < 2) {
		g_set_error(&error, DS_ERROR, DS_ERROR_PARAM, "no input given");
		goto out;
	}
	if (!outdir)
		outdir = g_strdup("merged");
	records = ds_records_merge((const char *const *)argv + 1, (guint)argc - 1, &error);
	if (!records)
		goto out;
	status = DS_EXIT_FAIL;
	if (g_mkdir_with_parents(outdir, 0755) < 0) {
		g_set_error(&error, DS_ERROR, DS_ERROR_IO, "%s: cannot create: %s", outdir,
			    g_strerror(errno));
		goto out;
	}
	if (!ds_sweep_results_write(outdir, records, &error))
		goto out;
	if (!quiet)
		g_printerr("defersim merge: %u points from %d inputs -> %s/results.jsonl, "
			   "%s/results.csv\n", records->len, argc - 1, outdir, outdir);
	status = DS_EXIT_OK;
out:
	if (error) {
		g_printerr("defersim merge: %s\n", error->message);
		g_error_free(error);
	}
	if (records)
		g_ptr_array_free(records, TRUE);
	g_option_context_free(ctx);
	return status;
}
