// SPDX-License-Identifier: MIT
/*
 * policy_zsonly.c - the zsmalloc-only variant posted in the v3 thread (2026-05-09, spec §3).
 *
 * It is v3's structure (per-CPU buffer pages, a pool of free pages, a drain list, one
 * unbound work item; fallback as v3 [I], with v3's inferred choices as parameters), so it is
 * built on policy_v3.c through ds_policy_v3's operations rather than a copy of them.  What
 * differs:
 * - the values are zsmalloc handles, PAGE_SIZE/8 = 512 per page for zram and zswap alike [S];
 * - only zs_free() is deferred [S]: the hot path is (sync cost - zs) + v3's push path, and a
 *   fallback adds zs (zscost.c); the worker's cost per value is zs;
 * - the drain holds class->lock across consecutive handles of the same class, in page order,
 *   without sorting [S]: the page costs v3's lock_ns + Σ zs + drain_page_ns minus lock_ns for
 *   every value that continues a run of its predecessor's class (its zs_free does not take
 *   the lock again); class_lock_acquisitions counts one per run;
 * - a worker run drains at most pool_pages/2 pages (at least 1), then re-queues itself [S]
 *   (zsonly_pages_per_run overrides it).
 * A value's class: the size of its object from the trace where recorded (objsize.c), else a
 * size drawn from the profile's [sizes] (object_bytes when it has none: one class, one lock
 * per page), mapped to zsmalloc's class table with merged classes sharing a lock
 * (sizeclass.c; the pool's table, ds_pool_class_of()).
 *
 * Data structures: v3's state in pool->priv.
 */
#include "engine.h"
#include "zsmalloc.h"

static void *zsonly_create(struct ds_pool *pool)
{
	pool->cap = MAX(pool->eng->page_size / 8, 1u);	/* handles: 8 bytes [S] */
	pool->res->cap = pool->cap;
	return ds_policy_v3.create(pool);
}

static void zsonly_destroy(struct ds_pool *pool)
{
	ds_policy_v3.destroy(pool);
}

static void zsonly_release(struct ds_pool *pool, const struct ds_release *rel,
			   struct ds_release_out *out)
{
	uint64_t zs = ds_zs_part(pool->eng->prof, pool->be, rel->sync_cost);
	struct ds_release r = *rel;

	r.sync_cost = zs;	/* what a fallback still has to free */
	r.drain_cost = zs;
	r.novalue = true;	/* a handle, not a slot index: slot writes do not touch it */
	ds_ent_work(out->ent, rel->sync_cost - zs, 0);	/* the rest of the free stays here */
	ds_policy_v3.release(pool, &r, out);
	if (out->pushed && rel->obj_size)
		pool->res->sizes_from_trace++;
}

/* v3's page, then the class-lock batching over its values in page order. */
static bool zsonly_take(struct ds_pool *pool, struct ds_batch *b)
{
	uint64_t lock = pool->eng->prof->lock_ns;
	struct ds_page *page;

	if (!ds_policy_v3.take(pool, b))
		return false;
	b->class_runs = true;
	page = b->page;
	for (unsigned int i = 0; i < page->count; i++) {
		struct ds_entry *e = &page->e[i];

		if (!i || e->cls != page->e[i - 1].cls)
			pool->res->class_lock_acquisitions++;
		else
			e->cost = e->cost > lock ? (uint32_t)(e->cost - lock) : 0;
	}
	return true;
}

static unsigned int zsonly_run_limit(const struct ds_pool *pool)
{
	const struct ds_params *p = pool->eng->p;

	if (p->zsonly_pages_per_run)
		return p->zsonly_pages_per_run;
	return (unsigned int)MAX(p->pool_pages / 2, 1);
}

/* The rest is v3's, unchanged. */
static bool zsonly_has_work(const struct ds_pool *pool)
{
	return ds_policy_v3.has_work(pool);
}

static void zsonly_done(struct ds_pool *pool, struct ds_batch *b, uint64_t now)
{
	ds_policy_v3.done(pool, b, now);
}

static bool zsonly_flush(struct ds_pool *pool, unsigned int cpu, uint64_t now,
			 uint64_t *rearm_at)
{
	return ds_policy_v3.flush(pool, cpu, now, rearm_at);
}

static bool zsonly_teardown(struct ds_pool *pool, uint64_t now)
{
	return ds_policy_v3.teardown(pool, now);
}

static void zsonly_state(const struct ds_pool *pool, struct ds_pool_state *st)
{
	ds_policy_v3.state(pool, st);
}

static struct ds_page *zsonly_page_at(const struct ds_pool *pool, size_t i)
{
	return ds_policy_v3.page_at(pool, i);
}

const struct ds_policy_ops ds_policy_zsonly = {
	.name = "zsonly",
	.create = zsonly_create,
	.destroy = zsonly_destroy,
	.release = zsonly_release,
	.has_work = zsonly_has_work,
	.take = zsonly_take,
	.done = zsonly_done,
	.run_limit = zsonly_run_limit,
	.flush = zsonly_flush,
	.teardown = zsonly_teardown,
	.state = zsonly_state,
	.page_at = zsonly_page_at,
	.needs_obj_size = true,
};
