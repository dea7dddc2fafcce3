// SPDX-License-Identifier: MIT
/*
 * policy_v2.c - the series' v2 (2026-04-21, spec §3): one array of zsmalloc handles per pool.
 *
 * Data structures: struct v2 per pool: @arr, the live array (a struct ds_page of CAP =
 * v2_array_entries entries, 128 MiB >> PAGE_SHIFT = 32768 at 4 KiB [S]; storage allocated
 * on first push); @draining, the batch a worker holds; @threshold, the count at which a push
 * queues the drain (half the array [S]); and two counters for page conservation: @live (the
 * live array is in place: 1, or 0 while the whole-lock drain works on it in place) and
 * @spare (copy mode: the buffer the drain copies the array into is free: 1, else 0).
 *
 * Hot path (only zs_free() is deferred [S]; the zram slot metadata / zswap LRU delete stay
 * synchronous), as the task's program, the trylock first (its outcome is decided when the
 * release starts):
 *   spin_trylock(array lock) fails            lock_ns, the rest of the free (sync_cost - zs,
 *     (held by the drain or by another        zscost.c), zs (its class lock)  (fallbacks_lock)
 *      producer pushing)  -> fallback
 *   array full              -> fallback       [lock_ns under the lock], the rest, zs
 *   else push                                 [lock_ns + push_ns under the lock], the rest
 *        count == threshold -> queue_work     + queue_work_ns
 * The worker's cost per value is zs (zs_free).  The drain [I v2_drain_holds_lock]:
 *   copy:  lock, copy the array out (lock_ns + n x copy_entry_ns), unlock, zs_free each;
 *   whole: lock, zs_free each, unlock: the lock is held for the whole drain.
 * The array lock is a lock like any other (lock.c): a producer whose trylock finds it held,
 * by the drain or by another producer inside its push, falls back.
 * A drain run takes the array when it holds at least @threshold values (or at teardown), so
 * a run queued at the threshold drains what has accumulated by the time it runs; there is
 * one copy buffer, so one drain at a time.  No idle flush: values below the threshold wait
 * for more pushes, or for teardown.
 */
#include "engine.h"
#include "zsmalloc.h"

struct v2 {
	struct ds_page *arr;
	struct ds_page *draining;
	unsigned int threshold;
	bool whole;
	bool teardown;
	unsigned int live;
	unsigned int spare;
};

static unsigned int v2_entries(const struct ds_params *p, unsigned int page_size)
{
	return p->v2_array_entries ? p->v2_array_entries : MAX((128u << 20) / page_size, 1u);
}

static unsigned int v2_threshold(const struct ds_params *p, unsigned int entries)
{
	return p->v2_drain_threshold ? p->v2_drain_threshold : MAX(entries / 2, 1u);
}

static gboolean v2_check(const struct ds_params *p, unsigned int page_size, GError **error)
{
	unsigned int entries = v2_entries(p, page_size);

	if (v2_threshold(p, entries) > entries) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "parameter v2_drain_threshold=%u: above the array's %u entries "
			    "(v2_array_entries=%s, page size %u)", p->v2_drain_threshold, entries,
			    p->v2_array_entries ? "set" : "auto", page_size);
		return FALSE;
	}
	return TRUE;
}

static void *v2_create(struct ds_pool *pool)
{
	const struct ds_params *p = pool->eng->p;
	struct v2 *v = g_new0(struct v2, 1);

	pool->cap = v2_entries(p, pool->eng->page_size);
	pool->res->cap = pool->cap;
	v->threshold = v2_threshold(p, pool->cap);
	v->whole = p->v2_drain_holds_lock == DS_V2_LOCK_WHOLE;
	v->live = 1;
	v->spare = v->whole ? 0 : 1;
	return v;
}

static void v2_destroy(struct ds_pool *pool)
{
	struct v2 *v = pool->priv;

	if (v->arr)
		ds_pool_page_put(pool, v->arr);
	if (v->draining)
		ds_pool_page_put(pool, v->draining);
	g_free(v);
}

static void v2_release(struct ds_pool *pool, const struct ds_release *rel,
		       struct ds_release_out *out)
{
	const struct ds_profile *prof = pool->eng->prof;
	struct v2 *v = pool->priv;
	uint64_t zs = ds_zs_part(prof, pool->be, rel->sync_cost);
	struct ds_release r = *rel;
	struct ds_ent *e = out->ent;

	if (!ds_lock_trylock_ok(pool->eng, pool->pool_lock, e)) {
		/* the drain or another producer holds the array lock */
		pool->res->fallbacks_lock++;
		out->fallback = true;
		ds_ent_work(e, prof->lock_ns + rel->sync_cost - zs, 0);
		ds_pool_sync_free(pool, e, rel->cls, zs);
		return;
	}
	if (!v->arr)
		v->arr = ds_pool_page_get(pool);
	if (v->arr->count == pool->cap) {
		out->fallback = true;
		ds_ent_locked(e, pool->pool_lock, prof->lock_ns, 0);
		ds_ent_work(e, rel->sync_cost - zs, 0);
		ds_pool_sync_free(pool, e, rel->cls, zs);
		return;
	}
	/* a handle, not a slot index: a later write to the slot does not touch it */
	r.novalue = true;
	r.drain_cost = zs;
	ds_pool_push(pool, v->arr, &r);
	out->pushed = true;
	ds_ent_locked(e, pool->pool_lock, prof->lock_ns + prof->push_ns, 0);
	ds_ent_work(e, rel->sync_cost - zs, 0);
	if (v->arr->count == v->threshold) {
		out->queue_work = true;
		ds_ent_work(e, prof->queue_work_ns, 0);
	}
}

static bool v2_has_work(const struct ds_pool *pool)
{
	const struct v2 *v = pool->priv;

	return v->arr && v->arr->count >= v->threshold;
}

static bool v2_take(struct ds_pool *pool, struct ds_batch *b)
{
	const struct ds_profile *prof = pool->eng->prof;
	struct v2 *v = pool->priv;
	struct ds_page *page = v->arr;

	if (v->draining || !page || !page->count || (page->count < v->threshold && !v->teardown))
		return false;
	page->teardown = v->teardown;
	v->arr = NULL;
	v->draining = page;
	if (v->whole)
		v->live--;
	else
		v->spare--;
	b->page = page;
	b->lock = pool->pool_lock;
	b->hold_all = v->whole;
	b->before = prof->lock_ns + (v->whole ? 0 : page->count * prof->copy_entry_ns);
	b->after = 0;
	return true;
}

static void v2_done(struct ds_pool *pool, struct ds_batch *b, uint64_t now)
{
	struct v2 *v = pool->priv;

	(void)now;
	g_assert(b->page == v->draining);
	ds_pool_page_put(pool, b->page);
	v->draining = NULL;
	if (v->whole)
		v->live++;
	else
		v->spare++;
}

static unsigned int v2_run_limit(const struct ds_pool *pool)
{
	(void)pool;
	return 0;	/* a run ends when take() has nothing (below the threshold) */
}

/* [I] teardown: whatever the array holds is drained, threshold or not. */
static bool v2_teardown(struct ds_pool *pool, uint64_t now)
{
	struct v2 *v = pool->priv;

	(void)now;
	v->teardown = true;
	return v->arr && v->arr->count;
}

static void v2_state(const struct ds_pool *pool, struct ds_pool_state *st)
{
	const struct v2 *v = pool->priv;

	st->free = v->spare;
	st->queued = 0;
	st->draining = v->draining ? 1 : 0;
	st->percpu = v->live;
	st->percpu_nonempty = v->arr && v->arr->count ? 1 : 0;
}

static uint64_t v2_pages_total(const struct ds_pool *pool)
{
	const struct v2 *v = pool->priv;

	return v->whole ? 1 : 2;	/* the array (+ the copy buffer) */
}

static struct ds_page *v2_page_at(const struct ds_pool *pool, size_t i)
{
	const struct v2 *v = pool->priv;

	if (v->arr && !i--)
		return v->arr;
	return v->draining && !i ? v->draining : NULL;
}

const struct ds_policy_ops ds_policy_v2 = {
	.name = "v2",
	.create = v2_create,
	.destroy = v2_destroy,
	.release = v2_release,
	.has_work = v2_has_work,
	.take = v2_take,
	.done = v2_done,
	.run_limit = v2_run_limit,
	.teardown = v2_teardown,
	.state = v2_state,
	.page_at = v2_page_at,
	.pages_total = v2_pages_total,
	.check = v2_check,
};
