// SPDX-License-Identifier: MIT
/*
 * plot_cdf.c - cdf.dat and its job: the wait from push to free of deferred values, per run,
 * for plots/cdf.gp.
 */
#include <math.h>
#include <string.h>

#include "ds_plot.h"
#include "ds_report.h"
#include "ds_sweep.h"
#include "plotctx.h"

/*
 * Per curve (a run and backend) two distributions of metrics.BE: free_latency (every deferred
 * value's wait, those freed at teardown included: what memory actually waited) drawn solid,
 * and drain_latency (values the worker drained before teardown: the design without the end
 * of the trace) drawn dashed in the same colour.  The data file holds the solid blocks
 * first (headers: the labels), then the dashed ones (headers commented out); @dmap says
 * which solid curve each dashed one belongs to.  Latencies in ms; @xmin is the smallest
 * positive one (the x axis is logarithmic), @xmax the largest.
 */
struct cdf_plan {
	GString *solid;
	GString *dashed;
	GString *dmap;
	guint n;
	guint m;
	double xmin;
	double xmax;
};

static JsonArray *percentiles(JsonNode *rec, const char *be, const char *hist)
{
	g_autofree char *path = g_strdup_printf("metrics.%s.%s.percentiles_ns", be, hist);
	JsonNode *pct = ds_record_get(rec, path);

	if (!pct || !JSON_NODE_HOLDS_ARRAY(pct) ||
	    json_array_get_length(json_node_get_array(pct)) != 101)
		return NULL;	/* nothing deferred (or drained): no distribution */
	return json_node_get_array(pct);
}

static void cdf_rows(GString *s, JsonArray *a, struct cdf_plan *p)
{
	for (guint q = 0; q <= 100; q++) {
		double ms = (double)json_array_get_int_element(a, q) / 1e6;

		g_string_append_printf(s, "%.6f %.2f\n", ms, q / 100.0);
		if (ms > 0)
			p->xmin = MIN(p->xmin, ms);
		p->xmax = MAX(p->xmax, ms);
	}
}

static void cdf_curve(const struct plot_ctx *c, JsonNode *rec, const char *be, gboolean both,
		      struct cdf_plan *p)
{
	JsonArray *all = percentiles(rec, be, "free_latency");
	JsonArray *drain = percentiles(rec, be, "drain_latency");
	g_autofree char *label = NULL;

	if (!all && !drain)
		return;
	label = plot_label_of(c, rec, NULL);
	if (both || !all) {
		char *l = g_strdup_printf("%s%s%s%s%s", label, both ? " (" : "", both ? be : "",
					  both ? ")" : "", all ? "" : " (drain latency only)");

		g_free(label);
		label = l;
	}
	plot_block_header(p->solid, label, "fraction");
	cdf_rows(p->solid, all ? all : drain, p);
	if (all && drain) {
		if (p->dashed->len)
			g_string_append(p->dashed, "\n\n");
		g_string_append_printf(p->dashed, "# drain latency of curve %u\n", p->n);
		cdf_rows(p->dashed, drain, p);
		g_string_append_printf(p->dmap, "%s%u", p->m ? " " : "", p->n);
		p->m++;
	}
	p->n++;
}

static struct ds_plot_job *cdf_job(const struct plot_ctx *c, struct cdf_plan *p,
				   GError **error)
{
	g_autofree char *path = NULL;
	struct ds_plot_job *j;

	if (p->dashed->len) {
		g_string_append(p->solid, "\n\n");
		g_string_append_len(p->solid, p->dashed->str, (gssize)p->dashed->len);
	}
	if (!plot_write_data(c, "cdf.dat", p->solid, &path, error))
		return NULL;
	j = plot_job_new(c, "cdf", "cdf.gp", path);
	plot_job_int(j, "ncurves", p->n);
	plot_job_int(j, "ndrain", p->m);
	plot_job_var(j, "dmap", p->dmap->str);
	plot_job_num(j, "xmin", isfinite(p->xmin) ? p->xmin : 1e-3);
	plot_job_num(j, "xmax", p->xmax > p->xmin ? p->xmax : (isfinite(p->xmin) ? p->xmin : 1e-3) * 10);
	return j;
}

struct ds_plot_job *plot_plan_cdf(const struct plot_ctx *c, GPtrArray *notes, GError **error)
{
	struct cdf_plan p = { g_string_new(NULL), g_string_new(NULL), g_string_new(NULL), 0, 0,
			      INFINITY, 0 };
	struct ds_plot_job *j = NULL;
	gboolean both = FALSE;

	for (guint i = 0; i < c->records->len; i++)
		both |= plot_rec_num(g_ptr_array_index(c->records, i),
				"metrics.zswap.free_latency.count") > 0 ||
			plot_rec_num(g_ptr_array_index(c->records, i),
				"metrics.zswap.drain_latency.count") > 0;
	for (guint i = 0; i < c->records->len; i++) {
		JsonNode *rec = g_ptr_array_index(c->records, i);

		cdf_curve(c, rec, "zram", both, &p);
		if (both)
			cdf_curve(c, rec, "zswap", both, &p);
	}
	if (!p.n)
		plot_note(notes, "cdf: no run deferred any value (policy sync only?): no wait to draw");
	else if (p.n > c->opts->max_curves)
		plot_note(notes, "cdf: %u curves (more than %u): narrow the records with --where, e.g. "
		     "--where pool_pages=64", p.n, c->opts->max_curves);
	else
		j = cdf_job(c, &p, error);
	g_string_free(p.solid, TRUE);
	g_string_free(p.dashed, TRUE);
	g_string_free(p.dmap, TRUE);
	return j;
}
