// SPDX-License-Identifier: MIT
/*
 * policy_v3.c - RFC v3 (spec §2): per-CPU buffer pages, a pool of free pages, a drain list.
 *
 * Data structures: struct v3 per pool: per CPU a struct v3_cpu (its buffer page, whether it
 * owns one, whether it is full (kept, not recomputed: every release asks), whether it is
 * stranded full and since when, its last push for the idle flush);
 * @free, the count of pages in the pool (a free page has no storage until a CPU takes it);
 * @drain, the GQueue of full pages; @draining, pages the workers hold.  Counters @percpu and
 * @nonempty keep state() O(1), since it runs at every state change.  @returned: of @free, the
 * CPUs' own buffer pages given back at teardown (without percpu_pages_from_pool they were never
 * pool pages; counting them apart keeps the pool's free pages at most pool_pages).
 *
 * Hot path (zs_free_deferred) as the spec's pseudo-code, with its inferred choices as
 * parameters: push_semantics (eager: swap when the push fills the buffer; lazy: when a push
 * finds it full), retry_swap_on_full, percpu_pages_from_pool, idle_flush_ns.  The hot path's
 * program: push_ns for every call; + swap_ns under the pool lock and queue_work_ns when a full
 * page is swapped; + lock_ns under the pool lock for a swap attempt that finds the pool empty;
 * + the release's synchronous free when it falls back.  The pool's state is read when the
 * release starts; waiting for the pool lock only delays it (the lock is held ~100 ns).
 */
#include "engine.h"

struct v3_cpu {
	struct ds_page *page;	/* NULL until the first push (storage is lazy) */
	bool has_page;
	bool full;		/* no page, or its page holds CAP values: read on every release,
			 * set where either changes (v3_store(), v3_swap_page(), teardown) */
	bool stranded;
	uint64_t stranded_since;
	uint64_t last_push;
};

struct v3 {
	struct v3_cpu *cpu;
	uint64_t free;
	GQueue drain;
	GPtrArray *draining;
	uint64_t percpu;
	uint64_t nonempty;
	uint64_t returned;
};

static void *v3_create(struct ds_pool *pool)
{
	const struct ds_params *p = pool->eng->p;
	struct v3 *v = g_new0(struct v3, 1);

	v->cpu = g_new0(struct v3_cpu, pool->ncpus);
	v->free = (uint64_t)p->pool_pages;
	g_queue_init(&v->drain);
	v->draining = g_ptr_array_new();
	for (unsigned int c = 0; c < pool->ncpus; c++) {
		if (p->percpu_pages_from_pool) {
			if (!v->free)
				continue;	/* this CPU starts without a page */
			v->free--;
		}
		v->cpu[c].has_page = true;
		v->percpu++;
	}
	for (unsigned int c = 0; c < pool->ncpus; c++)
		v->cpu[c].full = !v->cpu[c].has_page;
	return v;
}

static void v3_destroy(struct ds_pool *pool)
{
	struct v3 *v = pool->priv;
	struct ds_page *page;

	for (unsigned int c = 0; c < pool->ncpus; c++)
		if (v->cpu[c].page)
			ds_pool_page_put(pool, v->cpu[c].page);
	while ((page = g_queue_pop_head(&v->drain)))
		ds_pool_page_put(pool, page);
	for (guint i = 0; i < v->draining->len; i++)
		ds_pool_page_put(pool, g_ptr_array_index(v->draining, i));
	g_ptr_array_free(v->draining, TRUE);
	g_free(v->cpu);
	g_free(v);
}

static void stranded_end(struct ds_pool *pool, struct v3_cpu *pc, uint64_t now)
{
	if (!pc->stranded)
		return;
	pool->res->stranded_ns += now - pc->stranded_since;
	pc->stranded = false;
}

/* Put this CPU's non-empty page on the drain list and give it a fresh one. */
static void v3_swap_page(struct ds_pool *pool, struct v3 *v, struct v3_cpu *pc)
{
	v->free--;
	if (pc->page && pc->page->count) {
		g_queue_push_tail(&v->drain, pc->page);
		v->nonempty--;
		pc->page = NULL;
	}
	if (!pc->has_page) {
		pc->has_page = true;
		v->percpu++;
	}
	if (!pc->page)
		pc->page = ds_pool_page_get(pool);
	pc->full = false;	/* a fresh page */
	pool->res->swaps++;
}

/*
 * A swap attempt that found the pool empty: the CPU stands stranded.  Once it is, its page
 * (if any) is marked already and stays its page until a swap ends the stranding
 * (v3_swap_page() then stranded_end()): the marks need no writing again.  Its cost, the pool
 * lock for lock_ns, is the caller's to append.  Inline: every fallback of a pool too small
 * comes through here.
 */
static inline __attribute__((always_inline)) void
v3_swap_failed(struct ds_pool *pool, struct v3 *v, struct v3_cpu *pc, uint64_t now)
{
	pool->res->swap_failures++;
	if (!pc->stranded) {
		if (pc->page)
			pc->page->stranded = true;
		pc->stranded = true;
		pc->stranded_since = now;
		pool->res->stranded_episodes++;
	}
	if (G_UNLIKELY(pool->eng->obs))
		ds_obs_swap(pool, (unsigned int)(pc - v->cpu), now, false);
}

/* Take a page from the pool (it has one) for a full buffer (or a CPU without one), under the
 * pool lock. */
static void v3_swap(struct ds_pool *pool, struct v3 *v, struct v3_cpu *pc, uint64_t now,
		    struct ds_release_out *out)
{
	const struct ds_profile *prof = pool->eng->prof;
	bool queues = pc->page && pc->page->count;

	v3_swap_page(pool, v, pc);
	out->same_pages = false;	/* (eager: after the store that filled the page) */
	if (G_UNLIKELY(pool->eng->obs))
		ds_obs_swap(pool, (unsigned int)(pc - v->cpu), now, true);
	ds_ent_locked(out->ent, pool->pool_lock, prof->swap_ns, 0);
	if (queues) {
		ds_ent_work(out->ent, prof->queue_work_ns, 0);
		out->queue_work = true;
	}
	stranded_end(pool, pc, now);
}

/* Store the value in this CPU's buffer (not full).  Inline: once per stored value (two call
 * sites). */
static inline __attribute__((always_inline)) void
v3_store(struct ds_pool *pool, struct v3 *v, struct v3_cpu *pc, const struct ds_release *rel,
	 struct ds_release_out *out)
{
	const struct ds_params *p = pool->eng->p;

	if (!pc->page)
		pc->page = ds_pool_page_get(pool);
	if (!pc->page->count)
		v->nonempty++;
	else
		out->same_pages = true;
	ds_pool_push(pool, pc->page, rel);
	pc->full = pc->page->count == pool->cap;
	pc->last_push = rel->now;
	out->pushed = true;
	if (p->idle_flush_ns)
		out->flush_at = rel->now + p->idle_flush_ns;
}

/*
 * A release that found its buffer full and the pool empty: push_ns, the failed swap attempt
 * (the pool lock for lock_ns), then the synchronous free.  Without a class lock (the common
 * case) that is one hold of the pool lock, written whole (ds_ent_prog_hold()).
 */
static inline __attribute__((always_inline)) void
v3_fallback_failed(struct ds_pool *pool, struct v3 *v, struct v3_cpu *pc,
		   const struct ds_release *rel, struct ds_release_out *out)
{
	const struct ds_profile *prof = pool->eng->prof;

	if (G_LIKELY(!ds_pool_class_lock(pool, rel->cls) && !pool->eng->obs)) {
		ds_ent_prog_hold(out->ent, prof->push_ns, pool->pool_lock, prof->lock_ns,
				 rel->sync_cost);
	} else {
		ds_ent_work(out->ent, prof->push_ns, 0);
		ds_ent_locked(out->ent, pool->pool_lock, prof->lock_ns, 0);
		ds_pool_sync_free(pool, out->ent, rel->cls, rel->sync_cost);
	}
	v3_swap_failed(pool, v, pc, rel->now);
	out->fallback = true;	/* the value is not stored: freed synchronously */
}

static G_GNUC_NO_INLINE void v3_release_any(struct ds_pool *pool, const struct ds_release *rel,
					    struct ds_release_out *out)
{
	const struct ds_profile *prof = pool->eng->prof;
	struct v3 *v = pool->priv;
	struct v3_cpu *pc = &v->cpu[rel->cpu];

	if (pc->full) {
		/* Eager: the attempt at fill time failed (stranded), retry only if allowed.
		 * Lazy (or a CPU without a page): the first attempt is now. */
		if (!pc->stranded || pool->eng->p->retry_swap_on_full) {
			if (!v->free) {
				v3_fallback_failed(pool, v, pc, rel, out);
				return;
			}
			ds_ent_work(out->ent, prof->push_ns, 0);
			v3_swap(pool, v, pc, rel->now, out);
			v3_store(pool, v, pc, rel, out);
			return;
		}
		ds_ent_work(out->ent, prof->push_ns, 0);
		out->fallback = true;	/* the value is not stored: freed synchronously */
		ds_pool_sync_free(pool, out->ent, rel->cls, rel->sync_cost);
		return;
	}
	ds_ent_work(out->ent, prof->push_ns, 0);
	v3_store(pool, v, pc, rel, out);
	if (pc->full && pool->eng->p->push_semantics == DS_PUSH_EAGER) {
		/* the filling value is stored */
		if (v->free) {
			v3_swap(pool, v, pc, rel->now, out);
		} else {
			ds_ent_locked(out->ent, pool->pool_lock, prof->lock_ns, 0);
			v3_swap_failed(pool, v, pc, rel->now);
		}
	}
}

/*
 * The release: a fallback on an empty pool (most releases of a pool too small) inline here,
 * without a call -- the whole path fits in the registers a call may clobber, so this
 * function saves none; every other case in v3_release_any() (the same tests again).
 */
static void v3_release(struct ds_pool *pool, const struct ds_release *rel,
		       struct ds_release_out *out)
{
	const struct ds_engine *eng = pool->eng;
	struct v3 *v = pool->priv;
	struct v3_cpu *pc = &v->cpu[rel->cpu];
	struct ds_ent *e = out->ent;

	/* (the tests that keep v3_fallback_failed() on its inline path without a call: no
	 * observer, no class lock, a fresh program with room for its five steps) */
	if (pc->full && !v->free && (!pc->stranded || eng->p->retry_swap_on_full) &&
	    !eng->obs && !ds_pool_class_lock(pool, rel->cls) && !e->nsteps && e->cap >= 5) {
		v3_fallback_failed(pool, v, pc, rel, out);
		return;
	}
	v3_release_any(pool, rel, out);
}

static bool v3_has_work(const struct ds_pool *pool)
{
	const struct v3 *v = pool->priv;

	return v->drain.length > 0;
}

/*
 * Head of the drain list (fifo) or its tail (lifo), taken under the pool lock.  A value made
 * stale by a slot write costs only the slot lock (stale_policy noop); values become stale only
 * through the pending index (ds_pool_slot_write()), so without one the page is not walked.
 */
static bool v3_take(struct ds_pool *pool, struct ds_batch *b)
{
	const struct ds_profile *prof = pool->eng->prof;
	struct v3 *v = pool->priv;
	struct ds_page *page;

	if (!v->drain.length)
		return false;
	page = pool->eng->p->drain_order == DS_DRAIN_LIFO ? g_queue_pop_tail(&v->drain) :
		g_queue_pop_head(&v->drain);
	g_ptr_array_add(v->draining, page);
	b->page = page;
	b->lock = pool->pool_lock;
	b->before = prof->lock_ns;
	b->after_lock = pool->pool_lock;
	b->after = prof->drain_page_ns;
	if (!pool->pending_index)
		return true;
	for (unsigned int i = 0; i < page->count; i++) {
		struct ds_entry *e = &page->e[i];

		/* stale_policy noop: the slot lock is taken, nothing is left to free */
		if (e->flags & DS_ENTRY_STALE)
			e->cost = (uint32_t)MIN(prof->lock_ns, G_MAXUINT32);
	}
	return true;
}

static void v3_done(struct ds_pool *pool, struct ds_batch *b, uint64_t now)
{
	struct v3 *v = pool->priv;

	(void)now;
	g_ptr_array_remove_fast(v->draining, b->page);
	/* a CPU's buffer drained at teardown: the CPU gets no page back for it */
	if (b->page->teardown && !pool->eng->p->percpu_pages_from_pool)
		v->returned++;
	ds_pool_page_put(pool, b->page);
	v->free++;
}

static unsigned int v3_run_limit(const struct ds_pool *pool)
{
	return pool->eng->p->max_pages_per_run;
}

/* [defersim] idle flush: a non-empty buffer untouched for idle_flush_ns goes to the drain
 * list if a page is free; costs nothing to tasks (a timer on that CPU). */
static bool v3_flush(struct ds_pool *pool, unsigned int cpu, uint64_t now, uint64_t *rearm_at)
{
	struct v3 *v = pool->priv;
	struct v3_cpu *pc = &v->cpu[cpu];
	uint64_t due = pc->last_push + pool->eng->p->idle_flush_ns;

	if (!pc->page || !pc->page->count)
		return false;
	if (now < due) {
		*rearm_at = due;
		return false;
	}
	if (!v->free)
		return false;
	v3_swap_page(pool, v, pc);
	stranded_end(pool, pc, now);
	return true;
}

/* [I] teardown: every non-empty buffer is drained; empty ones go back to the pool. */
static bool v3_teardown(struct ds_pool *pool, uint64_t now)
{
	struct v3 *v = pool->priv;

	for (unsigned int c = 0; c < pool->ncpus; c++) {
		struct v3_cpu *pc = &v->cpu[c];

		stranded_end(pool, pc, now);
		if (!pc->has_page)
			continue;
		if (pc->page && pc->page->count) {
			pc->page->teardown = true;
			g_queue_push_tail(&v->drain, pc->page);
			v->nonempty--;
		} else {
			if (pc->page)
				ds_pool_page_put(pool, pc->page);
			v->free++;
			v->returned += !pool->eng->p->percpu_pages_from_pool;
		}
		pc->page = NULL;
		pc->has_page = false;
		pc->full = true;
		v->percpu--;
	}
	return v->drain.length > 0;
}

static void v3_state(const struct ds_pool *pool, struct ds_pool_state *st)
{
	const struct v3 *v = pool->priv;

	st->free = v->free;
	st->queued = v->drain.length;
	st->draining = v->draining->len;
	st->percpu = v->percpu;
	st->percpu_nonempty = v->nonempty;
	st->returned = v->returned;
}

static struct ds_page *v3_page_at(const struct ds_pool *pool, size_t i)
{
	const struct v3 *v = pool->priv;

	for (unsigned int c = 0; c < pool->ncpus; c++) {
		if (!v->cpu[c].page)
			continue;
		if (!i--)
			return v->cpu[c].page;
	}
	if (i < v->drain.length)
		return g_queue_peek_nth((GQueue *)&v->drain, (guint)i);
	i -= v->drain.length;
	return i < v->draining->len ? g_ptr_array_index(v->draining, i) : NULL;
}

const struct ds_policy_ops ds_policy_v3 = {
	.name = "v3",
	.create = v3_create,
	.destroy = v3_destroy,
	.release = v3_release,
	.has_work = v3_has_work,
	.take = v3_take,
	.done = v3_done,
	.run_limit = v3_run_limit,
	.flush = v3_flush,
	.teardown = v3_teardown,
	.state = v3_state,
	.page_at = v3_page_at,
};
