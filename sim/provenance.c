// SPDX-License-Identifier: MIT
/*
 * provenance.c - where each cost a run used came from (spec §4.4; docs/provenance.md).
 *
 * struct ds_provenance (include/ds_prov.h) lists every cost of the run: the profile's keys
 * with their comment tags (sim/origin.c), their scale factor (a sweep's or --set's scale.*)
 * and --set overrides; and the trace's own: its recorded release durations (cost_source=trace),
 * its think time, the probe overhead taken out of it.  Measured values carry the trace's time
 * base, read from the capture's provenance (sim/open.c): a trace recorded under QEMU TCG
 * measures emulated time, not hardware's, and a profile calibrated from such traces declares
 * time_base=emulated.  The run's sensitivity to each cost is filled by sim/sensitivity.c.
 */
#include <math.h>
#include <string.h>

#include "ds_prov.h"

const char *ds_time_base_name(enum ds_time_base t)
{
	return t == DS_TIME_REAL ? "real" : t == DS_TIME_EMULATED ? "emulated" : "unknown";
}

bool ds_prov_weak(enum ds_origin o)
{
	return o == DS_ORIGIN_GUESSED || o == DS_ORIGIN_SCALED || o == DS_ORIGIN_UNSTATED;
}

const struct ds_prov_cost *ds_prov_find(const struct ds_provenance *pv, const char *name)
{
	for (unsigned int i = 0; i < pv->n; i++)
		if (!strcmp(pv->cost[i].name, name))
			return &pv->cost[i];
	return NULL;
}

static struct ds_prov_cost *add(struct ds_provenance *pv, const char *name, double value,
				enum ds_origin origin, bool used)
{
	struct ds_prov_cost *c = &pv->cost[pv->n];

	g_assert(pv->n < DS_PROV_COSTS_MAX);
	pv->n++;
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->value = value;
	c->origin = origin;
	c->scaled_by = 1.0;
	c->used = used;
	return c;
}

/* Which profile costs the run's policy and cost source use (docs/provenance.md). */
struct use {
	bool deferred;		/* a deferring policy: hot-path and worker costs */
	bool v2;
	bool zs_part;		/* v2, zsonly: zs_free_ns splits the release */
	bool profile_sync;	/* some releases cost the profile's sync/drain (not recorded) */
	bool locks;		/* class locks modelled */
	bool be[DS_BE__COUNT];
};

static struct use run_use(const struct ds_results *r)
{
	struct use u = { 0 };
	uint64_t profile_costed = r->params.cost_source == DS_COST_TRACE ? r->think_assumed :
		r->releases;

	u.deferred = strcmp(r->policy, "sync") != 0;
	u.v2 = !strcmp(r->policy, "v2");
	u.zs_part = u.v2 || !strcmp(r->policy, "zsonly");
	u.profile_sync = profile_costed > 0;
	u.locks = r->params.lock_contention == DS_LOCKS_ON;
	for (int be = 0; be < DS_BE__COUNT; be++)
		u.be[be] = r->be[be].releases > 0;
	return u;
}

struct key_use {
	const char *key;
	int be;			/* -1: both backends */
	unsigned int need;	/* K_* */
};

#define K_DEFER 1u	/* only deferring policies */
#define K_SYNC 2u	/* only when releases cost the profile's sync */
#define K_ZS 4u		/* only v2 and zsonly */
#define K_V2 8u		/* only v2 */
#define K_LOCKS 16u	/* only with class-lock contention */

static const struct key_use profile_keys[] = {
	{ "push_ns", -1, K_DEFER }, { "swap_ns", -1, K_DEFER },
	{ "queue_work_ns", -1, K_DEFER }, { "lock_ns", -1, K_DEFER },
	{ "wake_latency_ns", -1, K_DEFER }, { "wake_sigma", -1, K_DEFER },
	{ "drain_page_ns", -1, K_DEFER },
	{ "drain_entry_zram_ns", DS_BE_ZRAM, K_DEFER | K_SYNC },
	{ "drain_entry_zswap_ns", DS_BE_ZSWAP, K_DEFER | K_SYNC },
	{ "sync_free_zram_ns", DS_BE_ZRAM, K_SYNC },
	{ "sync_free_zswap_ns", DS_BE_ZSWAP, K_SYNC },
	{ "zs_free_ns", -1, K_ZS }, { "copy_entry_ns", -1, K_V2 },
	{ "zs_class_hold_ns", -1, K_LOCKS }, { "lock_handover_ns", -1, K_DEFER },
	{ "object_bytes", -1, 0 }, { "page_size", -1, 0 },
};

static bool key_used(const struct key_use *k, const struct use *u)
{
	if (k->be >= 0 && !u->be[k->be])
		return false;
	if (((k->need & K_DEFER) && !u->deferred) || ((k->need & K_SYNC) && !u->profile_sync) ||
	    ((k->need & K_ZS) && !u->zs_part) || ((k->need & K_V2) && !u->v2))
		return false;
	return !(k->need & K_LOCKS) || u->locks;
}

static double profile_value(const struct ds_profile *prof, const struct ds_results *r,
			    const char *key)
{
	uint64_t *v = ds_profile_cost((struct ds_profile *)prof, key);

	if (v)
		return (double)*v;
	if (!strcmp(key, "wake_sigma"))
		return prof->wake_sigma;
	if (!strcmp(key, "object_bytes"))
		return (double)prof->object_bytes;
	return r->params.page_size ? r->params.page_size : prof->page_size;	/* page_size */
}

static void profile_note(struct ds_prov_cost *c, const struct ds_profile *prof,
			 const struct ds_results *r, const struct use *u, const char *key)
{
	const char *name = prof->name ? prof->name : "?";
	bool trace = r->params.cost_source == DS_COST_TRACE;

	if (c->origin == DS_ORIGIN_SET)
		g_snprintf(c->note, sizeof(c->note), "set on the command line (profile %s's value "
			   "replaced)", name);
	else
		g_snprintf(c->note, sizeof(c->note), "profile %s: %s%s", name,
			   ds_origin_meaning(c->origin), c->emulated ? ", in emulated time" : "");
	if (c->scaled_by != 1.0)
		g_snprintf(c->note + strlen(c->note), sizeof(c->note) - strlen(c->note),
			   ", scaled x%g (scale.*)", c->scaled_by);
	if (!strcmp(key, "wake_latency_ns"))
		g_snprintf(c->note + strlen(c->note), sizeof(c->note) - strlen(c->note),
			   "; median, %s", prof->wake_dist == DS_DIST_LOGNORMAL ? "lognormal" :
			   prof->wake_dist == DS_DIST_EXP ? "exponential" : "fixed");
	if (!c->used)
		g_snprintf(c->note + strlen(c->note), sizeof(c->note) - strlen(c->note),
			   "; not used by this run%s", trace && !u->profile_sync &&
			   (g_str_has_prefix(key, "sync_free") || g_str_has_prefix(key, "drain_entry")) ?
			   " (cost_source=trace: every release had its recorded duration)" : "");
	else if (trace && (g_str_has_prefix(key, "sync_free") ||
			   g_str_has_prefix(key, "drain_entry")))
		g_snprintf(c->note + strlen(c->note), sizeof(c->note) - strlen(c->note),
			   "; only for the %" G_GUINT64_FORMAT " releases without a recorded "
			   "duration", r->think_assumed);
}

static void add_profile_costs(struct ds_provenance *pv, const struct ds_results *r,
			      const struct ds_profile *prof)
{
	struct use u = run_use(r);
	bool emulated = prof->time_base == DS_TIME_EMULATED;

	for (size_t i = 0; i < G_N_ELEMENTS(profile_keys); i++) {
		const char *key = profile_keys[i].key;
		enum ds_origin o = ds_profile_origin(prof, key);
		struct ds_prov_cost *c;

		if (!strcmp(key, "page_size") && r->params.page_size)
			o = DS_ORIGIN_SET;
		c = add(pv, key, profile_value(prof, r, key), o, key_used(&profile_keys[i], &u));
		c->scaled_by = ds_profile_scale_of(prof, key);
		c->emulated = emulated && (o == DS_ORIGIN_CALIBRATED || o == DS_ORIGIN_MEASURED);
		profile_note(c, prof, r, &u, key);
	}
}

/* The trace's own costs: recorded release durations, think time, probe overhead. */
static void add_trace_costs(struct ds_provenance *pv, const struct ds_results *r)
{
	const struct ds_params *p = &r->params;
	bool emu = pv->trace_time == DS_TIME_EMULATED;
	uint64_t measured = r->releases - MIN(r->think_assumed, r->releases);
	struct ds_prov_cost *c;

	if (p->cost_source == DS_COST_TRACE) {
		c = add(pv, "recorded_release_ns", r->releases ?
			(double)r->sync_ns / (double)r->releases : 0, DS_ORIGIN_TRACE, measured > 0);
		c->emulated = emu;
		g_snprintf(c->note, sizeof(c->note), "mean cost of a release: %" G_GUINT64_FORMAT
			   " of %" G_GUINT64_FORMAT " releases cost their recorded duration (less "
			   "the probe overhead; cost_source=trace) as sync, fallback and drain "
			   "cost%s", measured, r->releases, emu ? "; EMULATED time" : "");
	}
	c = add(pv, "think_time", r->think_scale, DS_ORIGIN_TRACE, true);
	c->emulated = emu;
	c->scaled_by = r->think_scale;
	g_snprintf(c->note, sizeof(c->note), "the gaps between a task's releases as recorded%s, "
		   "x%.3g (think_scale%s)", emu ? " (EMULATED time)" : "", r->think_scale,
		   p->think_scale == 0 ? "=auto: the profile's sync cost / the trace's median" :
		   p->think_scale != 1.0 ? ", set" : " default");
	if (p->think_scale == 0)
		c->origin = DS_ORIGIN_DERIVED;
	else if (p->think_scale != 1.0)
		c->origin = DS_ORIGIN_SET;
	c = add(pv, "probe_overhead_ns", (double)p->probe_overhead_ns, r->probe_from_provenance ?
		DS_ORIGIN_MEASURED : p->probe_overhead_ns ? DS_ORIGIN_SET : DS_ORIGIN_UNSTATED,
		p->cost_source == DS_COST_TRACE || p->probe_gap_ns);
	c->emulated = emu && r->probe_from_provenance;
	g_snprintf(c->note, sizeof(c->note), "%s per measured call (and %" G_GUINT64_FORMAT
		   " ns per gap) taken out of the recorded timelines",
		   r->probe_from_provenance ? "stated by the capture's provenance" :
		   p->probe_overhead_ns ? "given" : "none known: 0", p->probe_gap_ns);
	if (r->think_assumed) {
		c = add(pv, "record_sync_ns", (double)p->record_sync_ns[DS_BE_ZRAM],
			p->record_sync_ns[DS_BE_ZRAM] ? DS_ORIGIN_SET : DS_ORIGIN_TRACE, true);
		c->emulated = emu && !p->record_sync_ns[DS_BE_ZRAM];
		g_snprintf(c->note, sizeof(c->note), "the recording's cost of the %"
			   G_GUINT64_FORMAT " releases without a duration, subtracted from their "
			   "think time (0: the median measured so far)", r->think_assumed);
	}
}

static void trace_time(struct ds_provenance *pv, const struct ds_results *r,
		       const struct ds_profile *prof, const char *trace_path)
{
	const struct ds_params *p = &r->params;

	pv->trace_time = p->trace_time;
	pv->profile_time = prof->time_base;
	if (p->trace_time_line[0] && trace_path) {
		g_autofree char *base = g_str_has_suffix(trace_path, ".dat") ?
			g_strndup(trace_path, strlen(trace_path) - 4) : g_strdup(trace_path);

		const char *line = p->trace_time_line;
		size_t len;

		line += g_str_has_prefix(line, "- ") ? 2 : 0;
		len = strcspn(line, "(");	/* "accelerator: tcg (software emulation...)" */
		while (len && line[len - 1] == ' ')
			len--;
		g_snprintf(pv->trace_time_source, sizeof(pv->trace_time_source), "%s.md: %.*s",
			   base, (int)len, line);
	} else {
		g_snprintf(pv->trace_time_source, sizeof(pv->trace_time_source), "%s",
			   trace_path ? "no provenance file beside the trace (TRACE.md) states "
			   "its accelerator or time base" : "not a trace");
	}
}

/* The weak costs with the largest share of either headline, largest first. */
static void pick_top(struct ds_provenance *pv)
{
	bool taken[DS_PROV_COSTS_MAX] = { 0 };

	pv->ntop = 0;
	while (pv->ntop < DS_PROV_TOP) {
		double best = DS_PROV_NAME_SHARE;
		int at = -1;

		for (unsigned int i = 0; i < pv->n; i++) {
			const struct ds_prov_cost *c = &pv->cost[i];
			double s = MAX(fabs(c->hot_share), fabs(c->drain_share));

			if (!taken[i] && c->used && ds_prov_weak(c->origin) && s >= best) {
				best = s;
				at = (int)i;
			}
		}
		if (at < 0)
			return;
		taken[at] = true;
		pv->top[pv->ntop++] = (unsigned int)at;
	}
}

void ds_provenance_compute(const struct ds_results *r, const struct ds_profile *prof,
			   const char *trace_path, struct ds_provenance *out)
{
	memset(out, 0, sizeof(*out));
	trace_time(out, r, prof, trace_path);
	add_profile_costs(out, r, prof);
	add_trace_costs(out, r);
	ds_sensitivity_fill(r, prof, out);
	pick_top(out);
}
