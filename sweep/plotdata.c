// SPDX-License-Identifier: MIT
/*
 * plotdata.c - records -> the data files of the plots/ templates, and the jobs drawing them:
 * what the pictures share (struct plot_ctx, sweep/plotctx.h: the records filtered, their
 * dimensions, labels, titles, jobs), and ds_plot_plan() running each picture's plan
 * (plot_cdf.c, plot_pool.c, plot_hotpath.c, plot_timeseries.c).  Data files are whitespace-separated columns, one gnuplot data block per curve
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
#include "plotctx.h"


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

char *plot_rec_text(JsonNode *rec, const char *path)
{
	return scalar_text(ds_record_get(rec, path));
}

double plot_rec_num(JsonNode *rec, const char *path)
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
		return plot_rec_text(rec, name);
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
	return plot_rec_text(rec, dim);
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

const char *plot_dim_name(const char *dim)
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
char *plot_label_of(const struct plot_ctx *c, JsonNode *rec, const char *skip)
{
	GString *s = g_string_new(NULL);

	for (guint d = 0; d < c->varying->len; d++) {
		const char *dim = g_ptr_array_index(c->varying, d);
		g_autofree char *v = dim_value(rec, dim);
		g_autofree char *base = NULL;

		if (skip && !strcmp(plot_dim_name(dim), skip))
			continue;
		if (!strcmp(plot_dim_name(dim), "trace") && v)
			base = g_path_get_basename(v);
		g_string_append_printf(s, "%s%s=%s", s->len ? ", " : "", plot_dim_name(dim),
				       base ? base : v ? v : "?");
	}
	if (!s->len) {
		g_autofree char *policy = plot_rec_text(rec, "policy");

		g_string_append(s, policy ? policy : "run");
	}
	return g_string_free(s, FALSE);
}

static char *join_distinct(GPtrArray *records, const char *path, gboolean basename)
{
	g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < records->len; i++) {
		g_autofree char *v = plot_rec_text(g_ptr_array_index(records, i), path);
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
char *plot_run_text(JsonNode *rec)
{
	g_autofree char *policy = plot_rec_text(rec, "policy");
	g_autofree char *pool = plot_rec_text(rec, "params.pool_pages");
	g_autofree char *cpus = plot_rec_text(rec, "metrics.ncpus");

	return g_strdup_printf("%s, pool_pages=%s, %s CPUs", policy ? policy : "?",
			       pool ? pool : "?", cpus ? cpus : "?");
}

static char *make_title(GPtrArray *records)
{
	g_autofree char *traces = join_distinct(records, "trace.path", TRUE);
	g_autofree char *profiles = join_distinct(records, "profile.name", FALSE);
	g_autofree char *run = records->len == 1 ? plot_run_text(records->pdata[0]) : NULL;

	return g_strdup_printf("trace %s, profile %s%s%s", traces, profiles, run ? ": " : "",
			       run ? run : "");
}

struct ds_plot_job *plot_job_new(const struct plot_ctx *c, const char *name,
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

void plot_job_var(struct ds_plot_job *j, const char *name, const char *text)
{
	g_autofree char *q = ds_plot_quote(text);

	g_ptr_array_add(j->vars, g_strdup_printf("%s=%s", name, q));
}

/* A number as gnuplot reads it back exactly (a float, so 1/2 is not integer division). */
void plot_job_num(struct ds_plot_job *j, const char *name, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	g_ascii_formatd(buf, sizeof(buf), "%.10e", v);
	g_ptr_array_add(j->vars, g_strdup_printf("%s=%s", name, buf));
}

void plot_job_int(struct ds_plot_job *j, const char *name, gint64 v)
{
	g_ptr_array_add(j->vars, g_strdup_printf("%s=%" G_GINT64_FORMAT, name, v));
}

gboolean plot_write_data(const struct plot_ctx *c, const char *file, GString *s,
			   char **path, GError **error)
{
	*path = g_build_filename(c->opts->outdir, file, NULL);
	return ds_write_atomic(*path, s->str, s->len, error);
}

void plot_block_header(GString *s, const char *label, const char *rest)
{
	g_autofree char *q = g_strdup(label);

	g_strdelimit(q, "\"", '\'');
	if (s->len)
		g_string_append(s, "\n\n");
	g_string_append_printf(s, "\"%s\" %s\n", q, rest);
}

void plot_note(GPtrArray *notes, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (notes)
		g_ptr_array_add(notes, g_strdup_vprintf(fmt, ap));
	va_end(ap);
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
	if (opts->timeseries && !plot_plan_timeseries(&c, jobs, notes, error))
		goto fail;
	if (c.records->len) {
		struct ds_plot_job *(*plans[])(const struct plot_ctx *, GPtrArray *, GError **) = {
			plot_plan_cdf, plot_plan_hotpath,
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

			if ((j = plot_plan_vs_pool(&c, p99, notes, &e)))
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

