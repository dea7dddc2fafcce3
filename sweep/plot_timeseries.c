// SPDX-License-Identifier: MIT
/*
 * plot_timeseries.c - timeseries_BACKEND.dat and their jobs: one run over time (the CSV of
 * `defersim replay --timeseries`) with its fallbacks marked, for plots/timeseries.gp.
 */
#include <math.h>
#include <string.h>

#include "ds_plot.h"
#include "ds_report.h"
#include "ds_sweep.h"
#include "plotctx.h"

#define TS_HEADER DS_TIMESERIES_HEADER

/*
 * One backend's time series: @rows (block 0 of its data file: t_s pool_free queued_pages
 * pending_values fallbacks) and @marks (block 1: the samples whose cumulative fallback count
 * rose, with the rise: the fallbacks happened after the sample before it and at the latest at
 * this one); the ranges the picture needs (@t0..@t1, the largest page count and pending
 * count); @active: something was ever pending or queued (else the backend is not drawn).
 */
struct ts_be {
	char *name;
	GString *rows;
	GString *marks;
	guint nrows;
	guint nmarks;
	guint64 fallbacks;
	double t0;
	double t1;
	guint64 pages_max;
	guint64 pending_max;
	gboolean active;
};

static void ts_be_free(gpointer p)
{
	struct ts_be *b = p;

	g_free(b->name);
	g_string_free(b->rows, TRUE);
	g_string_free(b->marks, TRUE);
	g_free(b);
}

static struct ts_be *ts_be_get(GPtrArray *bes, const char *name)
{
	struct ts_be *b;

	for (guint i = 0; i < bes->len; i++) {
		b = g_ptr_array_index(bes, i);
		if (!strcmp(b->name, name))
			return b;
	}
	b = g_new0(struct ts_be, 1);
	b->name = g_strdup(name);
	b->rows = g_string_new("# t_s pool_free queued_pages pending_values fallbacks\n");
	b->marks = g_string_new("# t_s new_fallbacks fallbacks (samples where the count rose)\n");
	g_ptr_array_add(bes, b);
	return b;
}

static gboolean ts_num(const char *text, guint64 *v)
{
	return g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, v, NULL);
}

/* One CSV row (fields as DS_TIMESERIES_HEADER_V0, after any schema_version) into its
 * backend's data. */
static gboolean ts_row(GPtrArray *bes, char **f, const char *path, guint line, GError **error)
{
	guint64 free_pages, queued, pending, fallbacks;
	struct ts_be *b;
	double t;
	char *end = NULL;

	t = g_ascii_strtod(f[1], &end);
	if (end == f[1] || *end || !isfinite(t) || !ts_num(f[3], &free_pages) ||
	    !ts_num(f[4], &queued) || !ts_num(f[5], &pending) || !ts_num(f[6], &fallbacks)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s:%u: expected numbers in "
			    "t_rel_s and the counts", path, line);
		return FALSE;
	}
	b = ts_be_get(bes, f[2]);
	b->t0 = b->nrows ? MIN(b->t0, t) : t;
	b->t1 = b->nrows++ ? MAX(b->t1, t) : t;
	g_string_append_printf(b->rows, "%s %s %s %s %s\n", f[1], f[3], f[4], f[5], f[6]);
	if (fallbacks > b->fallbacks) {
		g_string_append_printf(b->marks, "%s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
				       f[1], fallbacks - b->fallbacks, fallbacks);
		b->nmarks++;
	}
	b->fallbacks = MAX(b->fallbacks, fallbacks);
	b->pages_max = MAX(b->pages_max, MAX(free_pages, queued));
	b->pending_max = MAX(b->pending_max, pending);
	b->active |= pending || queued;
	return TRUE;
}

static gboolean ts_split(const char *path, GPtrArray *bes, GError **error)
{
	g_auto(GStrv) lines = ds_sweep_read_lines(path, error);
	guint o;	/* the first column after schema_version */

	if (!lines)
		return FALSE;
	/* a file of before the schema_version column is read too */
	if (lines[0] && !strcmp(g_strstrip(lines[0]), DS_TIMESERIES_HEADER_V0)) {
		o = 0;
	} else if (lines[0] && !strcmp(lines[0], TS_HEADER)) {
		o = 1;
	} else {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT,
			    "%s: not a time series of `defersim replay --timeseries` (header "
			    "should be %s)", path, TS_HEADER);
		return FALSE;
	}
	for (guint i = 1; lines[i]; i++) {
		g_auto(GStrv) f = NULL;

		if (!*g_strstrip(lines[i]))
			continue;
		f = g_strsplit(lines[i], ",", -1);
		if (g_strv_length(f) != 7 + o) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s:%u: expected %u fields",
				    path, i + 1, 7 + o);
			return FALSE;
		}
		if (!ts_row(bes, f + o, path, i + 1, error))
			return FALSE;
	}
	return TRUE;
}

/* The pool size of the run drawn, when the records are that one run: a line on the picture */
static gint64 ts_pool_pages(const struct plot_ctx *c)
{
	double pages = c->records->len == 1 ?
		plot_rec_num(g_ptr_array_index(c->records, 0), "params.pool_pages") : NAN;

	return isfinite(pages) ? (gint64)pages : -1;
}

static struct ds_plot_job *ts_job(const struct plot_ctx *c, struct ts_be *b, GError **error)
{
	g_autofree char *name = g_strconcat("timeseries_", b->name, NULL);
	g_autofree char *file = g_strconcat(name, ".dat", NULL);
	g_autofree char *path = NULL;
	gint64 pool = ts_pool_pages(c);
	struct ds_plot_job *j;

	if (b->nmarks) {
		g_string_append(b->rows, "\n\n");
		g_string_append_len(b->rows, b->marks->str, (gssize)b->marks->len);
	}
	if (!plot_write_data(c, file, b->rows, &path, error))
		return NULL;
	j = plot_job_new(c, name, "timeseries.gp", path);
	plot_job_var(j, "backend", b->name);
	plot_job_num(j, "xmin", b->t0);
	plot_job_num(j, "xmax", b->t1 > b->t0 ? b->t1 : b->t0 + 1e-3);
	plot_job_int(j, "ymax", (gint64)MAX(b->pages_max, (guint64)MAX(pool, 0)));
	plot_job_int(j, "y2max", (gint64)b->pending_max);
	plot_job_int(j, "nmarks", b->nmarks);
	plot_job_int(j, "nfallbacks", (gint64)b->fallbacks);
	plot_job_int(j, "pool", pool);
	return j;
}

gboolean plot_plan_timeseries(const struct plot_ctx *c, GPtrArray *jobs, GPtrArray *notes,
				GError **error)
{
	g_autoptr(GPtrArray) bes = g_ptr_array_new_with_free_func(ts_be_free);
	guint drawn = 0;

	if (!ts_split(c->opts->timeseries, bes, error))
		return FALSE;
	for (guint i = 0; i < bes->len; i++) {
		struct ts_be *b = g_ptr_array_index(bes, i);
		struct ds_plot_job *j;

		if (!b->active)
			continue;	/* a backend the trace never used */
		j = ts_job(c, b, error);
		if (!j)
			return FALSE;
		g_ptr_array_add(jobs, j);
		drawn++;
	}
	if (!drawn)
		plot_note(notes, "timeseries: %s has no sample with anything pending", c->opts->timeseries);
	return TRUE;
}
