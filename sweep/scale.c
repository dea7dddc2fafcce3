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
#include <stddef.h>
#include <string.h>

#include "ds_sweep.h"

struct scale_desc {
	const char *name;
	size_t n;		/* fields it scales: 1, or 2 (both backends) */
	size_t offset[2];	/* uint64_t fields of struct ds_profile */
};

#define F(field) offsetof(struct ds_profile, field)

static const struct scale_desc scale_table[] = {
	{ "push", 1, { F(push_ns) } },
	{ "swap", 1, { F(swap_ns) } },
	{ "queue_work", 1, { F(queue_work_ns) } },
	{ "lock", 1, { F(lock_ns) } },
	{ "wake_latency", 1, { F(wake_latency_ns) } },
	{ "drain_page", 1, { F(drain_page_ns) } },
	{ "drain_entry", 2, { F(drain_entry_ns[DS_BE_ZRAM]), F(drain_entry_ns[DS_BE_ZSWAP]) } },
	{ "drain_entry_zram", 1, { F(drain_entry_ns[DS_BE_ZRAM]) } },
	{ "drain_entry_zswap", 1, { F(drain_entry_ns[DS_BE_ZSWAP]) } },
	{ "sync_free", 2, { F(sync_free_ns[DS_BE_ZRAM]), F(sync_free_ns[DS_BE_ZSWAP]) } },
	{ "sync_free_zram", 1, { F(sync_free_ns[DS_BE_ZRAM]) } },
	{ "sync_free_zswap", 1, { F(sync_free_ns[DS_BE_ZSWAP]) } },
	{ "zs_free", 1, { F(zs_free_ns) } },
	{ "copy_entry", 1, { F(copy_entry_ns) } },
};

#undef F

static const char *const scale_names[] = {
	"push", "swap", "queue_work", "lock", "wake_latency", "drain_page", "drain_entry",
	"drain_entry_zram", "drain_entry_zswap", "sync_free", "sync_free_zram",
	"sync_free_zswap", "zs_free", "copy_entry", NULL
};

G_STATIC_ASSERT(G_N_ELEMENTS(scale_names) == G_N_ELEMENTS(scale_table) + 1);

const char *const *ds_sweep_scale_names(void)
{
	return scale_names;
}

static void scale_field(struct ds_profile *p, size_t offset, double factor)
{
	uint64_t *field = (uint64_t *)((char *)p + offset);
	double v = round((double)*field * factor);

	*field = v >= 18e18 ? UINT64_C(18000000000000000000) : (uint64_t)v;
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
	for (size_t i = 0; i < G_N_ELEMENTS(scale_table); i++) {
		if (strcmp(scale_table[i].name, cost))
			continue;
		for (size_t k = 0; k < scale_table[i].n; k++)
			scale_field(p, scale_table[i].offset[k], factor);
		return TRUE;
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
