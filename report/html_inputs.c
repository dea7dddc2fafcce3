// SPDX-License-Identifier: MIT
/*
 * html_inputs.c - what the results were computed from: the trace(s), the profile's costs
 * (each with its origin when the JSON has provenance) and every parameter of the run (the
 * spec's inferred ones marked; in a sweep or comparison, those that vary list their values).
 */
#include <string.h>

#include "ds_report.h"
#include "html_priv.h"

/* More distinct profiles than this (scale factors in a sweep) are counted, not tabled. */
#define MAX_PROFILES 4
/* Values listed for a parameter that varies. */
#define MAX_VALUES 12

static void trace_row(GString *s, JsonNode *run, JsonNode *prov)
{
	static const char *const keys[] = { "path", "sha256", "clock", "ncpus", "releases",
					    "lost_events", "synthetic" };
	JsonNode *dmg = dsh_get(run, "trace.damage");
	const char *tt = prov ? dsh_str(prov, "trace_time") : NULL;

	dsh_row_open(s);
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_autofree char *path = g_strconcat("trace.", keys[i], NULL);
		g_autofree char *v = dsh_value(dsh_get(run, path), DSH_PLAIN);

		if (i >= 3 && i <= 5)
			dsh_cell_num(s, v);
		else
			dsh_cell(s, v);
	}
	dsh_cell(s, dmg && JSON_NODE_HOLDS_OBJECT(dmg) ? "DAMAGED (see JSON)" : "none");
	dsh_cell(s, tt ? tt : prov ? "not stated" : "no provenance");
	dsh_row_close(s);
}

static void traces_table(GString *s, const struct ds_html_doc *d)
{
	static const char *const cols[] = { "path", "sha256", "clock", "CPUs recorded",
					    "releases", "lost events", "synthetic", "damage",
					    "trace time", NULL };
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	dsh_table_open(s, "trace", "Trace(s) replayed: read from the trace file (its sha256 "
		       "identifies it)", cols);
	for (guint i = 0; i < d->runs->len; i++) {
		JsonNode *run = g_ptr_array_index(d->runs, i);
		const char *sha = dsh_str(run, "trace.sha256");

		if (!sha)
			sha = "";
		if (g_hash_table_contains(seen, sha))
			continue;
		g_hash_table_add(seen, (gpointer)sha);
		trace_row(s, run, dsh_provenance_of(d, run));
	}
	dsh_table_close(s);
}

/* The origin the provenance gives cost @name of a profile, or NULL. */
static const char *cost_origin(JsonNode *prov, const char *name)
{
	JsonNode *costs = prov ? dsh_get(prov, "costs") : NULL;
	JsonArray *a = costs && JSON_NODE_HOLDS_ARRAY(costs) ? json_node_get_array(costs) : NULL;

	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonNode *c = json_array_get_element(a, i);

		if (!g_strcmp0(dsh_str(c, "name"), name))
			return dsh_str(c, "origin") ? dsh_str(c, "origin") : "not stated";
	}
	return NULL;
}

static void profile_table(GString *s, JsonNode *run, JsonNode *prov, guint k)
{
	static const char *const cols[] = { "key", "value", "origin", NULL };
	JsonObject *p = json_node_get_object(dsh_get(run, "profile"));
	g_autofree char *id = k ? g_strdup_printf("profile-%u", k + 1) : g_strdup("profile");
	g_autofree char *cap = g_strdup_printf("Hardware profile %s%s%s: its costs (ns) and "
					       "sizes, as the run used them (after any scale.* "
					       "factor)", dsh_str(run, "profile.name") ?
					       dsh_str(run, "profile.name") : "(unnamed)",
					       dsh_str(run, "profile.path") ? " from " : "",
					       dsh_str(run, "profile.path") ?
					       dsh_str(run, "profile.path") : "");
	GList *members = json_object_get_members(p);	/* in the file's order */

	dsh_table_open(s, id, cap, cols);
	for (GList *l = members; l; l = l->next) {
		const char *key = l->data, *origin = cost_origin(prov, key);
		g_autofree char *text = dsh_value(json_object_get_member(p, key), DSH_PLAIN);

		if (!strcmp(key, "name") || !strcmp(key, "path"))
			continue;
		dsh_row_open(s);
		dsh_cell(s, key);
		dsh_cell_num(s, text);
		dsh_cell(s, origin ? origin : prov ? "not in the provenance" : "no provenance");
		dsh_row_close(s);
	}
	g_list_free(members);
	dsh_table_close(s);
}

static void profiles(GString *s, const struct ds_html_doc *d)
{
	g_autoptr(GPtrArray) shown = g_ptr_array_new();
	guint more = 0;

	for (guint i = 0; i < d->runs->len; i++) {
		JsonNode *run = g_ptr_array_index(d->runs, i), *p = dsh_get(run, "profile");
		gboolean dup = FALSE;

		if (!p || !JSON_NODE_HOLDS_OBJECT(p))
			continue;
		for (guint j = 0; j < shown->len && !dup; j++)
			dup = json_node_equal(g_ptr_array_index(shown, j), p);
		if (dup)
			continue;
		if (shown->len >= MAX_PROFILES) {
			more++;
			continue;
		}
		g_ptr_array_add(shown, p);
		profile_table(s, run, dsh_provenance_of(d, run), shown->len - 1);
	}
	if (more)
		g_string_append_printf(s, "<p class=\"meta\">%u more distinct profiles (other "
				       "profiles or scale.* factors) are in the records.</p>\n", more);
}

static gboolean is_inferred(JsonNode *run, const char *name)
{
	JsonNode *arr = dsh_get(run, "inferred_params");
	JsonArray *a = arr && JSON_NODE_HOLDS_ARRAY(arr) ? json_node_get_array(arr) : NULL;

	for (guint i = 0; a && i < json_array_get_length(a); i++)
		if (!g_strcmp0(json_array_get_string_element(a, i), name))
			return TRUE;
	return FALSE;
}

/* The distinct values parameter @name takes over the runs (at most MAX_VALUES + 1). */
static GPtrArray *param_values(const struct ds_html_doc *d, const char *name)
{
	GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *path = g_strconcat("params.", name, NULL);

	for (guint i = 0; i < d->runs->len && vals->len <= MAX_VALUES; i++) {
		char *v = dsh_value(dsh_get(g_ptr_array_index(d->runs, i), path), DSH_PLAIN);

		if (g_ptr_array_find_with_equal_func(vals, v, g_str_equal, NULL))
			g_free(v);
		else
			g_ptr_array_add(vals, v);
	}
	return vals;
}

static void param_row(GString *s, const struct ds_html_doc *d, JsonNode *run, const char *name,
		      JsonNode *v)
{
	g_autoptr(GPtrArray) vals = param_values(d, name);
	g_autofree char *text = dsh_value(v, DSH_PLAIN);
	GString *note = g_string_new(is_inferred(run, name) ? "inferred (the spec leaves it open)" :
				     "");

	if (vals->len > 1) {
		g_string_append_printf(note, "%svaries over the runs: ", note->len ? "; " : "");
		for (guint i = 0; i < MIN(vals->len, MAX_VALUES); i++)
			g_string_append_printf(note, "%s%s", i ? ", " : "",
					       (char *)g_ptr_array_index(vals, i));
		if (vals->len > MAX_VALUES)
			g_string_append(note, ", ...");
	}
	dsh_row_open(s);
	dsh_cell(s, name);
	dsh_cell(s, vals->len > 1 ? "(varies)" : text);
	dsh_cell(s, note->str);
	dsh_row_close(s);
	g_string_free(note, TRUE);
}

static void params_table(GString *s, const struct ds_html_doc *d)
{
	static const char *const cols[] = { "parameter", "value", "note", NULL };
	JsonNode *run = g_ptr_array_index(d->runs, 0), *p = dsh_get(run, "params");
	GList *members;

	if (!p || !JSON_NODE_HOLDS_OBJECT(p))
		return;
	dsh_table_open(s, "params", "Parameters of the run (defersim replay --set NAME=VALUE; "
		       "docs/model.md)", cols);
	members = json_object_get_members(json_node_get_object(p));
	for (GList *l = members; l; l = l->next)
		param_row(s, d, run, l->data, json_object_get_member(json_node_get_object(p),
								     l->data));
	g_list_free(members);
	dsh_table_close(s);
}

void dsh_inputs(GString *s, const struct ds_html_doc *d)
{
	dsh_section_open(s, "inputs", "Trace, profile and parameters");
	if (!d->runs->len) {
		g_string_append(s, "<p>This document holds no run (a sizing without an answer): "
				"its trace, profile and parameters are in the answer table "
				"above.</p>\n");
		dsh_section_close(s);
		return;
	}
	traces_table(s, d);
	profiles(s, d);
	params_table(s, d);
	dsh_section_close(s);
}
