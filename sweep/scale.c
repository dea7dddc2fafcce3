// SPDX-License-Identifier: MIT
/*
 * scale.c - `scale.COST = F` in sweep files: multiply one hardware-profile cost by F.
 *
 * scale_table maps each scale name to the profile field(s) it multiplies: the profile file's
 * [costs] key without "_ns", plus "sync_free" and "drain_entry" for both backends at once.
 * Factors let a sweep ask "what if this phone's zs_free were twice as slow" without writing
 * a profile per case; the scaled costs are part of the point's key and of its JSON record.
 */
#include <math.h>
#include <string.h>

#include "ds_sweep.h"

/*
 * The names scale.NAME accepts: the profile's [costs] keys without "_ns"; "sync_free" and
 * "drain_entry" stand for both backends' keys.  The fields themselves are found through the
 * profile's own key table (ds_profile_cost()), so this list only says which are scalable.
 */
static const char *const scale_names[] = {
	"push", "swap", "queue_work", "lock", "wake_latency", "drain_page", "drain_entry",
	"drain_entry_zram", "drain_entry_zswap", "sync_free", "sync_free_zram",
	"sync_free_zswap", "zs_free", "copy_entry", NULL
};

const char *const *ds_sweep_scale_names(void)
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

gboolean ds_sweep_scale_cost(struct ds_profile *p, const char *cost, double factor,
			     GError **error)
{
	g_autofree char *known = NULL;

	if (!isfinite(factor) || factor < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "scale.%s = %g: a factor must be a finite number >= 0", cost, factor);
		return FALSE;
	}
	for (size_t i = 0; scale_names[i]; i++) {
		char *keys[2] = { NULL, NULL };
		gboolean ok = TRUE;
		size_t n;

		if (strcmp(scale_names[i], cost))
			continue;
		n = scale_keys(p, cost, keys);
		g_assert(n);	/* every listed name is a key of the profile format */
		for (size_t k = 0; k < n; k++) {
			if (!ds_profile_scale_cost(p, keys[k], factor) && ok) {
				g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
					    "scale.%s = %g: %s = %" G_GUINT64_FORMAT
					    " ns would exceed 10^12 ns", cost, factor, keys[k],
					    *ds_profile_cost(p, keys[k]));
				ok = FALSE;
			}
			g_free(keys[k]);
		}
		return ok;
	}
	known = g_strjoinv(", ", (char **)scale_names);
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "scale.%s: unknown cost (known: %s)", cost,
		    known);
	return FALSE;
}

struct ds_profile *ds_sweep_profile_dup(const struct ds_profile *p)
{
	struct ds_profile *c = g_new(struct ds_profile, 1);

	*c = *p;
	c->name = g_strdup(p->name);
	c->path = g_strdup(p->path);
	c->description = g_strdup(p->description);
	return c;
}
