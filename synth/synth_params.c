// SPDX-License-Identifier: MIT
/*
 * synth_params.c - parameters of synthetic workloads: defaults, parsing, description.
 *
 * One table (param_table) lists every parameter: its name, its kind (how its text is parsed
 * and printed), the field of struct ds_synth_params it sets, the workloads it applies to
 * (a bit mask) and its meaning.  Setting, describing and `--list` all walk that table, so a
 * parameter exists in exactly one place.  Defaults are per workload (params_defaults()).
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "ds_synth.h"

enum pkind {
	SK_U64,		/* unsigned integer */
	SK_UINT,	/* unsigned integer, 32 bits */
	SK_NS,		/* duration in ns, suffixes ns/us/ms/s */
	SK_PROB,	/* number in [0, 1] */
	SK_RATE,	/* number > 0 (per second) */
	SK_BOOL,	/* true/false/yes/no/on/off/1/0 */
	SK_DIST_NS,	/* distribution of durations */
	SK_DIST,	/* distribution of plain numbers (bytes) */
	SK_BACKEND,	/* zram | zswap */
	SK_FOOTPRINT,	/* MiB: "N" or "MIN-MAX" */
};

#define W_MUNMAP (1u << DS_SYNTH_MUNMAP)
#define W_LMK (1u << DS_SYNTH_LMK)
#define W_CHURN (1u << DS_SYNTH_CHURN)
#define W_POISSON (1u << DS_SYNTH_POISSON)
#define W_ALL (W_MUNMAP | W_LMK | W_CHURN | W_POISSON)
#define W_PROC (W_MUNMAP | W_LMK)

struct pdesc {
	const char *name;
	enum pkind kind;
	size_t offset;
	unsigned int workloads;
	const char *help;
};

#define P(n, k, f, w, h) { n, k, offsetof(struct ds_synth_params, f), w, h }

static const struct pdesc param_table[] = {
	P("seed", SK_U64, seed, W_ALL, "random seed: same seed, same trace"),
	P("cpus", SK_UINT, cpus, W_ALL, "CPUs of the synthetic machine"),
	P("backend", SK_BACKEND, zswap, W_ALL, "zram (slot frees) or zswap (invalidations)"),
	P("t0", SK_NS, t0_ns, W_ALL, "timestamp of the trace's start"),
	P("cost", SK_DIST_NS, cost, W_ALL, "duration of one release call (entry to return)"),
	P("gap", SK_DIST_NS, gap, W_PROC, "think time from a release's return to the task's next release"),
	P("durations", SK_BOOL, durations, W_ALL, "write the returns (release durations)"),
	P("zs_free", SK_BOOL, zs_free, W_ALL, "write a zs_free inside each release"),
	P("zs_share", SK_PROB, zs_share, W_ALL, "zs_free starts at (1 - zs_share) of the call"),
	P("wq_items", SK_UINT, wq_items, W_ALL, "background work items (workqueue events)"),
	P("wq_gap", SK_DIST_NS, wq_gap, W_ALL, "an item's execute_end to its next queue_work"),
	P("wq_wake", SK_DIST_NS, wq_wake, W_ALL, "queue_work to execute_start (wake-up latency)"),
	P("wq_run", SK_DIST_NS, wq_run, W_ALL, "execute_start to execute_end"),
	P("exit_delay", SK_DIST_NS, exit_delay, W_PROC, "a process's last release to its exit"),
	P("procs", SK_UINT, procs, W_PROC, "processes"),
	P("size_mib", SK_UINT, size_mib, W_MUNMAP, "swapped-out MiB per process: size_mib*256 releases"),
	P("footprint_mib", SK_FOOTPRINT, fp_min_mib, W_LMK, "swap footprint per process: N or MIN-MAX (uniform)"),
	P("seq", SK_PROB, seq, W_PROC, "probability that the next slot index is the next in the range"),
	P("stagger", SK_NS, stagger_ns, W_MUNMAP, "process i starts its munmap at t0 + i*stagger"),
	P("window", SK_NS, window_ns, W_LMK, "kills happen uniformly within this window after t0"),
	P("rate", SK_RATE, rate, W_CHURN | W_POISSON, "releases per second (all CPUs)"),
	P("duration", SK_NS, duration_ns, W_CHURN | W_POISSON, "length of the trace (poisson: when count=0)"),
	P("count", SK_U64, count, W_POISSON, "releases (0: as many as the duration holds)"),
	P("slots", SK_U64, slots, W_CHURN, "slots of the swap device (all in use at t0)"),
	P("write_rate", SK_RATE, write_rate, W_CHURN, "zram writes per second (all CPUs)"),
	P("reuse", SK_PROB, reuse, W_CHURN, "probability that a write takes the most recently freed slot"),
	P("obj_size", SK_DIST, obj_size, W_CHURN, "compressed object size in bytes (zs_malloc)"),
};

#undef P

static const char *const workload_names[DS_SYNTH__COUNT] = {
	[DS_SYNTH_MUNMAP] = "munmap",
	[DS_SYNTH_LMK] = "lmk",
	[DS_SYNTH_CHURN] = "churn",
	[DS_SYNTH_POISSON] = "poisson",
};

static const char *const dist_names[] = { "fixed", "exp", "lognormal", "uniform" };

const char *ds_synth_workload_name(unsigned int w)
{
	return w < DS_SYNTH__COUNT ? workload_names[w] : "unknown";
}

double ds_synth_dist_mean(const struct ds_synth_dist *d)
{
	switch (d->kind) {
	case DS_SD_EXP:
	case DS_SD_FIXED:
		return d->a;
	case DS_SD_LOGNORMAL:
		return d->a * exp(d->b * d->b / 2.0);
	case DS_SD_UNIFORM:
		return (d->a + d->b) / 2.0;
	}
	return d->a;
}

static struct ds_synth_dist dist(enum ds_synth_dist_kind k, double a, double b)
{
	struct ds_synth_dist d = { k, a, b };

	return d;
}

#define MS 1000000.0
#define US 1000.0

/*
 * Defaults.  Release costs follow the spec's Raspberry Pi 4B figures (§6: 867 ns per freed
 * page in munmap; the notify call ~700 ns of it, profiles/README.md): lognormal median 700 ns
 * (mean 722) plus a 150 ns think gap gives ~870 ns per page.  Exits 20-80 ms after the burst
 * and background work items are as the captures showed (shared/spec/capture.md).
 */
static void params_defaults(struct ds_synth_params *p, enum ds_synth_workload w)
{
	memset(p, 0, sizeof(*p));
	p->workload = w;
	p->seed = 1;
	p->cpus = 4;
	p->t0_ns = 1000000000ull;
	p->cost = dist(DS_SD_LOGNORMAL, 700, 0.25);
	p->gap = dist(DS_SD_EXP, 150, 0);
	p->durations = true;
	p->zs_free = true;
	p->zs_share = 0.7;
	p->wq_items = 2;
	p->wq_gap = dist(DS_SD_EXP, 5 * MS, 0);
	p->wq_wake = dist(DS_SD_LOGNORMAL, 20 * US, 0.5);
	p->wq_run = dist(DS_SD_FIXED, 5 * US, 0);
	p->exit_delay = dist(DS_SD_UNIFORM, 20 * MS, 80 * MS);
	p->procs = 1;
	p->size_mib = 64;
	p->fp_min_mib = 16;
	p->fp_max_mib = 64;
	p->seq = 0.998;
	p->window_ns = 200 * 1000000ull;
	p->rate = 50000;
	p->duration_ns = 1000000000ull;
	p->slots = 262144;
	p->write_rate = 50000;
	p->reuse = 0.5;
	p->obj_size = dist(DS_SD_LOGNORMAL, 1024, 0.4);
	switch (w) {
	case DS_SYNTH_MUNMAP:
		p->exit_delay = dist(DS_SD_FIXED, 1 * MS, 0);
		break;
	case DS_SYNTH_LMK:
		p->procs = 8;
		break;
	case DS_SYNTH_POISSON:
		p->rate = 100000;
		p->count = 100000;
		p->cost = dist(DS_SD_FIXED, 1000, 0);
		p->zs_free = false;
		p->wq_items = 0;
		break;
	default:
		break;
	}
}

gboolean ds_synth_params_init(struct ds_synth_params *p, const char *name, GError **error)
{
	for (unsigned int w = 0; w < DS_SYNTH__COUNT; w++) {
		if (name && !strcmp(name, workload_names[w])) {
			params_defaults(p, (enum ds_synth_workload)w);
			return TRUE;
		}
	}
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
		    "unknown workload '%s' (expected munmap, lmk, churn or poisson)",
		    name ? name : "");
	return FALSE;
}

static gboolean refuse(GError **error, const char *name, const char *value, const char *why)
{
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "synth parameter %s = '%s': %s", name,
		    value, why);
	return FALSE;
}

/* A number with an optional unit suffix (ns when @units); finite, >= 0. */
static gboolean parse_number(const char *text, bool units, double *out)
{
	static const struct { const char *suffix; double mult; } unit[] = {
		{ "ns", 1 }, { "us", US }, { "ms", MS }, { "s", 1e9 },
	};
	char *end = NULL;
	double v;

	if (!text || !*text || g_ascii_isspace(*text))
		return FALSE;
	v = g_ascii_strtod(text, &end);
	if (end == text || !isfinite(v) || v < 0)
		return FALSE;
	if (*end && !units)
		return FALSE;
	if (*end) {
		size_t i;

		for (i = 0; i < G_N_ELEMENTS(unit); i++)
			if (!strcmp(end, unit[i].suffix))
				break;
		if (i == G_N_ELEMENTS(unit))
			return FALSE;
		v *= unit[i].mult;
	}
	*out = v;
	return TRUE;
}

static gboolean parse_dist(const char *text, bool units, struct ds_synth_dist *d)
{
	g_auto(GStrv) part = g_strsplit(text, ":", -1);
	guint n = g_strv_length(part);
	size_t k;

	if (n == 1) {
		d->kind = DS_SD_FIXED;
		d->b = 0;
		return parse_number(part[0], units, &d->a);
	}
	for (k = 0; k < G_N_ELEMENTS(dist_names); k++)
		if (!strcmp(part[0], dist_names[k]))
			break;
	if (k == G_N_ELEMENTS(dist_names))
		return FALSE;
	d->kind = (enum ds_synth_dist_kind)k;
	d->b = 0;
	switch (d->kind) {
	case DS_SD_FIXED:
	case DS_SD_EXP:
		return n == 2 && parse_number(part[1], units, &d->a);
	case DS_SD_LOGNORMAL:
		/* the shape is a plain number whatever the unit of the median */
		return n == 3 && parse_number(part[1], units, &d->a) && d->a > 0 &&
		       parse_number(part[2], false, &d->b) && d->b > 0 && d->b < 10;
	case DS_SD_UNIFORM:
		return n == 3 && parse_number(part[1], units, &d->a) &&
		       parse_number(part[2], units, &d->b) && d->a <= d->b;
	}
	return FALSE;
}

static gboolean parse_bool(const char *text, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (!strcmp(text, yes[i]) || !strcmp(text, no[i])) {
			*out = !strcmp(text, yes[i]);
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean parse_footprint(const char *text, struct ds_synth_params *p)
{
	g_auto(GStrv) part = g_strsplit(text, "-", 2);
	guint64 lo, hi;

	if (!part[0] || !g_ascii_isdigit(part[0][0]) ||
	    !g_ascii_string_to_unsigned(part[0], 10, 1, 1u << 20, &lo, NULL))
		return FALSE;
	hi = lo;
	if (part[1] && (!g_ascii_isdigit(part[1][0]) ||
			!g_ascii_string_to_unsigned(part[1], 10, lo, 1u << 20, &hi, NULL)))
		return FALSE;
	p->fp_min_mib = (unsigned int)lo;
	p->fp_max_mib = (unsigned int)hi;
	return TRUE;
}

static gboolean set_one(const struct pdesc *d, struct ds_synth_params *p, const char *value,
			GError **error)
{
	void *field = (char *)p + d->offset;
	guint64 u;
	double x;

	switch (d->kind) {
	case SK_U64:
	case SK_UINT:
		if (!g_ascii_isdigit(value[0]) ||
		    !g_ascii_string_to_unsigned(value, 10, 0,
						d->kind == SK_UINT ? G_MAXUINT32 : G_MAXUINT64, &u,
						NULL))
			return refuse(error, d->name, value, "expected a non-negative integer");
		if (d->kind == SK_UINT)
			*(unsigned int *)field = (unsigned int)u;
		else
			*(uint64_t *)field = u;
		return TRUE;
	case SK_NS:
		if (!parse_number(value, true, &x) || x > 1e18)
			return refuse(error, d->name, value,
				      "expected a duration (ns, or with a suffix us, ms, s)");
		*(uint64_t *)field = (uint64_t)llround(x);
		return TRUE;
	case SK_PROB:
		if (!parse_number(value, false, &x) || x > 1.0)
			return refuse(error, d->name, value, "expected a number from 0 to 1");
		*(double *)field = x;
		return TRUE;
	case SK_RATE:
		if (!parse_number(value, false, &x) || x <= 0 || x > 1e12)
			return refuse(error, d->name, value, "expected a rate > 0 (per second)");
		*(double *)field = x;
		return TRUE;
	case SK_BOOL:
		if (!parse_bool(value, field))
			return refuse(error, d->name, value, "expected true or false");
		return TRUE;
	case SK_DIST_NS:
	case SK_DIST:
		if (!parse_dist(value, d->kind == SK_DIST_NS, field))
			return refuse(error, d->name, value,
				      d->kind == SK_DIST_NS ?
				      "expected N, fixed:N, exp:MEAN, lognormal:MEDIAN:SIGMA or "
				      "uniform:MIN:MAX (durations: ns, or suffix us, ms, s)" :
				      "expected N, fixed:N, exp:MEAN, lognormal:MEDIAN:SIGMA or "
				      "uniform:MIN:MAX");
		return TRUE;
	case SK_BACKEND:
		if (strcmp(value, "zram") && strcmp(value, "zswap"))
			return refuse(error, d->name, value, "expected zram or zswap");
		*(bool *)field = !strcmp(value, "zswap");
		return TRUE;
	case SK_FOOTPRINT:
		if (!parse_footprint(value, p))
			return refuse(error, d->name, value,
				      "expected MiB as N or MIN-MAX (1 to 1048576, MIN <= MAX)");
		return TRUE;
	}
	return FALSE;
}

static GString *known_names(unsigned int workload)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(param_table); i++)
		if (param_table[i].workloads & (1u << workload))
			g_string_append_printf(s, "%s%s", s->len ? ", " : "", param_table[i].name);
	return s;
}

gboolean ds_synth_params_set(struct ds_synth_params *p, const char *name, const char *value,
			     GError **error)
{
	for (size_t i = 0; i < G_N_ELEMENTS(param_table); i++) {
		const struct pdesc *d = &param_table[i];

		if (strcmp(d->name, name))
			continue;
		if (!(d->workloads & (1u << p->workload))) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "synth parameter %s does not "
				    "apply to workload %s", name, ds_synth_workload_name(p->workload));
			return FALSE;
		}
		if (!value || !*value)
			return refuse(error, name, value ? value : "", "no value");
		return set_one(d, p, value, error);
	}
	g_autoptr(GString) known = known_names(p->workload);

	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "unknown synth parameter '%s' for workload "
		    "%s (known: %s)", name, ds_synth_workload_name(p->workload), known->str);
	return FALSE;
}

static gboolean invalid(GError **error, const char *what)
{
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "synth parameters: %s", what);
	return FALSE;
}

#define MAX_RELEASES 1e10
#define MIN_WQ_CYCLE_NS 100.0
#define MAX_MEAN_NS 1e10		/* 10 s */

/* About how many releases (and writes) a workload generates: bounded so that a typo in a
 * rate cannot turn into a run that never ends. */
static double expected_releases(const struct ds_synth_params *p)
{
	double secs = (double)p->duration_ns * 1e-9;

	switch (p->workload) {
	case DS_SYNTH_MUNMAP:
		return (double)p->procs * p->size_mib * 256.0;
	case DS_SYNTH_LMK:
		return (double)p->procs * p->fp_max_mib * 256.0;
	case DS_SYNTH_CHURN:
		return (p->rate + p->write_rate) * secs;
	case DS_SYNTH_POISSON:
		return p->count ? (double)p->count : p->rate * secs;
	default:
		return 0;
	}
}

/*
 * The output grows with the trace's span, not only with its releases (work items keep
 * cycling): durations are at most 10 s each on average, and the work items may add at most
 * 10^9 events over the span the releases take.
 */
static gboolean span_ok(const struct ds_synth_params *p, GError **error)
{
	const struct ds_synth_dist *d[] = { &p->cost, &p->gap, &p->exit_delay, &p->wq_gap,
					    &p->wq_wake, &p->wq_run };
	double span, cycle;

	for (size_t i = 0; i < G_N_ELEMENTS(d); i++)
		if (ds_synth_dist_mean(d[i]) > MAX_MEAN_NS)
			return invalid(error, "a duration (cost, gap, exit_delay, wq_*) averages more "
				       "than 10 s: not a swap release's timing");
	if (!p->wq_items)
		return TRUE;
	span = expected_releases(p) * (ds_synth_dist_mean(&p->cost) +
				       ds_synth_dist_mean(&p->gap)) + (double)p->duration_ns +
		ds_synth_dist_mean(&p->exit_delay);
	cycle = ds_synth_dist_mean(&p->wq_gap) + ds_synth_dist_mean(&p->wq_wake) +
		ds_synth_dist_mean(&p->wq_run);
	if (span / MAX(cycle, 1.0) * (double)p->wq_items * 4.0 > 1e9)
		return invalid(error, "the work items would write more than 10^9 events over the "
			       "trace's span: fewer wq_items, a longer wq_gap or shorter costs");
	return TRUE;
}

gboolean ds_synth_params_validate(const struct ds_synth_params *p, GError **error)
{
	bool proc = p->workload == DS_SYNTH_MUNMAP || p->workload == DS_SYNTH_LMK;

	if (p->workload >= DS_SYNTH__COUNT)
		return invalid(error, "unknown workload");
	if (p->cpus < 1 || p->cpus > 4096)
		return invalid(error, "cpus must be 1 to 4096");
	if (p->t0_ns > (1ull << 62))
		return invalid(error, "t0 is beyond 2^62 ns");
	if (p->wq_items > 4096)
		return invalid(error, "wq_items must be at most 4096");
	if (proc && (p->procs < 1 || p->procs > 65536))
		return invalid(error, "procs must be 1 to 65536");
	if (p->workload == DS_SYNTH_MUNMAP && (p->size_mib < 1 || p->size_mib > (1u << 20)))
		return invalid(error, "size_mib must be 1 to 1048576");
	if (p->workload == DS_SYNTH_LMK && (p->fp_min_mib < 1 || p->fp_min_mib > p->fp_max_mib ||
					    p->fp_max_mib > (1u << 20)))
		return invalid(error, "footprint_mib needs 1 <= MIN <= MAX <= 1048576");
	if (p->workload == DS_SYNTH_CHURN && (p->slots < 2 || p->slots > (1ull << 31)))
		return invalid(error, "slots must be 2 to 2^31");
	if (p->workload == DS_SYNTH_CHURN && !p->duration_ns)
		return invalid(error, "duration must be > 0");
	if (p->workload == DS_SYNTH_POISSON && !p->count && !p->duration_ns)
		return invalid(error, "poisson needs count > 0 or duration > 0");
	if (p->workload == DS_SYNTH_POISSON && p->count > (1ull << 30))
		return invalid(error, "count must be at most 2^30 (one pid per release)");
	if (p->workload == DS_SYNTH_POISSON && !p->count &&
	    p->rate * (double)p->duration_ns * 1e-9 > (double)(1ull << 30))
		return invalid(error, "rate x duration must be at most 2^30 releases (one pid each)");
	if (expected_releases(p) > MAX_RELEASES)
		return invalid(error, "that is more than 10^10 releases: not a trace one can replay");
	/* a work item's cycle must move time forward, or the generator would not */
	if (p->wq_items && ds_synth_dist_mean(&p->wq_gap) + ds_synth_dist_mean(&p->wq_wake) +
	    ds_synth_dist_mean(&p->wq_run) < MIN_WQ_CYCLE_NS)
		return invalid(error, "wq_gap + wq_wake + wq_run must average at least 100 ns");
	return span_ok(p, error);
}

static char *format_value(const struct pdesc *d, const struct ds_synth_params *p)
{
	const void *field = (const char *)p + d->offset;
	char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
	const struct ds_synth_dist *dd;

	switch (d->kind) {
	case SK_U64:
	case SK_NS:
		return g_strdup_printf("%" G_GUINT64_FORMAT, *(const uint64_t *)field);
	case SK_UINT:
		return g_strdup_printf("%u", *(const unsigned int *)field);
	case SK_PROB:
	case SK_RATE:
		return g_strdup(g_ascii_formatd(a, sizeof(a), "%.10g", *(const double *)field));
	case SK_BOOL:
		return g_strdup(*(const bool *)field ? "true" : "false");
	case SK_BACKEND:
		return g_strdup(*(const bool *)field ? "zswap" : "zram");
	case SK_FOOTPRINT:
		return p->fp_min_mib == p->fp_max_mib ? g_strdup_printf("%u", p->fp_min_mib) :
			g_strdup_printf("%u-%u", p->fp_min_mib, p->fp_max_mib);
	case SK_DIST_NS:
	case SK_DIST:
		dd = field;
		g_ascii_formatd(a, sizeof(a), "%.10g", dd->a);
		g_ascii_formatd(b, sizeof(b), "%.10g", dd->b);
		if (dd->kind == DS_SD_LOGNORMAL || dd->kind == DS_SD_UNIFORM)
			return g_strdup_printf("%s:%s:%s", dist_names[dd->kind], a, b);
		return g_strdup_printf("%s:%s", dist_names[dd->kind], a);
	}
	return g_strdup("?");
}

char *ds_synth_params_describe(const struct ds_synth_params *p)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "workload=%s", ds_synth_workload_name(p->workload));
	for (size_t i = 0; i < G_N_ELEMENTS(param_table); i++) {
		const struct pdesc *d = &param_table[i];
		g_autofree char *v = NULL;

		if (!(d->workloads & (1u << p->workload)))
			continue;
		v = format_value(d, p);
		g_string_append_printf(s, " %s=%s", d->name, v);
	}
	return g_string_free(s, FALSE);
}

char *ds_synth_params_help(unsigned int workload)
{
	GString *s = g_string_new(NULL);

	for (unsigned int w = 0; w < DS_SYNTH__COUNT; w++) {
		struct ds_synth_params p;

		if (workload < DS_SYNTH__COUNT && w != workload)
			continue;
		params_defaults(&p, (enum ds_synth_workload)w);
		g_string_append_printf(s, "%s:\n", workload_names[w]);
		for (size_t i = 0; i < G_N_ELEMENTS(param_table); i++) {
			const struct pdesc *d = &param_table[i];
			g_autofree char *v = NULL;

			if (!(d->workloads & (1u << w)))
				continue;
			v = format_value(d, &p);
			g_string_append_printf(s, "  %-14s %-24s %s\n", d->name, v, d->help);
		}
	}
	return g_string_free(s, FALSE);
}
