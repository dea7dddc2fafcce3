// SPDX-License-Identifier: MIT
/*
 * html_results.c - the results: one row per run with the figures a reviewer asks for first
 * (fallbacks, drain latency, memory pending, hot-path time saved), what each kind of document
 * adds (a comparison's summary, a sizing's answer and every size it tried), and every scalar
 * the runs' JSON holds, each with where it comes from.
 *
 * The per-run columns are one table (struct metric_col), so that a run, a comparison, a
 * sizing and a sweep show the same figure under the same heading.  Tables of arrays of flat
 * objects (compare's summary, size's evaluations) take their columns from the objects, so a
 * member added later shows without a change here.
 */
#include <string.h>

#include "ds_report.h"
#include "html_priv.h"

/* Runs side by side in the every-metric table; more are left to the JSON. */
#define MAX_METRIC_RUNS 8

static char *replace_be(const char *text, const char *be)
{
	g_auto(GStrv) parts = g_strsplit(text, "BE", -1);

	return g_strjoinv(be, parts);
}

/*
 * One column of the per-run results table; "BE" in @path is each backend that released.
 * @count: where given, the figure applies only when this count is not 0 (a latency of
 * nothing drained is "n/a", not 0 ns)
 */
struct metric_col {
	const char *label;
	const char *path;
	enum dsh_fmt fmt;
	const char *count;
};

#define DRAIN_COUNT "metrics.BE.drain_latency.count"

static const struct metric_col metric_cols[] = {
	{ "releases", "metrics.releases", DSH_PLAIN, NULL },
	{ "fallbacks", "metrics.fallbacks", DSH_PLAIN, NULL },
	{ "fallback rate", "metrics.fallback_rate", DSH_PERCENT, NULL },
	{ "BE drain p50", "metrics.BE.drain_latency.p50_ns", DSH_NS, DRAIN_COUNT },
	{ "BE drain p99", "metrics.BE.drain_latency.p99_ns", DSH_NS, DRAIN_COUNT },
	{ "BE drain max", "metrics.BE.drain_latency.max_ns", DSH_NS, DRAIN_COUNT },
	{ "BE left for teardown", "metrics.BE.teardown_drained", DSH_PLAIN, NULL },
	{ "BE peak pending", "metrics.BE.peak_pending_bytes", DSH_BYTES, NULL },
	{ "BE pool free min", "metrics.BE.pool_free_min", DSH_PLAIN, NULL },
	{ "hot path (policy)", "metrics.hot_ns", DSH_NS, NULL },
	{ "hot path (sync)", "metrics.sync_ns", DSH_NS, NULL },
	{ "hot path saved", "metrics.hot_path_saved", DSH_PERCENT, NULL },
};

static gboolean counted_zero(JsonNode *run, const struct metric_col *c, const char *be)
{
	g_autofree char *path = NULL;
	JsonNode *n;

	if (!c->count)
		return FALSE;
	path = replace_be(c->count, be);
	n = dsh_get(run, path);
	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_int(n) == 0;
}

static const char *const backends[] = { "zram", "zswap" };

/* The backends any run released values to (a zswap trace has no zram releases). */
static guint used_backends(const struct ds_html_doc *d, const char **out)
{
	guint n = 0;

	for (guint b = 0; b < G_N_ELEMENTS(backends); b++) {
		g_autofree char *path = g_strdup_printf("metrics.%s.releases", backends[b]);

		for (guint i = 0; i < d->runs->len; i++) {
			JsonNode *v = dsh_get(g_ptr_array_index(d->runs, i), path);

			if (v && JSON_NODE_HOLDS_VALUE(v) && json_node_get_int(v) > 0) {
				out[n++] = backends[b];
				break;
			}
		}
	}
	return n;
}

/* Whether swept value @name differs between the runs (a constant is in the parameters). */
static gboolean varies(const struct ds_html_doc *d, const char *name)
{
	g_autofree char *path = g_strconcat("point.values.", name, NULL);
	JsonNode *first = dsh_get(g_ptr_array_index(d->runs, 0), path);

	for (guint i = 1; i < d->runs->len; i++) {
		JsonNode *v = dsh_get(g_ptr_array_index(d->runs, i), path);

		if (!first != !v || (v && !json_node_equal(first, v)))
			return TRUE;
	}
	return FALSE;
}

/* The varying swept names of a sweep (point.values of the first record), in order. */
static GPtrArray *swept_names(const struct ds_html_doc *d)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	JsonNode *v = d->runs->len ? dsh_get(g_ptr_array_index(d->runs, 0), "point.values") : NULL;
	GList *members;

	if (!v || !JSON_NODE_HOLDS_OBJECT(v))
		return names;
	members = json_object_get_members(json_node_get_object(v));
	for (GList *l = members; l; l = l->next)
		if (d->runs->len == 1 || varies(d, l->data))
			g_ptr_array_add(names, g_strdup(l->data));
	g_list_free(members);
	return names;
}

static void results_head(GString *s, GPtrArray *cols)
{
	g_ptr_array_add(cols, NULL);
	dsh_table_open(s, "results", "Results per run: simulated by defersim (the policy's "
		       "algorithm replaying the trace under the profile's costs and the parameters "
		       "below); the costs' origins are under Provenance", (const char *const *)cols->pdata);
	g_ptr_array_remove_index(cols, cols->len - 1);
}

static void results_row(GString *s, JsonNode *run, guint i, GPtrArray *swept, const char **be,
			guint n_be)
{
	static const char *const fixed[] = { "policy", "params.cpus", "params.pool_pages" };
	g_autofree char *label = dsh_run_label(run, i);

	dsh_row_open(s);
	dsh_cell(s, label);
	for (guint k = 0; k < swept->len; k++) {
		g_autofree char *p = g_strconcat("point.values.", (char *)swept->pdata[k], NULL);
		g_autofree char *v = dsh_value(dsh_get(run, p), DSH_PLAIN);

		dsh_cell(s, v);
	}
	for (guint k = 0; !swept->len && k < G_N_ELEMENTS(fixed); k++) {
		g_autofree char *v = dsh_value(dsh_get(run, fixed[k]), DSH_PLAIN);

		dsh_cell(s, v);
	}
	for (guint c = 0; c < G_N_ELEMENTS(metric_cols); c++) {
		for (guint b = 0; b < (strstr(metric_cols[c].path, "BE") ? n_be : 1); b++) {
			g_autofree char *path = replace_be(metric_cols[c].path, be[b]);
			g_autofree char *v = counted_zero(run, &metric_cols[c], be[b]) ?
				g_strdup("n/a") : dsh_value(dsh_get(run, path), metric_cols[c].fmt);

			dsh_cell_num(s, v);
		}
	}
	dsh_row_close(s);
}

static void results_table(GString *s, const struct ds_html_doc *d)
{
	g_autoptr(GPtrArray) swept = swept_names(d);
	g_autoptr(GPtrArray) cols = g_ptr_array_new_with_free_func(g_free);
	const char *be[G_N_ELEMENTS(backends)] = { "zram" };
	guint n_be = used_backends(d, be), shown = MIN(d->runs->len, d->max_rows);

	n_be = MAX(n_be, 1);
	g_ptr_array_add(cols, g_strdup("run"));
	for (guint k = 0; k < swept->len; k++)
		g_ptr_array_add(cols, g_strdup(swept->pdata[k]));
	if (!swept->len) {
		g_ptr_array_add(cols, g_strdup("policy"));
		g_ptr_array_add(cols, g_strdup("cpus"));
		g_ptr_array_add(cols, g_strdup("pool_pages"));
	}
	for (guint c = 0; c < G_N_ELEMENTS(metric_cols); c++)
		for (guint b = 0; b < (strstr(metric_cols[c].path, "BE") ? n_be : 1); b++)
			g_ptr_array_add(cols, replace_be(metric_cols[c].label, be[b]));
	results_head(s, cols);
	for (guint i = 0; i < shown; i++)
		results_row(s, g_ptr_array_index(d->runs, i), i, swept, be, n_be);
	dsh_table_close(s);
	if (shown < d->runs->len)
		g_string_append_printf(s, "<p class=\"alert info\" id=\"rows-cut\">%u of %u runs "
				       "shown (--max-rows); the sweep's results.csv has every one."
				       "</p>\n", shown, d->runs->len);
}

/* --- tables of arrays of flat objects ---------------------------------------------------- */

static GPtrArray *object_keys(JsonArray *a)
{
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonNode *e = json_array_get_element(a, i);
		GList *members;

		if (!JSON_NODE_HOLDS_OBJECT(e))
			continue;
		members = json_object_get_members(json_node_get_object(e));
		for (GList *l = members; l; l = l->next)
			if (!g_ptr_array_find_with_equal_func(keys, l->data, g_str_equal, NULL))
				g_ptr_array_add(keys, g_strdup(l->data));
		g_list_free(members);
	}
	return keys;
}

static enum dsh_fmt key_fmt(const char *key)
{
	if (g_str_has_suffix(key, "_ns"))
		return DSH_NS;
	if (g_str_has_suffix(key, "_bytes"))
		return DSH_BYTES;
	if (g_str_has_suffix(key, "_rate"))
		return DSH_PERCENT;
	return DSH_PLAIN;
}

/* An array whose first element is an object (a table of rows). */
static gboolean holds_objects(JsonNode *n)
{
	JsonArray *a = n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;

	return a && json_array_get_length(a) &&
		JSON_NODE_HOLDS_OBJECT(json_array_get_element(a, 0));
}

static void array_table(GString *s, JsonNode *arr, const char *id, const char *caption)
{
	JsonArray *a = arr && JSON_NODE_HOLDS_ARRAY(arr) ? json_node_get_array(arr) : NULL;
	g_autoptr(GPtrArray) keys = NULL;

	if (!a)
		return;
	keys = object_keys(a);
	g_ptr_array_add(keys, NULL);
	dsh_table_open(s, id, caption, (const char *const *)keys->pdata);
	g_ptr_array_remove_index(keys, keys->len - 1);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonNode *e = json_array_get_element(a, i);

		dsh_row_open(s);
		for (guint k = 0; k < keys->len; k++) {
			g_autofree char *v = dsh_value(dsh_get(e, keys->pdata[k]),
						       key_fmt(keys->pdata[k]));

			dsh_cell_num(s, v);
		}
		dsh_row_close(s);
	}
	dsh_table_close(s);
}

/* The scalar members of @obj (and of its objects, keys joined with '.') as key/value rows. */
static void scalar_rows(GString *s, JsonNode *obj, const char *prefix)
{
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);

	ds_json_flatten(obj, keys, values);
	for (guint i = 0; i < keys->len; i++) {
		g_autofree char *v = dsh_value(dsh_get(obj, keys->pdata[i]), key_fmt(keys->pdata[i]));
		g_autofree char *k = g_strconcat(prefix, (char *)keys->pdata[i], NULL);

		dsh_row_open(s);
		dsh_cell(s, k);
		dsh_cell_num(s, v);
		dsh_row_close(s);
	}
}

/* Members of a sizing that are not its answer's scalars: runs, arrays, what is shown elsewhere. */
static const char *const size_skip[] = { "at_answer", "below_answer", "trace", "tool", NULL };

/* A copy of the sizing without @size_skip, whose scalar leaves are the answer table. */
static JsonNode *size_scalars(JsonNode *root)
{
	JsonObject *src = json_node_get_object(root), *dst = json_object_new();
	GList *members = json_object_get_members(src);
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);

	for (GList *l = members; l; l = l->next)
		if (!g_strv_contains(size_skip, l->data))
			json_object_set_member(dst, l->data,
					       json_node_copy(json_object_get_member(src, l->data)));
	g_list_free(members);
	json_node_take_object(n, dst);
	return n;
}

/*
 * The answer and its question as key/value rows, then each array of objects (evaluations,
 * and any other a later `size` writes) as its own table: what the sizing holds is shown
 * without this file knowing every member.
 */
static void size_answer(GString *s, const struct ds_html_doc *d)
{
	static const char *const cols[] = { "key", "value", NULL };
	JsonNode *answer = dsh_get(d->root, "answer"), *scalars = size_scalars(d->root);
	GList *members = json_object_get_members(json_node_get_object(d->root));

	if (!answer || JSON_NODE_HOLDS_NULL(answer))
		g_string_append(s, "<p class=\"alert\" id=\"no-answer\">No pool size up to max_pages "
				"met the targets.</p>\n");
	dsh_table_open(s, "answer", "The sizing's question and answer (defersim size): the "
		       "smallest pool_pages whose simulated run met the targets", cols);
	scalar_rows(s, scalars, "");
	dsh_table_close(s);
	json_node_unref(scalars);
	for (GList *l = members; l; l = l->next) {
		const char *name = l->data;
		g_autofree char *id = g_strcmp0(name, "evaluations") ?
			g_strdup_printf("size-%s", name) : g_strdup(name);
		g_autofree char *cap = g_strdup_printf("%s: %s", name, !g_strcmp0(name,
			"evaluations") ? "every pool size the search simulated (exponential search, "
			"then bisection), in the order tried" : "as the sizing's JSON holds it");

		if (holds_objects(dsh_get(d->root, name)))
			array_table(s, dsh_get(d->root, name), id, cap);
	}
	g_list_free(members);
}

void dsh_results(GString *s, const struct ds_html_doc *d)
{
	dsh_section_open(s, "results-section", "Results");
	if (d->kind == DS_HTML_SIZE)
		size_answer(s, d);
	if (d->kind == DS_HTML_COMPARE)
		array_table(s, dsh_get(d->root, "summary"), "compare-summary", "The comparison "
			    "(defersim compare): one row per policy, on the same trace, profile and "
			    "parameters (hot_ns: exit hot-path time under the policy, sync_ns: the same "
			    "releases under sync)");
	if (d->runs->len)
		results_table(s, d);
	dsh_section_close(s);
}

/* --- every number ------------------------------------------------------------------------ */

static const char *section_origin(const char *section)
{
	if (!strcmp(section, "metrics"))
		return "simulated";
	if (!strcmp(section, "analytic"))
		return "analytic estimate (queueing formula on the simulated arrivals)";
	return "checked by the simulator (counts of broken rules)";
}

static void metric_rows(GString *s, const struct ds_html_doc *d, const char *section, guint n)
{
	JsonNode *first = dsh_get(g_ptr_array_index(d->runs, 0), section);
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);

	if (!first || !JSON_NODE_HOLDS_OBJECT(first))
		return;
	ds_json_flatten(first, keys, values);
	for (guint k = 0; k < keys->len; k++) {
		g_autofree char *path = g_strconcat(section, ".", (char *)keys->pdata[k], NULL);

		dsh_row_open(s);
		dsh_cell(s, path);
		dsh_cell(s, section_origin(section));
		for (guint i = 0; i < n; i++) {
			JsonNode *v = dsh_get(g_ptr_array_index(d->runs, i), path);
			g_autofree char *t = dsh_value(v, key_fmt(keys->pdata[k]));

			dsh_cell_num(s, t);
		}
		dsh_row_close(s);
	}
}

void dsh_all_metrics(GString *s, const struct ds_html_doc *d)
{
	static const char *const sections[] = { "metrics", "analytic", "invariants" };
	g_autoptr(GPtrArray) cols = g_ptr_array_new_with_free_func(g_free);
	guint n = MIN(d->runs->len, MAX_METRIC_RUNS);

	if (!n)
		return;
	dsh_section_open(s, "all-metrics", "Every number of the run");
	g_ptr_array_add(cols, g_strdup("JSON key"));
	g_ptr_array_add(cols, g_strdup("where it comes from"));
	for (guint i = 0; i < n; i++)
		g_ptr_array_add(cols, dsh_run_label(g_ptr_array_index(d->runs, i), i));
	g_ptr_array_add(cols, NULL);
	dsh_table_open(s, "metrics", "Every scalar of the run's metrics, analytic estimates and "
		       "invariant checks, as its JSON holds it (durations and sizes shown in "
		       "units; docs/json.md)", (const char *const *)cols->pdata);
	for (guint i = 0; i < G_N_ELEMENTS(sections); i++)
		metric_rows(s, d, sections[i], n);
	dsh_table_close(s);
	if (n < d->runs->len)
		g_string_append_printf(s, "<p class=\"meta\">%u of %u runs shown.</p>\n", n,
				       d->runs->len);
	dsh_section_close(s);
}
