// SPDX-License-Identifier: MIT
/*
 * policy_sync.c - mainline without the series (spec §1): every release frees its value on
 * the releasing CPU at its full sync cost (its zsmalloc part under the class lock when class
 * locks are modelled); no pool, no worker.
 */
#include "engine.h"

static void sync_release(struct ds_pool *pool, const struct ds_release *rel,
			 struct ds_release_out *out)
{
	ds_pool_sync_free(pool, out->ent, rel->cls, rel->sync_cost);
	out->sync = true;
}

const struct ds_policy_ops ds_policy_sync = {
	.name = "sync",
	.release = sync_release,
};
