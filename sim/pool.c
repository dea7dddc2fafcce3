// SPDX-License-Identifier: MIT
/*
 * pool.c - what every pool shares, whatever the policy: page storage, pushing a value,
 * accounting a drained batch, slot reuse, idle-flush timers, and observation (occupancy,
 * peaks, time series, page conservation).  Data structures: pool.h.
 */
#include <string.h>

#include "engine.h"

void ds_pool_init(struct ds_engine *eng, struct ds_pool *pool, enum ds_backend be)
{
	pool->eng = eng;
	pool->be = be;
	pool->cap = eng->page_size / (be == DS_BE_ZRAM ? 4u : 8u);	/* u32 index / pointer */
	pool->ncpus = eng->ncpus;
	pool->res = &eng->r->be[be];
	pool->res->cap = pool->cap;
	pool->ops = eng->ops;
	pool->spare = g_ptr_array_new();
	pool->flush_at = g_new0(uint64_t, eng->ncpus);
	pool->flush_gen = g_new0(uint32_t, eng->ncpus);
	pool->observe_all = eng->obs || eng->p->timeseries_ns || eng->p->check_invariants;
	pool->pool_lock = g_new0(struct ds_lock, 1);
	ds_lock_init(pool->pool_lock, eng->ops == &ds_policy_v2 ? DS_LOCK_V2_ARRAY : DS_LOCK_POOL);
	/* size classes exactly where object sizes are followed (engine.c sets objsize.active
	 * first): task_start_release() looks up a class only then */
	if (eng->objsize.active)
		ds_zs_classes_init(&pool->classes, eng->page_size, eng->p->zs_chain_size);
	if (eng->class_locks) {
		pool->class_locks = g_new0(struct ds_lock, pool->classes.n);
		for (unsigned int i = 0; i < pool->classes.n; i++)
			ds_lock_init(&pool->class_locks[i], DS_LOCK_CLASS);
	}
}

uint16_t ds_pool_class_of(struct ds_pool *pool, const struct ds_release *rel)
{
	const struct ds_engine *eng = pool->eng;
	uint32_t size = rel->obj_size;

	if (!size && eng->prof->sizes.kind == DS_SIZE_FIXED)
		size = (uint32_t)CLAMP(eng->prof->object_bytes, 1u, (uint64_t)eng->page_size);
	if (!size)
		size = ds_size_draw(eng->prof, ds_size_key(eng->p->seed, rel->rec_ts, rel->pid,
							   rel->value), eng->page_size);
	return (uint16_t)ds_zs_class_lock(&pool->classes, size);
}

static void page_free(gpointer data)
{
	struct ds_page *page = data;

	g_free(page->e);
	g_free(page->ids);
	g_free(page);
}

void ds_pool_clear(struct ds_pool *pool)
{
	if (pool->priv && pool->ops->destroy)
		pool->ops->destroy(pool);
	pool->priv = NULL;
	if (pool->spare) {
		g_ptr_array_set_free_func(pool->spare, page_free);
		g_ptr_array_free(pool->spare, TRUE);
	}
	pool->spare = NULL;
	if (pool->pending_index)
		g_hash_table_destroy(pool->pending_index);
	pool->pending_index = NULL;
	g_free(pool->flush_at);
	g_free(pool->flush_gen);
	if (pool->class_locks)
		for (unsigned int i = 0; i < pool->classes.n; i++)
			ds_lock_clear(&pool->class_locks[i]);
	g_free(pool->class_locks);
	pool->class_locks = NULL;
	if (pool->pool_lock)
		ds_lock_clear(pool->pool_lock);
	g_free(pool->pool_lock);
	pool->pool_lock = NULL;
	if (pool->classes.n)
		ds_zs_classes_clear(&pool->classes);
	memset(&pool->classes, 0, sizeof(pool->classes));
	pool->flush_at = NULL;
	pool->flush_gen = NULL;
	ds_workers_clear(pool);
}

struct ds_page *ds_pool_page_get(struct ds_pool *pool)
{
	struct ds_page *page;

	if (pool->spare->len) {
		page = g_ptr_array_steal_index_fast(pool->spare, pool->spare->len - 1);
	} else {
		page = g_new0(struct ds_page, 1);
		page->e = g_new(struct ds_entry, pool->cap);
		if (pool->eng->ledger)
			page->ids = g_new(uint64_t, pool->cap);
	}
	page->count = 0;
	page->teardown = false;
	page->stranded = false;
	return page;
}

void ds_pool_page_put(struct ds_pool *pool, struct ds_page *page)
{
	g_ptr_array_add(pool->spare, page);
}

void ds_pool_index_add(struct ds_pool *pool, struct ds_entry *e)
{
	g_hash_table_replace(pool->pending_index, &e->value, e);
}

static void index_forget(struct ds_pool *pool, struct ds_entry *e)
{
	if (!pool->pending_index || (e->flags & (DS_ENTRY_NOVALUE | DS_ENTRY_STALE)))
		return;
	if (g_hash_table_lookup(pool->pending_index, &e->value) == e)
		g_hash_table_remove(pool->pending_index, &e->value);
}

/*
 * Each value was freed when its step of the worker's program ended (worker.c): exact.  What
 * is the same for the whole page (teardown or not, stranded or not, rows mode, the ledger, the
 * pending index) is tested once per page: batch_values() is compiled twice, with and without
 * the per-value work of the index, the ledger and rows mode (@each), so that the usual run's
 * loop has none of their tests.  The values' latencies go to free_latency and to the page's
 * own histogram (drain or teardown) in runs of up to LAT_RUN (one bucket computation a value,
 * the histograms' min, max and count once a run).  Returns the stale values.
 */
#define LAT_RUN 64

static inline __attribute__((always_inline)) uint64_t
batch_values(struct ds_pool *pool, const struct ds_batch *b, struct ds_hist *second, bool each)
{
	struct ds_backend_result *res = pool->res;
	const struct ds_page *page = b->page;
	struct ds_engine *eng = pool->eng;
	/* without rows mode (implied by !@each) the rows are results->tasks */
	struct ds_task_result *rows = each ? NULL : (struct ds_task_result *)eng->r->tasks->data;
	/* in locals: the stores to the task rows would otherwise make them reloaded per value */
	const struct ds_entry *ents = page->e;
	const uint64_t *freed_at = b->freed_at;
	unsigned int count = page->count;
	uint64_t stale = 0, lat[LAT_RUN];
	unsigned int nlat = 0;

	for (unsigned int i = 0; i < count; i++) {
		const struct ds_entry *e = &ents[i];
		uint64_t freed = freed_at[i];
		struct ds_task_result *tr = each ? ds_task_result_of(eng, e->task) : &rows[e->task];

		if (each) {
			index_forget(pool, &page->e[i]);
			if (page->ids)
				ds_ledger_free(eng, page->ids[i]);
		}
		tr->freed_ts = MAX(tr->freed_ts, freed);
		if (each)
			ds_task_row_unhold(eng, e->task);
		if (e->flags & DS_ENTRY_STALE) {
			stale++;
			continue;
		}
		lat[nlat++] = freed - e->pushed;
		if (nlat == LAT_RUN) {
			ds_hist_add_pairs(&res->free_latency, second, lat, nlat);
			nlat = 0;
		}
	}
	ds_hist_add_pairs(&res->free_latency, second, lat, nlat);
	return stale;
}

void ds_pool_batch_freed(struct ds_pool *pool, const struct ds_batch *b)
{
	struct ds_backend_result *res = pool->res;
	struct ds_page *page = b->page;
	struct ds_engine *eng = pool->eng;
	struct ds_hist *second = page->teardown ? &res->teardown_latency : &res->drain_latency;
	uint64_t stale, drained;

	if (G_UNLIKELY(pool->pending_index || eng->ledger || eng->rows_out))
		stale = batch_values(pool, b, second, true);
	else
		stale = batch_values(pool, b, second, false);
	drained = page->count - stale;
	res->stale_drains += stale;
	res->drained += drained;
	if (page->teardown)
		res->teardown_drained += drained;
	if (page->stranded)
		res->stranded_values += drained;
	pool->pending_values -= page->count;
}

void ds_pool_slot_write(struct ds_pool *pool, uint64_t index)
{
	struct ds_entry *e;

	if (!pool->pending_index)
		return;
	e = g_hash_table_lookup(pool->pending_index, &index);
	if (!e)
		return;
	g_hash_table_remove(pool->pending_index, &index);
	e->flags |= DS_ENTRY_STALE;
	pool->res->slot_reuse_pending++;
}

void ds_pool_index_enable(struct ds_pool *pool)
{
	struct ds_page *page;

	if (pool->pending_index)
		return;
	pool->pending_index = g_hash_table_new(g_int64_hash, g_int64_equal);
	for (size_t i = 0; pool->ops->page_at && (page = pool->ops->page_at(pool, i)); i++) {
		for (unsigned int k = 0; k < page->count; k++) {
			struct ds_entry *e = &page->e[k];

			if (!(e->flags & (DS_ENTRY_NOVALUE | DS_ENTRY_STALE)))
				g_hash_table_replace(pool->pending_index, &e->value, e);
		}
	}
}

void ds_pool_arm_flush(struct ds_pool *pool, unsigned int cpu, uint64_t at)
{
	if (pool->flush_at[cpu] && pool->flush_at[cpu] <= at)
		return;		/* fires earlier and re-arms itself if still needed */
	pool->flush_at[cpu] = at;
	pool->flush_gen[cpu]++;
	ds_evq_push(&pool->eng->q, at, DS_SEV_FLUSH, pool, pool->flush_gen[cpu], cpu);
}

void ds_pool_flush_fired(struct ds_pool *pool, unsigned int cpu)
{
	struct ds_engine *eng = pool->eng;
	uint64_t rearm = 0;

	pool->flush_at[cpu] = 0;
	if (pool->ops->flush(pool, cpu, eng->now, &rearm))
		ds_worker_queue(pool, (int)cpu, eng->now);
	if (rearm)
		ds_pool_arm_flush(pool, cpu, rearm);
	ds_pool_observe(pool, eng->now);
}

uint64_t ds_pool_mechanism_bytes(const struct ds_pool *pool)
{
	/* v2's "pages" are arrays of CAP 8-byte handles; the others' are pages */
	uint64_t unit = pool->ops->pages_total ? (uint64_t)pool->cap * 8 : pool->eng->page_size;

	return ds_pool_pages_total(pool) * unit;
}

uint64_t ds_pool_pages_total(const struct ds_pool *pool)
{
	const struct ds_params *p = pool->eng->p;

	if (pool->ops->pages_total)
		return pool->ops->pages_total(pool);
	return (uint64_t)p->pool_pages + (p->percpu_pages_from_pool ? 0 : pool->ncpus);
}

static void pool_sample(struct ds_pool *pool, uint64_t now, const struct ds_pool_state *st)
{
	uint64_t every = pool->eng->p->timeseries_ns;
	struct ds_ts_sample s;

	if (!every || (pool->sampled && now < pool->last_sample + every))
		return;
	memset(&s, 0, sizeof(s));	/* padding too: results are compared byte for byte */
	s.ts = now;
	s.backend = pool->be;
	s.pool_free = (uint32_t)MIN(ds_pool_state_pool_free(st), G_MAXUINT32);
	s.queued_pages = (uint32_t)MIN(st->queued, G_MAXUINT32);
	s.pending_values = pool->pending_values;
	s.fallbacks = pool->res->fallbacks;
	g_array_append_val(pool->eng->r->timeseries, s);
	pool->sampled = true;
	pool->last_sample = now;
}

/*
 * The occupancy integral is kept in integers (pages x ns, exact): a term is added only when
 * the pool's free count changes, so observations that change nothing (most fallbacks) need
 * not touch it.  The double sum it replaces added the same integer terms and was exact below
 * 2^53 page-ns (pool_pages x run length), where both give the same mean to the last bit.
 */
static inline void area_close(struct ds_pool *pool, uint64_t now)
{
	pool->free_area += (ds_area)pool->obs_free * (now - pool->obs_t);
	pool->obs_t = now;
}

/* ds_pool_observe()'s part for a time series, an observer or invariant checks: out of line,
 * so that the usual observation (once per stored value) keeps few registers */
static void __attribute__((noinline))
observe_all(struct ds_pool *pool, uint64_t now, const struct ds_pool_state *st)
{
	pool_sample(pool, now, st);
	if (pool->eng->obs)
		ds_obs_pool(pool, now, ds_pool_state_pool_free(st));
	if (pool->eng->p->check_invariants &&
	    st->free + st->queued + st->draining + st->percpu != ds_pool_pages_total(pool))
		pool->eng->r->inv.pages_violations++;
}

/* ds_pool_arrivals_observe() out of line, where it is called only when there are arrivals to
 * count: ds_pool_observe() then needs fewer registers saved around its call of the policy */
static void __attribute__((noinline)) observe_arrivals(struct ds_backend_result *res, uint64_t now)
{
	ds_pool_arrivals_observe(res, now);
}

void ds_pool_observe_pending(struct ds_pool *pool)
{
	struct ds_backend_result *res = pool->res;

	res->peak_pending_values = pool->pending_values;
	res->peak_pending_bytes = pool->pending_values * pool->eng->prof->object_bytes;
}

void ds_pool_observe(struct ds_pool *pool, uint64_t now)
{
	struct ds_backend_result *res = pool->res;
	struct ds_pool_state st = { 0 };
	uint64_t held;

	pool->ops->state(pool, &st);
	if (st.free != pool->obs_free && !pool->obs_frozen) {
		area_close(pool, now);
		pool->obs_free = st.free;
		res->pool_free_min = MIN(res->pool_free_min, st.free);
	}
	if (res->swap_arrivals.n < res->swaps + res->swap_failures)
		observe_arrivals(res, now);
	held = st.percpu_nonempty + st.queued + st.draining;
	res->peak_pages_held = MAX(res->peak_pages_held, held);
	if (pool->pending_values > res->peak_pending_values)
		ds_pool_observe_pending(pool);
	if (G_UNLIKELY(pool->observe_all))
		observe_all(pool, now, &st);
}

void ds_pool_freeze(struct ds_pool *pool, uint64_t now, uint64_t start)
{
	if (pool->obs_frozen)
		return;
	area_close(pool, now);
	pool->res->pool_free_mean = now > start ? (double)pool->free_area / (double)(now - start) :
		(double)pool->obs_free;
	pool->res->observed_ns = now > start ? now - start : 0;
	pool->obs_frozen = true;
}
