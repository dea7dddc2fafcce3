// SPDX-License-Identifier: MIT
/*
 * scale.c - the cost names a factor may multiply: `scale.NAME = F` in sweep files and
 * `--set scale.NAME=F` on every simulating command (one list, so both accept the same names).
 *
 * scale_names[] is that list: the profile's [costs] keys without "_ns", plus "sync_free" and
 * "drain_entry" standing for both backends' keys at once.  The fields themselves are found
 * through the profile's own key table (ds_profile_cost()); the factor is kept beside the value
 * (ds_profile_scale_cost()) so reports can say a cost was scaled.
 */
#include <math.h>
#include <string.h>

#include "ds_sim.h"

static const char *const scale_names[] = {
	"push", "swap", "queue_work", "lock", "wake_latency", "drain_page", "drain_entry",
	"drain_entry_zram", "drain_entry_zswap", "sync_free", "sync_free_zram",
	"sync_free_zswap", "zs_free", "copy_entry", "zs_class_hold", "lock_handover", NULL
};

const char *const *ds_scale_names(void)
{
	return scale_names;
}

/* The keys @name scales: "NAME_ns", or both backends' "NAME_zram_ns" and "NAME_zswap_ns". */
static size_t scale_keys(struct ds_profile *p, const char *name, char *keys[2])
{
	keys[0] = g_strconcat(name, "_ns", NULL);
	if (ds_profile_cost(p, keys[0]))
		return 1;
	g_free(keys[0]);
	keys[0] = g_strconcat(name, "_zram_ns", NULL);
	keys[1] = g_strconcat(name, "_zswap_ns", NULL);
	if (ds_profile_cost(p, keys[0]) && ds_profile_cost(p, keys[1]))
		return 2;
	g_free(keys[0]);
	g_free(keys[1]);
	return 0;
}

static gboolean is_name(const char *name)
{
	for (size_t i = 0; scale_names[i]; i++)
		if (!strcmp(scale_names[i], name))
			return TRUE;
	return FALSE;
}

gboolean ds_scale_cost(struct ds_profile *p, const char *name, double factor, GError **error)
{
	char *keys[2] = { NULL, NULL };
	gboolean ok = TRUE;
	size_t n;

	if (!is_name(name)) {
		g_autofree char *known = g_strjoinv(", ", (char **)scale_names);

		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "scale.%s: unknown cost (known: %s)",
			    name, known);
		return FALSE;
	}
	if (!isfinite(factor) || factor < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "scale.%s = %g: a factor must be a finite number >= 0", name, factor);
		return FALSE;
	}
	n = scale_keys(p, name, keys);
	g_assert(n);	/* every listed name is a key of the profile format */
	for (size_t k = 0; k < n; k++) {
		if (ok && !ds_profile_scale_cost(p, keys[k], factor)) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "scale.%s = %g: %s = %"
				    G_GUINT64_FORMAT " ns would exceed 10^12 ns", name, factor,
				    keys[k], *ds_profile_cost(p, keys[k]));
			ok = FALSE;
		}
		g_free(keys[k]);
	}
	return ok;
}

gboolean ds_scale_set(struct ds_profile *p, const char *name, const char *value, GError **error)
{
	char *end = NULL;
	double f = g_ascii_strtod(value, &end);

	if (!*value || !end || *end) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "scale.%s = '%s': a factor is a number (2, 0.5)", name, value);
		return FALSE;
	}
	return ds_scale_cost(p, name, f, error);
}
