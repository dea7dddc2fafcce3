// SPDX-License-Identifier: MIT
/*
 * scale.c - what a sweep's `scale.COST = F` needs beyond sim/scale.c (which owns the cost
 * names and the scaling, shared with `--set scale.COST=F`): each point scales its own copy of
 * the profile.  The scaled costs are part of the point's key and of its JSON record.
 */
#include "ds_sweep.h"

struct ds_profile *ds_sweep_profile_dup(const struct ds_profile *p)
{
	struct ds_profile *c = g_new(struct ds_profile, 1);

	*c = *p;
	c->name = g_strdup(p->name);
	c->path = g_strdup(p->path);
	c->description = g_strdup(p->description);
	return c;
}
