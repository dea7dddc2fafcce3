// SPDX-License-Identifier: MIT
/*
 * plan.c - a sweep -> its points: parameters, scaled profile, trace and key of each.
 *
 * struct plan_inputs caches what is costly or must be done once per distinct value: the
 * SHA-256 of each trace (path -> char[65]) and each loaded profile with the digest of its file
 * (value -> struct plan_profile).  A point's key hashes a canonical text of everything that
 * decides its result (see ds_sweep_key()), so the order of keys in the sweep file, the point's
 * index or the directory do not matter, and any changed input does.
 */
#include <string.h>

#include "ds_sweep.h"

#define KEY_FORMAT "defersim-point-key 2"	/* bump when the canonical text changes */

struct plan_profile {
	struct ds_profile *prof;
	char digest[65];
};

struct plan_inputs {
	const struct ds_trace_opts *topts;	/* how the points open their traces */
	GHashTable *trace_sha;		/* resolved path -> char[65] */
	GHashTable *profiles;		/* sweep value -> struct plan_profile */
};

static void plan_profile_free(gpointer data)
{
	struct plan_profile *pp = data;

	ds_profile_free(pp->prof);
	g_free(pp);
}

void ds_sweep_point_free(struct ds_sweep_point *pt)
{
	if (!pt)
		return;
	g_free(pt->trace);
	ds_profile_free(pt->profile);
	g_free(pt->axis_keys);
	g_free(pt->values);
	g_free(pt);
}

static void append_param(const char *name, const char *value, bool inferred, void *data)
{
	(void)inferred;
	g_checksum_update(data, (const guchar *)"param.", -1);
	g_checksum_update(data, (const guchar *)name, -1);
	g_checksum_update(data, (const guchar *)"=", 1);
	g_checksum_update(data, (const guchar *)value, -1);
	g_checksum_update(data, (const guchar *)"\n", 1);
}

static void append_kv(GChecksum *ck, const char *k, const char *v)
{
	g_autofree char *line = g_strdup_printf("%s=%s\n", k, v ? v : "(null)");

	g_checksum_update(ck, (const guchar *)line, -1);
}

static void append_profile_key(const char *group, const char *key, const char *text,
			       enum ds_profile_value kind, void *data)
{
	g_autofree char *k = g_strconcat("profile.", group, ".", key, NULL);

	(void)kind;
	append_kv(data, k, text);
}

void ds_sweep_key(const char *trace_sha256, const char *profile_digest,
		  const struct ds_profile *prof, const struct ds_params *params,
		  const char *version, char *out)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(ck, (const guchar *)KEY_FORMAT "\n", -1);
	append_kv(ck, "version", version);
	append_kv(ck, "trace.sha256", trace_sha256);
	append_kv(ck, "profile.file", profile_digest);
	ds_profile_foreach(prof, append_profile_key, ck);
	ds_params_foreach(params, append_param, ck);
	g_strlcpy(out, g_checksum_get_string(ck), DS_SWEEP_KEY_LEN + 1);
	g_checksum_free(ck);
}

gboolean ds_sweep_profile_digest(const struct ds_profile *prof, char *out, GError **error)
{
	g_autofree char *builtin = NULL;

	if (prof->path)
		return ds_file_sha256(prof->path, out, error);
	builtin = g_strdup_printf("builtin:%s", prof->name);
	g_autofree char *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, builtin, -1);
	g_strlcpy(out, hex, 65);
	return TRUE;
}

/* Relative paths in a sweep file are relative to the file, as in most config formats; the
 * result is absolute and without "..", so records name the trace the same from anywhere. */
static char *resolve(const struct ds_sweep *sw, const char *value)
{
	g_autofree char *cwd = g_get_current_dir();
	g_autofree char *dir = g_canonicalize_filename(sw->dir, cwd);

	return g_canonicalize_filename(value, dir);
}

/*
 * A trace read before has its sha256 in its cache's header: planning a sweep of a big trace
 * then reads 128 KiB of it, not all of it.  One whose cache is not written yet is read once
 * here as its first point would read it (decoded and hashed in one pass, its cache written),
 * rather than hashed, then decoded by that point: one pass over it, not two.  When that read
 * fails it is only hashed (its points then fail one by one, each saying why).
 */
static const char *trace_sha(struct plan_inputs *in, const char *path, GError **error)
{
	char *sha = g_hash_table_lookup(in->trace_sha, path);
	struct ds_trace_opts o = in->topts ? *in->topts : (struct ds_trace_opts){ .use_cache = TRUE };
	int known;

	if (sha)
		return sha;
	sha = g_malloc(65);
	o.stream = NULL;
	o.sha256 = NULL;
	o.progress = FALSE;
	known = ds_trace_sha256_early(path, &o, sha, error);
	if (!known) {
		/* its digest comes with a whole read, even one whose cache was not written */
		ds_sweep_warm_cache(path, &o, sha, NULL);
		known = strlen(sha) == 64 || ds_file_sha256(path, sha, error) ? 1 : -1;
	}
	if (known < 0) {
		g_free(sha);
		return NULL;
	}
	g_hash_table_insert(in->trace_sha, g_strdup(path), sha);
	return sha;
}

/* A bare name goes to ds_profile_load() as is (it searches profiles/); a path is resolved. */
static const struct plan_profile *plan_profile(struct plan_inputs *in, const struct ds_sweep *sw,
					       const char *value, GError **error)
{
	struct plan_profile *pp = g_hash_table_lookup(in->profiles, value ? value : "");
	g_autofree char *path = NULL;

	if (pp)
		return pp;
	pp = g_new0(struct plan_profile, 1);
	if (!value || !strcmp(value, "builtin-default")) {
		pp->prof = ds_profile_new_default();
	} else {
		gboolean bare = !strchr(value, '/') && !g_str_has_suffix(value, ".ini");

		path = bare ? g_strdup(value) : resolve(sw, value);
		pp->prof = ds_profile_load(path, error);
	}
	if (!pp->prof || !ds_sweep_profile_digest(pp->prof, pp->digest, error)) {
		plan_profile_free(pp);
		return NULL;
	}
	g_hash_table_insert(in->profiles, g_strdup(value ? value : ""), pp);
	return pp;
}

static char *describe_values(const struct ds_sweep_point *pt)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < pt->n_axes; i++)
		g_string_append_printf(s, "%s%s=%s", i ? " " : "", pt->axis_keys[i], pt->values[i]);
	return g_string_free(s, FALSE);
}

static gboolean point_error(GError **error, const struct ds_sweep *sw,
			    const struct ds_sweep_point *pt, GError *why)
{
	g_autofree char *desc = describe_values(pt);

	g_set_error(error, why->domain, why->code, "%s: point %" G_GUINT64_FORMAT " (%s): %s",
		    sw->path, pt->index, desc, why->message);
	g_error_free(why);
	return FALSE;
}

/* Parameters in file order, then scale factors: the point's own settings. */
static gboolean point_settings(struct ds_sweep_point *pt, const struct ds_sweep *sw,
			       GError **error)
{
	for (guint i = 0; i < pt->n_axes; i++) {
		const struct ds_sweep_axis *a = g_ptr_array_index(sw->axes, i);

		if (a->kind == DS_AXIS_PARAM &&
		    !ds_params_set(&pt->params, a->key, pt->values[i], error))
			return FALSE;
	}
	for (guint i = 0; i < pt->n_axes; i++) {
		const struct ds_sweep_axis *a = g_ptr_array_index(sw->axes, i);

		if (a->kind == DS_AXIS_SCALE &&
		    !ds_scale_cost(pt->profile, a->key + strlen("scale."),
					 g_ascii_strtod(pt->values[i], NULL), error))
			return FALSE;
	}
	return ds_params_validate(&pt->params, error);
}

static struct ds_sweep_point *point_new(const struct ds_sweep *sw, struct plan_inputs *in,
					guint64 index, GError **error)
{
	struct ds_sweep_point *pt = g_new0(struct ds_sweep_point, 1);
	g_autofree guint *choice = g_new(guint, sw->axes->len);
	const struct plan_profile *pp = NULL;
	const char *profile_value = NULL, *sha;
	GError *why = NULL;

	pt->index = index;
	pt->n_axes = sw->axes->len;
	pt->axis_keys = g_new(const char *, pt->n_axes);
	pt->values = g_new(const char *, pt->n_axes);
	ds_sweep_choice(sw, index, choice);
	for (guint i = 0; i < pt->n_axes; i++) {
		const struct ds_sweep_axis *a = g_ptr_array_index(sw->axes, i);

		pt->axis_keys[i] = a->key;
		pt->values[i] = g_ptr_array_index(a->values, choice[i]);
		if (a->kind == DS_AXIS_TRACE)
			pt->trace = resolve(sw, pt->values[i]);
		else if (a->kind == DS_AXIS_PROFILE)
			profile_value = pt->values[i];
	}
	ds_params_init(&pt->params);
	if (!(sha = trace_sha(in, pt->trace, &why)) ||
	    !(pp = plan_profile(in, sw, profile_value, &why)))
		goto fail;
	g_strlcpy(pt->trace_sha256, sha, sizeof(pt->trace_sha256));
	pt->profile = ds_sweep_profile_dup(pp->prof);
	if (!point_settings(pt, sw, &why))
		goto fail;
	ds_sweep_key(pt->trace_sha256, pp->digest, pt->profile, &pt->params, DS_VERSION, pt->key);
	return pt;
fail:
	point_error(error, sw, pt, why);
	ds_sweep_point_free(pt);
	return NULL;
}

GPtrArray *ds_sweep_plan(const struct ds_sweep *sw, const struct ds_trace_opts *topts,
			 GError **error)
{
	struct plan_inputs in = {
		topts,
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, plan_profile_free),
	};
	GPtrArray *points = g_ptr_array_new_with_free_func((GDestroyNotify)ds_sweep_point_free);

	for (guint64 i = 0; i < sw->n_points; i++) {
		struct ds_sweep_point *pt = point_new(sw, &in, i, error);

		if (!pt) {
			g_ptr_array_free(points, TRUE);
			points = NULL;
			break;
		}
		g_ptr_array_add(points, pt);
	}
	g_hash_table_destroy(in.trace_sha);
	g_hash_table_destroy(in.profiles);
	return points;
}
