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
 * re-queues itself and runs again after a new wake-up latency.
 * Wake-up latencies are drawn from the run's GRand (seeded by params.seed).
 */
#include <math.h>

#include "engine.h"

void ds_workers_init(struct ds_pool *pool, unsigned int n)
{
	pool->workers = g_new0(struct ds_worker, n);
	pool->nworkers = n;
	for (unsigned int i = 0; i < n; i++) {
		pool->workers[i].pool = pool;
		pool->workers[i].state = DS_WK_IDLE;
		pool->workers[i].producer = -1;
		pool->workers[i].cpu = -1;
		pool->workers[i].last_cpu = -1;
	}
}

void ds_workers_clear(struct ds_pool *pool)
{
	g_free(pool->workers);
	pool->workers = NULL;
	pool->nworkers = 0;
}

/* One wake-up latency: fixed, exponential with that mean, or lognormal with that median. */
static uint64_t draw_wake(struct ds_engine *eng)
{
	const struct ds_profile *prof = eng->prof;
	double mean = (double)prof->wake_latency_ns, u1, u2, z;

	switch (prof->wake_dist) {
	case DS_DIST_EXP:
		u1 = g_rand_double(eng->rng);
		return (uint64_t)llround(-mean * log1p(-u1));
	case DS_DIST_LOGNORMAL:
		u1 = 1.0 - g_rand_double(eng->rng);	/* (0, 1] */
		u2 = g_rand_double(eng->rng);
		z = sqrt(-2.0 * log(u1)) * cos(2.0 * G_PI * u2);
		return (uint64_t)llround(mean * exp(prof->wake_sigma * z));
	case DS_DIST_FIXED:
	default:
		return prof->wake_latency_ns;
	}
}

static void worker_pend(struct ds_engine *eng, struct ds_worker *w, uint64_t now)
{
	w->state = DS_WK_PENDING;
	w->wake_gen++;
	ds_evq_push(&eng->q, now + draw_wake(eng), DS_SEV_WAKE, w, w->wake_gen, 0);
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

void ds_worker_reschedule(struct ds_engine *eng, struct ds_worker *w)
{
	ds_evq_push(&eng->q, w->job.end, DS_SEV_BATCH, w, w->job.gen, 0);
}

static void worker_end_run(struct ds_engine *eng, struct ds_worker *w)
{
	w->pool->res->worker_busy_ns += eng->now - w->run_start;
	w->state = DS_WK_IDLE;
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
	if (!pool->ops->take(pool, &w->batch)) {
		worker_end_run(eng, w);
		if (w->requeued) {
			w->requeued = false;
			worker_start_run(eng, w);
		}
		return;
	}
	w->run_pages++;
	cpu = ds_cpu_pick(eng, w->producer, w->last_cpu);
	ds_cpu_worker_enter(eng, w, cpu);
	w->in_batch = true;
	w->batch_start = eng->now;
	ds_job_start(&w->job, eng->now, w->batch.work, ds_cpu_worker_rate(eng, cpu));
	ds_worker_reschedule(eng, w);
	ds_pool_observe(pool, eng->now);
}

static void worker_start_run(struct ds_engine *eng, struct ds_worker *w)
{
	w->state = DS_WK_RUNNING;
	w->run_start = eng->now;
	w->run_pages = 0;
	w->pool->res->worker_runs++;
	worker_next_batch(eng, w);
}

void ds_worker_wake(struct ds_engine *eng, struct ds_worker *w)
{
	worker_start_run(eng, w);
}

void ds_worker_batch_end(struct ds_engine *eng, struct ds_worker *w)
{
	struct ds_pool *pool = w->pool;

	w->in_batch = false;
	w->job.gen++;
	w->last_cpu = w->cpu;
	ds_cpu_worker_leave(eng, w);
	ds_pool_batch_freed(pool, &w->batch, w->batch_start, eng->now);
	pool->ops->done(pool, &w->batch, eng->now);
	ds_pool_observe(pool, eng->now);
	worker_next_batch(eng, w);
}
