// SPDX-License-Identifier: MIT
/*
 * plot_pool.c - fallback_vs_pool.dat and p99_vs_pool.dat and their jobs: a metric against
 * pool_pages, one line per other swept value, with the targets, for plots/vs_pool.gp.
 */
#include <math.h>
#include <string.h>

#include "ds_plot.h"
#include "ds_report.h"
#include "ds_sweep.h"
#include "plotctx.h"

struct pool_row {
	double pages;
	double value;
};

static gint by_pages(gconstpointer a, gconstpointer b)
{
	const struct pool_row *x = a, *y = b;

	return x->pages < y->pages ? -1 : x->pages > y->pages;
}

/* The larger p99 drain latency of the backends that deferred values (a backend without any
 * has null there: docs/json.md), NAN when neither did. */
static double p99_of(JsonNode *rec)
{
	double a = plot_rec_num(rec, "metrics.zram.drain_latency.p99_ns");
	double b = plot_rec_num(rec, "metrics.zswap.drain_latency.p99_ns");

	if (isnan(a))
		return b;
	return isnan(b) ? a : MAX(a, b);
}

/*
 * How a metric-vs-pool picture is drawn: @p99 (else the fallback rate); @logx when the pool
 * sizes span a factor of 16 or more (then pool_pages = 0 cannot be shown: @zero_left_out);
 * @unit_ns: ns per unit of the p99 axis (us, or ms for latencies of 10 ms and more).
 * Filled in by pool_series(): @xmin, @xmax, the pool sizes drawn (the x axis ends with the
 * data); @minpos, the smallest value above 0 (where the log y axis of the fallback rate
 * starts; a rate of 0 is drawn a decade below, at a tic labelled 0).
 */
struct vs_pool {
	gboolean p99;
	gboolean logx;
	gboolean zero_left_out;
	double unit_ns;
	double xmin;
	double xmax;
	double minpos;
};

static gboolean deferring(JsonNode *rec)
{
	g_autofree char *policy = plot_rec_text(rec, "policy");

	return g_strcmp0(policy, "sync") != 0;
}

static void vs_pool_axes(const struct plot_ctx *c, struct vs_pool *v)
{
	double min_pos = INFINITY, max = 0, p99_max = 0;
	gboolean zero = FALSE;

	for (guint i = 0; i < c->records->len; i++) {
		JsonNode *rec = g_ptr_array_index(c->records, i);
		double pages = plot_rec_num(rec, "params.pool_pages");

		if (!deferring(rec))
			continue;
		zero |= pages <= 0;
		if (pages > 0)
			min_pos = MIN(min_pos, pages);
		max = MAX(max, pages);
		if (isfinite(p99_of(rec)))
			p99_max = MAX(p99_max, p99_of(rec));
	}
	v->logx = isfinite(min_pos) && max / min_pos >= 16;
	v->zero_left_out = v->logx && zero;
	v->unit_ns = p99_max >= 1e7 ? 1e6 : 1e3;
}

/* Series: one per combination of the varying dimensions other than pool_pages; runs of
 * policy sync are left out (no pool, no fallbacks). */
static guint pool_series(const struct plot_ctx *c, struct vs_pool *v, GString *s)
{
	gboolean p99 = v->p99;
	g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	guint n = 0;

	for (guint i = 0; i < c->records->len; i++) {
		JsonNode *rec = g_ptr_array_index(c->records, i);
		g_autofree char *label = plot_label_of(c, rec, "pool_pages");
		double deferred = plot_rec_num(rec, "metrics.zram.drain_latency.count") +
				  plot_rec_num(rec, "metrics.zswap.drain_latency.count");
		struct pool_row r = { plot_rec_num(rec, "params.pool_pages"), NAN };
		guint k;

		if (!deferring(rec))
			continue;	/* no pool: pool_pages means nothing to it */
		if (p99 && !(deferred > 0))
			continue;	/* nothing deferred: no latency to draw */
		if (v->logx && r.pages <= 0)
			continue;	/* no 0 on a log axis */
		r.value = p99 ? p99_of(rec) / v->unit_ns :
			plot_rec_num(rec, "metrics.fallback_rate") * 100.0;
		for (k = 0; k < labels->len; k++)
			if (!strcmp(g_ptr_array_index(labels, k), label))
				break;
		if (k == labels->len) {
			g_ptr_array_add(labels, g_steal_pointer(&label));
			g_ptr_array_add(rows, g_array_new(FALSE, FALSE, sizeof(struct pool_row)));
		}
		g_array_append_val((GArray *)g_ptr_array_index(rows, k), r);
	}
	for (guint k = 0; k < labels->len; k++) {
		GArray *a = g_ptr_array_index(rows, k);

		g_array_sort(a, by_pages);
		plot_block_header(s, g_ptr_array_index(labels, k), !p99 ? "fallback_pct" :
			     v->unit_ns == 1e6 ? "p99_ms" : "p99_us");
		for (guint i = 0; i < a->len; i++) {
			struct pool_row *r = &g_array_index(a, struct pool_row, i);

			g_string_append_printf(s, "%.0f %.6g\n", r->pages, r->value);
			v->xmin = MIN(v->xmin, r->pages);
			v->xmax = MAX(v->xmax, r->pages);
			if (r->value > 0)
				v->minpos = MIN(v->minpos, r->value);
		}
		n++;
	}
	return n;
}

/*
 * The target line (--target-fallback, --target-p99 or --targets-from SIZE.json: the
 * user's, as `defersim size` takes them) and, for the fallback rate, the log y axis: its "0" floor a decade below the
 * decade of the smallest positive rate or target (0.01% when there is neither).
 */
static void vs_pool_target(const struct plot_ctx *c, const struct vs_pool *v,
			   struct ds_plot_job *j)
{
	const struct ds_plot_opts *o = c->opts;
	double target = -1, decade;
	g_autofree char *tnote = NULL;

	if (v->p99 && o->target_p99_ns) {
		target = (double)o->target_p99_ns / v->unit_ns;
		tnote = g_strdup_printf("target p99 <= %g %s (%s)", target,
					v->unit_ns == 1e6 ? "ms" : "us",
					o->target_source ? o->target_source : "--target-p99");
	} else if (!v->p99 && o->target_fallback >= 0) {
		target = o->target_fallback * 100.0;
		tnote = g_strdup_printf("target fallback rate <= %s (%s)",
					o->target_fallback_text ? o->target_fallback_text : "?",
					o->target_source ? o->target_source : "--target-fallback");
	}
	plot_job_num(j, "target", target);
	plot_job_var(j, "tnote", tnote ? tnote : "");
	plot_job_int(j, "answer", o->answer_pages);
	plot_job_var(j, "anote", o->answer_note ? o->answer_note : "");
	plot_job_int(j, "logy", !v->p99);
	if (v->p99)
		return;
	decade = MIN(v->minpos, target > 0 ? target : INFINITY);
	decade = isfinite(decade) ? pow(10, floor(log10(decade))) : 0.01;
	plot_job_num(j, "ydecade", decade);
	plot_job_num(j, "yfloor", decade / 10);
}

struct ds_plot_job *plot_plan_vs_pool(const struct plot_ctx *c, gboolean p99,
					GPtrArray *notes, GError **error)
{
	const char *name = p99 ? "p99_vs_pool" : "fallback_vs_pool";
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree char *file = g_strconcat(name, ".dat", NULL);
	g_autofree char *path = NULL;
	struct ds_plot_job *j;
	struct vs_pool v = { .p99 = p99, .xmin = INFINITY, .xmax = -INFINITY, .minpos = INFINITY };
	gboolean varies = FALSE;
	guint n;

	for (guint d = 0; d < c->varying->len; d++)
		varies |= !strcmp(plot_dim_name(g_ptr_array_index(c->varying, d)), "pool_pages");
	if (!varies) {
		plot_note(notes, "%s: pool_pages does not vary among the records", name);
		return NULL;
	}
	vs_pool_axes(c, &v);
	n = pool_series(c, &v, s);
	if (!n) {
		plot_note(notes, "%s: no run of a deferring policy%s", name,
		     p99 ? " deferred any value" : "");
		return NULL;
	}
	if (n > c->opts->max_curves) {
		plot_note(notes, "%s: %u lines (more than %u): narrow the records with --where", name,
		     n, c->opts->max_curves);
		return NULL;
	}
	if (!plot_write_data(c, file, s, &path, error))
		return NULL;
	j = plot_job_new(c, name, "vs_pool.gp", path);
	g_ptr_array_add(j->vars, g_strdup_printf("ncurves=%u", n));
	g_ptr_array_add(j->vars, g_strdup_printf("logx=%d", v.logx));
	plot_job_var(j, "xnote", v.zero_left_out ? "log scale; pool_pages = 0 not shown" :
		v.logx ? "log scale" : "");
	plot_job_var(j, "ylab", !p99 ? "fallback rate (% of releases)" :
		v.unit_ns == 1e6 ? "p99 drain latency (ms)" : "p99 drain latency (us)");
	plot_job_var(j, "what", p99 ? "p99 drain latency" : "Fallback rate");
	plot_job_num(j, "xmin", v.xmin);
	plot_job_num(j, "xmax", v.xmax);
	vs_pool_target(c, &v, j);
	return j;
}
