/* SPDX-License-Identifier: MIT */
/*
 * ds_plot.h - pictures of results (sweep/plotdata.c, sweep/plot_*.c, sweep/gnuplot.c): data
 * files for the gnuplot templates in plots/, and running gnuplot on them.
 *
 * Records (ds_records_load()) -> ds_plot_plan() writes one data file per picture into the
 * output directory and returns the pictures it can draw (struct ds_plot_job: template + its
 * -e variables) -> ds_plot_render() runs gnuplot for each job and format.  Data files and
 * each picture's script (NAME.gp) stay next to the images, so a user can redraw it by hand.
 */
#ifndef DS_PLOT_H
#define DS_PLOT_H

#include <stdint.h>
#include <glib.h>
#include <json-glib/json-glib.h>

/**
 * struct ds_plot_opts - what to draw
 * @outdir: output directory (created)
 * @where: "NAME=VALUE" filters (a swept value, a parameter, or a dotted record path), ANDed
 * @n_where: number of filters
 * @timeseries: `defersim replay --timeseries` CSV to draw over time, or NULL
 * @max_curves: most curves in one picture (more: the picture is skipped with a note)
 * @target_fallback: fallback-rate target (a fraction) drawn on fallback_vs_pool, < 0: none
 * @target_fallback_text: as the user wrote it ("0.1%"), for the legend
 * @target_p99_ns: p99 drain-latency target drawn on p99_vs_pool, 0: none
 * @target_source: where the targets come from, for the legends ("--target-fallback",
 *	"targets of size.json"); NULL: the options' names
 * @answer_pages: the answer of that size.json (a vertical line on both pictures), < 0: none
 * @answer_note: its legend (what was sized: CPUs, profile, policy)
 */
struct ds_plot_opts {
	const char *outdir;
	char **where;
	guint n_where;
	const char *timeseries;
	guint max_curves;
	double target_fallback;
	const char *target_fallback_text;
	uint64_t target_p99_ns;
	const char *target_source;
	gint64 answer_pages;
	const char *answer_note;
};

/**
 * struct ds_plot_job - one picture to render
 * @name: base name of the images ("cdf", "fallback_vs_pool", ...)
 * @template: template file name in the templates directory ("cdf.gp")
 * @vars: gnuplot assignments for -e ("data='…'", "ncurves=3"); char *
 */
struct ds_plot_job {
	char *name;
	char *template;
	GPtrArray *vars;
};

void ds_plot_job_free(struct ds_plot_job *job);

/**
 * ds_plot_plan() - the pictures @records (and @opts->timeseries) allow, their data written
 * @notes: out: char * lines saying which pictures were not possible and why
 * Return: struct ds_plot_job * (frees them), or NULL with @error (bad filter, unwritable
 * directory, unreadable time series).
 */
GPtrArray *ds_plot_plan(GPtrArray *records, const struct ds_plot_opts *opts, GPtrArray *notes,
			GError **error);

/**
 * ds_plot_templates_dir() - where the templates are: $DS_PLOT_TEMPLATES, else the data
 * directory's plots/ (ds_data_dir())
 * Return: a new string, or NULL when none is found
 */
char *ds_plot_templates_dir(void);

/**
 * ds_plot_render() - run gnuplot on one job, writing OUTDIR/NAME.FORMAT atomically, drawn by
 * OUTDIR/NAME.gp (the job's variables, then the template loaded: redraw it by hand with
 * `gnuplot NAME.gp`)
 * @format: "png" (pngcairo, else png) or "svg"
 * @out: out, optional: the image written
 * @warnings: out, optional: what gnuplot printed on stderr though it succeeded, or unset
 * Return: FALSE with @error holding gnuplot's own message when it fails or writes nothing.
 */
gboolean ds_plot_render(const struct ds_plot_job *job, const char *templates,
			const char *outdir, const char *format, char **out, char **warnings,
			GError **error);

/** ds_plot_quote() - @s as a single-quoted gnuplot string ('' for a quote) */
char *ds_plot_quote(const char *s);

#endif /* DS_PLOT_H */
