// SPDX-License-Identifier: MIT
/*
 * cmd_report.c - `defersim report DIR|RUN.json [-o FILE.html]`: one self-contained HTML page
 * of a run, a comparison, a sizing or a sweep, to attach to a patch review.
 *
 * Reads the input as `defersim plot` does (sweep/records.c), draws the same pictures as SVG in
 * a private temporary directory (sweep/plotdata.c, sweep/gnuplot.c), puts them inline and
 * writes the page (report/html*.c) atomically: a failed run leaves no file and never half a
 * page.  A picture gnuplot cannot draw is said on the page and on stderr; the tables are
 * still written.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "cmd.h"
#include "ds_datadir.h"
#include "ds_html.h"
#include "ds_plot.h"
#include "ds_report.h"
#include "ds_sweep.h"

#define DEFAULT_MAX_ROWS 2000
#define DEFAULT_MAX_CURVES 12

struct report_cli {
	char *output;
	char *timeseries;
	char *templates;
	char **where;
	gint max_rows;
	gint max_curves;
	gboolean no_plots;
	gboolean quiet;
};

static const char report_summary[] =
	"INPUT is one of:\n"
	"  RUN.json     `defersim replay --json` (or a sweep's points/KEY.json)\n"
	"  CMP.json     `defersim compare --json`: every policy on one trace\n"
	"  SIZE.json    `defersim size --json`: the answer and every size tried\n"
	"  DIR          a `defersim sweep` output directory (results.jsonl, else points/)\n"
	"  FILE.jsonl   a sweep's results.jsonl\n"
	"\n"
	"Writes one HTML file that needs nothing else (no script, no style sheet, no image\n"
	"file, no network): the warnings first (emulated trace time, no provenance, damaged or\n"
	"synthetic trace, broken invariants); the results per run (fallbacks, drain latency\n"
	"p50/p99/max, values left for teardown, peak memory pending, hot-path time and what\n"
	"the policy saves), with a comparison's summary or a sizing's answer and every size\n"
	"tried; the pictures `defersim plot` draws, as inline SVG; the provenance of every\n"
	"cost (measured, measured-emulated, derived, fitted, scaled, guessed, assumed,\n"
	"default; the ones the results are most sensitive to marked), or a plain statement\n"
	"that the JSON has none; the trace(s), the profile's costs and every parameter; and\n"
	"every scalar of the run's metrics with where it comes from.  docs/report.md\n"
	"describes the page.\n"
	"\n"
	"The output goes to -o FILE, else beside the input: RUN.json -> RUN.html, DIR ->\n"
	"DIR/report.html.  It is written atomically.  Pictures need gnuplot (gnuplot-nox); a\n"
	"picture that cannot be drawn is named on the page and on stderr, the rest is written.\n"
	"\n"
	"Exit status: 0 written; 1 the page could not be written; 2 bad usage or an input\n"
	"that is missing, unreadable or not a defersim result (the message names it).";

static void report_cli_free(struct report_cli *o)
{
	g_free(o->output);
	g_free(o->timeseries);
	g_free(o->templates);
	g_strfreev(o->where);
}

static gboolean parse_args(int *argc, char ***argv, struct report_cli *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output, "The HTML file to write (default: beside the input; '-' = stdout)", "FILE" },
		{ "timeseries", 't', 0, G_OPTION_ARG_FILENAME, &o->timeseries, "Also draw this `defersim replay --timeseries` CSV over time", "CSV" },
		{ "where", 'w', 0, G_OPTION_ARG_STRING_ARRAY, &o->where, "Draw the pictures from only the runs with this swept value or parameter (repeatable; the tables keep every run)", "NAME=VALUE" },
		{ "no-plots", 0, 0, G_OPTION_ARG_NONE, &o->no_plots, "Tables only: do not run gnuplot", NULL },
		{ "templates", 0, 0, G_OPTION_ARG_FILENAME, &o->templates, "Directory of the gnuplot templates (default: the installed plots/)", "DIR" },
		{ "max-rows", 0, 0, G_OPTION_ARG_INT, &o->max_rows, "Most rows of the per-run results table (default 2000)", "N" },
		{ "max-curves", 0, 0, G_OPTION_ARG_INT, &o->max_curves, "Most curves in one picture (default 12)", "N" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "Only errors and warnings", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("DIR|RUN.json - one self-contained HTML "
						   "report of results");
	gboolean ok;

	o->max_rows = DEFAULT_MAX_ROWS;
	o->max_curves = DEFAULT_MAX_CURVES;
	g_option_context_set_summary(ctx, report_summary);
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, argc, argv, error);
	g_option_context_free(ctx);
	if (ok && *argc != 2) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, *argc < 2 ? "no input given" :
			    "one input at a time (got %d)", *argc - 1);
		return FALSE;
	}
	if (ok && (o->max_rows < 1 || o->max_curves < 1)) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--max-rows and --max-curves must "
			    "be >= 1");
		return FALSE;
	}
	return ok;
}

/* Beside the input: RUN.json -> RUN.html, DIR -> DIR/report.html. */
static char *default_output(const char *input)
{
	g_autofree char *trimmed = g_strdup(input);
	gsize n = strlen(trimmed);

	while (n > 1 && trimmed[n - 1] == '/')
		trimmed[--n] = '\0';
	if (g_file_test(trimmed, G_FILE_TEST_IS_DIR))
		return g_build_filename(trimmed, "report.html", NULL);
	if (g_str_has_suffix(trimmed, ".jsonl"))
		trimmed[n - strlen(".jsonl")] = '\0';
	else if (g_str_has_suffix(trimmed, ".json"))
		trimmed[n - strlen(".json")] = '\0';
	return g_strconcat(trimmed, ".html", NULL);
}

static gboolean load_input(const char *input, struct ds_html_doc *d, GPtrArray *recs,
			   GError **error)
{
	if (!ds_records_load(input, recs, error))
		return FALSE;
	if (g_file_test(input, G_FILE_TEST_IS_DIR) || g_str_has_suffix(input, ".jsonl")) {
		d->kind = DS_HTML_SWEEP;
		for (guint i = 0; i < recs->len; i++)
			g_ptr_array_add(d->runs, json_node_ref(recs->pdata[i]));
		return ds_html_check_runs(d->runs, input, error);
	}
	d->root = recs->len ? recs->pdata[0] : NULL;
	return ds_html_classify(d->root, input, &d->kind, d->runs, error);
}

static void remove_tree(const char *dir)
{
	GDir *dh = g_dir_open(dir, 0, NULL);
	const char *name;

	while (dh && (name = g_dir_read_name(dh))) {
		g_autofree char *p = g_build_filename(dir, name, NULL);

		g_unlink(p);
	}
	if (dh)
		g_dir_close(dh);
	g_rmdir(dir);
}

/* A warning goes to stderr (even with -q) and onto the page. */
static void say(struct ds_html_doc *d, char *text)
{
	g_printerr("defersim report: warning: %s\n", text);
	g_ptr_array_add(d->notes, text);
}

/* One picture: rendered into @tmp, read back, made inlinable; a failure becomes a note. */
static void draw_one(const struct ds_plot_job *job, const char *templates, const char *tmp,
		     struct ds_html_doc *d)
{
	g_autofree char *out = NULL, *text = NULL, *prefix = NULL, *warnings = NULL;
	GError *e = NULL;
	struct ds_html_figure *f;
	gsize len = 0;
	char *svg;

	if (!ds_plot_render(job, templates, tmp, "svg", &out, &warnings, &e) ||
	    !g_file_get_contents(out, &text, &len, &e)) {
		say(d, g_strdup_printf("picture %s not drawn: %s", job->name, e->message));
		g_error_free(e);
		return;
	}
	if (warnings && *warnings)
		say(d, g_strdup_printf("picture %s: gnuplot warned: %s", job->name,
				       g_strstrip(warnings)));
	prefix = g_strdup_printf("f%u-", d->figures->len + 1);
	svg = ds_html_svg_inline(text, len, prefix, &e);
	if (!svg) {
		say(d, g_strdup_printf("picture %s left out: %s", job->name, e->message));
		g_error_free(e);
		return;
	}
	f = g_new0(struct ds_html_figure, 1);
	f->name = g_strdup(job->name);
	f->svg = svg;
	g_ptr_array_add(d->figures, f);
}

/* Return: FALSE with @error only for bad input (the time series); gnuplot's failures are notes. */
static gboolean draw(const struct report_cli *o, struct ds_html_doc *d, GError **error)
{
	g_autofree char *templates = o->templates ? g_strdup(o->templates) : ds_plot_templates_dir();
	g_autofree char *tmp = NULL;
	GPtrArray *jobs;
	g_autoptr(GPtrArray) plan_notes = g_ptr_array_new_with_free_func(g_free);
	GError *e = NULL;

	if (!templates) {
		g_autofree char *where = ds_data_where("plots");

		say(d, g_strdup_printf("no picture: gnuplot templates (cdf.gp) not found in %s "
				       "(--templates DIR)", where));
		return TRUE;
	}
	tmp = g_dir_make_tmp("defersim-report-XXXXXX", &e);
	if (!tmp) {
		say(d, g_strdup_printf("no picture: %s", e->message));
		g_error_free(e);
		return TRUE;
	}
	jobs = ds_plot_plan(d->runs, &(struct ds_plot_opts) {
		.outdir = tmp, .timeseries = o->timeseries, .max_curves = (guint)o->max_curves,
		.where = o->where, .n_where = o->where ? g_strv_length(o->where) : 0,
		.target_fallback = -1, .answer_pages = -1,	/* no target lines: none given */
	}, plan_notes, error);
	for (guint i = 0; jobs && i < jobs->len; i++)
		draw_one(g_ptr_array_index(jobs, i), templates, tmp, d);
	for (guint i = 0; i < plan_notes->len; i++)
		g_ptr_array_add(d->notes, g_strdup(plan_notes->pdata[i]));
	remove_tree(tmp);
	if (!jobs)
		return FALSE;
	g_ptr_array_free(jobs, TRUE);
	return TRUE;
}

static void doc_clear(struct ds_html_doc *d)
{
	g_ptr_array_free(d->runs, TRUE);
	g_ptr_array_free(d->figures, TRUE);
	g_ptr_array_free(d->notes, TRUE);
}

int ds_cmd_report(int argc, char **argv)
{
	struct report_cli o = { 0 };
	struct ds_html_doc d = {
		.runs = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref),
		.figures = g_ptr_array_new_with_free_func((GDestroyNotify)ds_html_figure_free),
		.notes = g_ptr_array_new_with_free_func(g_free),
	};
	g_autoptr(GPtrArray) recs = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	g_autofree char *out = NULL;
	GString *page = NULL;
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	if (!parse_args(&argc, &argv, &o, &error))
		goto done;
	d.input = argv[1];
	d.max_rows = (guint)o.max_rows;
	out = o.output ? g_strdup(o.output) : default_output(argv[1]);
	if (!load_input(argv[1], &d, recs, &error))
		goto done;
	if (o.no_plots || !d.runs->len)
		g_ptr_array_add(d.notes, g_strdup(o.no_plots ? "pictures left out (--no-plots)" :
						  "no run to draw (the sizing found no answer)"));
	else if (!draw(&o, &d, &error))
		goto done;
	page = ds_html_render(&d);
	status = DS_EXIT_FAIL;
	if (!ds_write_atomic(out, page->str, page->len, &error))
		goto done;
	if (!o.quiet && strcmp(out, "-"))
		printf("%s\n", out);
	status = DS_EXIT_OK;
done:
	if (error) {
		g_printerr("defersim report: %s\n", error->message);
		g_error_free(error);
	}
	if (page)
		g_string_free(page, TRUE);
	doc_clear(&d);
	report_cli_free(&o);
	return status;
}
