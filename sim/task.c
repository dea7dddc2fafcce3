// SPDX-License-Identifier: MIT
/*
 * task.c - releasing tasks and the replay timing model (spec §4).
 *
 * A task is a pid that released.  Its recorded items (releases, then possibly its exit) are
 * read into its FIFO ahead of time; it walks through them in phases:
 *
 *   FIRST/ASLEEP/THINK --start--> RELEASE --hot path ends--> THINK | ASLEEP | WAITING | done
 *
 * Release k recorded at t_k with sync cost c_k starts at s_k; the policy's hot path takes
 * h_k; then comes think_k = max(0, t_{k+1} - t_k - c_k), so s_{k+1} = s_k + h_k + think_k.
 * A think gap of at most busy_gap_ns is CPU work (the task stays active on its CPU and is
 * slowed if a worker shares it); a longer one is sleep.  When the next item is not read yet
 * the engine reads ahead until it is, or until the gap is known to be long: then the task
 * WAITs asleep with a fixed shift (delta = sim - recorded) that bounds how early its next item
 * can come, which is what lets the engine stream the trace (engine.c).
 *
 * struct ds_task (engine.h) is freed when the task is done and no engine event names it.
 */
#include "engine.h"

static struct ds_task_result *task_res(struct ds_engine *eng, const struct ds_task *t)
{
	return &g_array_index(eng->r->tasks, struct ds_task_result, t->index);
}

static void task_schedule(struct ds_engine *eng, struct ds_task *t, uint64_t at)
{
	t->heap_refs++;
	ds_evq_push(&eng->q, at, DS_SEV_TASK, t, t->job.gen, 0);
}

void ds_task_reschedule(struct ds_engine *eng, struct ds_task *t)
{
	task_schedule(eng, t, t->job.end);
}

/* A phase without a job (asleep): invalidate older events, fire at @at. */
static void task_sleep_until(struct ds_engine *eng, struct ds_task *t, uint64_t at)
{
	t->job.gen++;
	task_schedule(eng, t, at);
}

void ds_task_free(struct ds_task *t)
{
	ds_evring_clear(&t->fifo);
	ds_evring_clear(&t->zsf);
	g_free(t);
}

static gint wait_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
	const struct ds_task *x = a, *y = b;

	(void)data;
	if (x->delta != y->delta)
		return x->delta < y->delta ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void task_finish(struct ds_engine *eng, struct ds_task *t, uint64_t sim_end,
			uint64_t rec_end, bool exited)
{
	struct ds_task_result *res = task_res(eng, t);

	res->sim_end_ts = sim_end;
	res->rec_end_ts = rec_end;
	res->exited = exited;
	ds_cpu_task_leave(eng, t);
	if (t->wait_iter) {
		g_sequence_remove(t->wait_iter);
		t->wait_iter = NULL;
	}
	if (!t->closed && g_hash_table_lookup(eng->open_tasks, GINT_TO_POINTER(t->pid)) == t)
		g_hash_table_remove(eng->open_tasks, GINT_TO_POINTER(t->pid));
	t->job.gen++;
	t->dead = true;
	g_hash_table_remove(eng->live, t);
	if (!t->heap_refs)
		ds_task_free(t);
}

/* The next item of a WAITING task was read: it starts at its recorded time + delta. */
static void task_wake(struct ds_engine *eng, struct ds_task *t)
{
	const struct ds_event *next = ds_evring_peek(&t->fifo);

	g_sequence_remove(t->wait_iter);
	t->wait_iter = NULL;
	t->phase = DS_TP_ASLEEP;
	task_sleep_until(eng, t, (uint64_t)((int64_t)next->ts + t->delta));
}

void ds_task_read_release(struct ds_engine *eng, const struct ds_event *ev)
{
	struct ds_task *t = g_hash_table_lookup(eng->open_tasks, GINT_TO_POINTER(ev->pid));
	struct ds_task_result res = { 0 };

	if (t) {
		ds_evring_push(&t->fifo, ev);
		ds_objsize_release_read(eng, t, ev);
		if (t->phase == DS_TP_WAITING)
			task_wake(eng, t);
		return;
	}
	t = g_new0(struct ds_task, 1);
	t->pid = ev->pid;
	t->cpu = -1;
	t->index = eng->r->tasks->len;
	t->phase = DS_TP_FIRST;
	res.pid = ev->pid;
	res.first_ts = ev->ts;
	g_array_append_val(eng->r->tasks, res);
	g_hash_table_insert(eng->open_tasks, GINT_TO_POINTER(ev->pid), t);
	g_hash_table_add(eng->live, t);
	ds_evring_push(&t->fifo, ev);
	ds_objsize_release_read(eng, t, ev);
	task_sleep_until(eng, t, ev->ts);	/* s_0 = t_0 */
}

void ds_task_read_exit(struct ds_engine *eng, const struct ds_event *ev)
{
	struct ds_task *t = g_hash_table_lookup(eng->open_tasks, GINT_TO_POINTER(ev->pid));

	if (!t)
		return;		/* never released: stays a recorded-time event, nothing to do */
	ds_evring_push(&t->fifo, ev);
	g_hash_table_remove(eng->open_tasks, GINT_TO_POINTER(ev->pid));
	t->closed = true;	/* a later release by this pid is a new task */
	if (t->phase == DS_TP_WAITING)
		task_wake(eng, t);
}

void ds_tasks_eof(struct ds_engine *eng)
{
	GSequenceIter *it;

	while ((it = g_sequence_get_begin_iter(eng->waiting)) && !g_sequence_iter_is_end(it)) {
		struct ds_task *t = g_sequence_get(it);

		task_finish(eng, t, t->hot_end, t->rec_end, false);
	}
}

static void task_start_release(struct ds_engine *eng, struct ds_task *t,
			       const struct ds_event *ev)
{
	const struct ds_profile *prof = eng->prof;
	enum ds_backend be = ds_ev_is_zswap(ev) ? DS_BE_ZSWAP : DS_BE_ZRAM;
	bool recorded = eng->p->cost_source == DS_COST_TRACE && (ev->flags & DS_EVF_DURATION);
	struct ds_pool *pool = &eng->pools[be];
	struct ds_task_result *res = task_res(eng, t);
	struct ds_release rel = {
		.id = eng->next_id++,
		.value = ev->value,
		.now = eng->now,
		.sync_cost = recorded ? ev->aux : prof->sync_free_ns[be],
		.drain_cost = recorded ? ev->aux : prof->drain_entry_ns[be],
		.cpu = ev->cpu % eng->ncpus,
		.novalue = ev->flags & DS_EVF_NOVALUE,
		.rec_ts = ev->ts,
		.pid = ev->pid,
		.obj_size = ds_objsize_take(eng, t, ev),
	};
	struct ds_release_out out = { 0 };

	ds_cpu_task_enter(eng, t, rel.cpu);
	ds_ledger_add(eng, rel.id);
	eng->ops->release(pool, &rel, &out);

	res->releases++;
	res->hot_ns += out.hot_ns;
	res->sync_ns += rel.sync_cost;
	eng->r->releases++;
	eng->r->hot_ns += out.hot_ns;
	eng->r->sync_ns += rel.sync_cost;
	pool->res->releases++;
	if (out.pushed)
		pool->res->pushed++;
	if (out.fallback) {
		res->fallbacks++;
		pool->res->fallbacks++;
	}
	if (out.queue_work)
		ds_worker_queue(pool, (int)rel.cpu, eng->now);
	if (out.flush_at)
		ds_pool_arm_flush(pool, rel.cpu, out.flush_at);
	if (eng->pools_active)
		ds_pool_observe(pool, eng->now);

	t->rel_id = rel.id;
	t->free_at_end = out.fallback || out.sync;
	t->rec_end = ev->ts + rel.sync_cost;
	t->phase = DS_TP_RELEASE;
	ds_job_start(&t->job, eng->now, out.hot_ns, ds_cpu_task_rate(eng, rel.cpu));
	ds_task_reschedule(eng, t);
}

static void task_start_next(struct ds_engine *eng, struct ds_task *t)
{
	struct ds_event ev;

	ds_evring_pop(&t->fifo, &ev);
	if (ev.type == DS_EV_EXIT) {
		task_finish(eng, t, eng->now, ev.ts, true);
		return;
	}
	task_start_release(eng, t, &ev);
}

/*
 * The hot path ended: free a synchronously freed value, then find the think gap.  Reading
 * ahead stops as soon as the gap is known to exceed busy_gap_ns, so it is bounded.
 */
static gboolean task_release_end(struct ds_engine *eng, struct ds_task *t, GError **error)
{
	const struct ds_event *next;
	int64_t think;

	t->hot_end = eng->now;
	if (t->free_at_end)
		ds_ledger_free(eng, t->rel_id);
	while (!t->fifo.len && !eng->eof && eng->t_read <= t->rec_end + eng->p->busy_gap_ns)
		if (ds_engine_read_one(eng, error) < 0)
			return FALSE;
	next = ds_evring_peek(&t->fifo);
	if (!next && eng->eof) {
		task_finish(eng, t, eng->now, t->rec_end, false);
		return TRUE;
	}
	if (!next) {
		t->phase = DS_TP_WAITING;
		ds_cpu_task_leave(eng, t);
		t->job.gen++;
		t->delta = (int64_t)eng->now - (int64_t)t->rec_end;
		t->wait_iter = g_sequence_insert_sorted(eng->waiting, t, wait_cmp, NULL);
		return TRUE;
	}
	think = (int64_t)next->ts - (int64_t)t->rec_end;
	if (think < 0) {
		/* The recorded cost overlaps the next release (function_graph times are taken
		 * apart from the record's timestamp): the gap is clamped to 0, and the clamp is
		 * counted so that a replay's end can still be reconciled with the recording. */
		task_res(eng, t)->think_clamped_ns += (uint64_t)-think;
		think = 0;
	}
	if ((uint64_t)think <= eng->p->busy_gap_ns) {
		t->phase = DS_TP_THINK;
		ds_job_start(&t->job, eng->now, (uint64_t)think,
			     ds_cpu_task_rate(eng, (unsigned int)t->cpu));
		ds_task_reschedule(eng, t);
	} else {
		t->phase = DS_TP_ASLEEP;
		ds_cpu_task_leave(eng, t);
		task_sleep_until(eng, t, eng->now + (uint64_t)think);
	}
	return TRUE;
}

gboolean ds_task_step(struct ds_engine *eng, struct ds_task *t, GError **error)
{
	if (t->phase == DS_TP_RELEASE)
		return task_release_end(eng, t, error);
	if (!ds_objsize_wait(eng, t, error))
		return FALSE;
	task_start_next(eng, t);
	return TRUE;
}
