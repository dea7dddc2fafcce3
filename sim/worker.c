// SPDX-License-Identifier: MIT
/*
 * worker.c - drain work items with Linux workqueue semantics (spec §2).
 *
 * struct ds_worker (engine.h) is one work item on a WQ_UNBOUND workqueue:
 *   IDLE --queue_work--> PENDING --wake_latency--> RUNNING --list empty--> IDLE
 * queue_work on a PENDING item is a no-op (counted); on a RUNNING one it sets @requeued and
 * the item runs again as soon as this run ends (the kworker is awake: no wake-up latency).
 * A run drains one page (batch) at a time, choosing its CPU afresh at every page boundary
 * (cpu.c), until the drain list is empty or the policy's run limit is reached; then it
 * re-queues itself and runs again after a new wake-up latency.  When it wakes and no CPU is
 * idle it joins a busy one's run queue: it shares it or waits its turn (cpu_sharing).
 *
 * A page is a program (ent.c) built from the policy's batch (pool.h): the page taken under
 * the batch's lock, each value freed (its zsmalloc part under its class lock when class locks
 * are modelled, a run of same-class values under one acquisition when the policy says so),
 * the page returned under the lock.  Each value's step is tagged: its free time is the exact
 * time that step ended.  Wake-up latencies are drawn from the run's GRand (params.seed).
 */
#include <math.h>

#include "engine.h"

void ds_workers_init(struct ds_pool *pool, unsigned int n)
{
	pool->workers = g_new0(struct ds_worker, n);
	pool->nworkers = n;
	for (unsigned int i = 0; i < n; i++) {
		struct ds_worker *w = &pool->workers[i];

		w->pool = pool;
		w->state = DS_WK_IDLE;
		w->producer = -1;
		w->last_cpu = -1;
		ds_ent_init(&w->ent, DS_ENT_WORKER, w);
	}
}

void ds_workers_clear(struct ds_pool *pool)
{
	for (unsigned int i = 0; pool->workers && i < pool->nworkers; i++) {
		g_free(pool->workers[i].batch.freed_at);
		ds_ent_clear(&pool->workers[i].ent);
	}
	g_free(pool->workers);
	pool->workers = NULL;
	pool->nworkers = 0;
}

/* One wake-up latency: fixed, exponential with that mean, or lognormal with that median. */
static uint64_t draw_wake(struct ds_engine *eng)
{
	const struct ds_profile *prof = eng->prof;
	double mean = (double)prof->wake_latency_ns, u1, u2, z, v;

	switch (prof->wake_dist) {
	case DS_DIST_EXP:
		u1 = g_rand_double(eng->rng);
		v = -mean * log1p(-u1);
		break;
	case DS_DIST_LOGNORMAL:
		u1 = 1.0 - g_rand_double(eng->rng);	/* (0, 1] */
		u2 = g_rand_double(eng->rng);
		z = sqrt(-2.0 * log(u1)) * cos(2.0 * G_PI * u2);
		v = mean * exp(prof->wake_sigma * z);
		break;
	case DS_DIST_FIXED:
	default:
		return MIN(prof->wake_latency_ns, DS_WAKE_MAX_NS);
	}
	/* bounded: a draw can never push an event past the representable time */
	return v >= (double)DS_WAKE_MAX_NS ? DS_WAKE_MAX_NS : (uint64_t)llround(MAX(v, 0.0));
}

static void worker_pend(struct ds_engine *eng, struct ds_worker *w, uint64_t now)
{
	uint64_t at = now + draw_wake(eng);

	w->state = DS_WK_PENDING;
	w->wake_gen++;
	ds_evq_push(&eng->q, at, DS_SEV_WAKE, w, w->wake_gen, 0);
	if (G_UNLIKELY(eng->obs))
		ds_obs_wake(w, now, at);
}

/* Returns false when every item is already pending (a no-op queue_work). */
static bool worker_queue(struct ds_pool *pool, int producer, uint64_t now)
{
	for (unsigned int i = 0; i < pool->nworkers; i++) {
		struct ds_worker *w = &pool->workers[i];

		if (w->state == DS_WK_IDLE) {
			w->producer = producer;
			worker_pend(pool->eng, w, now);
			return true;
		}
	}
	for (unsigned int i = 0; i < pool->nworkers; i++) {
		struct ds_worker *w = &pool->workers[i];

		if (w->state == DS_WK_RUNNING && !w->requeued) {
			w->producer = producer;
			w->requeued = true;
			return true;
		}
	}
	return false;
}

void ds_worker_queue(struct ds_pool *pool, int producer, uint64_t now)
{
	pool->res->queue_work_calls++;
	if (!worker_queue(pool, producer, now))
		pool->res->queue_work_noops++;
}

void ds_worker_kick(struct ds_pool *pool, uint64_t now)
{
	worker_queue(pool, -1, now);
}

static void worker_end_run(struct ds_engine *eng, struct ds_worker *w)
{
	struct ds_backend_result *res = w->pool->res;
	uint64_t wall = eng->now - w->run_start;
	double cpu = w->ent.cpu_ns - w->run_cpu0;

	if (G_UNLIKELY(eng->obs))
		ds_obs_run_end(eng, w);
	res->worker_busy_ns += wall;
	res->worker_cpu_ns += (uint64_t)llround(cpu);
	res->worker_longest_run_ns = MAX(res->worker_longest_run_ns, wall);
	ds_cpu_leave(eng, &w->ent);
	w->state = DS_WK_IDLE;
}

/* The batch as a program: see the top of this file and struct ds_batch (pool.h). */
static void batch_program(struct ds_pool *pool, struct ds_worker *w)
{
	const struct ds_batch *b = &w->batch;
	const struct ds_page *page = b->page;
	struct ds_ent *e = &w->ent;
	struct ds_lock *open = NULL;	/* class lock held across a run of values */

	ds_ent_prog_reset(e);
	if (b->lock)
		ds_ent_acq(e, b->lock);
	ds_ent_work(e, b->before, 0);
	if (b->lock && !b->hold_all)
		ds_ent_rel(e, b->lock);
	if (!pool->class_locks) {
		/* no class locks (most runs): every value is its cost alone, tagged; the loop
		 * below would find no lock for any of them (ds_pool_class_lock()) */
		for (unsigned int i = 0; i < page->count; i++)
			ds_ent_work(e, page->e[i].cost, i + 1);
	} else {
		for (unsigned int i = 0; i < page->count; i++) {
			const struct ds_entry *en = &page->e[i];
			struct ds_lock *cl = (en->flags & DS_ENTRY_STALE) ? NULL :
				ds_pool_class_lock(pool, en->cls);

			if (b->class_runs) {
				if (open != cl) {
					if (open)
						ds_ent_rel(e, open);
					if (cl)
						ds_ent_acq(e, cl);
					open = cl;
				}
				ds_ent_work(e, en->cost, i + 1);
				continue;
			}
			if (!cl)	/* what ds_pool_free_steps() does without a lock, inline */
				ds_ent_work(e, en->cost, i + 1);
			else
				ds_pool_free_steps(pool, e, cl, en->cost, i + 1);
		}
	}
	if (open)
		ds_ent_rel(e, open);
	if (b->lock && b->hold_all)
		ds_ent_rel(e, b->lock);
	if (b->after_lock)
		ds_ent_locked(e, b->after_lock, b->after, 0);
	else
		ds_ent_work(e, b->after, 0);
}

static void worker_start_run(struct ds_engine *eng, struct ds_worker *w);

static void worker_next_batch(struct ds_engine *eng, struct ds_worker *w)
{
	struct ds_pool *pool = w->pool;
	unsigned int limit = pool->ops->run_limit(pool);
	unsigned int cpu;

	if (limit && w->run_pages >= limit && pool->ops->has_work(pool)) {
		worker_end_run(eng, w);
		w->requeued = false;
		worker_pend(eng, w, eng->now);	/* re-queues itself */
		return;
	}
	memset(&w->batch.lock, 0, sizeof(w->batch) - G_STRUCT_OFFSET(struct ds_batch, lock));
	if (!pool->ops->take(pool, &w->batch)) {
		worker_end_run(eng, w);
		if (w->requeued) {
			w->requeued = false;
			worker_start_run(eng, w);
		}
		return;
	}
	if (w->batch.cap < pool->cap) {
		w->batch.freed_at = g_renew(uint64_t, w->batch.freed_at, pool->cap);
		w->batch.cap = pool->cap;
	}
	w->run_pages++;
	if (G_UNLIKELY(eng->obs))
		w->obs_page_start = eng->now;
	batch_program(pool, w);
	ds_pool_observe(pool, eng->now);
	cpu = ds_cpu_pick(eng, w->producer, w->last_cpu, &w->ent);
	ds_ent_run(eng, &w->ent, cpu);
}

static void worker_start_run(struct ds_engine *eng, struct ds_worker *w)
{
	w->state = DS_WK_RUNNING;
	w->run_start = eng->now;
	w->run_cpu0 = w->ent.cpu_ns;
	w->run_pages = 0;
	w->pool->res->worker_runs++;
	worker_next_batch(eng, w);
}

void ds_worker_wake(struct ds_engine *eng, struct ds_worker *w)
{
	worker_start_run(eng, w);
}

void ds_worker_prog_done(struct ds_engine *eng, struct ds_worker *w)
{
	struct ds_pool *pool = w->pool;

	w->last_cpu = w->ent.cpu;	/* the next page may go elsewhere (ds_cpu_pick()) */
	if (G_UNLIKELY(eng->obs))
		ds_obs_page_end(eng, w);
	ds_pool_batch_freed(pool, &w->batch);
	pool->ops->done(pool, &w->batch, eng->now);
	ds_pool_observe(pool, eng->now);
	worker_next_batch(eng, w);
}
