// SPDX-License-Identifier: MIT
/*
 * html_prov.c - where the numbers come from: the "provenance" object of a run's JSON
 * (algorithm spec §4.4; docs/json.md) as a table, and the warnings that belong at the top of
 * the page (emulated time, no provenance, a damaged or synthetic trace, broken invariants).
 *
 * provenance = { trace_time: real|emulated|unknown, trace_time_source, costs: [{name, value,
 * origin, note}], most_sensitive: [name...] }.  A run's own object wins over the document's
 * (a compare or size document may carry one for all its runs).  The runs of a sweep may
 * differ (profiles, traces, scale factors): each distinct object is shown once, with the runs
 * it belongs to (struct prov_group).  A JSON written before provenance existed has none: the
 * page says so instead of implying anything.
 */
#include <string.h>

#include "ds_report.h"
#include "html_priv.h"

/* Sweeps can have many distinct cost sets (scale factors): show this many, count the rest. */
#define MAX_GROUPS 16
/* Runs named per group: the rest are counted. */
#define MAX_LABELS 12

/* one distinct provenance object and the runs it belongs to */
struct prov_group {
	JsonNode *prov;		/* borrowed from a run or the root */
	GPtrArray *labels;	/* char *: the first MAX_LABELS runs' labels */
	guint n_runs;
};

JsonNode *dsh_provenance_of(const struct ds_html_doc *d, JsonNode *run)
{
	JsonNode *p = run ? dsh_get(run, "provenance") : NULL;

	if (!p || !JSON_NODE_HOLDS_OBJECT(p))
		p = d->root ? dsh_get(d->root, "provenance") : NULL;
	return p && JSON_NODE_HOLDS_OBJECT(p) ? p : NULL;
}

static void group_add(GArray *groups, JsonNode *prov, char *label, guint *more)
{
	struct prov_group *g = NULL;

	for (guint i = 0; i < groups->len && !g; i++)
		if (json_node_equal(g_array_index(groups, struct prov_group, i).prov, prov))
			g = &g_array_index(groups, struct prov_group, i);
	if (!g && groups->len >= MAX_GROUPS) {
		(*more)++;
		g_free(label);
		return;
	}
	if (!g) {
		struct prov_group n = { prov, g_ptr_array_new_with_free_func(g_free), 0 };

		g_array_append_val(groups, n);
		g = &g_array_index(groups, struct prov_group, groups->len - 1);
	}
	g->n_runs++;
	if (g->labels->len < MAX_LABELS)
		g_ptr_array_add(g->labels, label);
	else
		g_free(label);
}

static void group_clear(gpointer p)
{
	g_ptr_array_free(((struct prov_group *)p)->labels, TRUE);
}

/* The distinct provenance objects; @missing counts runs without one. */
static GArray *collect_groups(const struct ds_html_doc *d, guint *missing, guint *more)
{
	GArray *groups = g_array_new(FALSE, TRUE, sizeof(struct prov_group));
	JsonNode *root_prov = d->root ? dsh_provenance_of(d, NULL) : NULL;

	g_array_set_clear_func(groups, group_clear);
	*missing = *more = 0;
	for (guint i = 0; i < d->runs->len; i++) {
		JsonNode *run = g_ptr_array_index(d->runs, i);
		JsonNode *p = dsh_provenance_of(d, run);

		if (p)
			group_add(groups, p, dsh_run_label(run, i), more);
		else
			(*missing)++;
	}
	if (!d->runs->len && root_prov)
		group_add(groups, root_prov, g_strdup("this document"), more);
	return groups;
}

static const char *const known_origins[] = {
	"measured", "measured-emulated", "derived", "guessed", "fitted", "scaled", "assumed",
	"default", NULL
};

static void origin_badge(GString *s, const char *origin)
{
	gboolean known = origin && g_strv_contains(known_origins, origin);

	g_string_append_printf(s, "<span class=\"badge%s%s\">", known ? " o-" : "",
			       known ? origin : "");
	dsh_esc(s, origin ? origin : "not stated");
	g_string_append(s, "</span>");
}

static gboolean str_in_array(JsonNode *arr, const char *s)
{
	JsonArray *a = arr && JSON_NODE_HOLDS_ARRAY(arr) ? json_node_get_array(arr) : NULL;

	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonNode *e = json_array_get_element(a, i);

		if (JSON_NODE_HOLDS_VALUE(e) && json_node_get_value_type(e) == G_TYPE_STRING &&
		    !g_strcmp0(json_node_get_string(e), s))
			return TRUE;
	}
	return FALSE;
}

static void cost_row(GString *s, JsonNode *cost, JsonNode *sensitive)
{
	const char *name = dsh_str(cost, "name"), *origin = dsh_str(cost, "origin");
	g_autofree char *value = dsh_value(dsh_get(cost, "value"), DSH_PLAIN);
	gboolean hot = name && str_in_array(sensitive, name);
	GString *b = g_string_new(NULL);

	g_string_append_printf(s, "<tr%s>", hot ? " class=\"sensitive\"" : "");
	dsh_cell(s, name ? name : "(unnamed)");
	dsh_cell_num(s, value);
	origin_badge(b, origin);
	dsh_cell_raw(s, b->str);
	dsh_cell(s, hot ? "yes" : "");
	dsh_cell(s, dsh_str(cost, "note") ? dsh_str(cost, "note") : "");
	dsh_row_close(s);
	g_string_free(b, TRUE);
}

static const char *trace_time_text(const char *tt)
{
	if (!g_strcmp0(tt, "real"))
		return "real time: durations measured in this trace are hardware times";
	if (!g_strcmp0(tt, "emulated"))
		return "EMULATED time (software emulation, TCG): durations measured in this trace "
		       "are not hardware times";
	return "unknown: nothing says whether this trace's times are real or emulated";
}

static void list_names(GString *s, JsonNode *arr)
{
	JsonArray *a = arr && JSON_NODE_HOLDS_ARRAY(arr) ? json_node_get_array(arr) : NULL;
	guint n = a ? json_array_get_length(a) : 0;

	for (guint i = 0; i < n; i++) {
		g_autofree char *t = dsh_value(json_array_get_element(a, i), DSH_PLAIN);

		if (i)
			g_string_append(s, ", ");
		g_string_append(s, "<code>");
		dsh_esc(s, t);
		g_string_append(s, "</code>");
	}
	if (!n)
		g_string_append(s, "none named");
}

static void group_html(GString *s, const struct prov_group *g, guint k, gboolean several)
{
	JsonNode *costs = dsh_get(g->prov, "costs"), *sens = dsh_get(g->prov, "most_sensitive");
	JsonArray *a = costs && JSON_NODE_HOLDS_ARRAY(costs) ? json_node_get_array(costs) : NULL;
	const char *tt = dsh_str(g->prov, "trace_time"), *src = dsh_str(g->prov,
									 "trace_time_source");
	static const char *const cols[] = { "cost", "value", "origin", "most sensitive", "note",
					    NULL };
	g_autofree char *id = k ? g_strdup_printf("provenance-%u", k + 1) : g_strdup("provenance");
	g_autofree char *cap = NULL;

	if (several) {
		g_string_append_printf(s, "<h3>Cost set %u: %u run%s</h3>\n<p class=\"meta\">", k + 1,
				       g->n_runs, g->n_runs == 1 ? "" : "s");
		for (guint i = 0; i < g->labels->len; i++)
			dsh_printf(s, "%s%s", i ? ", " : "", (char *)g_ptr_array_index(g->labels, i));
		if (g->n_runs > g->labels->len)
			g_string_append_printf(s, " and %u more", g->n_runs - g->labels->len);
		g_string_append(s, "</p>\n");
	}
	g_string_append_printf(s, "<p class=\"%s\">Trace time: <b>", !g_strcmp0(tt, "real") ?
			       "meta" : !g_strcmp0(tt, "emulated") ? "alert" : "alert warn");
	dsh_esc(s, trace_time_text(tt));
	g_string_append(s, "</b>");
	if (src) {
		g_string_append(s, " (source: ");
		dsh_esc(s, src);
		g_string_append(s, ")");
	}
	g_string_append(s, ".</p>\n<p>The results are most sensitive to: ");
	list_names(s, sens);
	g_string_append(s, ".</p>\n");
	cap = g_strdup_printf("Where each cost comes from (%u costs)", a ? json_array_get_length(a) : 0);
	dsh_table_open(s, id, cap, cols);
	for (guint i = 0; a && i < json_array_get_length(a); i++)
		cost_row(s, json_array_get_element(a, i), sens);
	dsh_table_close(s);
}

static void absent_html(GString *s, const struct ds_html_doc *d, guint missing)
{
	JsonNode *run = d->runs->len ? g_ptr_array_index(d->runs, 0) : d->root;
	const char *prof = dsh_str(run, "profile.name");

	if (!prof)
		prof = dsh_str(d->root, "profile");
	g_string_append(s, "<p class=\"alert warn\" id=\"provenance-absent\"><b>This JSON carries "
			"no provenance (written by an older defersim)</b>");
	if (d->runs->len > 1 && missing < d->runs->len)
		g_string_append_printf(s, " for %u of its %u runs", missing, d->runs->len);
	g_string_append(s, ": it does not say which of its costs were measured, derived, "
			"fitted or guessed, nor whether the trace's time was real or emulated.  "
			"Profile: <b>");
	dsh_esc(s, prof ? prof : "not named");
	g_string_append(s, "</b>; its costs and the run's parameters are listed under "
			"<a href=\"#inputs\">Trace, profile and parameters</a> as the JSON gives "
			"them; profiles/README.md says where a shipped profile's numbers come "
			"from.</p>\n");
}

void dsh_provenance(GString *s, const struct ds_html_doc *d)
{
	guint missing, more;
	GArray *groups = collect_groups(d, &missing, &more);

	dsh_section_open(s, "provenance-section", "Provenance of the costs");
	if (missing || !groups->len)
		absent_html(s, d, missing);
	for (guint i = 0; i < groups->len; i++)
		group_html(s, &g_array_index(groups, struct prov_group, i), i, groups->len > 1);
	if (more)
		g_string_append_printf(s, "<p class=\"meta\">%u more runs have other cost sets, not "
				       "shown (read their JSON).</p>\n", more);
	dsh_section_close(s);
	g_array_free(groups, TRUE);
}

/* --- banners ------------------------------------------------------------------------------ */

static guint count_origin(JsonNode *prov, const char *origin)
{
	JsonNode *costs = dsh_get(prov, "costs");
	JsonArray *a = costs && JSON_NODE_HOLDS_ARRAY(costs) ? json_node_get_array(costs) : NULL;
	guint n = 0;

	for (guint i = 0; a && i < json_array_get_length(a); i++)
		n += !g_strcmp0(dsh_str(json_array_get_element(a, i), "origin"), origin);
	return n;
}

static void banner_emulated(GString *s, const struct prov_group *g)
{
	const char *src = dsh_str(g->prov, "trace_time_source");

	g_string_append_printf(s, "<div class=\"alert\" id=\"emulated-time\"><b>Emulated time.</b> "
			       "The trace was recorded under software emulation: its times are "
			       "emulated, several times slower than hardware, and the %u cost%s "
			       "measured from it (<span class=\"badge o-measured-emulated\">"
			       "measured-emulated</span>) are emulated-time costs.  Read the results "
			       "as this event sequence's behaviour under the algorithm, not as this "
			       "hardware's timings.", count_origin(g->prov, "measured-emulated"),
			       count_origin(g->prov, "measured-emulated") == 1 ? "" : "s");
	if (src) {
		g_string_append(s, " Source: ");
		dsh_esc(s, src);
		g_string_append(s, ".");
	}
	g_string_append(s, "</div>\n");
}

static void banner_sensitive(GString *s, const struct prov_group *g)
{
	JsonNode *sens = dsh_get(g->prov, "most_sensitive");

	if (!sens || !JSON_NODE_HOLDS_ARRAY(sens) || !json_array_get_length(json_node_get_array(sens)))
		return;
	g_string_append_printf(s, "<p class=\"alert info\" id=\"most-sensitive\">%u of the costs "
			       "were guessed or assumed; the results are most sensitive to ",
			       count_origin(g->prov, "guessed") + count_origin(g->prov, "assumed"));
	list_names(s, sens);
	g_string_append(s, " (see <a href=\"#provenance-section\">provenance</a>).</p>\n");
}

static void banner_traces(GString *s, const struct ds_html_doc *d)
{
	guint synthetic = 0, damaged = 0, violated = 0;

	for (guint i = 0; i < d->runs->len; i++) {
		JsonNode *run = g_ptr_array_index(d->runs, i), *dmg = dsh_get(run, "trace.damage");
		JsonNode *syn = dsh_get(run, "trace.synthetic"), *inv = dsh_get(run, "invariants");

		synthetic += syn && JSON_NODE_HOLDS_VALUE(syn) && json_node_get_boolean(syn);
		damaged += dmg && JSON_NODE_HOLDS_OBJECT(dmg);
		if (inv && JSON_NODE_HOLDS_OBJECT(inv)) {
			JsonObjectIter it;
			const char *k;
			JsonNode *v;

			json_object_iter_init(&it, json_node_get_object(inv));
			while (json_object_iter_next(&it, &k, &v))
				violated += strcmp(k, "checked") && JSON_NODE_HOLDS_VALUE(v) &&
					json_node_get_value_type(v) == G_TYPE_INT64 &&
					json_node_get_int(v) != 0;
		}
	}
	if (damaged)
		g_string_append_printf(s, "<p class=\"alert\" id=\"damaged\">%u run%s replayed a "
				       "damaged trace (--accept-damaged): events were lost; see "
				       "trace.damage in the JSON.</p>\n", damaged, damaged == 1 ? "" : "s");
	if (synthetic)
		g_string_append_printf(s, "<p class=\"alert info\" id=\"synthetic\">%u run%s replayed "
				       "a <b>synthetic</b> trace (defersim synth): made up, not "
				       "recorded.</p>\n", synthetic, synthetic == 1 ? "" : "s");
	if (violated)
		g_string_append_printf(s, "<p class=\"alert\" id=\"invariants-violated\">%u invariant "
				       "count%s not zero: the simulation broke a rule it checks "
				       "(see invariants below).</p>\n", violated,
				       violated == 1 ? " is" : "s are");
}

void dsh_banners(GString *s, const struct ds_html_doc *d)
{
	guint missing, more;
	GArray *groups = collect_groups(d, &missing, &more);

	for (guint i = 0; i < groups->len; i++) {
		const struct prov_group *g = &g_array_index(groups, struct prov_group, i);

		if (!g_strcmp0(dsh_str(g->prov, "trace_time"), "emulated")) {
			banner_emulated(s, g);
			break;
		}
	}
	if (groups->len)
		banner_sensitive(s, &g_array_index(groups, struct prov_group, 0));
	if (missing || !groups->len)
		g_string_append(s, "<p class=\"alert warn\" id=\"no-provenance\">This JSON carries "
				"no provenance (written by an older defersim): nothing here says which "
				"costs were measured and which guessed.</p>\n");
	banner_traces(s, d);
	g_array_free(groups, TRUE);
}
