// SPDX-License-Identifier: MIT
/*
 * profile.c - hardware profiles: profiles/NAME.ini read with GKeyFile, and the built-in one.
 *
 * A profile file has two groups: [profile] (name, description, cpus, page_size, object_bytes)
 * and [costs] (nanoseconds; key_table below lists them), and an optional third, [sizes]: the
 * distribution of compressed object sizes used where the trace records none (zsonly's class
 * locks; see docs/model.md).  Every key of the file must be known
 * and every required cost present, non-negative and numeric; errors name file, group and key.
 * profiles/README.md says where each number of the shipped profiles comes from.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "ds_datadir.h"
#include "ds_sim.h"

enum key_kind {
	KK_STRING, KK_UINT, KK_NS, KK_DIST, KK_DOUBLE, KK_SIZE_DIST, KK_HISTOGRAM, KK_TIME_BASE
};

struct key_desc {
	const char *group;
	const char *key;
	enum key_kind kind;
	bool required;
	size_t offset;
};

#define K(g, k, kind, req, field) { g, k, kind, req, offsetof(struct ds_profile, field) }

static const struct key_desc key_table[] = {
	K("profile", "name", KK_STRING, true, name),
	K("profile", "description", KK_STRING, false, description),
	K("profile", "time_base", KK_TIME_BASE, false, time_base),
	K("profile", "cpus", KK_UINT, false, cpus),
	K("profile", "page_size", KK_UINT, false, page_size),
	K("profile", "object_bytes", KK_NS, false, object_bytes),
	K("costs", "push_ns", KK_NS, true, push_ns),
	K("costs", "swap_ns", KK_NS, true, swap_ns),
	K("costs", "queue_work_ns", KK_NS, true, queue_work_ns),
	K("costs", "lock_ns", KK_NS, true, lock_ns),
	K("costs", "wake_latency_ns", KK_NS, true, wake_latency_ns),
	K("costs", "wake_dist", KK_DIST, false, wake_dist),
	K("costs", "wake_sigma", KK_DOUBLE, false, wake_sigma),
	K("costs", "drain_page_ns", KK_NS, true, drain_page_ns),
	K("costs", "drain_entry_zram_ns", KK_NS, true, drain_entry_ns[DS_BE_ZRAM]),
	K("costs", "drain_entry_zswap_ns", KK_NS, true, drain_entry_ns[DS_BE_ZSWAP]),
	K("costs", "sync_free_zram_ns", KK_NS, true, sync_free_ns[DS_BE_ZRAM]),
	K("costs", "sync_free_zswap_ns", KK_NS, true, sync_free_ns[DS_BE_ZSWAP]),
	K("costs", "zs_free_ns", KK_NS, true, zs_free_ns),
	K("costs", "copy_entry_ns", KK_NS, false, copy_entry_ns),
	K("costs", "zs_class_hold_ns", KK_NS, false, zs_class_hold_ns),
	K("costs", "lock_handover_ns", KK_NS, false, lock_handover_ns),
	K("sizes", "object_size_dist", KK_SIZE_DIST, false, sizes.kind),
	K("sizes", "object_size_median", KK_UINT, false, sizes.median),
	K("sizes", "object_size_sigma", KK_DOUBLE, false, sizes.sigma),
	K("sizes", "object_size_histogram", KK_HISTOGRAM, false, sizes),
};

#undef K

G_STATIC_ASSERT(G_N_ELEMENTS(key_table) <= DS_PROFILE_KEYS_MAX);

static const char *const dist_names[] = { "fixed", "exp", "lognormal" };
static const char *const size_dist_names[] = { "fixed", "lognormal", "histogram" };
/* enum ds_time_base; "unknown" is what an absent key means (never written back) */
static const char *const time_base_names[] = { "", "real", "emulated" };

/* The built-in profile's origins: x86-desktop.ini's tags (tests/sim/test_params.c compares). */
static const struct {
	const char *key;
	enum ds_origin origin;
} builtin_origins[] = {
	{ "cpus", DS_ORIGIN_GUESSED }, { "page_size", DS_ORIGIN_STATED },
	{ "object_bytes", DS_ORIGIN_GUESSED }, { "push_ns", DS_ORIGIN_GUESSED },
	{ "swap_ns", DS_ORIGIN_GUESSED }, { "queue_work_ns", DS_ORIGIN_GUESSED },
	{ "lock_ns", DS_ORIGIN_GUESSED }, { "wake_latency_ns", DS_ORIGIN_GUESSED },
	{ "wake_dist", DS_ORIGIN_GUESSED }, { "wake_sigma", DS_ORIGIN_GUESSED },
	{ "drain_page_ns", DS_ORIGIN_GUESSED }, { "drain_entry_zram_ns", DS_ORIGIN_GUESSED },
	{ "drain_entry_zswap_ns", DS_ORIGIN_GUESSED }, { "sync_free_zram_ns", DS_ORIGIN_GUESSED },
	{ "sync_free_zswap_ns", DS_ORIGIN_GUESSED }, { "zs_free_ns", DS_ORIGIN_SCALED },
	{ "copy_entry_ns", DS_ORIGIN_GUESSED }, { "zs_class_hold_ns", DS_ORIGIN_GUESSED },
	{ "lock_handover_ns", DS_ORIGIN_SCALED },
};

/*
 * The built-in profile: the values of profiles/x86-desktop.ini (see profiles/README.md for
 * their origin), so that a run without --profile is the x86 desktop.
 */
struct ds_profile *ds_profile_new_default(void)
{
	struct ds_profile *p = g_new0(struct ds_profile, 1);

	p->name = g_strdup("builtin-default");
	p->description = g_strdup("built-in copy of profiles/x86-desktop.ini");
	p->cpus = 8;
	p->page_size = 4096;
	p->object_bytes = 1024;
	p->push_ns = 5;
	p->swap_ns = 40;
	p->queue_work_ns = 500;
	p->lock_ns = 10;
	p->wake_latency_ns = 20000;
	p->wake_dist = DS_DIST_LOGNORMAL;
	p->wake_sigma = 0.5;
	p->drain_page_ns = 100;
	p->drain_entry_ns[DS_BE_ZRAM] = 241;
	p->drain_entry_ns[DS_BE_ZSWAP] = 293;
	p->sync_free_ns[DS_BE_ZRAM] = 241;
	p->sync_free_ns[DS_BE_ZSWAP] = 313;
	p->zs_free_ns = 201;
	p->copy_entry_ns = 1;
	p->zs_class_hold_ns = DS_BUILTIN_CLASS_HOLD_NS;
	p->lock_handover_ns = DS_BUILTIN_HANDOVER_NS;
	for (size_t i = 0; i < G_N_ELEMENTS(builtin_origins); i++)
		ds_profile_set_origin(p, builtin_origins[i].key, builtin_origins[i].origin);
	return p;
}

void ds_profile_free(struct ds_profile *p)
{
	if (!p)
		return;
	g_free(p->name);
	g_free(p->path);
	g_free(p->description);
	g_free(p);
}

static gboolean bad_key(GError **error, const char *path, const char *group, const char *key,
			const char *why, const char *text)
{
	if (!text)
		g_set_error(error, DS_ERROR, DS_ERROR_PROFILE, "profile %s: [%s] %s: %s", path,
			    group, key, why);
	else
		g_set_error(error, DS_ERROR, DS_ERROR_PROFILE, "profile %s: [%s] %s = '%s': %s",
			    path, group, key, text, why);
	return FALSE;
}

/* "SIZE:WEIGHT,SIZE:WEIGHT,...": sizes in bytes (1..16 MiB), weights > 0. */
static gboolean parse_histogram(const char *text, struct ds_size_dist *h, const char *path,
				GError **error)
{
	g_auto(GStrv) bins = g_strsplit(text, ",", -1);
	unsigned int n = 0;

	for (size_t i = 0; bins[i]; i++) {
		g_auto(GStrv) kv = g_strsplit(g_strstrip(bins[i]), ":", 2);
		guint64 size;
		char *end = NULL;
		double w;

		if (n == DS_SIZE_BINS)
			return bad_key(error, path, "sizes", "object_size_histogram",
				       "too many bins (at most 64)", text);
		if (!kv[0] || !kv[1] || !g_ascii_isdigit(kv[0][0]) ||
		    !g_ascii_string_to_unsigned(kv[0], 10, 1, 1u << 24, &size, NULL))
			return bad_key(error, path, "sizes", "object_size_histogram",
				       "expected SIZE:WEIGHT pairs separated by commas, SIZE in bytes "
				       "from 1", text);
		w = g_ascii_strtod(kv[1], &end);
		if (!*kv[1] || !end || *end || !(w > 0.0 && w < 1e300))
			return bad_key(error, path, "sizes", "object_size_histogram",
				       "every WEIGHT must be a number > 0", text);
		h->bin_size[n] = (uint32_t)size;
		h->bin_weight[n] = w;
		n++;
	}
	h->nbins = n;
	return TRUE;
}

static gboolean parse_key(const struct key_desc *d, GKeyFile *kf, const char *path,
			  struct ds_profile *p, GError **error)
{
	g_autofree char *raw = g_key_file_get_value(kf, d->group, d->key, NULL);
	g_autofree char *text = raw ? g_strstrip(g_strdup(raw)) : NULL;
	void *field = (char *)p + d->offset;
	guint64 v;
	char *end = NULL;
	double x;

	if (!text)
		return d->required ? bad_key(error, path, d->group, d->key, "missing required key",
					     NULL) : TRUE;
	switch (d->kind) {
	case KK_STRING:
		g_free(*(char **)field);
		*(char **)field = g_key_file_get_string(kf, d->group, d->key, NULL);
		return TRUE;
	case KK_DIST:
		for (size_t i = 0; i < G_N_ELEMENTS(dist_names); i++) {
			if (!strcmp(text, dist_names[i])) {
				*(enum ds_dist *)field = (enum ds_dist)i;
				return TRUE;
			}
		}
		return bad_key(error, path, d->group, d->key,
			       "expected fixed, exp or lognormal", text);
	case KK_SIZE_DIST:
		for (size_t i = 0; i < G_N_ELEMENTS(size_dist_names); i++) {
			if (!strcmp(text, size_dist_names[i])) {
				*(enum ds_size_kind *)field = (enum ds_size_kind)i;
				return TRUE;
			}
		}
		return bad_key(error, path, d->group, d->key,
			       "expected fixed, lognormal or histogram", text);
	case KK_HISTOGRAM:
		return parse_histogram(text, field, path, error);
	case KK_TIME_BASE:
		for (size_t i = 1; i < G_N_ELEMENTS(time_base_names); i++) {
			if (!strcmp(text, time_base_names[i])) {
				*(enum ds_time_base *)field = (enum ds_time_base)i;
				return TRUE;
			}
		}
		return bad_key(error, path, d->group, d->key, "expected real or emulated", text);
	case KK_DOUBLE:
		x = g_ascii_strtod(text, &end);
		if (!*text || !end || *end || !(x >= 0.0 && x < 100.0))
			return bad_key(error, path, d->group, d->key,
				       "expected a non-negative number", text);
		*(double *)field = x;
		return TRUE;
	case KK_UINT:
	case KK_NS:
		if (text[0] == '-')
			return bad_key(error, path, d->group, d->key, "negative value", text);
		/* costs are bounded so that sums of them stay far from 2^63 ns */
		if (!g_ascii_isdigit(text[0]) ||
		    !g_ascii_string_to_unsigned(text, 10, 0,
						d->kind == KK_UINT ? G_MAXUINT32 : DS_PROFILE_NS_MAX,
						&v, NULL))
			return bad_key(error, path, d->group, d->key,
				       d->kind == KK_NS ? "expected a non-negative integer (ns) up "
				       "to 10^12 (1000 s)" : "expected a non-negative integer", text);
		if (d->kind == KK_UINT)
			*(unsigned int *)field = (unsigned int)v;
		else
			*(uint64_t *)field = v;
		return TRUE;
	}
	return FALSE;
}

static gboolean key_known(const char *group, const char *key)
{
	for (size_t i = 0; i < G_N_ELEMENTS(key_table); i++)
		if (!strcmp(key_table[i].group, group) && !strcmp(key_table[i].key, key))
			return TRUE;
	return FALSE;
}

/* Typos must not silently fall back to defaults: every group and key must be known. */
static gboolean check_unknown(GKeyFile *kf, const char *path, GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);

	for (size_t g = 0; groups[g]; g++) {
		g_auto(GStrv) keys = NULL;

		if (strcmp(groups[g], "profile") && strcmp(groups[g], "costs") &&
		    strcmp(groups[g], "sizes")) {
			g_set_error(error, DS_ERROR, DS_ERROR_PROFILE,
				    "profile %s: unknown group [%s] (expected [profile], [costs] and "
				    "optionally [sizes])", path, groups[g]);
			return FALSE;
		}
		keys = g_key_file_get_keys(kf, groups[g], NULL, NULL);
		for (size_t k = 0; keys && keys[k]; k++)
			if (!key_known(groups[g], keys[k]))
				return bad_key(error, path, groups[g], keys[k], "unknown key", NULL);
	}
	return TRUE;
}

static int key_index(const char *group, const char *key)
{
	for (size_t i = 0; i < G_N_ELEMENTS(key_table); i++)
		if ((!group || !strcmp(key_table[i].group, group)) && !strcmp(key_table[i].key, key))
			return (int)i;
	return -1;
}

/*
 * Each key's origin tag (sim/origin.c): the tag in the comment above it; a key with no comment
 * shares the tag of the key above it in the same group (the shipped profiles group keys under
 * one comment); a comment with no tag leaves the key's origin unstated.
 */
static void read_origins(GKeyFile *kf, struct ds_profile *p)
{
	static const char *const groups[] = { "profile", "costs", "sizes" };

	for (size_t g = 0; g < G_N_ELEMENTS(groups); g++) {
		g_auto(GStrv) keys = g_key_file_get_keys(kf, groups[g], NULL, NULL);
		enum ds_origin current = DS_ORIGIN_UNSTATED;

		for (size_t k = 0; keys && keys[k]; k++) {
			g_autofree char *comment = g_key_file_get_comment(kf, groups[g], keys[k],
									 NULL);
			int i = key_index(groups[g], keys[k]);

			/* a comment without a tag ("[base x86-desktop] kept") says nothing known */
			if (comment && !ds_origin_from_comment(comment, &current))
				current = DS_ORIGIN_UNSTATED;
			if (i >= 0)
				p->origin[i] = (unsigned char)current;
		}
	}
}

static gboolean check_sane(const struct ds_profile *p, const char *path, GError **error)
{
	if (p->page_size < 8 || p->page_size > (1u << 24) || (p->page_size & (p->page_size - 1)))
		return bad_key(error, path, "profile", "page_size",
			       "expected a power of two from 8 to 16 MiB", NULL);
	if (p->wake_dist == DS_DIST_LOGNORMAL && p->wake_sigma <= 0.0)
		return bad_key(error, path, "costs", "wake_sigma",
			       "wake_dist lognormal needs wake_sigma > 0", NULL);
	if (p->sizes.kind == DS_SIZE_LOGNORMAL && p->sizes.sigma <= 0.0)
		return bad_key(error, path, "sizes", "object_size_sigma",
			       "object_size_dist lognormal needs object_size_sigma > 0", NULL);
	if (p->sizes.kind == DS_SIZE_HISTOGRAM && !p->sizes.nbins)
		return bad_key(error, path, "sizes", "object_size_histogram",
			       "object_size_dist histogram needs object_size_histogram", NULL);
	if (p->sizes.kind != DS_SIZE_HISTOGRAM && p->sizes.nbins)
		return bad_key(error, path, "sizes", "object_size_histogram",
			       "given, but object_size_dist is not histogram", NULL);
	if (p->zs_class_hold_ns > p->zs_free_ns)
		return bad_key(error, path, "costs", "zs_class_hold_ns",
			       "the part of zs_free() under class->lock cannot exceed zs_free_ns",
			       NULL);
	if (!(p->wake_sigma >= 0 && p->wake_sigma < 10))
		return bad_key(error, path, "costs", "wake_sigma", "expected a number from 0 to 10",
			       NULL);
	return TRUE;
}

gboolean ds_profile_validate(const struct ds_profile *p, GError **error)
{
	const char *name = p->name ? p->name : "unnamed";

	for (size_t i = 0; i < G_N_ELEMENTS(key_table); i++) {
		const struct key_desc *d = &key_table[i];
		uint64_t v;

		if (d->kind != KK_NS)
			continue;
		v = *(const uint64_t *)(const void *)((const char *)p + d->offset);
		if (v > DS_PROFILE_NS_MAX) {
			g_set_error(error, DS_ERROR, DS_ERROR_PROFILE,
				    "profile %s: [%s] %s = %" G_GUINT64_FORMAT " is more than 10^12",
				    name, d->group, d->key, v);
			return FALSE;
		}
	}
	if (!(p->wake_sigma >= 0 && p->wake_sigma < 10)) {
		g_set_error(error, DS_ERROR, DS_ERROR_PROFILE,
			    "profile %s: [costs] wake_sigma must be from 0 to 10", name);
		return FALSE;
	}
	return TRUE;
}

/* A bare name ("rpi4b") is NAME.ini in the data directory's profiles/ (ds_data_dir()). */
static char *resolve_path(const char *name)
{
	g_autofree char *dir = ds_data_dir("profiles");
	g_autofree char *file = g_strconcat(name, ".ini", NULL);
	char *path = dir ? g_build_filename(dir, file, NULL) : NULL;

	if (path && !g_file_test(path, G_FILE_TEST_IS_REGULAR))
		g_clear_pointer(&path, g_free);
	return path;
}

static gint cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "rpi4b, x86-desktop" (sorted): the names --profile NAME accepts, for the error that a
 * name is not one of them; "none" when the directory has none or is missing */
static char *available_names(void)
{
	g_autofree char *dir = ds_data_dir("profiles");
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = dir ? g_dir_open(dir, 0, NULL) : NULL;
	const char *n;

	while (d && (n = g_dir_read_name(d)))
		if (g_str_has_suffix(n, ".ini") && strlen(n) > 4)
			g_ptr_array_add(names, g_strndup(n, strlen(n) - 4));
	if (d)
		g_dir_close(d);
	if (!names->len)
		return g_strdup("none");
	g_ptr_array_sort(names, cmp_names);
	g_ptr_array_add(names, NULL);
	return g_strjoinv(", ", (char **)names->pdata);
}

static bool is_bare_name(const char *s)
{
	return !strchr(s, '/') && !g_str_has_suffix(s, ".ini");
}

struct ds_profile *ds_profile_load(const char *path, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *file = is_bare_name(path) ? resolve_path(path) : g_strdup(path);
	struct ds_profile *p;
	GError *e = NULL;

	if (!file) {
		g_autofree char *where = ds_data_where("profiles");

		g_autofree char *names = available_names();

		g_set_error(error, DS_ERROR, DS_ERROR_PROFILE, "profile '%s': no %s.ini in %s "
			    "(available profiles: %s; or give an .ini file)", path, path, where, names);
		return NULL;
	}
	if (!g_key_file_load_from_file(kf, file, G_KEY_FILE_KEEP_COMMENTS, &e)) {
		g_autofree char *names = g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT) ?
					 available_names() : NULL;

		g_set_error(error, DS_ERROR, DS_ERROR_PROFILE, "profile %s: %s%s%s%s", file,
			    e->message, names ? " (available profiles: " : "", names ? names : "",
			    names ? ")" : "");
		g_error_free(e);
		return NULL;
	}
	if (!check_unknown(kf, file, error))
		return NULL;
	p = g_new0(struct ds_profile, 1);
	p->page_size = 4096;
	p->wake_dist = DS_DIST_FIXED;
	p->object_bytes = 1024;
	p->copy_entry_ns = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(key_table); i++) {
		if (!parse_key(&key_table[i], kf, file, p, error)) {
			ds_profile_free(p);
			return NULL;
		}
	}
	read_origins(kf, p);
	if (!check_sane(p, file, error)) {
		ds_profile_free(p);
		return NULL;
	}
	p->path = g_steal_pointer(&file);
	return p;
}

static char *format_histogram(const struct ds_size_dist *h)
{
	GString *s = g_string_new(NULL);
	char w[G_ASCII_DTOSTR_BUF_SIZE];

	for (unsigned int i = 0; i < h->nbins && i < DS_SIZE_BINS; i++)
		g_string_append_printf(s, "%s%u:%s", i ? "," : "", h->bin_size[i],
				       g_ascii_dtostr(w, sizeof(w), h->bin_weight[i]));
	return g_string_free(s, FALSE);
}

/* A key's value as the .ini holds it (the inverse of parse_key()). */
static char *format_key(const struct key_desc *d, const struct ds_profile *p,
			enum ds_profile_value *kind)
{
	const void *field = (const char *)p + d->offset;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	*kind = DS_PV_TEXT;
	switch (d->kind) {
	case KK_STRING:
		return g_strdup(*(char *const *)field);
	case KK_DIST:
		return g_strdup(dist_names[*(const enum ds_dist *)field]);
	case KK_SIZE_DIST:
		return g_strdup(size_dist_names[*(const enum ds_size_kind *)field]);
	case KK_HISTOGRAM:
		return format_histogram(field);
	case KK_TIME_BASE:
		return g_strdup(time_base_names[*(const enum ds_time_base *)field]);
	case KK_DOUBLE:
		*kind = DS_PV_DOUBLE;
		return g_strdup(g_ascii_dtostr(buf, sizeof(buf), *(const double *)field));
	case KK_UINT:
		*kind = DS_PV_INT;
		return g_strdup_printf("%u", *(const unsigned int *)field);
	case KK_NS:
		*kind = DS_PV_INT;
		return g_strdup_printf("%" G_GUINT64_FORMAT, *(const uint64_t *)field);
	}
	return NULL;
}

void ds_profile_foreach(const struct ds_profile *p,
			void (*fn)(const char *group, const char *key, const char *text,
				   enum ds_profile_value kind, void *data),
			void *data)
{
	for (size_t i = 0; i < G_N_ELEMENTS(key_table); i++) {
		enum ds_profile_value kind;
		g_autofree char *text = format_key(&key_table[i], p, &kind);

		if (text && *text)
			fn(key_table[i].group, key_table[i].key, text, kind, data);
	}
}

uint64_t *ds_profile_cost(struct ds_profile *p, const char *key)
{
	for (size_t i = 0; i < G_N_ELEMENTS(key_table); i++)
		if (key_table[i].kind == KK_NS && !strcmp(key_table[i].group, "costs") &&
		    !strcmp(key_table[i].key, key))
			return (uint64_t *)((char *)p + key_table[i].offset);
	return NULL;
}

enum ds_origin ds_profile_origin(const struct ds_profile *p, const char *key)
{
	int i = key_index(NULL, key);

	return i < 0 ? DS_ORIGIN_UNSTATED : (enum ds_origin)p->origin[i];
}

bool ds_profile_set_origin(struct ds_profile *p, const char *key, enum ds_origin origin)
{
	int i = key_index(NULL, key);

	if (i < 0 || (unsigned int)origin >= DS_ORIGIN__COUNT)
		return false;
	p->origin[i] = (unsigned char)origin;
	return true;
}

bool ds_profile_scale_cost(struct ds_profile *p, const char *key, double factor)
{
	uint64_t *field = ds_profile_cost(p, key);
	int i = key_index("costs", key);
	double v;

	if (!field || i < 0 || !isfinite(factor) || factor < 0)
		return false;
	v = round((double)*field * factor);
	if (v > (double)DS_PROFILE_NS_MAX)
		return false;
	*field = (uint64_t)v;
	p->scale[i] = (p->scale[i] > 0 ? p->scale[i] : 1.0) * factor;
	return true;
}

double ds_profile_scale_of(const struct ds_profile *p, const char *key)
{
	int i = key_index(NULL, key);

	return i < 0 || p->scale[i] <= 0 ? 1.0 : p->scale[i];
}
