// SPDX-License-Identifier: MIT
/*
 * provenance.c - a run's provenance (include/ds_prov.h) in the reports: the JSON "provenance"
 * and "sensitivity" members, and in text the summary that opens a report (the answer, the
 * guessed costs it rests on, an emulated-time warning) and the table of every cost's origin.
 * docs/provenance.md describes both.
 */
#include <math.h>
#include <string.h>

#include "ds_json.h"
#include "ds_prov.h"
#include "ds_report.h"

static void add_cost(JsonBuilder *b, const struct ds_prov_cost *c)
{
	json_builder_begin_object(b);
	ds_json_add_str(b, "name", c->name);
	json_builder_set_member_name(b, "value");
	if (c->value == floor(c->value) && fabs(c->value) < 9e15)
		json_builder_add_int_value(b, (gint64)c->value);
	else
		json_builder_add_double_value(b, c->value);
	ds_json_add_str(b, "origin", ds_origin_name(c->origin));
	ds_json_add_dbl(b, "scaled_by", c->scaled_by);
	ds_json_add_str(b, "note", c->note);
	if (c->emulated)
		ds_json_add_bool(b, "emulated", true);
	json_builder_end_object(b);
}

void ds_report_add_provenance(JsonBuilder *b, const struct ds_provenance *pv)
{
	json_builder_set_member_name(b, "provenance");
	json_builder_begin_object(b);
	ds_json_add_str(b, "trace_time", ds_time_base_name(pv->trace_time));
	ds_json_add_str(b, "trace_time_source", pv->trace_time_source);
	json_builder_set_member_name(b, "costs");
	json_builder_begin_array(b);
	for (unsigned int i = 0; i < pv->n; i++)
		add_cost(b, &pv->cost[i]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "most_sensitive");
	json_builder_begin_array(b);
	for (unsigned int i = 0; i < pv->ntop; i++)
		json_builder_add_string_value(b, pv->cost[pv->top[i]].name);
	json_builder_end_array(b);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "sensitivity");
	json_builder_begin_object(b);
	ds_json_add_str(b, "basis", "elasticity d ln(headline) / d ln(cost) from the run's "
			"counters (docs/provenance.md)");
	json_builder_set_member_name(b, "costs");
	json_builder_begin_array(b);
	for (unsigned int i = 0; i < pv->n; i++) {
		const struct ds_prov_cost *c = &pv->cost[i];

		json_builder_begin_object(b);
		ds_json_add_str(b, "name", c->name);
		ds_json_add_dbl(b, "hot_path", c->hot_share);
		ds_json_add_dbl(b, "drain_latency_mean", c->drain_share);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

/* "push_ns (guessed, x2) 88% of the hot path" */
static void print_weak(const struct ds_prov_cost *c, FILE *out)
{
	bool hot = fabs(c->hot_share) >= fabs(c->drain_share);

	fprintf(out, "%s (%s", c->name, ds_origin_name(c->origin));
	if (c->scaled_by != 1.0)
		fprintf(out, ", x%g", c->scaled_by);
	fprintf(out, ") %.0f%% of the %s", 100.0 * fabs(hot ? c->hot_share : c->drain_share),
		hot ? "hot path" : "mean drain latency");
}

void ds_report_print_reliance(const struct ds_provenance *pv, const char *indent, FILE *out)
{
	fprintf(out, "%srests on ", indent);
	if (!pv->ntop)
		fprintf(out, "no guessed cost with more than %.0f%% of a headline number",
			100.0 * DS_PROV_NAME_SHARE);
	for (unsigned int i = 0; i < pv->ntop; i++) {
		fprintf(out, "%s", i ? ", " : "guesses: ");
		print_weak(&pv->cost[pv->top[i]], out);
	}
	fprintf(out, " (try others with scale.COST)\n");
	if (pv->trace_time == DS_TIME_EMULATED)
		fprintf(out, "%sEMULATED TIME: the trace was recorded under software emulation "
			"(%s): its durations and gaps are not hardware's\n", indent,
			pv->trace_time_source);
	else if (pv->profile_time == DS_TIME_EMULATED)
		fprintf(out, "%sEMULATED TIME: the profile's calibrated costs are emulated time "
			"(time_base=emulated), not hardware's\n", indent);
}

void ds_report_print_provenance(const struct ds_provenance *pv, FILE *out)
{
	fprintf(out, "provenance of the costs (trace time: %s; %s)\n",
		ds_time_base_name(pv->trace_time), pv->trace_time_source);
	fprintf(out, "  %-22s %12s  %-18s %7s %7s  %s\n", "cost", "value", "origin", "hot%",
		"drain%", "note");
	for (unsigned int i = 0; i < pv->n; i++) {
		const struct ds_prov_cost *c = &pv->cost[i];
		char v[32];

		g_snprintf(v, sizeof(v), c->value == floor(c->value) || c->value >= 100 ? "%.0f" :
			   "%.3g", c->value);
		fprintf(out, "  %-22s %12s  %-18s %6.1f%% %6.1f%%  %s%s\n", c->name, v,
			ds_origin_name(c->origin), 100.0 * c->hot_share, 100.0 * c->drain_share,
			c->emulated ? "EMULATED; " : "", c->note);
	}
	fprintf(out, "\n");
}
