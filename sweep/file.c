// SPDX-License-Identifier: MIT
/*
 * file.c - sweep files: a GKeyFile with one group [sweep] whose keys are the axes.
 *
 *   [sweep]
 *   trace = ../traces/lmk-4x64m-6.12.dat
 *   profile = x86-desktop, rpi4b
 *   policy = sync, v3
 *   pool_pages = 0..128*2
 *   scale.sync_free = 0.5, 1, 2
 *
 * Each key becomes a struct ds_sweep_axis (values expanded by values.c); the points are the
 * cartesian product with the first key varying slowest, like nested loops written in file
 * order.  Every value is checked here, so that a typo is reported against the file, group
 * and key before anything runs.
 */
#include <math.h>
#include <string.h>

#include "ds_sweep.h"

#define SWEEP_GROUP "sweep"

static void axis_free(gpointer data)
{
	struct ds_sweep_axis *a = data;

	g_free(a->key);
	g_ptr_array_free(a->values, TRUE);
	g_free(a);
}

void ds_sweep_free(struct ds_sweep *sw)
{
	if (!sw)
		return;
	g_free(sw->path);
	g_free(sw->dir);
	if (sw->axes)
		g_ptr_array_free(sw->axes, TRUE);
	g_free(sw);
}

struct known_ctx {
	const char *name;
	gboolean found;
};

static void match_param(const char *name, const char *value, bool inferred, void *data)
{
	struct known_ctx *ctx = data;

	(void)value;
	(void)inferred;
	if (!strcmp(name, ctx->name))
		ctx->found = TRUE;
}

static void list_param(const char *name, const char *value, bool inferred, void *data)
{
	(void)value;
	(void)inferred;
	g_string_append_printf(data, "%s, ", name);
}

/* Parameter names come from ds_params_foreach(): the sim's own table is the only list. */
static gboolean param_known(const char *name)
{
	struct ds_params p;
	struct known_ctx ctx = { name, FALSE };

	ds_params_init(&p);
	ds_params_foreach(&p, match_param, &ctx);
	return ctx.found;
}

static char *known_keys(void)
{
	struct ds_params p;
	GString *s = g_string_new("trace, profile, scale.COST, ");

	ds_params_init(&p);
	ds_params_foreach(&p, list_param, s);
	g_string_truncate(s, s->len - 2);
	return g_string_free(s, FALSE);
}

static gboolean key_error(GError **error, const char *path, const char *key, GError *why)
{
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "%s: [%s] %s: %s", path, SWEEP_GROUP, key,
		    why->message);
	g_error_free(why);
	return FALSE;
}

static gboolean classify(const char *key, enum ds_axis_kind *kind, GError **error)
{
	if (!strcmp(key, "trace")) {
		*kind = DS_AXIS_TRACE;
	} else if (!strcmp(key, "profile")) {
		*kind = DS_AXIS_PROFILE;
	} else if (g_str_has_prefix(key, "scale.")) {
		*kind = DS_AXIS_SCALE;
	} else if (param_known(key)) {
		*kind = DS_AXIS_PARAM;
	} else {
		g_autofree char *known = known_keys();

		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "unknown parameter (known: %s)",
			    known);
		return FALSE;
	}
	return TRUE;
}

/* Try each value now: the error then names the key, not a point found much later. */
static gboolean check_value(const struct ds_sweep_axis *a, const char *value, GError **error)
{
	struct ds_profile *prof;
	struct ds_params p;
	char *end = NULL;
	double f;
	gboolean ok;

	switch (a->kind) {
	case DS_AXIS_PARAM:
		ds_params_init(&p);
		return ds_params_set(&p, a->key, value, error);
	case DS_AXIS_SCALE:
		f = g_ascii_strtod(value, &end);
		if (!*value || !end || *end) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "'%s': a factor is a number",
				    value);
			return FALSE;
		}
		prof = ds_profile_new_default();
		ok = ds_scale_cost(prof, a->key + strlen("scale."), f, error);
		ds_profile_free(prof);
		return ok;
	case DS_AXIS_TRACE:
	case DS_AXIS_PROFILE:
		return TRUE;	/* checked when the plan opens them */
	}
	return TRUE;
}

static struct ds_sweep_axis *axis_load(GKeyFile *kf, const char *path, const char *key,
				       GError **error)
{
	struct ds_sweep_axis *a = g_new0(struct ds_sweep_axis, 1);
	g_autofree char *raw = g_key_file_get_value(kf, SWEEP_GROUP, key, NULL);
	GError *why = NULL;

	a->key = g_strdup(key);
	a->values = g_ptr_array_new_with_free_func(g_free);
	if (!classify(key, &a->kind, &why) ||
	    !ds_sweep_values_parse(raw ? raw : "", a->kind == DS_AXIS_PARAM ||
				   a->kind == DS_AXIS_SCALE, a->values, &why))
		goto fail;
	for (guint i = 0; i < a->values->len; i++)
		if (!check_value(a, g_ptr_array_index(a->values, i), &why))
			goto fail;
	return a;
fail:
	key_error(error, path, key, why);
	axis_free(a);
	return NULL;
}

static gboolean check_groups(GKeyFile *kf, const char *path, GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);

	for (guint i = 0; groups[i]; i++) {
		if (strcmp(groups[i], SWEEP_GROUP)) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
				    "%s: unknown group [%s] (a sweep file has one group, [%s])",
				    path, groups[i], SWEEP_GROUP);
			return FALSE;
		}
	}
	if (!g_key_file_has_group(kf, SWEEP_GROUP)) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "%s: no [%s] group", path,
			    SWEEP_GROUP);
		return FALSE;
	}
	return TRUE;
}

/*
 * GKeyFile keeps the last of two values of one key (and merges two [sweep] groups), so a
 * key given twice would silently lose its first list of values: refuse it, naming both
 * lines.  The text is the one GKeyFile just parsed; only keys and group headers matter.
 */
static gboolean check_repeats(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autofree char *group = g_strdup("");

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return TRUE;	/* it was just read: a vanished file fails later, with its name */
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		char *l = g_strstrip(lines[i]);
		char *eq = strchr(l, '=');
		guint first;

		if (!*l || *l == '#')
			continue;
		if (*l == '[') {
			g_free(group);
			group = g_strdup(l);
			continue;
		}
		if (!eq)
			continue;
		*eq = '\0';
		g_autofree char *id = g_strdup_printf("%s %s", group, g_strstrip(l));

		first = GPOINTER_TO_UINT(g_hash_table_lookup(seen, id));
		if (first) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "%s:%u: %s is given twice (first "
				    "on line %u): the later line would silently replace the earlier; "
				    "list every value on one line", path, i + 1, id, first);
			return FALSE;
		}
		g_hash_table_insert(seen, g_steal_pointer(&id), GUINT_TO_POINTER(i + 1));
	}
	return TRUE;
}

static gboolean count_points(struct ds_sweep *sw, GError **error)
{
	gboolean has_trace = FALSE;

	sw->n_points = 1;
	for (guint i = 0; i < sw->axes->len; i++) {
		const struct ds_sweep_axis *a = g_ptr_array_index(sw->axes, i);

		has_trace |= a->kind == DS_AXIS_TRACE;
		sw->n_points *= a->values->len;
		if (sw->n_points > DS_SWEEP_MAX_POINTS) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
				    "%s: [%s] %s: the sweep has more than %d points", sw->path,
				    SWEEP_GROUP, a->key, DS_SWEEP_MAX_POINTS);
			return FALSE;
		}
	}
	if (!has_trace) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "%s: [%s] trace: missing (the trace.dat file(s) to replay)", sw->path,
			    SWEEP_GROUP);
		return FALSE;
	}
	return TRUE;
}

struct ds_sweep *ds_sweep_load(const char *path, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	struct ds_sweep *sw;
	g_auto(GStrv) keys = NULL;
	GError *e = NULL;

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &e)) {
		g_set_error(error, DS_ERROR, e->domain == G_FILE_ERROR ? DS_ERROR_IO :
			    DS_ERROR_PARAM, "sweep file %s: %s", path, e->message);
		g_error_free(e);
		return NULL;
	}
	if (!check_groups(kf, path, error) || !check_repeats(path, error))
		return NULL;
	sw = g_new0(struct ds_sweep, 1);
	sw->path = g_strdup(path);
	sw->dir = g_path_get_dirname(path);
	sw->axes = g_ptr_array_new_with_free_func(axis_free);
	keys = g_key_file_get_keys(kf, SWEEP_GROUP, NULL, NULL);
	for (guint i = 0; keys && keys[i]; i++) {
		struct ds_sweep_axis *a = axis_load(kf, path, keys[i], error);

		if (!a) {
			ds_sweep_free(sw);
			return NULL;
		}
		g_ptr_array_add(sw->axes, a);
	}
	if (!count_points(sw, error)) {
		ds_sweep_free(sw);
		return NULL;
	}
	return sw;
}

void ds_sweep_choice(const struct ds_sweep *sw, guint64 index, guint *choice)
{
	for (guint i = sw->axes->len; i-- > 0;) {
		const struct ds_sweep_axis *a = g_ptr_array_index(sw->axes, i);

		choice[i] = (guint)(index % a->values->len);
		index /= a->values->len;
	}
}
