// SPDX-License-Identifier: MIT
/*
 * plotdata.c - records -> the data files of the plots/ templates, and the jobs drawing them.
 *
 * struct plot_ctx is what every picture needs: the records left after --where filters, their
 * "dimensions" (the swept keys of sweep records, else every parameter plus profile and trace)
 * and the ones that vary (curve labels are made of those), and a title naming the traces and
 * profiles.  Data files are whitespace-separated columns, one gnuplot data block per curve
 * (two blank lines apart) whose first line is a header holding the curve's label, so the
 * templates can say `plot for [i=0:ncurves-1] data index i ... title columnheader(1)`.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "ds_plot.h"
#include "ds_report.h"
#include "ds_sweep.h"

#define HOTPATH_MAX_TASKS 30

struct plot_ctx {
	GPtrArray *records;	/* JsonNode *, borrowed */
	GPtrArray *dims;	/* char * record paths */
	GPtrArray *varying;	/* char *, subset of dims */
	char *title;
	const struct ds_plot_opts *opts;
};

void ds_plot_job_free(struct ds_plot_job *job)
{
	if (!job)
		return;
	g_free(job->name);
	g_free(job->template);
	g_ptr_array_free(job->vars, TRUE);
	g_free(job);
}

char *ds_plot_quote(const char *s)
{
	GString *q = g_string_new("'");

	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			g_string_append_c(q, '\'');
		if (*p != '\n' && *p != '\r')
			g_string_append_c(q, *p);
	}
	g_string_append_c(q, '\'');
	return g_string_free(q, FALSE);
}

static char *scalar_text(JsonNode *n)
{
	GType t;

	if (!n || !JSON_NODE_HOLDS_VALUE(n))
		return NULL;
	t = json_node_get_value_type(n);
	if (t == G_TYPE_INT64)
		return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(n));
	if (t == G_TYPE_DOUBLE)
		return g_strdup_printf("%.12g", json_node_get_double(n));
	if (t == G_TYPE_BOOLEAN)
		return g_strdup(json_node_get_boolean(n) ? "true" : "false");
	return g_strdup(json_node_get_string(n));
}

static char *rec_text(JsonNode *rec, const char *path)
{
	return scalar_text(ds_record_get(rec, path));
}

static double rec_num(JsonNode *rec, const char *path)
{
	JsonNode *n = ds_record_get(rec, path);
	g_autofree char *text = NULL;
	char *end = NULL;
	double v;

	if (n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) != G_TYPE_STRING)
		return json_node_get_double(n);
	text = scalar_text(n);
	if (!text)
		return NAN;
	v = g_ascii_strtod(text, &end);
	return end && !*end && end != text ? v : NAN;
}

/* "pool_pages" is a swept value, then a parameter, then a top-level member; "a.b" a path. */
static char *filter_value(JsonNode *rec, const char *name)
{
	static const char *const prefixes[] = { "point.values.", "params.", "" };

	if (strchr(name, '.') && !g_str_has_prefix(name, "scale."))
		return rec_text(rec, name);
	for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
		g_autofree char *path = g_strconcat(prefixes[i], name, NULL);
		JsonNode *n = NULL;

		if (i == 0) {	/* swept keys may hold dots ("scale.sync_free") */
			JsonNode *values = ds_record_get(rec, "point.values");

			if (values && JSON_NODE_HOLDS_OBJECT(values))
				n = json_object_get_member(json_node_get_object(values), name);
		} else {
			n = ds_record_get(rec, path);
		}
		if (n)
			return scalar_text(n);
	}
	return NULL;
}

static GPtrArray *filter_records(GPtrArray *records, const struct ds_plot_opts *o,
				 GError **error)
{
	GPtrArray *out = g_ptr_array_new();

	for (guint f = 0; f < o->n_where; f++) {
		if (!strchr(o->where[f], '=')) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
				    "--where '%s': expected NAME=VALUE", o->where[f]);
			g_ptr_array_free(out, TRUE);
			return NULL;
		}
	}
	for (guint i = 0; i < records->len; i++) {
		JsonNode *rec = g_ptr_array_index(records, i);
		gboolean keep = TRUE;

		for (guint f = 0; keep && f < o->n_where; f++) {
			const char *eq = strchr(o->where[f], '=');
			g_autofree char *name = g_strndup(o->where[f], (gsize)(eq - o->where[f]));
			g_autofree char *v = filter_value(rec, name);

			keep = v && !strcmp(v, eq + 1);
		}
		if (keep)
			g_ptr_array_add(out, rec);
	}
	if (!out->len && records->len) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "no record matches the --where filters (%u records read)", records->len);
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	return out;
}

static void add_unique(GPtrArray *a, const char *s)
{
	for (guint i = 0; i < a->len; i++)
		if (!strcmp(g_ptr_array_index(a, i), s))
			return;
	g_ptr_array_add(a, g_strdup(s));
}

static void add_members(GPtrArray *dims, JsonNode *obj, const char *prefix)
{
	GList *members;

	if (!obj || !JSON_NODE_HOLDS_OBJECT(obj))
		return;
	members = json_object_get_members(json_node_get_object(obj));
	for (GList *l = members; l; l = l->next) {
		g_autofree char *path = g_strconcat(prefix, l->data, NULL);

		add_unique(dims, path);
	}
	g_list_free(members);
}

static char *dim_value(JsonNode *rec, const char *dim)
{
	if (g_str_has_prefix(dim, "point.values."))
		return filter_value(rec, dim + strlen("point.values."));
	return rec_text(rec, dim);
}

static void find_dims(struct plot_ctx *c)
{
	c->dims = g_ptr_array_new_with_free_func(g_free);
	c->varying = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < c->records->len; i++) {
		JsonNode *rec = g_ptr_array_index(c->records, i);
		JsonNode *values = ds_record_get(rec, "point.values");

		if (values) {
			add_members(c->dims, values, "point.values.");
		} else {
			add_members(c->dims, ds_record_get(rec, "params"), "params.");
			add_unique(c->dims, "profile.name");
			add_unique(c->dims, "trace.path");
		}
	}
	for (guint d = 0; d < c->dims->len; d++) {
		const char *dim = g_ptr_array_index(c->dims, d);
		g_autofree char *first = NULL;

		for (guint i = 0; i < c->records->len; i++) {
			g_autofree char *v = dim_value(g_ptr_array_index(c->records, i), dim);

			if (i == 0) {
				first = g_steal_pointer(&v);
			} else if (g_strcmp0(first, v)) {
				add_unique(c->varying, dim);
				break;
			}
		}
	}
}

static const char *dim_name(const char *dim)
{
	if (g_str_has_prefix(dim, "point.values."))
		return dim + strlen("point.values.");
	if (g_str_has_prefix(dim, "params."))
		return dim + strlen("params.");
	if (!strcmp(dim, "profile.name"))
		return "profile";
	if (!strcmp(dim, "trace.path"))
		return "trace";
	return dim;
}

/* "policy=v3, cpus=4": the varying dimensions except @skip; the policy when none varies. */
static char *label_of(const struct plot_ctx *c, JsonNode *rec, const char *skip)
{
	GString *s = g_string_new(NULL);

	for (guint d = 0; d < c->varying->len; d++) {
		const char *dim = g_ptr_array_index(c->varying, d);
		g_autofree char *v = dim_value(rec, dim);
		g_autofree char *base = NULL;

		if (skip && !strcmp(dim_name(dim), skip))
			continue;
		if (!strcmp(dim_name(dim), "trace") && v)
			base = g_path_get_basename(v);
		g_string_append_printf(s, "%s%s=%s", s->len ? ", " : "", dim_name(dim),
				       base ? base : v ? v : "?");
	}
	if (!s->len) {
		g_autofree char *policy = rec_text(rec, "policy");

		g_string_append(s, policy ? policy : "run");
	}
	return g_string_free(s, FALSE);
}

static char *join_distinct(GPtrArray *records, const char *path, gboolean basename)
{
	g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < records->len; i++) {
		g_autofree char *v = rec_text(g_ptr_array_index(records, i), path);
		g_autofree char *b = v && basename ? g_path_get_basename(v) : NULL;

		if (v)
			add_unique(seen, b ? b : v);
	}
	if (!seen->len)
		return g_strdup("?");
	g_ptr_array_add(seen, NULL);
	return g_strjoinv(", ", (char **)seen->pdata);
}

/* "v3, pool_pages=4, 4 CPUs": what one run was */
static char *run_text(JsonNode *rec)
{
	g_autofree char *policy = rec_text(rec, "policy");
	g_autofree char *pool = rec_text(rec, "params.pool_pages");
	g_autofree char *cpus = rec_text(rec, "metrics.ncpus");

	return g_strdup_printf("%s, pool_pages=%s, %s CPUs", policy ? policy : "?",
			       pool ? pool : "?", cpus ? cpus : "?");
}

static char *make_title(GPtrArray *records)
{
	g_autofree char *traces = join_distinct(records, "trace.path", TRUE);
	g_autofree char *profiles = join_distinct(records, "profile.name", FALSE);
	g_autofree char *run = records->len == 1 ? run_text(records->pdata[0]) : NULL;

	return g_strdup_printf("trace %s, profile %s%s%s", traces, profiles, run ? ": " : "",
			       run ? run : "");
}

static struct ds_plot_job *job_new(const struct plot_ctx *c, const char *name,
				   const char *template, const char *data)
{
	struct ds_plot_job *j = g_new0(struct ds_plot_job, 1);
	g_autofree char *abs = g_canonicalize_filename(data, NULL);	/* NAME.gp runs anywhere */
	g_autofree char *qd = ds_plot_quote(abs);
	g_autofree char *qt = ds_plot_quote(c->title);

	j->name = g_strdup(name);
	j->template = g_strdup(template);
	j->vars = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(j->vars, g_strdup_printf("data=%s", qd));
	g_ptr_array_add(j->vars, g_strdup_printf("title=%s", qt));
	return j;
}

static void job_var(struct ds_plot_job *j, const char *name, const char *text)
{
	g_autofree char *q = ds_plot_quote(text);

	g_ptr_array_add(j->vars, g_strdup_printf("%s=%s", name, q));
}

/* A number as gnuplot reads it back exactly (a float, so 1/2 is not integer division). */
static void job_num(struct ds_plot_job *j, const char *name, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	g_ascii_formatd(buf, sizeof(buf), "%.10e", v);
	g_ptr_array_add(j->vars, g_strdup_printf("%s=%s", name, buf));
}

static void job_int(struct ds_plot_job *j, const char *name, gint64 v)
{
	g_ptr_array_add(j->vars, g_strdup_printf("%s=%" G_GINT64_FORMAT, name, v));
}

static gboolean write_data(const struct plot_ctx *c, const char *file, GString *s,
			   char **path, GError **error)
{
	*path = g_build_filename(c->opts->outdir, file, NULL);
	return ds_write_atomic(*path, s->str, s->len, error);
}

static void block_header(GString *s, const char *label, const char *rest)
{
	g_autofree char *q = g_strdup(label);

	g_strdelimit(q, "\"", '\'');
	if (s->len)
		g_string_append(s, "\n\n");
	g_string_append_printf(s, "\"%s\" %s\n", q, rest);
}

static void note(GPtrArray *notes, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void note(GPtrArray *notes, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (notes)
		g_ptr_array_add(notes, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* --- wait-from-push-to-free CDF ------------------------------------------------------- */

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
	label = label_of(c, rec, NULL);
	if (both || !all) {
		char *l = g_strdup_printf("%s%s%s%s%s", label, both ? " (" : "", both ? be : "",
					  both ? ")" : "", all ? "" : " (drain latency only)");

		g_free(label);
		label = l;
	}
	block_header(p->solid, label, "fraction");
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
	if (!write_data(c, "cdf.dat", p->solid, &path, error))
		return NULL;
	j = job_new(c, "cdf", "cdf.gp", path);
	job_int(j, "ncurves", p->n);
	job_int(j, "ndrain", p->m);
	job_var(j, "dmap", p->dmap->str);
	job_num(j, "xmin", isfinite(p->xmin) ? p->xmin : 1e-3);
	job_num(j, "xmax", p->xmax > p->xmin ? p->xmax : (isfinite(p->xmin) ? p->xmin : 1e-3) * 10);
	return j;
}

static struct ds_plot_job *plan_cdf(const struct plot_ctx *c, GPtrArray *notes, GError **error)
{
	struct cdf_plan p = { g_string_new(NULL), g_string_new(NULL), g_string_new(NULL), 0, 0,
			      INFINITY, 0 };
	struct ds_plot_job *j = NULL;
	gboolean both = FALSE;

	for (guint i = 0; i < c->records->len; i++)
		both |= rec_num(g_ptr_array_index(c->records, i),
				"metrics.zswap.free_latency.count") > 0 ||
			rec_num(g_ptr_array_index(c->records, i),
				"metrics.zswap.drain_latency.count") > 0;
	for (guint i = 0; i < c->records->len; i++) {
		JsonNode *rec = g_ptr_array_index(c->records, i);

		cdf_curve(c, rec, "zram", both, &p);
		if (both)
			cdf_curve(c, rec, "zswap", both, &p);
	}
	if (!p.n)
		note(notes, "cdf: no run deferred any value (policy sync only?): no wait to draw");
	else if (p.n > c->opts->max_curves)
		note(notes, "cdf: %u curves (more than %u): narrow the records with --where, e.g. "
		     "--where pool_pages=64", p.n, c->opts->max_curves);
	else
		j = cdf_job(c, &p, error);
	g_string_free(p.solid, TRUE);
	g_string_free(p.dashed, TRUE);
	g_string_free(p.dmap, TRUE);
	return j;
}

/* --- fallback rate and p99 vs pool_pages -------------------------------------------------- */

struct pool_row {
	double pages;
	double value;
};

static gint by_pages(gconstpointer a, gconstpointer b)
{
	const struct pool_row *x = a, *y = b;

	return x->pages < y->pages ? -1 : x->pages > y->pages;
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
	g_autofree char *policy = rec_text(rec, "policy");

	return g_strcmp0(policy, "sync") != 0;
}

static void vs_pool_axes(const struct plot_ctx *c, struct vs_pool *v)
{
	double min_pos = INFINITY, max = 0, p99_max = 0;
	gboolean zero = FALSE;

	for (guint i = 0; i < c->records->len; i++) {
		JsonNode *rec = g_ptr_array_index(c->records, i);
		double pages = rec_num(rec, "params.pool_pages");

		if (!deferring(rec))
			continue;
		zero |= pages <= 0;
		if (pages > 0)
			min_pos = MIN(min_pos, pages);
		max = MAX(max, pages);
		p99_max = MAX(p99_max, MAX(rec_num(rec, "metrics.zram.drain_latency.p99_ns"),
					   rec_num(rec, "metrics.zswap.drain_latency.p99_ns")));
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
		g_autofree char *label = label_of(c, rec, "pool_pages");
		double deferred = rec_num(rec, "metrics.zram.drain_latency.count") +
				  rec_num(rec, "metrics.zswap.drain_latency.count");
		struct pool_row r = { rec_num(rec, "params.pool_pages"), NAN };
		guint k;

		if (!deferring(rec))
			continue;	/* no pool: pool_pages means nothing to it */
		if (p99 && !(deferred > 0))
			continue;	/* nothing deferred: no latency to draw */
		if (v->logx && r.pages <= 0)
			continue;	/* no 0 on a log axis */
		r.value = p99 ? MAX(rec_num(rec, "metrics.zram.drain_latency.p99_ns"),
				    rec_num(rec, "metrics.zswap.drain_latency.p99_ns")) / v->unit_ns :
			rec_num(rec, "metrics.fallback_rate") * 100.0;
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
		block_header(s, g_ptr_array_index(labels, k), !p99 ? "fallback_pct" :
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
	job_num(j, "target", target);
	job_var(j, "tnote", tnote ? tnote : "");
	job_int(j, "answer", o->answer_pages);
	job_var(j, "anote", o->answer_note ? o->answer_note : "");
	job_int(j, "logy", !v->p99);
	if (v->p99)
		return;
	decade = MIN(v->minpos, target > 0 ? target : INFINITY);
	decade = isfinite(decade) ? pow(10, floor(log10(decade))) : 0.01;
	job_num(j, "ydecade", decade);
	job_num(j, "yfloor", decade / 10);
}

static struct ds_plot_job *plan_vs_pool(const struct plot_ctx *c, gboolean p99,
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
		varies |= !strcmp(dim_name(g_ptr_array_index(c->varying, d)), "pool_pages");
	if (!varies) {
		note(notes, "%s: pool_pages does not vary among the records", name);
		return NULL;
	}
	vs_pool_axes(c, &v);
	n = pool_series(c, &v, s);
	if (!n) {
		note(notes, "%s: no run of a deferring policy%s", name,
		     p99 ? " deferred any value" : "");
		return NULL;
	}
	if (n > c->opts->max_curves) {
		note(notes, "%s: %u lines (more than %u): narrow the records with --where", name,
		     n, c->opts->max_curves);
		return NULL;
	}
	if (!write_data(c, file, s, &path, error))
		return NULL;
	j = job_new(c, name, "vs_pool.gp", path);
	g_ptr_array_add(j->vars, g_strdup_printf("ncurves=%u", n));
	g_ptr_array_add(j->vars, g_strdup_printf("logx=%d", v.logx));
	job_var(j, "xnote", v.zero_left_out ? "log scale; pool_pages = 0 not shown" :
		v.logx ? "log scale" : "");
	job_var(j, "ylab", !p99 ? "fallback rate (% of releases)" :
		v.unit_ns == 1e6 ? "p99 drain latency (ms)" : "p99 drain latency (us)");
	job_var(j, "what", p99 ? "p99 drain latency" : "Fallback rate");
	job_num(j, "xmin", v.xmin);
	job_num(j, "xmax", v.xmax);
	vs_pool_target(c, &v, j);
	return j;
}

/* --- hot-path time per task ------------------------------------------------------------- */

static gint by_sync_desc(gconstpointer a, gconstpointer b)
{
	JsonObject *x = json_node_get_object(*(JsonNode *const *)a);
	JsonObject *y = json_node_get_object(*(JsonNode *const *)b);
	gint64 sx = json_object_get_int_member(x, "sync_ns");
	gint64 sy = json_object_get_int_member(y, "sync_ns");

	return sx > sy ? -1 : sx < sy;
}

/*
 * The rows to rank by sync time: the run's summary of its largest ones (schema 2, always
 * there) or, in a file of schema 1, every row.  NULL when there are none.
 */
static JsonNode *task_rows(JsonNode *rec)
{
	JsonNode *a = ds_record_get(rec, "metrics.tasks_summary.by_sync");

	if (!a || !JSON_NODE_HOLDS_ARRAY(a))
		a = ds_record_get(rec, "metrics.tasks");
	return a && JSON_NODE_HOLDS_ARRAY(a) ? a : NULL;
}

/* The number of tasks of a run (the summary's count, or the rows of a schema 1 file). */
static guint64 task_count(JsonNode *rec)
{
	JsonNode *n = ds_record_get(rec, "metrics.tasks_summary.count");
	JsonNode *a;

	if (n && JSON_NODE_HOLDS_VALUE(n))
		return (guint64)json_node_get_int(n);
	a = ds_record_get(rec, "metrics.tasks");
	return a && JSON_NODE_HOLDS_ARRAY(a) ? json_array_get_length(json_node_get_array(a)) : 0;
}

/* The deferring run with the largest pool (the first such): the design at its best. */
static JsonNode *hotpath_record(const struct plot_ctx *c)
{
	JsonNode *best = NULL;

	for (guint i = 0; i < c->records->len; i++) {
		JsonNode *rec = g_ptr_array_index(c->records, i);
		g_autofree char *policy = rec_text(rec, "policy");
		JsonNode *tasks = task_rows(rec);

		if (!g_strcmp0(policy, "sync") || !tasks ||
		    !json_array_get_length(json_node_get_array(tasks)))
			continue;
		if (!best || rec_num(rec, "params.pool_pages") > rec_num(best, "params.pool_pages"))
			best = rec;
	}
	return best;
}

static struct ds_plot_job *plan_hotpath(const struct plot_ctx *c, GPtrArray *notes,
					GError **error)
{
	JsonNode *rec = hotpath_record(c);
	g_autoptr(GString) s = g_string_new("# pid sync_ms policy_ms\n");
	g_autoptr(GPtrArray) tasks = g_ptr_array_new();
	g_autofree char *path = NULL, *run = NULL, *label = NULL, *which = NULL;
	struct ds_plot_job *j;
	JsonArray *a;

	if (!rec) {
		note(notes, "hotpath: no run of a deferring policy with tasks");
		return NULL;
	}
	a = json_node_get_array(task_rows(rec));
	for (guint i = 0; i < json_array_get_length(a); i++)
		g_ptr_array_add(tasks, json_array_get_element(a, i));
	g_ptr_array_sort(tasks, by_sync_desc);
	for (guint i = 0; i < tasks->len && i < HOTPATH_MAX_TASKS; i++) {
		JsonObject *t = json_node_get_object(g_ptr_array_index(tasks, i));

		g_string_append_printf(s, "%" G_GINT64_FORMAT " %.6f %.6f\n",
				       json_object_get_int_member(t, "pid"),
				       (double)json_object_get_int_member(t, "sync_ns") / 1e6,
				       (double)json_object_get_int_member(t, "hot_ns") / 1e6);
	}
	if (!write_data(c, "hotpath.dat", s, &path, error))
		return NULL;
	/* one run: the title says which already; among several, say which one is drawn */
	run = c->records->len > 1 ? run_text(rec) : rec_text(rec, "policy");
	label = label_of(c, rec, NULL);
	which = g_strdup_printf("%s%s%s%s", run ? run : "?", c->records->len > 1 ? " (" : "",
				c->records->len > 1 ? label : "", c->records->len > 1 ? ")" : "");
	j = job_new(c, "hotpath", "hotpath.gp", path);
	job_var(j, "policy", which);
	if (task_count(rec) > HOTPATH_MAX_TASKS)
		note(notes, "hotpath: the %d tasks of largest sync time of %" G_GUINT64_FORMAT,
		     HOTPATH_MAX_TASKS, task_count(rec));
	if (c->records->len > 1)
		note(notes, "hotpath: drawn for one run, the deferring one with the largest pool: %s "
		     "(choose another with --where)", which);
	return j;
}

/* --- pool and pending values over time -------------------------------------------------- */

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

/* One CSV row (fields as DS_TIMESERIES_HEADER) into its backend's data. */
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

	if (!lines)
		return FALSE;
	if (!lines[0] || strcmp(g_strstrip(lines[0]), TS_HEADER)) {
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
		if (g_strv_length(f) != 7) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s:%u: expected 7 fields",
				    path, i + 1);
			return FALSE;
		}
		if (!ts_row(bes, f, path, i + 1, error))
			return FALSE;
	}
	return TRUE;
}

/* The pool size of the run drawn, when the records are that one run: a line on the picture */
static gint64 ts_pool_pages(const struct plot_ctx *c)
{
	double pages = c->records->len == 1 ?
		rec_num(g_ptr_array_index(c->records, 0), "params.pool_pages") : NAN;

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
	if (!write_data(c, file, b->rows, &path, error))
		return NULL;
	j = job_new(c, name, "timeseries.gp", path);
	job_var(j, "backend", b->name);
	job_num(j, "xmin", b->t0);
	job_num(j, "xmax", b->t1 > b->t0 ? b->t1 : b->t0 + 1e-3);
	job_int(j, "ymax", (gint64)MAX(b->pages_max, (guint64)MAX(pool, 0)));
	job_int(j, "y2max", (gint64)b->pending_max);
	job_int(j, "nmarks", b->nmarks);
	job_int(j, "nfallbacks", (gint64)b->fallbacks);
	job_int(j, "pool", pool);
	return j;
}

static gboolean plan_timeseries(const struct plot_ctx *c, GPtrArray *jobs, GPtrArray *notes,
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
		note(notes, "timeseries: %s has no sample with anything pending", c->opts->timeseries);
	return TRUE;
}

GPtrArray *ds_plot_plan(GPtrArray *records, const struct ds_plot_opts *opts, GPtrArray *notes,
			GError **error)
{
	struct plot_ctx c = { .opts = opts };
	GPtrArray *jobs = g_ptr_array_new_with_free_func((GDestroyNotify)ds_plot_job_free);
	struct ds_plot_job *j;

	if (g_mkdir_with_parents(opts->outdir, 0755) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot create: %s", opts->outdir,
			    g_strerror(errno));
		goto fail;
	}
	c.records = filter_records(records, opts, error);
	if (!c.records)
		goto fail;
	find_dims(&c);
	c.title = c.records->len ? make_title(c.records) :
		g_path_get_basename(opts->timeseries ? opts->timeseries : "?");
	if (opts->timeseries && !plan_timeseries(&c, jobs, notes, error))
		goto fail;
	if (c.records->len) {
		struct ds_plot_job *(*plans[])(const struct plot_ctx *, GPtrArray *, GError **) = {
			plan_cdf, plan_hotpath,
		};

		for (size_t p = 0; p < G_N_ELEMENTS(plans); p++) {
			GError *e = NULL;

			if ((j = plans[p](&c, notes, &e)))
				g_ptr_array_add(jobs, j);
			else if (e) {
				g_propagate_error(error, e);
				goto fail;
			}
		}
		for (int p99 = 0; p99 < 2; p99++) {
			GError *e = NULL;

			if ((j = plan_vs_pool(&c, p99, notes, &e)))
				g_ptr_array_add(jobs, j);
			else if (e) {
				g_propagate_error(error, e);
				goto fail;
			}
		}
	}
	goto out;
fail:
	g_ptr_array_free(jobs, TRUE);
	jobs = NULL;
out:
	if (c.records)
		g_ptr_array_free(c.records, TRUE);
	if (c.dims)
		g_ptr_array_free(c.dims, TRUE);
	if (c.varying)
		g_ptr_array_free(c.varying, TRUE);
	g_free(c.title);
	return jobs;
}
