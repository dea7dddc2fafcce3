// SPDX-License-Identifier: MIT
/*
 * policy.c - the registry of release policies: a constant table, in the order reports list
 * them.
 */
#include <string.h>

#include "ds_sim.h"
#include "policy.h"

static const struct ds_policy_ops *const policies[] = {
	&ds_policy_sync,
	&ds_policy_v2,
	&ds_policy_v3,
	&ds_policy_zsonly,
};

static const char *const policy_names[] = { "sync", "v2", "v3", "zsonly", NULL };

_Static_assert(G_N_ELEMENTS(policies) + 1 == G_N_ELEMENTS(policy_names),
	       "every policy has its name in policy_names");

const char *const *ds_policy_names(void)
{
	return policy_names;
}

const struct ds_policy_ops *ds_policy_find(const char *name)
{
	for (size_t i = 0; name && i < G_N_ELEMENTS(policies); i++)
		if (!strcmp(policies[i]->name, name))
			return policies[i];
	return NULL;
}
