// SPDX-License-Identifier: MIT
/*
 * params.c - run parameters: defaults, setting by name, validation, listing.
 *
 * One table (param_table) describes every parameter: its name, how its text is parsed, where
 * it lives in struct ds_params, and whether it is one of the spec's inferred [I] choices.
 * ds_params_set(), ds_params_foreach() and the error messages all come from that table, so a
 * parameter is parsed in exactly one place whether it comes from --set, a dedicated CLI option
 * or a sweep file.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "ds_sim.h"

#define DS_PARAM_NS_MAX 1000000000000000ull	/* 10^15 ns: 11.6 days; sums stay far from 2^63 */
/* v2's array is allocated whole (40 bytes an entry): at most the series' own 128 MiB >>
 * PAGE_SHIFT at the smallest page size (8 bytes), 2^24 entries, 640 MiB */
#define DS_V2_ENTRIES_MAX (1u << 24)

enum param_kind {
	PK_POLICY,	/* const char *, one of ds_policy_names() */
	PK_CPUS,	/* unsigned, "recorded" = 0, explicit 0 refused */
	PK_POOL,	/* int64 >= 0, "auto" = DS_POOL_AUTO */
	PK_U64,		/* uint64 */
	PK_UINT_POS,	/* unsigned >= 1 */
	PK_PAGES_LIMIT,	/* unsigned, "unbounded" = 0 */
	PK_NS,		/* uint64 ns, optional unit suffix ns/us/ms/s */
	PK_NS_OFF,	/* as PK_NS, "off" = 0 */
	PK_BOOL,
	PK_SCALE,	/* double > 0, "auto" = 0 */
	PK_NS_AUTO,	/* as PK_NS, "auto" = 0 */
	PK_NS_PROV,	/* as PK_NS, "auto" = DS_NS_AUTO: from the capture's provenance */
	PK_PAGE_SIZE,	/* unsigned: 0 ("profile") or a power of two >= 8 */
	PK_ENUM,	/* int-sized enum, names in .names */
	PK_AUTO,	/* unsigned: "auto" = 0 (derived at run time), else 1 .. 2^31-1 */
	PK_ENTRIES,	/* as PK_AUTO, at most DS_V2_ENTRIES_MAX (entries are allocated) */
	PK_CHAIN,	/* unsigned 1 .. 16 */
};

struct param_desc {
	const char *name;
	enum param_kind kind;
	size_t offset;
	bool inferred;
	const char *const *names;	/* PK_ENUM: value i is names[i] */
};

static const char *const push_names[] = { "eager", "lazy", NULL };
static const char *const order_names[] = { "fifo", "lifo", NULL };
static const char *const stale_names[] = { "noop", NULL };
static const char *const cost_names[] = { "trace", "profile", "auto", NULL };
static const char *const v2_lock_names[] = { "copy", "whole", NULL };
static const char *const sharing_names[] = { "fair", "fifo", NULL };
static const char *const placement_names[] = { "idle_other", "producer", NULL };
static const char *const lock_mode_names[] = { "auto", "on", "off", NULL };

#define P(n, k, inf) { #n, k, offsetof(struct ds_params, n), inf, NULL }
#define E(n, names, inf) { #n, PK_ENUM, offsetof(struct ds_params, n), inf, names }

static const struct param_desc param_table[] = {
	P(policy, PK_POLICY, false),
	P(cpus, PK_CPUS, false),
	P(pool_pages, PK_POOL, false),
	P(seed, PK_U64, false),
	E(cost_source, cost_names, false),
	P(page_size, PK_PAGE_SIZE, false),
	P(percpu_pages_from_pool, PK_BOOL, true),
	E(push_semantics, push_names, true),
	P(retry_swap_on_full, PK_BOOL, true),
	E(drain_order, order_names, true),
	P(drainers_per_pool, PK_UINT_POS, true),
	P(max_pages_per_run, PK_PAGES_LIMIT, true),
	P(idle_flush_ns, PK_NS_OFF, true),
	E(stale_policy, stale_names, true),
	E(cpu_sharing, sharing_names, true),
	E(worker_placement, placement_names, true),
	P(think_scale, PK_SCALE, true),
	{ "record_sync_zram_ns", PK_NS_AUTO, offsetof(struct ds_params, record_sync_ns[DS_BE_ZRAM]),
	  false, NULL },
	{ "record_sync_zswap_ns", PK_NS_AUTO,
	  offsetof(struct ds_params, record_sync_ns[DS_BE_ZSWAP]), false, NULL },
	P(probe_overhead_ns, PK_NS_PROV, false),
	P(probe_gap_ns, PK_NS_PROV, false),
	E(lock_contention, lock_mode_names, false),
	P(busy_gap_ns, PK_NS, false),
	P(check_invariants, PK_BOOL, false),
	P(timeseries_ns, PK_NS_OFF, false),
	P(v2_array_entries, PK_ENTRIES, false),
	P(v2_drain_threshold, PK_ENTRIES, false),
	E(v2_drain_holds_lock, v2_lock_names, true),
	P(zsonly_pages_per_run, PK_AUTO, false),
	P(zs_chain_size, PK_CHAIN, false),
};

#undef P
#undef E

void ds_params_init(struct ds_params *p)
{
	memset(p, 0, sizeof(*p));
	p->policy = "v3";
	p->cpus = 0;
	p->pool_pages = DS_POOL_AUTO;	/* 256 KiB / PAGE_SIZE [S] */
	p->seed = 1;
	p->cost_source = DS_COST_AUTO;
	p->percpu_pages_from_pool = false;
	p->push_semantics = DS_PUSH_EAGER;
	p->retry_swap_on_full = true;
	p->drain_order = DS_DRAIN_FIFO;
	p->drainers_per_pool = 1;
	p->max_pages_per_run = 0;	/* unbounded */
	p->idle_flush_ns = 0;		/* off: the series has no flush */
	p->stale_policy = DS_STALE_NOOP;
	p->cpu_sharing = DS_SHARE_FAIR;
	p->worker_placement = DS_PLACE_IDLE_OTHER;
	p->think_scale = 1.0;
	p->lock_contention = DS_LOCKS_AUTO;
	p->probe_overhead_ns = DS_NS_AUTO;
	p->probe_gap_ns = DS_NS_AUTO;
	p->busy_gap_ns = 1000000;	/* 1 ms */
	p->check_invariants = false;
	p->timeseries_ns = 0;
	p->page_size = 0;
	p->v2_array_entries = 0;	/* 128 MiB >> PAGE_SHIFT [S] */
	p->v2_drain_threshold = 0;	/* half the array [S] */
	p->v2_drain_holds_lock = DS_V2_LOCK_COPY;
	p->zsonly_pages_per_run = 0;	/* pool_pages / 2 [S] */
	p->zs_chain_size = 8;		/* CONFIG_ZSMALLOC_CHAIN_SIZE default since 6.3 */
}

static const struct param_desc *find_param(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(param_table); i++)
		if (!strcmp(param_table[i].name, name))
			return &param_table[i];
	return NULL;
}

static gboolean refuse(GError **error, const char *name, const char *value, const char *why)
{
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "parameter %s=%s: %s", name, value, why);
	return FALSE;
}

/* Decimal unsigned integer, the whole string, no sign. */
static gboolean parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	guint64 v;

	if (!*s || !g_ascii_isdigit(*s))
		return FALSE;
	if (!g_ascii_string_to_unsigned(s, 10, 0, max, &v, NULL))
		return FALSE;
	*out = v;
	return TRUE;
}

/* "250000", "250us", "1ms", "2s": a duration in ns. */
static gboolean parse_ns(const char *s, uint64_t *out)
{
	static const struct { const char *suffix; uint64_t mul; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	size_t len = strlen(s), digits = strspn(s, "0123456789");
	g_autofree char *num = g_strndup(s, digits);
	uint64_t v;

	if (!digits || !parse_u64(num, G_MAXUINT64, &v))
		return FALSE;
	if (digits == len) {
		*out = v;
		return TRUE;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
		if (strcmp(s + digits, units[i].suffix))
			continue;
		if (v > G_MAXUINT64 / units[i].mul)
			return FALSE;
		*out = v * units[i].mul;
		return TRUE;
	}
	return FALSE;
}

static gboolean parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (!g_ascii_strcasecmp(s, yes[i])) {
			*out = true;
			return TRUE;
		}
		if (!g_ascii_strcasecmp(s, no[i])) {
			*out = false;
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean parse_double(const char *s, double *out)
{
	char *end = NULL;

	if (!*s)
		return FALSE;
	errno = 0;
	*out = g_ascii_strtod(s, &end);
	return errno == 0 && end && !*end && isfinite(*out);
}

static char *join_names(const char *const *names)
{
	return g_strjoinv(", ", (char **)names);
}

static gboolean set_policy(struct ds_params *p, const char *value, GError **error)
{
	const char *const *names = ds_policy_names();
	g_autofree char *known = NULL;

	for (size_t i = 0; names[i]; i++) {
		if (!strcmp(names[i], value)) {
			p->policy = names[i];	/* static: the params never own strings */
			return TRUE;
		}
	}
	known = join_names(names);
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
		    "parameter policy=%s: unknown policy (known: %s)", value, known);
	return FALSE;
}

static gboolean set_enum(const struct param_desc *d, int *field, const char *value,
			 GError **error)
{
	g_autofree char *known = NULL;

	for (int i = 0; d->names[i]; i++) {
		if (!strcmp(d->names[i], value)) {
			*field = i;
			return TRUE;
		}
	}
	known = join_names(d->names);
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "parameter %s=%s: expected one of: %s",
		    d->name, value, known);
	return FALSE;
}

static gboolean set_unsigned(const struct param_desc *d, void *field, const char *value,
			     GError **error)
{
	uint64_t v;

	switch (d->kind) {
	case PK_CPUS:
		if (!strcmp(value, "recorded")) {
			*(unsigned int *)field = 0;
			return TRUE;
		}
		if (!parse_u64(value, 4096, &v))
			return refuse(error, d->name, value,
				      "expected \"recorded\" or a CPU count from 1 to 4096");
		if (!v)
			return refuse(error, d->name, value,
				      "0 CPUs cannot run anything; use \"recorded\" (or omit it) "
				      "for the trace's CPU count");
		*(unsigned int *)field = (unsigned int)v;
		return TRUE;
	case PK_POOL:
		if (!strcmp(value, "auto")) {
			*(int64_t *)field = DS_POOL_AUTO;
			return TRUE;
		}
		if (value[0] == '-')
			return refuse(error, d->name, value, "a pool cannot have negative pages");
		if (!parse_u64(value, G_MAXINT32, &v))
			return refuse(error, d->name, value,
				      "expected \"auto\" (256 KiB / page size) or a page count "
				      "from 0 to 2147483647");
		*(int64_t *)field = (int64_t)v;
		return TRUE;
	case PK_UINT_POS:
		if (!parse_u64(value, 1024, &v) || !v)
			return refuse(error, d->name, value, "expected an integer from 1 to 1024");
		*(unsigned int *)field = (unsigned int)v;
		return TRUE;
	case PK_PAGES_LIMIT:
		if (!strcmp(value, "unbounded")) {
			*(unsigned int *)field = 0;
			return TRUE;
		}
		if (!parse_u64(value, G_MAXUINT32, &v))
			return refuse(error, d->name, value,
				      "expected \"unbounded\" (or 0) or a page count");
		*(unsigned int *)field = (unsigned int)v;
		return TRUE;
	case PK_AUTO:
	case PK_ENTRIES:
		if (!strcmp(value, "auto")) {
			*(unsigned int *)field = 0;
			return TRUE;
		}
		if (d->kind == PK_ENTRIES && (!parse_u64(value, DS_V2_ENTRIES_MAX, &v) || !v))
			return refuse(error, d->name, value,
				      "expected \"auto\" or a count from 1 to 16777216 (2^24)");
		if (!parse_u64(value, G_MAXINT32, &v) || !v)
			return refuse(error, d->name, value,
				      "expected \"auto\" or a count from 1 to 2^31-1");
		*(unsigned int *)field = (unsigned int)v;
		return TRUE;
	case PK_CHAIN:
		if (!parse_u64(value, 16, &v) || !v)
			return refuse(error, d->name, value,
				      "expected pages per zspage from 1 to 16");
		*(unsigned int *)field = (unsigned int)v;
		return TRUE;
	case PK_PAGE_SIZE:
		if (!strcmp(value, "profile")) {
			*(unsigned int *)field = 0;
			return TRUE;
		}
		if (!parse_u64(value, 1u << 24, &v) || (v && (v < 8 || (v & (v - 1)))))
			return refuse(error, d->name, value,
				      "expected \"profile\" (or 0) or a power of two from 8 to 16 MiB");
		*(unsigned int *)field = (unsigned int)v;
		return TRUE;
	default:
		g_assert_not_reached();
	}
}

static gboolean set_one(const struct param_desc *d, struct ds_params *p, const char *value,
			GError **error)
{
	void *field = (char *)p + d->offset;
	uint64_t v;
	double x;

	switch (d->kind) {
	case PK_POLICY:
		return set_policy(p, value, error);
	case PK_ENUM:
		return set_enum(d, field, value, error);
	case PK_U64:
		if (!parse_u64(value, G_MAXUINT64, &v))
			return refuse(error, d->name, value, "expected an unsigned integer");
		*(uint64_t *)field = v;
		return TRUE;
	case PK_NS_OFF:
	case PK_NS_AUTO:
	case PK_NS_PROV:
		if (!strcmp(value, d->kind == PK_NS_OFF ? "off" : "auto")) {
			*(uint64_t *)field = d->kind == PK_NS_PROV ? DS_NS_AUTO : 0;
			return TRUE;
		}
		/* fall through */
	case PK_NS:
		if (!parse_ns(value, &v) || v > DS_PARAM_NS_MAX)
			return refuse(error, d->name, value,
				      d->kind == PK_NS_OFF ?
				      "expected \"off\" or a duration in ns up to 10^15 (suffixes ns, us, ms, s)" :
				      d->kind != PK_NS ?
				      "expected \"auto\" or a duration in ns up to 10^15 (suffixes ns, us, ms, s)" :
				      "expected a duration in ns up to 10^15 (suffixes ns, us, ms, s)");
		*(uint64_t *)field = v;
		return TRUE;
	case PK_BOOL:
		if (!parse_bool(value, field))
			return refuse(error, d->name, value, "expected true or false");
		return TRUE;
	case PK_SCALE:
		if (!strcmp(value, "auto")) {
			*(double *)field = 0;
			return TRUE;
		}
		if (!parse_double(value, &x) || !(x > 0.0 && x <= 1000.0))
			return refuse(error, d->name, value,
				      "expected \"auto\" or a factor in (0, 1000] on every think time");
		*(double *)field = x;
		return TRUE;
	default:
		return set_unsigned(d, field, value, error);
	}
}

gboolean ds_params_set(struct ds_params *p, const char *name, const char *value, GError **error)
{
	const struct param_desc *d = find_param(name);
	GString *known;

	if (!d) {
		known = g_string_new(NULL);
		for (size_t i = 0; i < G_N_ELEMENTS(param_table); i++)
			g_string_append_printf(known, "%s%s", i ? ", " : "", param_table[i].name);
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "unknown parameter '%s' (known: %s)",
			    name, known->str);
		g_string_free(known, TRUE);
		return FALSE;
	}
	if (!value)
		return refuse(error, name, "", "no value");
	return set_one(d, p, value, error);
}

static gboolean policy_known(const char *policy)
{
	const char *const *names = ds_policy_names();

	for (size_t i = 0; policy && names[i]; i++)
		if (!strcmp(names[i], policy))
			return TRUE;
	return FALSE;
}

/* Fields can be written directly by library users: check everything ds_params_set checks. */
gboolean ds_params_validate(const struct ds_params *p, GError **error)
{
	g_autofree char *known = NULL;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	if (!policy_known(p->policy)) {
		known = join_names(ds_policy_names());
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "parameter policy=%s: unknown policy (known: %s)",
			    p->policy ? p->policy : "(none)", known);
		return FALSE;
	}
	if (p->cpus > 4096)
		return refuse(error, "cpus", "(too many)", "at most 4096 CPUs");
	if ((p->pool_pages < 0 && p->pool_pages != DS_POOL_AUTO) || p->pool_pages > G_MAXINT32)
		return refuse(error, "pool_pages", p->pool_pages < 0 ? "(negative)" : "(too large)",
			      "expected \"auto\" or a page count from 0 to 2^31-1");
	if (!(p->think_scale >= 0.0 && p->think_scale <= 1000.0))
		return refuse(error, "think_scale",
			      g_ascii_dtostr(buf, sizeof(buf), p->think_scale),
			      "expected \"auto\" or a factor in (0, 1000]");
	if (p->record_sync_ns[0] > DS_PARAM_NS_MAX || p->record_sync_ns[1] > DS_PARAM_NS_MAX ||
	    (p->probe_overhead_ns > DS_PARAM_NS_MAX && p->probe_overhead_ns != DS_NS_AUTO) ||
	    (p->probe_gap_ns > DS_PARAM_NS_MAX && p->probe_gap_ns != DS_NS_AUTO) ||
	    p->busy_gap_ns > DS_PARAM_NS_MAX || p->idle_flush_ns > DS_PARAM_NS_MAX ||
	    p->timeseries_ns > DS_PARAM_NS_MAX)
		return refuse(error, "record_sync_*_ns/probe_overhead_ns/busy_gap_ns/idle_flush_ns/timeseries_ns",
			      "(too large)", "durations are at most 10^15 ns");
	if (p->drainers_per_pool < 1 || p->drainers_per_pool > 1024)
		return refuse(error, "drainers_per_pool", "(out of range)", "expected 1 to 1024");
	if (p->page_size && (p->page_size < 8 || (p->page_size & (p->page_size - 1))))
		return refuse(error, "page_size", "(not a power of two >= 8)",
			      "expected 0 or a power of two from 8");
	if (p->v2_array_entries > DS_V2_ENTRIES_MAX || p->v2_drain_threshold > DS_V2_ENTRIES_MAX)
		return refuse(error, "v2_array_entries/v2_drain_threshold", "(too large)",
			      "expected \"auto\" or a count from 1 to 16777216 (2^24)");
	if (p->zsonly_pages_per_run > G_MAXINT32)
		return refuse(error, "zsonly_pages_per_run", "(too large)",
			      "expected \"auto\" or a count from 1 to 2^31-1");
	if (p->v2_array_entries && p->v2_drain_threshold > p->v2_array_entries)
		return refuse(error, "v2_drain_threshold", "(above v2_array_entries)",
			      "the drain threshold cannot exceed the array's size");
	if (p->zs_chain_size < 1 || p->zs_chain_size > 16)
		return refuse(error, "zs_chain_size", "(out of range)", "expected 1 to 16");
	if ((unsigned int)p->v2_drain_holds_lock > DS_V2_LOCK_WHOLE)
		return refuse(error, "v2_drain_holds_lock", "(out of range)", "not a known choice");
	if ((unsigned int)p->push_semantics > DS_PUSH_LAZY ||
	    (unsigned int)p->drain_order > DS_DRAIN_LIFO ||
	    (unsigned int)p->stale_policy > DS_STALE_NOOP ||
	    (unsigned int)p->cost_source > DS_COST_AUTO ||
	    (unsigned int)p->cpu_sharing > DS_SHARE_FIFO ||
	    (unsigned int)p->worker_placement > DS_PLACE_PRODUCER ||
	    (unsigned int)p->lock_contention > DS_LOCKS_OFF)
		return refuse(error, "push_semantics/drain_order/stale_policy/cost_source/"
			      "cpu_sharing/worker_placement/lock_contention",
			      "(out of range)", "not a known choice");
	return TRUE;
}

static char *value_text(const struct param_desc *d, const struct ds_params *p)
{
	const void *field = (const char *)p + d->offset;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	switch (d->kind) {
	case PK_POLICY:
		return g_strdup(p->policy);
	case PK_ENUM:
		return g_strdup(d->names[*(const int *)field]);
	case PK_CPUS:
		return *(const unsigned int *)field ? g_strdup_printf("%u", *(const unsigned int *)field) :
			g_strdup("recorded");
	case PK_POOL:
		return *(const int64_t *)field == DS_POOL_AUTO ? g_strdup("auto") :
			g_strdup_printf("%" G_GINT64_FORMAT, *(const int64_t *)field);
	case PK_NS_AUTO:
		return *(const uint64_t *)field ?
			g_strdup_printf("%" G_GUINT64_FORMAT, *(const uint64_t *)field) : g_strdup("auto");
	case PK_NS_PROV:
		return *(const uint64_t *)field != DS_NS_AUTO ?
			g_strdup_printf("%" G_GUINT64_FORMAT, *(const uint64_t *)field) : g_strdup("auto");
	case PK_U64:
	case PK_NS:
		return g_strdup_printf("%" G_GUINT64_FORMAT, *(const uint64_t *)field);
	case PK_NS_OFF:
		return *(const uint64_t *)field ?
			g_strdup_printf("%" G_GUINT64_FORMAT, *(const uint64_t *)field) : g_strdup("off");
	case PK_UINT_POS:
		return g_strdup_printf("%u", *(const unsigned int *)field);
	case PK_PAGES_LIMIT:
		return *(const unsigned int *)field ? g_strdup_printf("%u", *(const unsigned int *)field) :
			g_strdup("unbounded");
	case PK_PAGE_SIZE:
		return *(const unsigned int *)field ? g_strdup_printf("%u", *(const unsigned int *)field) :
			g_strdup("profile");
	case PK_AUTO:
	case PK_ENTRIES:
		return *(const unsigned int *)field ? g_strdup_printf("%u", *(const unsigned int *)field) :
			g_strdup("auto");
	case PK_CHAIN:
		return g_strdup_printf("%u", *(const unsigned int *)field);
	case PK_BOOL:
		return g_strdup(*(const bool *)field ? "true" : "false");
	case PK_SCALE:
		return *(const double *)field == 0 ? g_strdup("auto") :
			g_strdup(g_ascii_dtostr(buf, sizeof(buf), *(const double *)field));
	}
	return g_strdup("?");
}

void ds_params_foreach(const struct ds_params *p,
		       void (*fn)(const char *name, const char *value, bool inferred, void *data),
		       void *data)
{
	for (size_t i = 0; i < G_N_ELEMENTS(param_table); i++) {
		g_autofree char *v = value_text(&param_table[i], p);

		fn(param_table[i].name, v, param_table[i].inferred, data);
	}
}
