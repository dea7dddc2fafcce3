// SPDX-License-Identifier: MIT
/*
 * observe.c - the engine's side of params.observer (include/ds_observe.h): one function per
 * point of the run an observer is told about, building its struct ds_obs_rec from the
 * engine's state.
 *
 * Every call site reads `if (G_UNLIKELY(eng->obs)) ds_obs_...()`, so that a run without an
 * observer (every run but a timeline export) pays one predictable NULL test per point: the
 * state an observer needs and the engine does not (what a release's hot path was, when a
 * worker's page began) is kept in fields (struct ds_obs_task, ds_worker.obs_page_start,
 * ds_pool.obs_sync_ns) written only here, behind the same test.
 */
#include "engine.h"

static void emit(const struct ds_engine *eng, const struct ds_obs_rec *rec)
{
	eng->obs->event(eng->obs->data, rec);
}

void ds_obs_start(struct ds_engine *eng, uint64_t ts)
{
	struct ds_obs_rec rec = {
		.kind = DS_OBS_START,
		.t = ts,
		.cpu = (int32_t)eng->ncpus,
		.count = eng->pools_active ? (uint64_t)eng->p->pool_pages : 0,
		.value = eng->pools_active ? eng->pools[DS_BE_ZRAM].cap : 0,
	};

	emit(eng, &rec);
}

/* After the policy decided: what the hot path holds, until it ends. */
void ds_obs_release_begin(struct ds_engine *eng, struct ds_task *t, struct ds_pool *pool,
			  const struct ds_release_out *out)
{
	(void)eng;
	t->obs.be = pool->be;
	t->obs.flags = (out->pushed ? DS_OBSF_PUSHED : 0) |
		       (out->fallback ? DS_OBSF_FALLBACK : 0) | (out->sync ? DS_OBSF_SYNC : 0);
	/* set by ds_pool_sync_free() when this release called it */
	t->obs.sync_ns = (out->fallback || out->sync) ? pool->obs_sync_ns : 0;
	pool->obs_sync_ns = 0;
}

void ds_obs_release_end(struct ds_engine *eng, const struct ds_task *t)
{
	struct ds_obs_rec rec = {
		.kind = DS_OBS_RELEASE,
		.flags = t->obs.flags,
		.be = t->obs.be,
		.cpu = t->vcpu,
		.pid = t->pid,
		.t = t->rel_start,
		.end = t->hot_end,
		.value = t->obs.sync_ns,
	};

	emit(eng, &rec);
}

void ds_obs_swap(struct ds_pool *pool, unsigned int cpu, uint64_t now, bool ok)
{
	struct ds_pool_state st;
	struct ds_obs_rec rec = {
		.kind = DS_OBS_SWAP,
		.flags = ok ? 0 : DS_OBSF_FAILED,
		.be = pool->be,
		.cpu = (int32_t)cpu,
		.t = now,
		.end = now,
	};

	pool->ops->state(pool, &st);
	rec.count = ds_pool_state_pool_free(&st);
	emit(pool->eng, &rec);
}

static uint32_t worker_index(const struct ds_worker *w)
{
	return (uint32_t)(w - w->pool->workers);
}

void ds_obs_wake(struct ds_worker *w, uint64_t now, uint64_t at)
{
	struct ds_obs_rec rec = {
		.kind = DS_OBS_WAKE,
		.be = w->pool->be,
		.worker = worker_index(w),
		.cpu = w->producer,
		.t = now,
		.end = at,
	};

	emit(w->pool->eng, &rec);
}

void ds_obs_page_end(struct ds_engine *eng, const struct ds_worker *w)
{
	struct ds_obs_rec rec = {
		.kind = DS_OBS_PAGE,
		.flags = w->batch.page->teardown ? DS_OBSF_TEARDOWN : 0,
		.be = w->pool->be,
		.worker = worker_index(w),
		.cpu = w->ent.cpu,
		.t = w->obs_page_start,
		.end = eng->now,
		.count = w->batch.page->count,
	};

	emit(eng, &rec);
}

void ds_obs_run_end(struct ds_engine *eng, const struct ds_worker *w)
{
	struct ds_obs_rec rec = {
		.kind = DS_OBS_RUN,
		.be = w->pool->be,
		.worker = worker_index(w),
		.cpu = w->last_cpu,
		.t = w->run_start,
		.end = eng->now,
		.count = w->run_pages,
	};

	emit(eng, &rec);
}

void ds_obs_pool(struct ds_pool *pool, uint64_t now, uint64_t free)
{
	struct ds_obs_rec rec = {
		.kind = DS_OBS_POOL,
		.be = pool->be,
		.t = now,
		.end = now,
		.count = free,
		.value = pool->pending_values,
	};

	emit(pool->eng, &rec);
}

void ds_obs_end(struct ds_engine *eng)
{
	struct ds_obs_rec rec = {
		.kind = DS_OBS_END,
		.t = eng->r->sim_end_ts,
		.end = eng->r->sim_end_ts,
	};

	emit(eng, &rec);
}
