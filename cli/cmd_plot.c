// SPDX-License-Identifier: MIT
/*
 * cmd_plot.c - `defersim plot RESULTS... -o DIR [--format png,svg]`: pictures of sweep or
 * replay results, drawn by gnuplot from the templates in plots/.
 *
 * RESULTS: sweep directories, results.jsonl files, or `defersim replay --json` files (the
 * latter with --timeseries for the over-time picture).  What can be drawn is drawn; what
 * cannot (e.g. pool_pages does not vary) is said on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ds_datadir.h"
#include "ds_plot.h"
#include "ds_sweep.h"

#define DEFAULT_MAX_CURVES 12

struct plot_cli {
	char *outdir;
	char *formats;
	char **where;
	char *timeseries;
	char *templates;
	char *target_fallback;
	char *target_p99;
	char *targets_from;
	char *target_text;	/* the rate as a %, when it comes from --targets-from */
	char *target_source;
	char *answer_note;
	gint max_curves;
	gboolean quiet;
};

static const char plot_summary[] =
	"Draws, as far as the inputs allow:\n"
	"  cdf.*               wait from push to free, CDF in ms, one curve per run: every\n"
	"                      deferred value, teardown included (solid), and the drain\n"
	"                      latency, values drained before teardown only (dashed)\n"
	"  fallback_vs_pool.*  fallback rate vs pool_pages, log y (a rate of 0 is drawn at\n"
	"                      the axis's \"0\" floor), one line per other swept value; the\n"
	"                      --target-fallback line\n"
	"  p99_vs_pool.*       p99 drain latency vs pool_pages, likewise; the --target-p99 line\n"
	"  hotpath.*           exit hot-path time per task, sync vs the policy (one run)\n"
	"  timeseries_BE.*     free pool pages, queued pages, values pending over time, a mark\n"
	"                      per sample with new fallbacks (--timeseries CSV of\n"
	"                      `defersim replay --timeseries`)\n"
	"The data files (*.dat) and the gnuplot scripts (*.gp: the values each picture was\n"
	"drawn with; `gnuplot NAME.gp` redraws it) are written beside the images.";

static void plot_cli_free(struct plot_cli *o)
{
	g_free(o->outdir);
	g_free(o->formats);
	g_strfreev(o->where);
	g_free(o->timeseries);
	g_free(o->templates);
	g_free(o->target_fallback);
	g_free(o->target_p99);
	g_free(o->targets_from);
	g_free(o->target_text);
	g_free(o->target_source);
	g_free(o->answer_note);
}

static gboolean parse_args(int *argc, char ***argv, struct plot_cli *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->outdir, "Output directory (required)", "DIR" },
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &o->formats, "Image formats, comma-separated: png, svg (default png)", "LIST" },
		{ "where", 'w', 0, G_OPTION_ARG_STRING_ARRAY, &o->where, "Only records with this swept value or parameter (repeatable)", "NAME=VALUE" },
		{ "timeseries", 't', 0, G_OPTION_ARG_FILENAME, &o->timeseries, "Time-series CSV of `defersim replay --timeseries`", "CSV" },
		{ "templates", 0, 0, G_OPTION_ARG_FILENAME, &o->templates, "Directory of the gnuplot templates (default: plots/)", "DIR" },
		{ "max-curves", 0, 0, G_OPTION_ARG_INT, &o->max_curves, "Most curves in one picture (default 12)", "N" },
		{ "target-fallback", 0, 0, G_OPTION_ARG_STRING, &o->target_fallback, "Draw this fallback-rate target (0.1%, 0.001) on fallback_vs_pool", "RATE" },
		{ "target-p99", 0, 0, G_OPTION_ARG_STRING, &o->target_p99, "Draw this p99 drain-latency target (5ms) on p99_vs_pool", "DURATION" },
		{ "targets-from", 0, 0, G_OPTION_ARG_FILENAME, &o->targets_from, "Draw the targets and the answer of `defersim size --json` (instead of --target-*)", "SIZE.json" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "Only errors", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("RESULTS... - draw sweep or replay results");
	gboolean ok;

	o->max_curves = DEFAULT_MAX_CURVES;
	g_option_context_set_summary(ctx, plot_summary);
	ds_cli_exit_help(ctx, NULL, NULL);
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, argc, argv, error);
	g_option_context_free(ctx);
	if (ok && !o->outdir) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "-o DIR is required");
		return FALSE;
	}
	if (ok && o->max_curves < 1) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--max-curves %d: expected >= 1",
			    o->max_curves);
		return FALSE;
	}
	return ok;
}

static gboolean check_formats(char **formats, GError **error)
{
	if (!formats[0]) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--format: no format given");
		return FALSE;
	}
	for (guint i = 0; formats[i]; i++) {
		g_strstrip(formats[i]);
		if (strcmp(formats[i], "png") && strcmp(formats[i], "svg")) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
				    "--format %s: expected png, svg or png,svg", formats[i]);
			return FALSE;
		}
	}
	return TRUE;
}

/* "v3, 2 CPUs, profile rpi4b": what a size answer is for */
static char *size_what(JsonNode *root)
{
	JsonNode *policy = ds_record_get(root, "policy");
	JsonNode *cpus = ds_record_get(root, "ncpus");
	JsonNode *prof = ds_record_get(root, "profile");

	return g_strdup_printf("%s, %" G_GINT64_FORMAT " CPUs, profile %s",
			       policy && JSON_NODE_HOLDS_VALUE(policy) ?
			       json_node_get_string(policy) : "?",
			       cpus && JSON_NODE_HOLDS_VALUE(cpus) ? json_node_get_int(cpus) : 0,
			       prof && JSON_NODE_HOLDS_VALUE(prof) ? json_node_get_string(prof) : "?");
}

/*
 * The targets a `defersim size --json` answer was sought with: targets.fallback_rate (a
 * fraction) and targets.p99_ns (null: none); and the answer, answer.pool_pages (null when
 * no size met them).  The file is read as plot reads runs (arrays of
 * task rows cut), so a large one costs no more.
 */
static gboolean targets_from_size(struct plot_cli *o, struct ds_plot_opts *po,
				  GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autofree char *text = NULL, *base = NULL;
	JsonNode *root, *tool, *rate, *p99, *answer;
	gsize len = 0;

	text = ds_json_read_pruned(o->targets_from, &len, error);
	if (!text || !json_parser_load_from_data(parser, text, (gssize)len, error)) {
		g_prefix_error(error, "--targets-from %s: ", o->targets_from);
		return FALSE;
	}
	root = json_parser_get_root(parser);
	tool = ds_record_get(root, "tool.name");
	rate = ds_record_get(root, "targets.fallback_rate");
	p99 = ds_record_get(root, "targets.p99_ns");
	if (!tool || !JSON_NODE_HOLDS_VALUE(tool) ||
	    g_strcmp0(json_node_get_string(tool), "defersim size") || !rate ||
	    !JSON_NODE_HOLDS_VALUE(rate) || !p99) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "--targets-from %s: not the JSON of "
			    "`defersim size --json` (no tool.name \"defersim size\" and targets)",
			    o->targets_from);
		return FALSE;
	}
	po->target_fallback = json_node_get_double(rate);
	po->target_p99_ns = JSON_NODE_HOLDS_VALUE(p99) ? (uint64_t)MAX(json_node_get_int(p99), 0) : 0;
	if (!(po->target_fallback >= 0 && po->target_fallback <= 1)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "--targets-from %s: targets."
			    "fallback_rate %g is not a fraction in [0, 1]", o->targets_from,
			    po->target_fallback);
		return FALSE;
	}
	answer = ds_record_get(root, "answer.pool_pages");
	base = g_path_get_basename(o->targets_from);
	if (answer && JSON_NODE_HOLDS_VALUE(answer)) {
		g_autofree char *what = size_what(root);

		po->answer_pages = json_node_get_int(answer);
		o->answer_note = g_strdup_printf("%s's answer (%s): pool_pages = %" G_GINT64_FORMAT,
						 base, what, po->answer_pages);
		po->answer_note = o->answer_note;
	}
	o->target_text = g_strdup_printf("%g%%", po->target_fallback * 100);
	o->target_source = g_strdup_printf("targets of %s", base);
	po->target_fallback_text = o->target_text;
	po->target_source = o->target_source;
	return TRUE;
}

/* --target-fallback and --target-p99 as `defersim size` reads them, or --targets-from */
static gboolean parse_targets(struct plot_cli *o, struct ds_plot_opts *po, GError **error)
{
	po->target_fallback = -1;
	po->answer_pages = -1;
	if (o->targets_from && (o->target_fallback || o->target_p99)) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--targets-from and --target-fallback "
			    "or --target-p99: give the targets one way");
		return FALSE;
	}
	if (o->targets_from)
		return targets_from_size(o, po, error);
	if (o->target_fallback &&
	    !ds_parse_fraction(o->target_fallback, &po->target_fallback, error)) {
		g_prefix_error(error, "--target-fallback ");
		return FALSE;
	}
	po->target_fallback_text = o->target_fallback;
	if (o->target_p99 && !ds_parse_duration(o->target_p99, &po->target_p99_ns, error)) {
		g_prefix_error(error, "--target-p99 ");
		return FALSE;
	}
	if (o->target_p99 && !po->target_p99_ns) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--target-p99 %s: expected a "
			    "duration > 0", o->target_p99);
		return FALSE;
	}
	return TRUE;
}

static gboolean load_all(int argc, char **argv, GPtrArray *records, GError **error)
{
	for (int i = 1; i < argc; i++)
		if (!ds_records_load(argv[i], records, error))
			return FALSE;
	return TRUE;
}

static int render_all(const struct plot_cli *o, GPtrArray *jobs, char **formats,
		      const char *templates)
{
	int status = DS_EXIT_OK;

	for (guint j = 0; j < jobs->len; j++) {
		for (guint f = 0; formats[f]; f++) {
			g_autofree char *out = NULL, *warn = NULL;
			GError *e = NULL;

			if (!ds_plot_render(g_ptr_array_index(jobs, j), templates, o->outdir,
					    formats[f], &out, &warn, &e)) {
				g_printerr("defersim plot: %s\n", e->message);
				g_error_free(e);
				status = DS_EXIT_FAIL;
				continue;
			}
			if (warn)
				g_printerr("defersim plot: gnuplot warned drawing %s: %s\n", out, warn);
			if (!o->quiet)
				printf("%s\n", out);
		}
	}
	return status;
}

int ds_cmd_plot(int argc, char **argv)
{
	struct plot_cli o = { 0 };
	struct ds_plot_opts po = { 0 };
	g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *jobs = NULL;
	g_auto(GStrv) formats = NULL;
	g_autofree char *templates = NULL;
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	if (!parse_args(&argc, &argv, &o, &error))
		goto out;
	formats = g_strsplit(o.formats ? o.formats : "png", ",", -1);
	if (!check_formats(formats, &error))
		goto out;
	if (argc < 2 && !o.timeseries) {
		g_set_error(&error, DS_ERROR, DS_ERROR_PARAM, "no results given");
		goto out;
	}
	templates = o.templates ? g_strdup(o.templates) : ds_plot_templates_dir();
	if (!templates) {
		g_autofree char *where = ds_data_where("plots");

		g_set_error(&error, DS_ERROR, DS_ERROR_IO, "gnuplot templates (cdf.gp) not found in "
			    "%s; give --templates DIR", where);
		status = DS_EXIT_FAIL;	/* an installation without its data, not bad input */
		goto out;
	}
	if (!parse_targets(&o, &po, &error) || !load_all(argc, argv, records, &error))
		goto out;
	po.outdir = o.outdir;
	po.where = o.where;
	po.n_where = o.where ? g_strv_length(o.where) : 0;
	po.timeseries = o.timeseries;
	po.max_curves = (guint)o.max_curves;
	jobs = ds_plot_plan(records, &po, notes, &error);
	if (!jobs)
		goto out;
	for (guint i = 0; i < notes->len && !o.quiet; i++)
		g_printerr("defersim plot: note: %s\n", (char *)g_ptr_array_index(notes, i));
	if (!jobs->len) {
		g_set_error(&error, DS_ERROR, DS_ERROR_PARAM, "nothing to draw from these inputs");
		goto out;
	}
	status = render_all(&o, jobs, formats, templates);
out:
	if (error) {
		g_printerr("defersim plot: %s\n", error->message);
		g_error_free(error);
	}
	if (jobs)
		g_ptr_array_free(jobs, TRUE);
	plot_cli_free(&o);
	return status;
}
