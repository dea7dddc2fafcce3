/* SPDX-License-Identifier: MIT */
/*
 * plotctx.h - what the pictures of `defersim plot` share (sweep/plotdata.c) and the plan of
 * each (plot_cdf.c, plot_pool.c, plot_hotpath.c, plot_timeseries.c); internal to sweep/.
 *
 * struct plot_ctx is what every picture needs: the records left after --where filters, their
 * "dimensions" (the swept keys of sweep records, else every parameter plus profile and trace)
 * and the ones that vary (curve labels are made of those), a title naming the traces and
 * profiles, and the options.
 */
#ifndef DS_PLOTCTX_H
#define DS_PLOTCTX_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ds_plot.h"

struct plot_ctx {
	GPtrArray *records;	/* JsonNode *, borrowed */
	GPtrArray *dims;	/* char * record paths */
	GPtrArray *varying;	/* char *, subset of dims */
	char *title;
	const struct ds_plot_opts *opts;
};

/* A record's member at a dotted path as text (NULL: none) or as a number (NAN: none). */
char *plot_rec_text(JsonNode *rec, const char *path);
double plot_rec_num(JsonNode *rec, const char *path);

/* "pool_pages" for "point.values.pool_pages" or "params.pool_pages", "profile", "trace" */
const char *plot_dim_name(const char *dim);
/* "policy=v3, cpus=4": a curve's label, the varying dimensions except @skip */
char *plot_label_of(const struct plot_ctx *c, JsonNode *rec, const char *skip);
/* "v3, pool_pages=4, 4 CPUs": what one run was */
char *plot_run_text(JsonNode *rec);

/* A job drawing template @template from data file @data (made absolute), with the title. */
struct ds_plot_job *plot_job_new(const struct plot_ctx *c, const char *name,
				 const char *template, const char *data);
/* Its -e variables: a quoted string, a number gnuplot reads back exactly, an integer. */
void plot_job_var(struct ds_plot_job *j, const char *name, const char *text);
void plot_job_num(struct ds_plot_job *j, const char *name, double v);
void plot_job_int(struct ds_plot_job *j, const char *name, gint64 v);

/* OUTDIR/@file written atomically from @s; @path: out, its path. */
gboolean plot_write_data(const struct plot_ctx *c, const char *file, GString *s,
			 char **path, GError **error);
/* A data block's header line `"LABEL" REST`, two blank lines after the block before it. */
void plot_block_header(GString *s, const char *label, const char *rest);
/* A line for the user: why a picture was not drawn, or how it was chosen. */
void plot_note(GPtrArray *notes, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Each picture: its data file written, its job (NULL with a note when it cannot be drawn,
 * or with @error). */
struct ds_plot_job *plot_plan_cdf(const struct plot_ctx *c, GPtrArray *notes, GError **error);
struct ds_plot_job *plot_plan_vs_pool(const struct plot_ctx *c, gboolean p99,
				      GPtrArray *notes, GError **error);
struct ds_plot_job *plot_plan_hotpath(const struct plot_ctx *c, GPtrArray *notes,
				      GError **error);
/* One job per backend of --timeseries that ever held something, added to @jobs. */
gboolean plot_plan_timeseries(const struct plot_ctx *c, GPtrArray *jobs, GPtrArray *notes,
			      GError **error);

#endif
