// SPDX-License-Identifier: MIT
/*
 * engine.c - ds_sim_run(): the discrete-event loop and the streaming lookahead.
 *
 * The engine's clock is sim time.  Two queues hold what is due: the event queue (task
 * steps, worker wake-ups and batch ends, idle-flush timers) and eng->ext, the recorded-time
 * events (sched_switch, slot writes) in recorded order.  Events are read from the source in
 * recorded order, only as far as needed:
 *
 *   an item due at sim time s may be processed only when no unread event can map to s or
 *   earlier.  Unread events map to >= min(t_read, key_T + think_scale * t_read over WAITING
 *   tasks T): new tasks and recorded-time events keep their time, a task with queued items
 *   can only add items after them, and a WAITING task's next item at recorded time r maps to
 *   key_T + think_scale * r (task.c).
 *
 * So memory follows how far tasks drift from their recorded times, not trace length.
 * eng->waiting (a GSequence sorted by delta) gives the minimum, kept in eng->wait_first.
 * After the stream ends and every task is done, each pool is torn down (its buffers drained)
 * and the loop runs once more to drain them.
 *
 * An event made obsolete (its owner rescheduled or gone: sev_stale()) stays in the queue and
 * is dropped when it comes out.  The loop asks that once per event, when about to handle it,
 * not at every turn (a turn that reads asks nothing): the same run, because an obsolete
 * event at the head is due no later than the earliest live one, so whatever reading its time
 * asks for (must_read() grows with the time) the live one's asks for too, at the same place
 * in the stream, and dropping it changes nothing that reading depends on.  (Such events are
 * rare: 6 990 against 1 113 724 job ends on lmk16.dat under v3, 97% of them a run's end
 * whose entity's live event, pushed later, is due at the same time.)
 */
#include <string.h>

#include "engine.h"


static gboolean ext_due(const struct ds_engine *eng, uint64_t *t)
{
	const struct ds_event *ev = ds_evring_peek(&eng->ext);

	if (!ev)
		return FALSE;
	*t = ev->ts;
	return TRUE;
}

/* The earliest due item (@sev: the event queue's head): *is_ext tells which queue;
 * recorded-time events win ties. */
static gboolean next_due(const struct ds_engine *eng, const struct ds_sev *sev, uint64_t *t,
			 bool *is_ext)
{
	uint64_t te;
	gboolean have_ext = ext_due(eng, &te);

	if (have_ext && (!sev || te <= sev->time)) {
		*t = te;
		*is_ext = true;
		return TRUE;
	}
	if (!sev)
		return FALSE;
	*t = sev->time;
	*is_ext = false;
	return TRUE;
}

/* must_read() in doubles: think_scale other than 1, or times beyond 2^52 ns */
static G_GNUC_NO_INLINE bool must_read_fp(const struct ds_engine *eng, uint64_t t)
{
	double bound = (double)eng->t_read;
	const struct ds_task *w = eng->wait_first;

	if (w)
		bound = MIN(bound, (double)w->delta + eng->think_scale * (double)eng->t_read);
	/* a mapped time is rounded to the nearest ns (task.c): one ns of slack */
	return (double)t + 1.0 >= bound;
}

/*
 * Before the first event t_read is 0 and no task waits: the bound is 0, and every t must
 * read (no test of any_read needed).
 */
static inline bool must_read(const struct ds_engine *eng, uint64_t t)
{
	if (eng->eof)
		return false;
	/* the usual case in integers (asked once or twice per event read): with think_scale 1
	 * and every term below 2^52, must_read_fp()'s arithmetic is exact: the same answer
	 * without the conversions; min(t_read, delta + t_read) is t_read + wait_min */
	if (G_UNLIKELY(!eng->la_exact) || (t | eng->t_read) >= (uint64_t)DS_EXACT_LIM)
		return must_read_fp(eng, t);
	return (int64_t)t + 1 >= (int64_t)eng->t_read + eng->wait_min;
}

/* What the run reads, for errors about its content: the trace's path when the source has one
 * (a user must learn which file is at fault, a sweep runs many). */
static const char *stream_name(const struct ds_engine *eng)
{
	const struct ds_trace_info *info = eng->src ? ds_source_info(eng->src) : NULL;

	return info && info->path ? info->path : "the event stream";
}

/*
 * An event's time, and that time times think_scale, are held to DS_EV_TS_MAX; with every
 * cost at most 10^12 ns and every parameter's ns at most 10^15, sim time then stays far below
 * 2^63 (and run_loop() stops a run that still gets there).
 *
 * ds_engine_event_ok() (engine.h) is the test, inline (every event read goes through it);
 * check_order() says which bound an event broke, out of line: the error messages' code stays
 * off the hot path.
 */
static G_GNUC_NO_INLINE gboolean check_order(struct ds_engine *eng, const struct ds_event *ev,
					     GError **error)
{
	bool scaled_out = eng->think_scale > 1.0 &&
		(double)ev->ts * eng->think_scale > (double)DS_EV_TS_MAX;

	if (ev->ts > DS_EV_TS_MAX || scaled_out) {
		g_set_error(error, DS_ERROR, DS_ERROR_ORDER,
			    "%s: event %" G_GUINT64_FORMAT " (%s, cpu %u, pid %d): timestamp %"
			    G_GUINT64_FORMAT " ns%s is out of range (at most 2^62 ns, 146 years)",
			    stream_name(eng), eng->r->events_in, ds_ev_type_name(ev->type), ev->cpu,
			    ev->pid, ev->ts, ev->ts > DS_EV_TS_MAX ? "" : " times think_scale");
		return FALSE;
	}
	if ((ev->flags & DS_EVF_DURATION) && ev->type == DS_EV_RELEASE &&
	    ev->aux > DS_EV_DURATION_MAX) {
		g_set_error(error, DS_ERROR, DS_ERROR_ORDER,
			    "%s: event %" G_GUINT64_FORMAT " (release, cpu %u, pid %d) at %"
			    G_GUINT64_FORMAT " ns: its duration of %" G_GUINT64_FORMAT " ns is more "
			    "than 1000 s: the stream is corrupt", stream_name(eng), eng->r->events_in,
			    ev->cpu, ev->pid, ev->ts, ev->aux);
		return FALSE;
	}
	if (eng->any_read && ev->ts < eng->t_read) {
		g_set_error(error, DS_ERROR, DS_ERROR_ORDER,
			    "%s: event %" G_GUINT64_FORMAT " (%s, cpu %u, pid %d) at %" G_GUINT64_FORMAT
			    " ns comes after an event at %" G_GUINT64_FORMAT
			    " ns: the stream is not in time order", stream_name(eng), eng->r->events_in,
			    ds_ev_type_name(ev->type), ev->cpu, ev->pid, ev->ts, eng->t_read);
		return FALSE;
	}
	return TRUE;
}

static void first_event(struct ds_engine *eng, uint64_t ts)
{
	eng->any_read = true;
	eng->r->rec_start_ts = ts;
	eng->now = ts;
	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		eng->pools[be].obs_t = ts;
	if (G_UNLIKELY(eng->obs))
		ds_obs_start(eng, ts);
}

static void dispatch_read(struct ds_engine *eng, const struct ds_event *ev)
{
	switch (ev->type) {
	case DS_EV_RELEASE:
		ds_task_read_release(eng, ev);
		break;
	case DS_EV_EXIT:
		ds_task_read_exit(eng, ev);
		break;
	case DS_EV_SWITCH:
		ds_evring_push(&eng->ext, ev);
		ds_task_read_switch(eng, ev);
		break;
	case DS_EV_SLOT_WRITE:
		if (!eng->pools_active)
			break;
		ds_pool_index_enable(&eng->pools[DS_BE_ZRAM]);
		ds_evring_push(&eng->ext, ev);
		break;
	case DS_EV_LOST:
		eng->r->lost_markers++;
		eng->r->lost_events += ev->value;
		break;
	case DS_EV_ZS_MALLOC:
	case DS_EV_ZS_MALLOC_END:
	case DS_EV_ZS_FREE:
		ds_objsize_read(eng, ev);
		break;
	default:
		break;		/* kept for info/calibration; no effect on the model */
	}
}

/*
 * The next event: in place from the source's block (all its events) or its latest chunk
 * (ds_source_chunk(): the next chunk is taken when this one is read), else copied into @buf.
 */
static inline int next_event(struct ds_engine *eng, struct ds_event *buf,
			     const struct ds_event **ev, GError **error)
{
	int rc;

	if (eng->blk != eng->blk_end) {
		*ev = eng->blk++;
		return 1;
	}
	if (eng->chunked) {
		size_t n;

		rc = ds_source_chunk(eng->src, &eng->blk, &n, error);
		if (rc == 1) {
			eng->blk_end = eng->blk + n;
			*ev = eng->blk++;
			return 1;
		}
		if (rc != -2)
			return rc;
		eng->chunked = false;	/* it cannot: one event at a time */
	}
	if (eng->blk)
		return 0;	/* the whole block was read */
	rc = ds_source_next(eng->src, buf, error);
	*ev = buf;
	return rc;
}

/*
 * The event types dispatch_read() does nothing with in this run, as a bit mask for
 * ds_engine_read_one()'s inline path; none when think_scale > 1 (ds_engine_event_ok() scales each
 * time to test its range, which the inline path does not).
 */
static void inert_types(struct ds_engine *eng)
{
	memset(eng->inert, 0, sizeof(eng->inert));
	if (eng->think_scale > 1.0)
		return;
	for (unsigned int type = 0; type < DS_EV__COUNT; type++) {
		switch (type) {
		case DS_EV_RELEASE:
		case DS_EV_EXIT:
		case DS_EV_SWITCH:
		case DS_EV_LOST:
			continue;
		case DS_EV_SLOT_WRITE:
			if (eng->pools_active)
				continue;
			break;
		case DS_EV_ZS_MALLOC:
		case DS_EV_ZS_MALLOC_END:
		case DS_EV_ZS_FREE:
			if (eng->objsize.active)
				continue;	/* ds_objsize_read() acts only then */
			break;
		default:
			break;
		}
		eng->inert[type] = 1;
	}
}

int ds_engine_read_any(struct ds_engine *eng, GError **error)
{
	struct ds_event buf;
	const struct ds_event *ev;
	int rc;

	if (eng->read_error)
		return -1;	/* an earlier read failed: the run is over */
	rc = next_event(eng, &buf, &ev, error);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		eng->eof = true;
		ds_tasks_eof(eng);
		return 0;
	}
	if (G_UNLIKELY(!ds_engine_event_ok(eng, ev)) && !check_order(eng, ev, error))
		return -1;
	if (!eng->any_read)
		first_event(eng, ev->ts);
	ds_engine_took(eng, ev);
	dispatch_read(eng, ev);
	return 1;
}

static void handle_ext(struct ds_engine *eng)
{
	struct ds_event ev;

	ds_evring_pop(&eng->ext, &ev);
	if (ev.type == DS_EV_SWITCH)
		ds_cpu_switch(eng, ev.cpu, ev.pid);
	else if (ev.type == DS_EV_SLOT_WRITE)
		ds_pool_slot_write(&eng->pools[DS_BE_ZRAM], ev.value);
}

/* An engine event made obsolete (rescheduled, cancelled, its task dead) before it came due:
 * the kinds other than a job's end */
static G_GNUC_NO_INLINE bool sev_stale_other(const struct ds_sev *ev)
{
	const struct ds_task *t;
	const struct ds_worker *w;
	const struct ds_pool *pool;

	switch (ev->kind) {
	case DS_SEV_TASK:
		t = ev->obj;
		return t->dead || ev->gen != t->sleep_gen;
	case DS_SEV_WAKE:
		w = ev->obj;
		return ev->gen != w->wake_gen || w->state != DS_WK_PENDING;
	case DS_SEV_FLUSH:
		pool = ev->obj;
		return ev->gen != pool->flush_gen[ev->arg] || !pool->flush_at[ev->arg];
	default:
		return false;
	}
}

/* The same for every kind, a job's end (nearly every event) inline: a dead task's job has had
 * its generation bumped (task.c), so no test of its owner */
static inline bool sev_stale(const struct ds_sev *ev)
{
	const struct ds_ent *e;

	if (G_LIKELY(ev->kind == DS_SEV_ENT)) {
		e = ev->obj;
		return !e->job.active || ev->gen != e->job.gen;
	}
	return sev_stale_other(ev);
}

/* The task an engine event names (its memory must outlive the event: ds_engine_bury()),
 * NULL for the other kinds. */
static struct ds_task *sev_task(const struct ds_sev *ev)
{
	const struct ds_ent *e;

	if (ev->kind == DS_SEV_TASK)
		return ev->obj;
	if (ev->kind != DS_SEV_ENT)
		return NULL;
	e = ev->obj;
	return e->kind == DS_ENT_TASK ? e->owner : NULL;
}

/*
 * Finished tasks (task.c's task_finish()) are not freed at once: task_finish() runs inside the
 * handler of the task's own event, and an event still queued that names a finished task must
 * find it when it comes up (sev_stale()).  Counting the events naming each task cost a test
 * and an increment at every push and at every pop; instead the dead go to eng->graveyard, and
 * when it holds more than the queue's length plus 64, the next turn of run_loop() (between
 * two events: nothing is being handled, no slot is vacant) marks the tasks the queue's events
 * name and frees the others.  Each sweep reads the queue and the graveyard once, and frees at
 * least the 64 beyond what the queue could name: O(1) per finished task, amortized.
 */
void ds_engine_bury(struct ds_engine *eng, struct ds_task *t)
{
	g_ptr_array_add(eng->graveyard, t);
	if (eng->graveyard->len >= eng->q.len + 64)
		eng->grave_due = true;
}

static void grave_sweep(struct ds_engine *eng)
{
	GPtrArray *g = eng->graveyard;
	unsigned int mark = ++eng->grave_sweeps;
	guint kept = 0;
	struct ds_task *t;

	eng->grave_due = false;
	for (size_t i = 0; i < eng->q.len; i++)
		if ((t = sev_task(&eng->q.heap[i])) && t->dead)
			t->grave_mark = mark;
	for (guint i = 0; i < g->len; i++) {
		t = g->pdata[i];
		if (t->grave_mark == mark)
			g->pdata[kept++] = t;	/* still named: kept for a later sweep */
		else
			ds_task_free(t);
	}
	g_ptr_array_set_size(g, kept);
}

static gboolean handle_sev(struct ds_engine *eng, const struct ds_sev *ev, GError **error)
{
	switch (ev->kind) {
	case DS_SEV_TASK:
		return ds_task_wakeup(eng, ev->obj, error);
	case DS_SEV_ENT:
		ds_ent_job_end(eng, ev->obj);
		return TRUE;
	case DS_SEV_WAKE:
		ds_worker_wake(eng, ev->obj);
		return TRUE;
	case DS_SEV_FLUSH:
		ds_pool_flush_fired(ev->obj, ev->arg);
		return TRUE;
	default:
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "engine event of unknown kind %u",
			    ev->kind);
		return FALSE;
	}
}

/*
 * must_read(eng, @t) as a bound on t_read, for read_while(): true with *@limit when, as long
 * as eng->wait_first does not change, must_read(eng, t) is exactly t_read <= *limit (its
 * integer form: t + 1 >= t_read + min(0, delta), while t_read < 2^52; before the first event
 * too: t_read is 0 and no task waits); false when the integer form does not apply.
 */
static bool read_limit(const struct ds_engine *eng, uint64_t t, int64_t *limit)
{
	if (eng->eof || !eng->la_exact || t >= (uint64_t)DS_EXACT_LIM)
		return false;
	*limit = (int64_t)t + 1 - eng->wait_min;
	return true;
}

/* read_while()'s outcomes */
enum read_end {
	READ_FAILED = -1,	/* a read error (in @error) */
	READ_AGAIN = 0,		/* reading changed what is due (or the stream ended): look again */
	READ_DUE = 1,		/* only t_read moved, past the bound: the item at @t is due */
};

/*
 * Read until the item due at @t (@have: there is one) may be processed.  Equivalent to one
 * read per turn of run_loop(), without the turns: as long as reading schedules nothing (the
 * event queue's sequence and the recorded-time queue unchanged) the earliest item is still
 * the one at @t, so only must_read() need be asked again -- and nothing changes what it
 * depends on but t_read (eng->wait_first changes only when a waiting task wakes, which
 * pushes an event, or at the end of the stream), so it is a bound on t_read (read_limit());
 * past 2^52 ns must_read() itself decides (its arithmetic in doubles).  READ_DUE when it
 * stopped for that bound alone: the queues, their earliest item and eng->eof are as they
 * were and must_read(eng, @t) is false, so run_loop() goes on with that item without asking
 * again (most reads of a run whose tasks lag their recorded times end so).
 */
static enum read_end read_while(struct ds_engine *eng, gboolean have, uint64_t t,
				GError **error)
{
	uint64_t seq = eng->q.seq;
	size_t ext = eng->ext.len;
	int64_t limit;

	if (have && read_limit(eng, t, &limit)) {
		/* limit >= 1; inert events change nothing but t_read: a run of them at once */
		for (;;) {
			if (ds_engine_skip_inert(eng, (uint64_t)limit))
				return READ_DUE;
			/* the next is not inert (or not read in place): the general read */
			if (ds_engine_read_event(eng, error) < 0)
				return READ_FAILED;
			if (eng->eof || eng->read_error || eng->q.seq != seq || eng->ext.len != ext)
				return READ_AGAIN;
			if (eng->t_read < (uint64_t)DS_EXACT_LIM ? (int64_t)eng->t_read > limit :
			    !must_read(eng, t))
				return READ_DUE;
		}
	}
	do {
		if (ds_engine_read_one(eng, error) < 0)
			return READ_FAILED;
	} while (!eng->eof && !eng->read_error && eng->q.seq == seq && eng->ext.len == ext &&
		 (!have || must_read(eng, t)));
	return READ_AGAIN;
}

static gboolean run_loop(struct ds_engine *eng, GError **error)
{
	for (;;) {
		uint64_t t = 0;
		bool is_ext = false;
		gboolean have, ok = TRUE;
		const struct ds_sev *top = ds_evq_peek(&eng->q);
		struct ds_sev ev;

		if (eng->read_error) {
			g_propagate_error(error, g_steal_pointer(&eng->read_error));
			return FALSE;
		}
		if (G_UNLIKELY(eng->grave_due)) {
			grave_sweep(eng);
			top = ds_evq_peek(&eng->q);	/* (unchanged: a sweep frees, never pops) */
		}
		have = next_due(eng, top, &t, &is_ext);
		if (!eng->eof && (!have || must_read(eng, t))) {
			enum read_end end = read_while(eng, have, t, error);

			if (end == READ_FAILED)
				return FALSE;
			if (end == READ_AGAIN)
				continue;
			/* READ_DUE: top, t and is_ext stand; eng->read_error is not set */
		}
		if (!have)
			return TRUE;
		/* obsolete events go without moving the clock; asked only here, once per event
		 * (the top of the file says why reading first is the same run) */
		if (!is_ext && sev_stale(top)) {
			ds_evq_pop(&eng->q, &ev);
			continue;
		}
		if (t > DS_SIM_TIME_MAX) {
			/* the bounds keep every step far from 2^63, not millions of them */
			g_set_error(error, DS_ERROR, DS_ERROR_ORDER,
				    "%s: the simulated time reached %" G_GUINT64_FORMAT " ns after %"
				    G_GUINT64_FORMAT " events: the stream's costs add up beyond 2^62 + "
				    "2^61 ns, which defersim does not simulate", stream_name(eng), t,
				    eng->r->events_in);
			return FALSE;
		}
		if (t < eng->now) {
			g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL,
				    "sim time went back from %" G_GUINT64_FORMAT " to %"
				    G_GUINT64_FORMAT " ns", eng->now, t);
			return FALSE;
		}
		eng->now = t;
		if (is_ext) {
			handle_ext(eng);
			continue;
		}
		if (top->kind == DS_SEV_ENT) {
			/* a job's end, nearly every engine event: handle_sev() for that kind,
			 * without its dispatch */
			struct ds_ent *e = top->obj;

			ds_evq_vacate(&eng->q);
			ds_ent_job_end(eng, e);
			ds_evq_settle(&eng->q);
			continue;
		}
		ds_evq_take(&eng->q, &ev);
		ok = handle_sev(eng, &ev, error);
		ds_evq_settle(&eng->q);
		if (!ok)
			return FALSE;
	}
}

/* End of stream, every task done, every queued page drained: destroy the pools. */
static void teardown(struct ds_engine *eng)
{
	for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
		struct ds_pool *pool = &eng->pools[be];

		ds_pool_freeze(pool, eng->now, eng->r->rec_start_ts);
		if (pool->ops->teardown(pool, eng->now))
			ds_worker_kick(pool, eng->now);
		ds_pool_observe(pool, eng->now);
	}
}

/*
 * think_scale=auto (spec §4.1): the target's sync cost over the recording's median measured
 * one, on the assumption that all kernel work scales alike.  With the trace's own costs the
 * target is the recording machine: 1.
 */
static gboolean resolve_think_scale(struct ds_engine *eng, struct ds_source *src,
				   GError **error)
{
	struct ds_params *p = &eng->r->params;
	const struct ds_trace_info *info = ds_source_info(src);
	uint64_t ref = p->think_ref_ns, target;
	enum ds_backend be = DS_BE_ZRAM;

	if (p->think_scale > 0 || p->cost_source == DS_COST_TRACE) {
		eng->think_scale = p->think_scale > 0 ? p->think_scale : 1.0;
		eng->r->think_scale = eng->think_scale;
		return TRUE;
	}
	if (!ref && info && info->durations)
		ref = info->dur_p50_ns;
	if (info && info->releases_per_backend[1] > info->releases_per_backend[0])
		be = DS_BE_ZSWAP;
	target = eng->prof->sync_free_ns[be];
	if (!ref || !target) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "parameter think_scale=auto: %s", !ref ?
			    "the trace's median measured release duration is not known (no "
			    "durations, or the trace was not read yet); give a factor instead" :
			    "the profile's sync cost is 0; give a factor instead");
		return FALSE;
	}
	p->think_ref_ns = ref;
	eng->think_scale = (double)target / (double)ref;
	eng->r->think_scale = eng->think_scale;
	return TRUE;
}

/* Where nothing was measured and nothing was given: the built-in profile's sync cost. */
static void resolve_builtin_sync(struct ds_engine *eng)
{
	struct ds_profile *b = ds_profile_new_default();

	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		eng->builtin_sync[be] = b->sync_free_ns[be];
	ds_profile_free(b);
}

static gboolean engine_setup(struct ds_engine *eng, const struct ds_params *params,
			     const struct ds_profile *prof, struct ds_source *src,
			     unsigned int ncpus_recorded, GError **error)
{
	struct ds_pool_state st;
	guint32 seed[2];
	size_t nblk;

	if (!ds_params_validate(params, error) || !ds_profile_validate(prof, error))
		return FALSE;
	eng->p = params;
	eng->prof = prof;
	eng->src = src;
	eng->ext.pool = &eng->evblks;
	if (ds_source_block(src, &eng->blk, &nblk)) {
		eng->blk_end = eng->blk + nblk;
	} else {
		/* chunks, if the source reads ahead (next_event() learns whether it does) */
		eng->blk = eng->blk_end = NULL;
		eng->chunked = true;
	}
	eng->ops = ds_policy_find(params->policy);
	eng->ncpus = params->cpus ? params->cpus : ncpus_recorded;
	if (!eng->ncpus) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "parameter cpus=recorded: %s does not record its CPU count; give cpus=N",
			    stream_name(eng));
		return FALSE;
	}
	if (eng->ncpus > DS_SIM_MAX_CPUS) {
		/* (params allow 4096, traces DS_TRACE_MAX_CPUS: a stream source's own count is
		 * bounded here, where the engine event's CPU index needs it) */
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "%s: %u CPUs, more than the %u "
			    "defersim simulates", stream_name(eng), eng->ncpus, DS_SIM_MAX_CPUS);
		return FALSE;
	}
	eng->page_size = params->page_size ? params->page_size : prof->page_size;
	if (eng->page_size < 8 || (eng->page_size & (eng->page_size - 1))) {
		g_set_error(error, DS_ERROR, DS_ERROR_PROFILE,
			    "profile %s: page_size %u is not a power of two >= 8",
			    prof->name ? prof->name : "?", eng->page_size);
		return FALSE;
	}
	if (eng->ops->check && !eng->ops->check(params, eng->page_size, error))
		return FALSE;
	eng->r = ds_results_new(params, prof);
	eng->r->ncpus = eng->ncpus;
	/* From here on the engine reads the results' copy, where "auto" is resolved, so the
	 * report shows which costs were really used. */
	if (eng->r->params.cost_source == DS_COST_AUTO)
		eng->r->params.cost_source = prof->path ? DS_COST_PROFILE : DS_COST_TRACE;
	if (eng->r->params.pool_pages == DS_POOL_AUTO)
		eng->r->params.pool_pages = MAX(DS_POOL_AUTO_BYTES / eng->page_size, 1u);
	if (eng->r->params.lock_contention == DS_LOCKS_AUTO)
		eng->r->params.lock_contention = eng->r->params.cost_source == DS_COST_PROFILE ?
			DS_LOCKS_ON : DS_LOCKS_OFF;
	if (eng->r->params.probe_overhead_ns == DS_NS_AUTO)
		eng->r->params.probe_overhead_ns = 0;	/* no provenance was read */
	if (eng->r->params.probe_gap_ns == DS_NS_AUTO)
		eng->r->params.probe_gap_ns = 0;
	eng->p = &eng->r->params;
	eng->obs = params->observer;
	eng->r->params.observer = NULL;	/* the results outlive it */
	eng->probe_in = eng->p->probe_overhead_ns;
	eng->r->probe_from_provenance = eng->p->probe_provenance;
	eng->probe_gap = eng->p->probe_gap_ns;
	eng->class_locks = eng->p->lock_contention == DS_LOCKS_ON;
	if (!resolve_think_scale(eng, src, error))
		return FALSE;
	eng->think_one = eng->think_scale == 1.0;
	ds_engine_wait_changed(eng);
	resolve_builtin_sync(eng);
	seed[0] = (guint32)params->seed;
	seed[1] = (guint32)(params->seed >> 32);
	eng->rng = g_rand_new_with_seed_array(seed, 2);
	ds_evq_init(&eng->q);
	ds_cpus_init(eng);
	eng->open_tasks = g_hash_table_new(g_direct_hash, g_direct_equal);
	eng->live = g_hash_table_new(g_direct_hash, g_direct_equal);
	eng->graveyard = g_ptr_array_new();
	eng->waiting = g_sequence_new(NULL);
	if (params->check_invariants)
		eng->ledger = g_byte_array_new();
	eng->objsize.active = eng->ops->needs_obj_size || eng->class_locks;
	ds_objsize_init(eng);
	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		ds_hist_init(&eng->rec_dur[be]);
	eng->rec_sample_in = 1;
	eng->pools_active = eng->ops->create != NULL;
	inert_types(eng);
	for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
		struct ds_pool *pool = &eng->pools[be];

		ds_pool_init(eng, pool, (enum ds_backend)be);
		if (!eng->pools_active)
			continue;
		pool->priv = eng->ops->create(pool);
		ds_workers_init(pool, params->drainers_per_pool);
		eng->ops->state(pool, &st);
		pool->obs_free = st.free;
		pool->res->pool_free_min = st.free;
	}
	return TRUE;
}

static void engine_clear(struct ds_engine *eng)
{
	GHashTableIter it;
	gpointer t;

	/* Finished tasks are in eng->graveyard until a sweep finds no event naming them; live
	 * ones (only after an error) are in eng->live.  Each is freed exactly once. */
	if (eng->graveyard) {
		for (guint i = 0; i < eng->graveyard->len; i++)
			ds_task_free(eng->graveyard->pdata[i]);
		g_ptr_array_free(eng->graveyard, TRUE);
	}
	if (eng->live) {
		g_hash_table_iter_init(&it, eng->live);
		while (g_hash_table_iter_next(&it, &t, NULL))
			ds_task_free(t);
		g_hash_table_destroy(eng->live);
	}
	ds_evq_clear(&eng->q);
	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		if (eng->pools[be].eng)
			ds_pool_clear(&eng->pools[be]);
	ds_cpus_clear(eng);
	if (eng->open_tasks)
		g_hash_table_destroy(eng->open_tasks);
	if (eng->waiting)
		g_sequence_free(eng->waiting);
	ds_evring_clear(&eng->ext);
	ds_evblk_pool_clear(&eng->evblks);	/* every FIFO was cleared: tasks and @ext */
	ds_objsize_clear(eng);
	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		ds_hist_clear(&eng->rec_dur[be]);
	g_clear_error(&eng->read_error);
	if (eng->rng)
		g_rand_free(eng->rng);
	if (eng->ledger)
		g_byte_array_free(eng->ledger, TRUE);
}

/* Every virtual CPU's busy time, and the capacity invariant: never above the time elapsed. */
static void cpu_finish(struct ds_engine *eng)
{
	struct ds_results *r = eng->r;
	uint64_t elapsed = r->sim_end_ts > r->rec_start_ts ? r->sim_end_ts - r->rec_start_ts : 0;

	for (unsigned int c = 0; c < eng->ncpus; c++) {
		double busy = eng->cpus[c].consumed;

		g_array_append_val(r->cpu_busy_ns, busy);
		/* 1 ns per rate change of slack would be generous: rounding is < 1e-6 ns each */
		if (r->params.check_invariants && busy > (double)elapsed + 1.0)
			r->inv.cpu_violations++;
	}
}

/* A time or latency above 2^63 - 1 is a negative one wrapped (and JSON prints it negative). */
static uint64_t time_bad(uint64_t v)
{
	return v > (uint64_t)G_MAXINT64;
}

uint64_t ds_task_time_bad(const struct ds_task_result *t)
{
	return time_bad(t->hot_ns) + time_bad(t->sync_ns) + time_bad(t->sim_end_ts) +
	       time_bad(t->freed_ts) + (t->releases && t->sim_end_ts < t->first_ts);
}

static uint64_t hist_bad(const struct ds_hist *h)
{
	return h->count && time_bad(h->max);
}

/*
 * The time invariant of --check: every reported time and latency is non-negative and no
 * run or task ends before it starts.  The bounds (check_order(), run_loop(), the parameter
 * and profile limits) are meant to make it hold; this is what says so on every run.
 */
static void inv_check_times(struct ds_results *r)
{
	uint64_t bad = time_bad(r->sim_end_ts) + time_bad(r->hot_ns) + time_bad(r->sync_ns) +
		       (r->events_in && r->sim_end_ts < r->rec_start_ts);

	for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
		const struct ds_backend_result *b = &r->be[be];

		bad += hist_bad(&b->drain_latency) + hist_bad(&b->teardown_latency) +
		       hist_bad(&b->free_latency) + time_bad(b->worker_busy_ns) +
		       time_bad(b->worker_cpu_ns) + time_bad(b->stranded_ns);
	}
	/* rows handed to a sink were counted as they went (task.c) */
	for (guint i = 0; r->tasks && i < r->tasks->len; i++)
		bad += ds_task_time_bad(&g_array_index(r->tasks, struct ds_task_result, i));
	r->inv.time_violations += bad;
}

static void engine_finish(struct ds_engine *eng)
{
	struct ds_results *r = eng->r;

	r->sim_end_ts = MAX(eng->now, eng->task_end_max);
	/* the last event read: t_read is the time of every event as it is read (in order), so
	 * at the end it is the recording's last -- written once here, not at every read */
	r->rec_end_ts = eng->t_read;
	ds_tasks_summarise(eng);
	for (unsigned int be = 0; eng->pools_active && be < DS_BE__COUNT; be++)
		if (eng->pools[be].pending_values)
			r->inv.never_freed += eng->pools[be].pending_values;
	if (eng->pools_active)
		r->mechanism_bytes = ds_pool_mechanism_bytes(&eng->pools[DS_BE_ZRAM]);
	cpu_finish(eng);
	ds_ledger_finish(eng);
	if (r->params.check_invariants)
		inv_check_times(r);
	if (G_UNLIKELY(eng->obs))
		ds_obs_end(eng);
}

/* Both modes: rows into results->tasks (@rows_out false), or out to @sink as they are final. */
static struct ds_results *sim_run(const struct ds_params *params, const struct ds_profile *prof,
				  struct ds_source *src, unsigned int ncpus_recorded,
				  bool rows_out, const struct ds_task_sink *sink, GError **error)
{
	struct ds_engine eng;
	struct ds_results *r = NULL;
	gboolean ok;

	memset(&eng, 0, sizeof(eng));
	eng.rows_out = rows_out;
	eng.sink = sink;
	if (rows_out)
		eng.rows = g_ptr_array_new_with_free_func(g_free);
	ok = engine_setup(&eng, params, prof, src, ncpus_recorded, error) &&
		run_loop(&eng, error);
	if (ok && eng.pools_active) {
		teardown(&eng);
		ok = run_loop(&eng, error);
	}
	if (ok) {
		engine_finish(&eng);
		r = g_steal_pointer(&eng.r);
	}
	engine_clear(&eng);
	if (eng.rows)
		g_ptr_array_free(eng.rows, TRUE);
	ds_results_free(eng.r);
	return r;
}

struct ds_results *ds_sim_run(const struct ds_params *params, const struct ds_profile *prof,
			      struct ds_source *src, unsigned int ncpus_recorded, GError **error)
{
	return sim_run(params, prof, src, ncpus_recorded, false, NULL, error);
}

struct ds_results *ds_sim_run_rows(const struct ds_params *params, const struct ds_profile *prof,
				   struct ds_source *src, unsigned int ncpus_recorded,
				   const struct ds_task_sink *sink, GError **error)
{
	return sim_run(params, prof, src, ncpus_recorded, true, sink, error);
}
