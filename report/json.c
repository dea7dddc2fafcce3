// SPDX-License-Identifier: MIT
/*
 * json.c - one run as one JSON object (json-glib), and its flat form for CSV.
 *
 * Layout (docs/json.md): { tool, policy, trace, profile, params, inferred_params, metrics{...,
 * zram{}, zswap{}, tasks_summary{}}, analytic, invariants, provenance, sensitivity }.  Both backends are always present
 * so that the CSV columns of different runs line up (a sweep concatenates rows).  The tree is
 * bounded: the per-task rows (metrics.tasks) are not in it but streamed into the file by
 * ds_json_write_rows() (taskrows.c).
 */
#include <string.h>

#include <math.h>

#include "ds_analytic.h"
#include "ds_json.h"
#include "ds_report.h"

/*
 * A metric that does not apply is null, never 0 (docs/json.md, "null"): a share of nothing
 * (no releases, nothing drained, no sync time) and the statistics of an empty distribution
 * (sync's drain latency: it defers nothing).  0 stays a measured zero.
 */
static void add_ratio(JsonBuilder *b, const char *k, uint64_t num, uint64_t den)
{
	json_builder_set_member_name(b, k);
	if (den)
		json_builder_add_double_value(b, (double)num / (double)den);
	else
		json_builder_add_null_value(b);
}

static void add_u64_if(JsonBuilder *b, const char *k, uint64_t v, bool defined)
{
	if (defined) {
		ds_json_add_u64(b, k, v);
	} else {
		json_builder_set_member_name(b, k);
		json_builder_add_null_value(b);
	}
}

static void add_hist(JsonBuilder *b, const char *k, const struct ds_hist *h)
{
	bool any = h->count > 0;
	double qs[101];
	uint64_t pct[101] = { 0 };

	/* the distribution at each percentile 0..100, in one pass over the buckets (101 scans
	 * of 7424 buckets each cost ~3.5 M instructions a run); p50/p90/p99 are among them */
	for (int q = 0; q <= 100; q++)
		qs[q] = q / 100.0;
	if (any)
		ds_hist_quantiles(h, qs, G_N_ELEMENTS(qs), pct);
	json_builder_set_member_name(b, k);
	json_builder_begin_object(b);
	ds_json_add_u64(b, "count", h->count);
	add_u64_if(b, "min_ns", h->min, any);
	add_u64_if(b, "p50_ns", pct[50], any);
	add_u64_if(b, "p90_ns", pct[90], any);
	add_u64_if(b, "p99_ns", pct[99], any);
	add_u64_if(b, "max_ns", h->max, any);
	json_builder_set_member_name(b, "mean_ns");
	if (any)
		json_builder_add_double_value(b, h->sum / (double)h->count);
	else
		json_builder_add_null_value(b);
	/* The distribution itself, for CDF plots: the value at each percentile 0..100. */
	json_builder_set_member_name(b, "percentiles_ns");
	json_builder_begin_array(b);
	for (int q = 0; h->count && q <= 100; q++)
		json_builder_add_int_value(b, (gint64)pct[q]);
	json_builder_end_array(b);
	json_builder_end_object(b);
}

/* @pooled: the policy has a page pool (not sync, not v2's array): else pool_free_* are null */
static void add_backend(JsonBuilder *b, const char *k, const struct ds_backend_result *x,
			bool pooled)
{
	json_builder_set_member_name(b, k);
	json_builder_begin_object(b);
	ds_json_add_u64(b, "releases", x->releases);
	ds_json_add_u64(b, "pushed", x->pushed);
	ds_json_add_u64(b, "fallbacks", x->fallbacks);
	add_ratio(b, "fallback_rate", x->fallbacks, x->releases);
	ds_json_add_u64(b, "drained", x->drained);
	ds_json_add_u64(b, "stale_drains", x->stale_drains);
	ds_json_add_u64(b, "teardown_drained", x->teardown_drained);
	ds_json_add_u64(b, "swaps", x->swaps);
	ds_json_add_u64(b, "swap_failures", x->swap_failures);
	ds_json_add_u64(b, "queue_work_calls", x->queue_work_calls);
	ds_json_add_u64(b, "queue_work_noops", x->queue_work_noops);
	ds_json_add_u64(b, "worker_runs", x->worker_runs);
	ds_json_add_u64(b, "worker_busy_ns", x->worker_busy_ns);
	ds_json_add_u64(b, "worker_cpu_ns", x->worker_cpu_ns);
	ds_json_add_u64(b, "worker_longest_run_ns", x->worker_longest_run_ns);
	ds_json_add_u64(b, "stranded_ns", x->stranded_ns);
	ds_json_add_u64(b, "stranded_episodes", x->stranded_episodes);
	add_u64_if(b, "pool_free_min", x->pool_free_min, pooled);
	json_builder_set_member_name(b, "pool_free_mean");
	if (pooled)
		json_builder_add_double_value(b, x->pool_free_mean);
	else
		json_builder_add_null_value(b);
	ds_json_add_u64(b, "peak_pending_values", x->peak_pending_values);
	ds_json_add_u64(b, "peak_pending_bytes", x->peak_pending_bytes);
	ds_json_add_u64(b, "peak_pages_held", x->peak_pages_held);
	ds_json_add_u64(b, "slot_reuse_pending", x->slot_reuse_pending);
	ds_json_add_u64(b, "cap", x->cap);
	add_hist(b, "drain_latency", &x->drain_latency);
	add_hist(b, "teardown_latency", &x->teardown_latency);
	add_hist(b, "free_latency", &x->free_latency);
	add_ratio(b, "teardown_share", x->teardown_drained, x->drained);
	ds_json_add_u64(b, "stranded_values", x->stranded_values);
	add_ratio(b, "stranded_share", x->stranded_values, x->drained);
	ds_json_add_u64(b, "fallbacks_lock", x->fallbacks_lock);
	ds_json_add_u64(b, "class_lock_acquisitions", x->class_lock_acquisitions);
	ds_json_add_u64(b, "sizes_from_trace", x->sizes_from_trace);
	json_builder_end_object(b);
}

static void add_ranked(JsonBuilder *b, const char *k, const GArray *a)
{
	json_builder_set_member_name(b, k);
	json_builder_begin_array(b);
	for (guint i = 0; a && i < a->len; i++)
		ds_json_add_task_row(b, &g_array_index(a, struct ds_task_ranked, i).t);
	json_builder_end_array(b);
}

/*
 * What the reports need of the per-task rows, bounded whatever the task count: how many,
 * the largest by releases and by sync time, the task with the most hot-path time.  The rows
 * themselves (metrics.tasks) are streamed by ds_json_write_rows() when asked for.
 */
static void add_task_summary(JsonBuilder *b, const struct ds_results *r)
{
	const struct ds_task_summary *s = &r->task_sum;

	json_builder_set_member_name(b, "tasks_summary");
	json_builder_begin_object(b);
	ds_json_add_u64(b, "count", s->count);
	ds_json_add_u64(b, "top", DS_TASK_TOP);
	add_ranked(b, "by_releases", s->by_releases);
	add_ranked(b, "by_sync", s->by_sync);
	json_builder_set_member_name(b, "worst_hot");
	if (s->count)
		ds_json_add_task_row(b, &s->worst_hot.t);
	else
		json_builder_add_null_value(b);
	json_builder_end_object(b);
}

/* How long after each task's end its last value was freed (0 under sync). */
static void add_exit_to_freed(JsonBuilder *b, const struct ds_results *r)
{
	add_hist(b, "exit_to_freed", &r->task_sum.exit_to_freed);
}

static void add_think(JsonBuilder *b, const struct ds_results *r)
{
	json_builder_set_member_name(b, "think");
	json_builder_begin_object(b);
	ds_json_add_dbl(b, "scale", r->think_scale);
	ds_json_add_bool(b, "scale_auto", r->params.think_scale == 0);
	ds_json_add_u64(b, "ref_ns", r->params.think_ref_ns);
	ds_json_add_u64(b, "probe_removed_ns", r->probe_removed_ns);
	ds_json_add_bool(b, "probe_from_provenance", r->probe_from_provenance);
	ds_json_add_u64(b, "measured_costs", r->think_measured);
	ds_json_add_u64(b, "assumed_costs", r->think_assumed);
	json_builder_end_object(b);
}

static void add_locks(JsonBuilder *b, const struct ds_results *r)
{
	json_builder_set_member_name(b, "locks");
	json_builder_begin_object(b);
	for (unsigned int k = 0; k < DS_LOCK__COUNT; k++) {
		const struct ds_lock_result *l = &r->locks[k];

		json_builder_set_member_name(b, ds_lock_kind_name(k));
		json_builder_begin_object(b);
		ds_json_add_u64(b, "acquisitions", l->acquisitions);
		ds_json_add_u64(b, "contended", l->contended);
		ds_json_add_u64(b, "handovers", l->handovers);
		ds_json_add_u64(b, "wait_ns", l->wait_ns);
		ds_json_add_u64(b, "max_wait_ns", l->max_wait_ns);
		ds_json_add_u64(b, "spin_cpu_ns", (uint64_t)llround(l->spin_cpu_ns));
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}

/* CPU time given out per virtual CPU, and the busiest one's share of the elapsed time. */
static void add_cpus(JsonBuilder *b, const struct ds_results *r)
{
	double elapsed = r->sim_end_ts > r->rec_start_ts ?
		(double)(r->sim_end_ts - r->rec_start_ts) : 0.0, top = 0;

	json_builder_set_member_name(b, "cpu_busy_ns");
	json_builder_begin_array(b);
	for (guint c = 0; r->cpu_busy_ns && c < r->cpu_busy_ns->len; c++) {
		double v = g_array_index(r->cpu_busy_ns, double, c);

		json_builder_add_int_value(b, (gint64)llround(v));
		top = MAX(top, v);
	}
	json_builder_end_array(b);
	ds_json_add_dbl(b, "cpu_busiest_share", elapsed > 0 ? top / elapsed : 0.0);
}

static void add_metrics(JsonBuilder *b, const struct ds_results *r)
{
	uint64_t fb = 0;

	for (int i = 0; i < DS_BE__COUNT; i++)
		fb += r->be[i].fallbacks;
	json_builder_set_member_name(b, "metrics");
	json_builder_begin_object(b);
	ds_json_add_u64(b, "releases", r->releases);
	ds_json_add_u64(b, "fallbacks", fb);
	add_ratio(b, "fallback_rate", fb, r->releases);
	ds_json_add_u64(b, "hot_ns", r->hot_ns);
	ds_json_add_u64(b, "sync_ns", r->sync_ns);
	json_builder_set_member_name(b, "hot_path_saved");
	if (r->sync_ns)
		json_builder_add_double_value(b, 1.0 - (double)r->hot_ns / (double)r->sync_ns);
	else
		json_builder_add_null_value(b);
	ds_json_add_u64(b, "ncpus", r->ncpus);
	ds_json_add_u64(b, "rec_start_ts", r->rec_start_ts);
	ds_json_add_u64(b, "rec_end_ts", r->rec_end_ts);
	ds_json_add_u64(b, "sim_end_ts", r->sim_end_ts);
	ds_json_add_u64(b, "events_in", r->events_in);
	ds_json_add_u64(b, "lost_markers", r->lost_markers);
	ds_json_add_u64(b, "lost_events", r->lost_events);
	ds_json_add_u64(b, "mechanism_bytes", r->mechanism_bytes);
	add_exit_to_freed(b, r);
	add_think(b, r);
	add_locks(b, r);
	add_cpus(b, r);
	for (int i = 0; i < DS_BE__COUNT; i++)
		add_backend(b, ds_backend_name(i), &r->be[i],
			    strcmp(r->policy, "sync") && strcmp(r->policy, "v2"));
	add_task_summary(b, r);
	json_builder_end_object(b);
}

static void add_trace(JsonBuilder *b, const struct ds_trace_info *info)
{
	uint64_t lost = 0;

	json_builder_set_member_name(b, "trace");
	if (!info) {
		json_builder_add_null_value(b);
		return;
	}
	for (unsigned int c = 0; c < info->ncpus; c++)
		lost += info->lost_per_cpu ? info->lost_per_cpu[c] : 0;
	json_builder_begin_object(b);
	ds_json_add_str(b, "path", info->path);
	ds_json_add_str(b, "sha256", info->sha256);
	ds_json_add_u64(b, "size", info->file_size);
	ds_json_add_str(b, "clock", info->clock);
	ds_json_add_bool(b, "synthetic", ds_trace_info_is_synthetic(info));
	ds_json_add_u64(b, "ncpus", info->ncpus);
	ds_json_add_u64(b, "start_ts", info->start_ts);
	ds_json_add_u64(b, "last_ts", info->last_ts);
	ds_json_add_u64(b, "releases", info->events_per_type[DS_EV_RELEASE]);
	ds_json_add_u64(b, "lost_events", lost);
	ds_trace_damage_add_json(b, info->damage);
	json_builder_end_object(b);
}

static void add_profile_key(const char *group, const char *key, const char *text,
			    enum ds_profile_value kind, void *data)
{
	JsonBuilder *b = data;

	(void)group;
	if (kind == DS_PV_INT)
		ds_json_add_u64(b, key, g_ascii_strtoull(text, NULL, 10));
	else if (kind == DS_PV_DOUBLE)
		ds_json_add_dbl(b, key, g_ascii_strtod(text, NULL));
	else
		ds_json_add_str(b, key, text);
}

/* Every key of the profile format, named as in the .ini (the profile owns the list). */
static void add_profile(JsonBuilder *b, const struct ds_profile *p)
{
	json_builder_set_member_name(b, "profile");
	json_builder_begin_object(b);
	ds_json_add_str(b, "path", p->path);
	ds_profile_foreach(p, add_profile_key, b);
	json_builder_end_object(b);
}

struct param_ctx {
	JsonBuilder *b;
	GPtrArray *inferred;
};

static void add_param(const char *name, const char *value, bool inferred, void *data)
{
	struct param_ctx *ctx = data;

	ds_json_add_str(ctx->b, name, value);
	if (inferred)
		g_ptr_array_add(ctx->inferred, (gpointer)name);
}

static void add_params(JsonBuilder *b, const struct ds_params *p)
{
	struct param_ctx ctx = { b, g_ptr_array_new() };

	json_builder_set_member_name(b, "params");
	json_builder_begin_object(b);
	ds_params_foreach(p, add_param, &ctx);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "inferred_params");
	json_builder_begin_array(b);
	for (guint i = 0; i < ctx.inferred->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(ctx.inferred, i));
	json_builder_end_array(b);
	g_ptr_array_free(ctx.inferred, TRUE);
}

static void add_invariants(JsonBuilder *b, const struct ds_invariants *inv)
{
	json_builder_set_member_name(b, "invariants");
	json_builder_begin_object(b);
	ds_json_add_bool(b, "checked", inv->checked);
	ds_json_add_u64(b, "freed_twice", inv->freed_twice);
	ds_json_add_u64(b, "never_freed", inv->never_freed);
	ds_json_add_u64(b, "pages_violations", inv->pages_violations);
	ds_json_add_u64(b, "cpu_violations", inv->cpu_violations);
	ds_json_add_u64(b, "time_violations", inv->time_violations);
	json_builder_end_object(b);
}

/* A number that may be undefined (no steady state, too few windows): null then. */
static void add_num(JsonBuilder *b, const char *k, double v, bool defined)
{
	json_builder_set_member_name(b, k);
	if (defined && isfinite(v))
		json_builder_add_double_value(b, v);
	else
		json_builder_add_null_value(b);
}

/* Queueing-theory estimates per backend (sim/analytic.c); both backends always present, with
 * nulls when a pool saw no swaps, so that CSV columns line up. */
static void add_analytic(JsonBuilder *b, const struct ds_results *r, const struct ds_profile *p)
{
	json_builder_set_member_name(b, "analytic");
	json_builder_begin_object(b);
	for (int be = 0; be < DS_BE__COUNT; be++) {
		struct ds_analytic x;
		bool v;

		ds_analytic_compute(r, p, (enum ds_backend)be, &x);
		v = x.valid;
		json_builder_set_member_name(b, ds_backend_name(be));
		json_builder_begin_object(b);
		ds_json_add_bool(b, "valid", v);
		ds_json_add_u64(b, "swap_attempts", x.arrivals);
		add_num(b, "attempts_per_s", x.lambda, v);
		add_num(b, "arrival_cv", x.cv, v && x.cv >= 0);
		add_num(b, "arrival_idc", x.idc, v && x.idc >= 0);
		add_num(b, "idc_window_ns", x.idc_window_ns, v && x.idc >= 0);
		add_num(b, "drain_ns", x.drain_ns, v);
		add_num(b, "wake_ns", x.wake_ns, v);
		add_num(b, "hold_ns", x.hold_ns, v);
		add_num(b, "offered_erlangs", x.offered, v);
		ds_json_add_u64(b, "servers", x.servers);
		add_num(b, "sim_block", x.sim_block, v);
		add_num(b, "erlang_b", x.erlang_b, v);
		ds_json_add_str(b, "erlang_b_verdict", v ? x.erlang_verdict : NULL);
		add_num(b, "md1k_block", x.md1k_block, v);
		ds_json_add_str(b, "md1k_verdict", v ? x.md1k_verdict : NULL);
		add_num(b, "utilisation", x.rho, v);
		add_num(b, "sim_wait_ns", x.sim_wait_ns, v);
		add_num(b, "md1_wait_ns", x.md1_wait_ns, v && x.md1_wait_ns >= 0);
		ds_json_add_str(b, "md1_verdict", v ? x.md1_verdict : NULL);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}

static void add_warnings(JsonBuilder *b, const struct ds_results *r,
			 const struct ds_trace_info *info)
{
	g_autoptr(GPtrArray) w = ds_report_warnings(r, info);

	json_builder_set_member_name(b, "warnings");
	json_builder_begin_array(b);
	for (guint i = 0; i < w->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(w, i));
	json_builder_end_array(b);
}

/* Every cost's origin and the run's sensitivity to it (report/provenance.c). */
static void add_provenance(JsonBuilder *b, const struct ds_results *r,
			   const struct ds_profile *p, const struct ds_trace_info *info)
{
	struct ds_provenance *pv = g_new(struct ds_provenance, 1);

	ds_provenance_compute(r, p, info ? info->path : NULL, pv);
	ds_report_add_provenance(b, pv);
	g_free(pv);
}

JsonNode *ds_report_to_json(const struct ds_results *r, const struct ds_profile *prof,
			    const struct ds_trace_info *info)
{
	JsonBuilder *b = json_builder_new();
	JsonNode *root;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "tool");
	json_builder_begin_object(b);
	ds_json_add_str(b, "name", "defersim");
	ds_json_add_str(b, "version", DS_VERSION);
	ds_json_add_u64(b, "schema_version", DS_JSON_SCHEMA_VERSION);
	json_builder_end_object(b);
	ds_json_add_str(b, "policy", r->policy);
	add_trace(b, info);
	add_profile(b, prof);
	add_params(b, &r->params);
	add_metrics(b, r);
	add_analytic(b, r, prof);
	add_invariants(b, &r->inv);
	add_warnings(b, r, info);
	add_provenance(b, r, prof, info);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	g_object_unref(b);
	return root;
}

gboolean ds_json_write(JsonNode *node, const char *path, GError **error)
{
	JsonGenerator *gen = json_generator_new();
	gsize len;
	gchar *text;
	GString *s;
	gboolean ok;

	json_generator_set_root(gen, node);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, &len);
	s = g_string_new_len(text, (gssize)len);
	g_free(text);
	g_string_append_c(s, '\n');
	ok = ds_write_atomic(path, s->str, s->len, error);
	g_string_free(s, TRUE);
	g_object_unref(gen);
	return ok;
}

static void flatten(JsonNode *node, const char *prefix, GPtrArray *keys, GPtrArray *values);

/* The object's string member "name", NULL when it has none. */
static const char *name_of(JsonNode *n)
{
	JsonNode *m = JSON_NODE_HOLDS_OBJECT(n) ?
		json_object_get_member(json_node_get_object(n), "name") : NULL;

	return m && JSON_NODE_HOLDS_VALUE(m) && json_node_get_value_type(m) == G_TYPE_STRING ?
		json_node_get_string(m) : NULL;
}

/*
 * An array of objects that each have a "name" (provenance.costs) is a table keyed by name:
 * its columns are PREFIX.NAME.MEMBER (but its free-text "note"); other arrays (per-task rows,
 * percentiles) are skipped.
 */
static void flatten_named(JsonArray *a, const char *prefix, GPtrArray *keys, GPtrArray *values)
{
	guint n = json_array_get_length(a);

	for (guint i = 0; i < n; i++)
		if (!name_of(json_array_get_element(a, i)))
			return;
	for (guint i = 0; i < n; i++) {
		JsonNode *e = json_array_get_element(a, i);
		JsonObject *o = json_node_get_object(e);
		GList *members = json_object_get_members(o);
		g_autofree char *k = g_strconcat(prefix ? prefix : "", prefix ? "." : "",
						 name_of(e), NULL);

		for (GList *l = members; l; l = l->next) {
			g_autofree char *kk = NULL;

			/* free text stays in JSON: CSV columns hold values */
			if (!strcmp(l->data, "name") || !strcmp(l->data, "note"))
				continue;
			kk = g_strconcat(k, ".", l->data, NULL);
			flatten(json_object_get_member(o, l->data), kk, keys, values);
		}
		g_list_free(members);
	}
}

static void flatten(JsonNode *node, const char *prefix, GPtrArray *keys, GPtrArray *values)
{
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *o = json_node_get_object(node);
		GList *members = json_object_get_members(o);

		for (GList *l = members; l; l = l->next) {
			char *k = prefix ? g_strconcat(prefix, ".", l->data, NULL) : g_strdup(l->data);

			flatten(json_object_get_member(o, l->data), k, keys, values);
			g_free(k);
		}
		g_list_free(members);
		return;
	}
	if (JSON_NODE_HOLDS_ARRAY(node)) {
		flatten_named(json_node_get_array(node), prefix, keys, values);
		return;
	}
	g_ptr_array_add(keys, g_strdup(prefix ? prefix : ""));
	if (JSON_NODE_HOLDS_NULL(node)) {
		g_ptr_array_add(values, g_strdup(""));
	} else {
		GType t = json_node_get_value_type(node);

		if (t == G_TYPE_INT64)
			g_ptr_array_add(values, g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node)));
		else if (t == G_TYPE_DOUBLE)
			g_ptr_array_add(values, g_strdup_printf("%.17g", json_node_get_double(node)));
		else if (t == G_TYPE_BOOLEAN)
			g_ptr_array_add(values, g_strdup(json_node_get_boolean(node) ? "true" : "false"));
		else
			g_ptr_array_add(values, g_strdup(json_node_get_string(node)));
	}
}

void ds_json_flatten(JsonNode *node, GPtrArray *keys, GPtrArray *values)
{
	flatten(node, NULL, keys, values);
}

JsonNode *ds_json_with_first_member(JsonNode *obj, const char *name, JsonNode *value)
{
	JsonObject *src = json_node_get_object(obj);
	JsonObject *dst = json_object_new();
	GList *members = json_object_get_members(src);
	JsonNode *node = json_node_new(JSON_NODE_OBJECT);

	json_object_set_member(dst, name, value);
	for (GList *l = members; l; l = l->next)
		if (strcmp(l->data, name))
			json_object_set_member(dst, l->data,
					       json_node_copy(json_object_get_member(src, l->data)));
	g_list_free(members);
	json_node_take_object(node, dst);
	return node;
}
