// SPDX-License-Identifier: MIT
/*
 * size_json.c - `defersim size --json`: the answer under the profile as given (as before the
 * range existed, so readers of "answer" keep working), the range per trace, the per-trace
 * table, the recommendation and its margin (docs/json.md, "defersim size").
 */
#include "size.h"

static void set_need(JsonObject *o, const char *name, int64_t need)
{
	if (need == SIZE_UNMET)
		json_object_set_null_member(o, name);
	else
		json_object_set_int_member(o, name, need);
}

static JsonNode *evals_json(const struct size_case *c)
{
	g_autoptr(GArray) v = ds_size_search_visited(c->search);
	JsonArray *a = json_array_new();
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);

	for (guint i = 0; i < v->len; i++) {
		const struct ds_size_eval *e = &g_array_index(v, struct ds_size_eval, i);
		JsonObject *o = json_object_new();

		json_object_set_int_member(o, "pool_pages", e->pool_pages);
		json_object_set_int_member(o, "releases", (gint64)e->releases);
		json_object_set_int_member(o, "fallbacks", (gint64)e->fallbacks);
		json_object_set_double_member(o, "fallback_rate", e->fallback_rate);
		json_object_set_int_member(o, "swap_failures", (gint64)e->swap_failures);
		json_object_set_int_member(o, "deferred", (gint64)e->deferred);
		if (e->deferred)	/* null: nothing deferred, no latency (docs/json.md) */
			json_object_set_int_member(o, "p99_ns", (gint64)e->p99_ns);
		else
			json_object_set_null_member(o, "p99_ns");
		json_object_set_boolean_member(o, "meets", e->meets);
		json_array_add_object_element(a, o);
	}
	json_node_take_array(n, a);
	return n;
}

static JsonNode *run_json(const struct size_case *c, int64_t pages)
{
	JsonNode *n = pages >= 0 && c->runs ? g_hash_table_lookup(c->runs, &pages) : NULL;

	return n ? json_node_copy(n) : json_node_new(JSON_NODE_NULL);
}

static gboolean monotone(const struct size_case *c)
{
	g_autoptr(GArray) v = ds_size_search_violations(c->search);

	return v->len == 0;
}

static JsonObject *costs_json(const struct size_trace *t)
{
	JsonArray *costs = json_array_new();
	JsonObject *range = json_object_new(), *worst = json_object_new();
	int64_t low, high;

	for (guint k = 0; k + 1 < t->costs->len; k += 2) {
		const struct size_case *lo = g_ptr_array_index(t->costs, k);
		const struct size_case *hi = g_ptr_array_index(t->costs, k + 1);
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "cost", lo->key);
		json_object_set_string_member(o, "origin", ds_origin_name(
			ds_profile_origin(t->base->prof, lo->key)));
		json_object_set_int_member(o, "value_ns",
					   (gint64)*ds_profile_cost(t->base->prof, lo->key));
		set_need(o, "x0.5", size_case_need(lo));
		set_need(o, "x2", size_case_need(hi));
		json_object_set_boolean_member(o, "monotone", monotone(lo) && monotone(hi));
		json_array_add_object_element(costs, o);
		if (t->worst && ds_profile_scale_of(t->worst->prof, lo->key) != 1.0)
			json_object_set_double_member(worst, lo->key,
						      ds_profile_scale_of(t->worst->prof, lo->key));
	}
	json_object_set_array_member(range, "costs", costs);
	if (t->worst) {
		JsonObject *w = json_object_new();

		json_object_set_object_member(w, "factors", worst);
		set_need(w, "pool_pages", size_case_need(t->worst));
		json_object_set_object_member(range, "worst", w);
	} else {
		json_object_unref(worst);
		json_object_set_null_member(range, "worst");
	}
	size_trace_range(t, &low, &high);
	set_need(range, "low", low);
	set_need(range, "high", high);
	return range;
}

static JsonNode *traces_json(GPtrArray *traces, const struct size_answer *a)
{
	JsonArray *arr = json_array_new();
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);

	for (guint i = 0; i < traces->len; i++) {
		const struct size_trace *t = g_ptr_array_index(traces, i);
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "path", t->path);
		json_object_set_string_member(o, "sha256", t->sha256);
		set_need(o, "as_given", size_case_need(t->base));
		json_object_set_boolean_member(o, "unmet_by_pool",
					       ds_size_search_unmet_by_pool(t->base->search));
		json_object_set_boolean_member(o, "monotone", monotone(t->base));
		json_object_set_boolean_member(o, "sets_need", a->sets->trace == t);
		if (a->range)
			json_object_set_object_member(o, "range", costs_json(t));
		else
			json_object_set_null_member(o, "range");
		json_array_add_object_element(arr, o);
	}
	json_node_take_array(n, arr);
	return n;
}

static JsonObject *recommendation_json(const struct size_answer *a)
{
	JsonObject *o = json_object_new();
	g_autofree char *label = size_case_label(a->sets);

	set_need(o, "pool_pages", a->all_met ? a->need : SIZE_UNMET);
	if (a->all_met)
		json_object_set_int_member(o, "pool_bytes", a->need * a->page_size);
	else
		json_object_set_null_member(o, "pool_bytes");
	json_object_set_string_member(o, "set_by_trace", a->sets->trace->path);
	json_object_set_string_member(o, "set_by", label);
	set_need(o, "as_given", a->base_need);
	if (a->all_met && a->range)
		json_object_set_int_member(o, "margin_pages", a->need - a->base_need);
	else
		json_object_set_null_member(o, "margin_pages");
	json_object_set_string_member(o, "margin", !a->range ? "none (--no-range)" :
		"top of the range: every guessed cost the policy reads at x0.5 and x2, alone and "
		"in the worst combination");
	return o;
}

static JsonObject *answer_json(const struct size_case *c, unsigned int ps)
{
	JsonObject *a = json_object_new();
	unsigned int pools = (c->be_releases[DS_BE_ZRAM] > 0) + (c->be_releases[DS_BE_ZSWAP] > 0);

	json_object_set_int_member(a, "pool_pages", c->answer);
	json_object_set_int_member(a, "page_size", ps);
	json_object_set_int_member(a, "pool_bytes", c->answer * ps);
	json_object_set_int_member(a, "pools", MAX(pools, 1));
	json_object_set_int_member(a, "percpu_pages_per_pool",
				   c->params.percpu_pages_from_pool ? 0 : c->ncpus);
	return a;
}

gboolean size_write_json(const char *path, GPtrArray *traces, const struct size_answer *a,
			 const struct ds_size_targets *t, int64_t max_pages, GError **error)
{
	const struct size_case *c = a->base_sets;
	JsonObject *o = json_object_new(), *tool = json_object_new(), *tg = json_object_new();
	JsonNode *root = json_node_new(JSON_NODE_OBJECT);
	gboolean ok;

	json_object_set_string_member(tool, "name", "defersim size");
	json_object_set_string_member(tool, "version", DS_VERSION);
	json_object_set_int_member(tool, "schema_version", DS_JSON_SCHEMA_VERSION);
	json_object_set_object_member(o, "tool", tool);
	json_object_set_member(o, "trace", c->trace_json ? json_node_copy(c->trace_json) :
			       json_node_new(JSON_NODE_NULL));
	json_object_set_string_member(o, "profile", c->prof->name);
	json_object_set_string_member(o, "policy", c->params.policy);
	json_object_set_int_member(o, "ncpus", c->ncpus);
	json_object_set_double_member(tg, "fallback_rate", t->fallback_rate);
	if (t->has_p99)
		json_object_set_int_member(tg, "p99_ns", (gint64)t->p99_ns);
	else
		json_object_set_null_member(tg, "p99_ns");
	json_object_set_object_member(o, "targets", tg);
	json_object_set_int_member(o, "max_pages", max_pages);
	if (c->answer >= 0)
		json_object_set_object_member(o, "answer", answer_json(c, a->page_size));
	else
		json_object_set_null_member(o, "answer");
	json_object_set_boolean_member(o, "met", a->all_met);
	json_object_set_boolean_member(o, "unmet_by_pool", ds_size_search_unmet_by_pool(c->search));
	json_object_set_object_member(o, "recommendation", recommendation_json(a));
	json_object_set_member(o, "traces", traces_json(traces, a));
	json_object_set_boolean_member(o, "monotone", monotone(c));
	json_object_set_member(o, "evaluations", evals_json(c));
	json_object_set_member(o, "at_answer", run_json(c, c->answer));
	json_object_set_member(o, "below_answer", run_json(c, c->answer > 0 ? c->answer - 1 : -1));
	json_node_take_object(root, o);
	ok = ds_json_write(root, path, error);
	json_node_unref(root);
	return ok;
}
