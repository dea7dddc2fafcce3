// SPDX-License-Identifier: MIT
/*
 * task.c - releasing tasks and the replay timing model's think time (spec §4.1).
 *
 * A task is a pid that released.  Its recorded items are read into its FIFO ahead of time:
 * its releases, the sched_switch events that take it off or put it back on a CPU, its exit.
 * It walks through them; between two items lies a *gap* of its recorded timeline:
 *
 *   release k recorded at t_k, measured cost m_k (its entry/return pair; where the trace did
 *   not measure it, the recording machine's cost: record_sync_<be>_ns) -> the timeline is at
 *   t_k + m_k; the next item at t' leaves a gap g = t' - (t_k + m_k), clamped at 0.
 *
 * The target profile never enters a gap: the policy's simulated cost takes the release's
 * place, so a faster hot path brings later items earlier and a fallback pushes them later.
 * A gap lasts g * think_scale.  It is CPU work on the task's CPU (processor sharing and lock
 * holders slow it, cpu.c) while the recording shows the task on a CPU, and off-CPU time
 * (consuming nothing) after a sched_switch took it off, until one puts it back.  A task the
 * trace never switches (no sched_switch recorded) is on a CPU for gaps up to busy_gap_ns and
 * asleep for longer ones.
 *
 * When the next item is not read yet the engine reads ahead until it is, or until the gap is
 * known to exceed busy_gap_ns: then the task WAITs asleep with a fixed mapping of recorded to
 * sim time (sim = key + think_scale * recorded) that bounds how early its next item can come,
 * which is what lets the engine stream the trace (engine.c).
 *
 * struct ds_task (engine.h) is freed when the task is done and no engine event names it.
 */
#include <math.h>

#include "engine.h"

/*
 * Rows mode keeps the rows not final yet in a window of task indices (eng->rows): tasks are
 * numbered in creation order, so a new row goes at the end, and a row that goes out leaves a
 * NULL; the leading NULLs are cut off once they are most of the array.  A lookup is an index,
 * not a hash (once per pushed and per drained value); the window spans the oldest row still
 * kept to the newest (8 bytes a task in between).
 */
static struct ds_task_row *row_at(const struct ds_engine *eng, guint index)
{
	g_assert(index >= eng->rows_base && index - eng->rows_base < eng->rows->len);
	return g_ptr_array_index(eng->rows, index - eng->rows_base);
}

static void row_add(struct ds_engine *eng, guint index, struct ds_task_row *row)
{
	g_assert(index == eng->rows_base + eng->rows->len);
	g_ptr_array_add(eng->rows, row);
}

static void row_forget(struct ds_engine *eng, guint index)
{
	GPtrArray *w = eng->rows;

	g_free(g_ptr_array_index(w, index - eng->rows_base));
	g_ptr_array_index(w, index - eng->rows_base) = NULL;
	while (eng->rows_lead < w->len && !g_ptr_array_index(w, eng->rows_lead))
		eng->rows_lead++;
	if (eng->rows_lead >= 1024 && eng->rows_lead * 2 >= w->len) {
		/* NULLs all: the array's free function (g_free) does nothing with them */
		g_ptr_array_remove_range(w, 0, eng->rows_lead);
		eng->rows_base += eng->rows_lead;
		eng->rows_lead = 0;
	}
}

struct ds_task_result *ds_task_result_of(struct ds_engine *eng, guint index)
{
	struct ds_task_row *row;

	if (!eng->rows_out)
		return &g_array_index(eng->r->tasks, struct ds_task_result, index);
	row = row_at(eng, index);
	g_assert(row);
	return &row->res;
}

/* inline, without a call in the usual mode: several times per release */
static inline struct ds_task_result *task_res(struct ds_engine *eng, const struct ds_task *t)
{
	if (!eng->rows_out)
		return &g_array_index(eng->r->tasks, struct ds_task_result, t->index);
	return ds_task_result_of(eng, t->index);
}

/* Rows mode: a final row is summarised, handed to the sink and forgotten. */
static void row_out(struct ds_engine *eng, guint index, struct ds_task_row *row)
{
	ds_task_summary_add(&eng->r->task_sum, index, &row->res);
	if (eng->p->check_invariants)
		eng->r->inv.time_violations += ds_task_time_bad(&row->res);
	if (eng->sink && eng->sink->row)
		eng->sink->row(eng->sink->data, index, &row->res);
	row_forget(eng, index);
}

void ds_task_row_held(struct ds_engine *eng, guint index)
{
	struct ds_task_row *row = row_at(eng, index);

	g_assert(row);
	row->held++;
}

void ds_task_row_freed(struct ds_engine *eng, guint index)
{
	struct ds_task_row *row = row_at(eng, index);

	g_assert(row && row->held);
	if (!--row->held && row->ended)
		row_out(eng, index, row);
}

void ds_tasks_summarise(struct ds_engine *eng)
{
	struct ds_results *r = eng->r;

	if (!eng->rows_out) {
		for (guint i = 0; i < r->tasks->len; i++)
			ds_task_summary_add(&r->task_sum, i,
					    &g_array_index(r->tasks, struct ds_task_result, i));
		return;
	}
	/* rows still held: values never freed (an invariant failure); out in index order (the
	 * window's order; row_out() may cut the window, so by index, not by position) */
	for (guint index = eng->rows_base + eng->rows_lead;
	     index - eng->rows_base < eng->rows->len; index++) {
		struct ds_task_row *row = row_at(eng, index);

		if (row)
			row_out(eng, index, row);
	}
}

void ds_task_free(struct ds_task *t)
{
	ds_evring_clear(&t->fifo);
	ds_evring_clear(&t->zsf);
	ds_ent_clear(&t->ent);
	g_free(t);
}

/* Off-CPU until @at (no job): invalidate older timers, fire at @at. */
static void task_sleep_until(struct ds_engine *eng, struct ds_task *t, uint64_t at)
{
	t->sleep_gen++;
	ds_evq_push(&eng->q, at, DS_SEV_TASK, t, t->sleep_gen, 0);
}

static gint wait_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
	const struct ds_task *x = a, *y = b;

	(void)data;
	if (x->delta != y->delta)
		return x->delta < y->delta ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* eng->wait_first: the head of eng->waiting, kept at every change with the lookahead's bound
 * terms drawn from it (engine.c reads them at every turn of its loop: a pointer and an integer
 * instead of a walk down the GSequence). */
static void waiting_changed(struct ds_engine *eng)
{
	GSequenceIter *it = g_sequence_get_begin_iter(eng->waiting);

	eng->wait_first = g_sequence_iter_is_end(it) ? NULL : g_sequence_get(it);
	ds_engine_wait_changed(eng);
}

/*
 * eng->recent: per recorded CPU (modulo DS_RECENT), the open task that released there last.
 * A release's pid is looked up there before open_tasks (a CPU's releases mostly come from
 * one task at a time).  Every entry is an open task (in open_tasks): one leaving it is
 * dropped from here first, so a hit is exactly what open_tasks would have answered.
 */
static struct ds_task *open_task_of(struct ds_engine *eng, const struct ds_event *ev)
{
	struct ds_task **slot = &eng->recent[ev->cpu % DS_RECENT];
	struct ds_task *t = *slot;

	if (t && t->pid == ev->pid)
		return t;
	t = g_hash_table_lookup(eng->open_tasks, GINT_TO_POINTER(ev->pid));
	if (t)
		*slot = t;
	return t;
}

static void open_task_remove(struct ds_engine *eng, struct ds_task *t)
{
	for (unsigned int i = 0; i < DS_RECENT; i++)
		if (eng->recent[i] == t)
			eng->recent[i] = NULL;
	g_hash_table_remove(eng->open_tasks, GINT_TO_POINTER(t->pid));
}

/* The counters kept in the task go to its row (sums, and the latest free). */
static void acc_fold(struct ds_task_result *res, const struct ds_task_result *acc)
{
	res->releases += acc->releases;
	res->fallbacks += acc->fallbacks;
	res->hot_ns += acc->hot_ns;
	res->sync_ns += acc->sync_ns;
	res->think_clamped_ns += acc->think_clamped_ns;
	res->think_oncpu_ns += acc->think_oncpu_ns;
	res->think_offcpu_ns += acc->think_offcpu_ns;
	res->freed_ts = MAX(res->freed_ts, acc->freed_ts);
}

static void task_finish(struct ds_engine *eng, struct ds_task *t, uint64_t sim_end,
			uint64_t rec_end, bool exited)
{
	struct ds_task_result *res = task_res(eng, t);

	acc_fold(res, &t->acc);
	res->sim_end_ts = sim_end;
	res->rec_end_ts = rec_end;
	res->exited = exited;
	eng->task_end_max = MAX(eng->task_end_max, sim_end);
	if (eng->rows_out) {
		struct ds_task_row *row = (struct ds_task_row *)res;

		row->ended = true;
		if (!row->held)
			row_out(eng, t->index, row);
	}
	ds_cpu_leave(eng, &t->ent);
	if (t->wait_iter) {
		g_sequence_remove(t->wait_iter);
		t->wait_iter = NULL;
		waiting_changed(eng);
	}
	if (!t->closed && g_hash_table_lookup(eng->open_tasks, GINT_TO_POINTER(t->pid)) == t)
		open_task_remove(eng, t);
	t->sleep_gen++;
	t->ent.job.gen++;	/* its job's end still queued (if any) is obsolete too */
	t->dead = true;
	g_hash_table_remove(eng->live, t);
	ds_engine_bury(eng, t);
}

/* Recorded time @rec of this task's timeline in sim time, for a task WAITING with @key. */
static uint64_t wait_map(const struct ds_engine *eng, const struct ds_task *t, uint64_t rec)
{
	double at = (double)t->delta + eng->think_scale * (double)rec;

	return at <= (double)eng->now ? eng->now : (uint64_t)llround(at);
}

/* The next item of a WAITING task was read: its gap ends at the mapped time.  (Out of line:
 * ds_task_read_release() is inline in the reading of every release.) */
void ds_task_wake(struct ds_engine *eng, struct ds_task *t)
{
	const struct ds_event *next = ds_evring_peek(&t->fifo);

	g_sequence_remove(t->wait_iter);
	t->wait_iter = NULL;
	waiting_changed(eng);
	t->phase = DS_TP_ASLEEP;
	task_sleep_until(eng, t, wait_map(eng, t, next->ts));
}

static struct ds_task *task_new(struct ds_engine *eng, const struct ds_event *ev)
{
	struct ds_task *t = g_new0(struct ds_task, 1);
	struct ds_task_result res = { 0 };

	t->fifo.pool = &eng->evblks;	/* (t->zsf: blocks of its own, few and short) */
	t->pid = ev->pid;
	t->index = eng->ntasks++;
	t->phase = DS_TP_FIRST;
	t->oncpu = true;	/* it is releasing: it runs */
	t->vcpu = (int)ds_engine_vcpu(eng, ev->cpu);
	ds_ent_init(&t->ent, DS_ENT_TASK, t);
	res.pid = ev->pid;
	res.first_ts = ev->ts;
	if (eng->rows_out) {
		struct ds_task_row *row = g_new0(struct ds_task_row, 1);

		row->res = res;
		row_add(eng, t->index, row);
	} else {
		g_array_append_val(eng->r->tasks, res);
	}
	g_hash_table_insert(eng->open_tasks, GINT_TO_POINTER(ev->pid), t);
	g_hash_table_add(eng->live, t);
	return t;
}

static inline void task_push(struct ds_engine *eng, struct ds_task *t, const struct ds_event *ev)
{
	ds_evring_push(&t->fifo, ev);
	if (t->phase == DS_TP_WAITING)
		ds_task_wake(eng, t);
}

/* ds_task_read_release()'s general case (engine.h): a pid not in eng->recent, a new task, or
 * object sizes followed */
void ds_task_read_release_any(struct ds_engine *eng, const struct ds_event *ev)
{
	struct ds_task *t = open_task_of(eng, ev);

	if (t) {
		if (eng->objsize.active)
			ds_objsize_release_read(eng, t, ev);
		task_push(eng, t, ev);
		return;
	}
	t = task_new(eng, ev);
	ds_evring_push(&t->fifo, ev);
	ds_objsize_release_read(eng, t, ev);
	task_sleep_until(eng, t, ev->ts);	/* s_0 = t_0 */
}

void ds_task_read_exit(struct ds_engine *eng, const struct ds_event *ev)
{
	struct ds_task *t = g_hash_table_lookup(eng->open_tasks, GINT_TO_POINTER(ev->pid));

	if (!t)
		return;		/* never released: nothing to do */
	open_task_remove(eng, t);
	t->closed = true;	/* a later release by this pid is a new task */
	task_push(eng, t, ev);
}

/* A switch item in a task's FIFO: flags tell which side of the switch the task is on. */
#define SW_OUT 0x1
#define SW_IN 0x2

void ds_task_read_switch(struct ds_engine *eng, const struct ds_event *ev)
{
	int32_t pids[2] = { (int32_t)ev->aux, ev->pid };

	for (unsigned int i = 0; i < 2; i++) {
		struct ds_task *t;
		struct ds_event item = *ev;

		if (pids[i] <= 0 || (i == 1 && pids[0] == pids[1]))
			continue;
		t = g_hash_table_lookup(eng->open_tasks, GINT_TO_POINTER(pids[i]));
		if (!t)
			continue;
		item.pid = pids[i];
		item.flags = i == 0 ? SW_OUT : SW_IN;
		t->switch_seen = true;
		task_push(eng, t, &item);
	}
}

void ds_tasks_eof(struct ds_engine *eng)
{
	GSequenceIter *it;

	while ((it = g_sequence_get_begin_iter(eng->waiting)) && !g_sequence_iter_is_end(it)) {
		struct ds_task *t = g_sequence_get(it);

		task_finish(eng, t, t->hot_end, t->rec_end, false);
	}
}

/*
 * The recording machine's cost of a release whose duration the trace did not measure: the
 * parameter, else the median of the durations measured so far (sampled), else the built-in
 * profile's.
 */
static uint64_t record_cost(struct ds_engine *eng, enum ds_backend be)
{
	if (eng->p->record_sync_ns[be])
		return eng->p->record_sync_ns[be];
	if (eng->rec_dur[be].count)
		return ds_hist_quantile(&eng->rec_dur[be], 0.5);
	return eng->builtin_sync[be];
}

/* The measured cost of a release (its recorded duration less the probes' own cost). */
static uint64_t measured_cost(const struct ds_engine *eng, const struct ds_event *ev)
{
	uint64_t probe = eng->probe_in;

	return ev->aux > probe ? ev->aux - probe : 0;
}

/*
 * The gap from rec_pos to @next, measured without changing anything (merge_think() may
 * decline it): clamped at 0 when the recorded cost overruns it, the probes' time before a
 * release cut out, and whether it is spent on the CPU.  gap_take() moves past it.  Inline
 * always: once per release, and out of line it returns its struct through memory.
 */
struct gap {
	uint64_t clamped;	/* recorded overlap clamped away */
	uint64_t cut;		/* probe time taken out */
	uint64_t span;		/* what is left, in sim time */
	bool on;		/* spent on the CPU */
};

static inline __attribute__((always_inline)) struct gap
gap_measure(const struct ds_engine *eng, const struct ds_task *t, const struct ds_event *next)
{
	int64_t len = (int64_t)next->ts - (int64_t)t->rec_pos;
	struct gap g = { 0 };

	if (len < 0) {
		/* The recorded cost overlaps the next item (function_graph times are taken apart
		 * from the record's timestamp): the gap is clamped to 0, and the clamp is counted
		 * so that a replay's end can still be reconciled with the recording. */
		g.clamped = (uint64_t)-len;
		len = 0;
	}
	/* (probe_gap first: most runs have none, and the test is an integer's) */
	if (eng->probe_gap && next->type == DS_EV_RELEASE) {
		/* the probes' time outside the measured calls, once before each release */
		g.cut = MIN((uint64_t)len, eng->probe_gap);
		len -= (int64_t)g.cut;
	}
	g.on = t->switch_seen ? t->oncpu : (uint64_t)len <= eng->p->busy_gap_ns;
	g.span = eng->think_one ? (uint64_t)len :
		(uint64_t)llround(eng->think_scale * (double)len);
	return g;
}

/* Move rec_pos past the gap to @next and count its clamp and probe cut; its sim span. */
static uint64_t gap_take(struct ds_engine *eng, struct ds_task *t, const struct ds_event *next,
			 const struct gap *g)
{
	t->acc.think_clamped_ns += g->clamped;
	eng->r->probe_removed_ns += g->cut;
	t->rec_pos = MAX(t->rec_pos, next->ts);
	return g->span;
}

/*
 * Read until @t has an item queued, or its gap is known to exceed busy_gap_ns (the stream's
 * time passed rec_pos + busy_gap_ns), or the stream ends; false on a read error.  An inert
 * event changes none of that but t_read: runs of them go at once (ds_engine_skip_inert()).
 */
static inline bool read_ahead(struct ds_engine *eng, struct ds_task *t)
{
	uint64_t lim = t->rec_pos + eng->p->busy_gap_ns;

	while (!t->fifo.len && !eng->eof && eng->t_read <= lim) {
		if (ds_engine_skip_inert(eng, lim))
			break;
		/* the next is not inert (or not read in place): the general read */
		if (ds_engine_read_event(eng, &eng->read_error) < 0)
			return false;
	}
	return true;
}

/*
 * When the item after a release is already read and its gap is CPU work, the release's
 * program goes on with that work: one run instead of two (the release's end is a tagged
 * step, its time read back exactly).  Otherwise the gap is found when the release ends.
 */
static bool merge_think(struct ds_engine *eng, struct ds_task *t)
{
	const struct ds_event *next;
	struct gap g;
	uint64_t span;

	/* the same bounded read-ahead as task_gap()'s, done earlier */
	if (!read_ahead(eng, t))
		return false;
	next = ds_evring_peek(&t->fifo);
	if (!next || next->ts < t->rec_pos)
		return false;
	g = gap_measure(eng, t, next);
	if (!g.on || !g.span)
		return false;	/* task_gap() will take it */
	span = gap_take(eng, t, next, &g);
	ds_ent_end_then(&t->ent, 1, span);	/* tag 1: the release ends here */
	t->acc.think_oncpu_ns += span;
	return true;
}

static void task_start_release(struct ds_engine *eng, struct ds_task *t,
			       const struct ds_event *ev)
{
	const struct ds_profile *prof = eng->prof;
	enum ds_backend be = ds_ev_is_zswap(ev) ? DS_BE_ZSWAP : DS_BE_ZRAM;
	bool measured = ev->flags & DS_EVF_DURATION;
	uint64_t m = measured ? measured_cost(eng, ev) : 0;
	bool recorded = eng->p->cost_source == DS_COST_TRACE && measured;
	struct ds_pool *pool = &eng->pools[be];
	struct ds_release rel = {
		.id = eng->next_id++,
		.value = ev->value,
		.now = eng->now,
		.sync_cost = recorded ? m : prof->sync_free_ns[be],
		.drain_cost = recorded ? m : prof->drain_entry_ns[be],
		.cpu = ds_engine_vcpu(eng, ev->cpu),
		.novalue = ev->flags & DS_EVF_NOVALUE,
		.rec_ts = ev->ts,
		.pid = ev->pid,
		.task = t->index,
	};
	struct ds_release_out out = { .ent = &t->ent };

	/* object sizes are followed, and the pools have size classes, only where class locks
	 * are modelled or the policy needs them (pool.c, engine.c: objsize.active; most runs:
	 * neither, obj_size and cls stay 0): one test for both */
	if (G_UNLIKELY(eng->objsize.active)) {
		rel.obj_size = ds_objsize_take(eng, t, ev);
		if (pool->classes.n)
			rel.cls = ds_pool_class_of(pool, &rel);
	}
	ds_ent_prog_reset(&t->ent);
	ds_ledger_add(eng, rel.id);
	eng->ops->release(pool, &rel, &out);

	t->acc.releases++;
	t->acc.sync_ns += rel.sync_cost;
	eng->r->releases++;
	eng->r->sync_ns += rel.sync_cost;
	pool->res->releases++;
	if (out.pushed)
		pool->res->pushed++;
	if (out.fallback) {
		t->acc.fallbacks++;
		pool->res->fallbacks++;
	}
	if (out.queue_work)
		ds_worker_queue(pool, (int)rel.cpu, eng->now);
	if (out.flush_at)
		ds_pool_arm_flush(pool, rel.cpu, out.flush_at);
	if (G_UNLIKELY(eng->obs))
		ds_obs_release_begin(eng, t, pool, &out);
	if (eng->pools_active) {
		/* a fallback stores nothing and takes no page: only its swap attempt counts */
		if (out.fallback)
			ds_pool_observe_same(pool, eng->now);
		else if (out.same_pages)
			ds_pool_observe_push(pool, eng->now);
		else
			ds_pool_observe(pool, eng->now);
	}

	if (measured) {
		eng->r->probe_removed_ns += ev->aux - m;
		/* record_cost()'s median needs a sample, not every release: the first 64 (the
		 * median of a few is still the best there is), then 1 in 16 (the count n from 0:
		 * n < 64 or n % 16 == 0) */
		if (!--eng->rec_sample_in) {
			ds_hist_add(&eng->rec_dur[be], m);
			eng->rec_sample_in = eng->r->think_measured < 64 ? 1 : 16;
		}
		eng->r->think_measured++;
	} else {
		m = record_cost(eng, be);
		eng->r->think_assumed++;
	}
	t->rel_id = rel.id;
	t->rel_start = eng->now;
	t->free_at_end = out.fallback || out.sync;
	t->rec_end = ev->ts + m;
	t->rec_pos = t->rec_end;
	t->oncpu = true;
	t->vcpu = (int)rel.cpu;
	t->phase = DS_TP_RELEASE;
	t->merged = merge_think(eng, t);
	ds_ent_run(eng, &t->ent, rel.cpu);
}

static void task_gap(struct ds_engine *eng, struct ds_task *t);

/* The item at the head of the FIFO is due now (its gap has passed): act on it. */
static void task_item(struct ds_engine *eng, struct ds_task *t)
{
	struct ds_event ev;

	ds_evring_pop(&t->fifo, &ev);
	switch (ev.type) {
	case DS_EV_EXIT:
		task_finish(eng, t, eng->now, ev.ts, true);
		return;
	case DS_EV_SWITCH:
		t->rec_pos = MAX(t->rec_pos, ev.ts);
		t->oncpu = ev.flags == SW_IN;
		if (t->oncpu)
			t->vcpu = (int)ds_engine_vcpu(eng, ev.cpu);
		task_gap(eng, t);
		return;
	default:
		task_start_release(eng, t, &ev);
		return;
	}
}

/*
 * The task's timeline is at rec_pos (a release or a switch just passed): find the gap to its
 * next item and spend it on or off its CPU.  Reading ahead stops as soon as the gap is known
 * to exceed busy_gap_ns, so it is bounded.
 */
static void task_gap(struct ds_engine *eng, struct ds_task *t)
{
	const struct ds_event *next;
	struct gap g;
	uint64_t span;

	if (!read_ahead(eng, t))
		return;
	next = ds_evring_peek(&t->fifo);
	if (!next && eng->eof) {
		task_finish(eng, t, eng->now, t->rec_end, false);
		return;
	}
	if (!next) {
		t->phase = DS_TP_WAITING;
		ds_cpu_leave(eng, &t->ent);
		t->delta = (int64_t)eng->now - llround(eng->think_scale * (double)t->rec_pos);
		t->wait_iter = g_sequence_insert_sorted(eng->waiting, t, wait_cmp, NULL);
		waiting_changed(eng);
		return;
	}
	g = gap_measure(eng, t, next);
	span = gap_take(eng, t, next, &g);
	if (g.on && span) {
		t->phase = DS_TP_THINK;
		ds_ent_prog_reset(&t->ent);
		ds_ent_work(&t->ent, span, 0);
		t->acc.think_oncpu_ns += span;
		ds_ent_run(eng, &t->ent, (unsigned int)t->vcpu);
		return;
	}
	t->acc.think_offcpu_ns += span;
	t->phase = DS_TP_ASLEEP;
	ds_cpu_leave(eng, &t->ent);
	task_sleep_until(eng, t, eng->now + span);
}

void ds_task_prog_done(struct ds_engine *eng, struct ds_task *t)
{
	if (t->phase == DS_TP_RELEASE) {
		uint64_t hot;

		if (!t->merged)
			t->hot_end = eng->now;	/* else set by its tagged step */
		hot = t->hot_end - t->rel_start;
		t->acc.hot_ns += hot;
		eng->r->hot_ns += hot;
		if (t->free_at_end) {
			ds_ledger_free(eng, t->rel_id);
			t->acc.freed_ts = MAX(t->acc.freed_ts, t->hot_end);
		}
		if (G_UNLIKELY(eng->obs))
			ds_obs_release_end(eng, t);
		if (!t->merged) {
			task_gap(eng, t);
			return;
		}
	}
	/* on-CPU think time ended */
	if (eng->objsize.active && !ds_objsize_wait(eng, t, &eng->read_error))
		return;
	task_item(eng, t);
}

gboolean ds_task_wakeup(struct ds_engine *eng, struct ds_task *t, GError **error)
{
	if (eng->objsize.active && !ds_objsize_wait(eng, t, &eng->read_error))
		return FALSE;
	if (t->phase == DS_TP_FIRST)
		t->phase = DS_TP_ASLEEP;
	task_item(eng, t);
	(void)error;
	return TRUE;
}
