// SPDX-License-Identifier: MIT
/*
 * ent.c - entities (tasks, workers) running step programs on virtual CPUs (spec §4.2, §4.3).
 *
 * An entity's program (struct ds_step: WORK, ACQ, REL) is executed in *runs*: one job (job.c)
 * covers as many steps as can be passed without asking anybody, i.e. up to a lock that another
 * entity holds, spins on or passes optimistically itself, and up to the release of a lock this
 * entity really holds (its waiters must get it at that instant).  A lock passed inside a run is
 * *claimed* (struct ds_lock.opt): the run holds it between its ACQ and REL steps without an
 * engine event for each.  Whoever wants a claimed lock first splits the claiming run at that
 * instant (ds_ent_split()): if the run is inside its hold, it becomes the lock's real holder
 * and its run is cut after the REL; otherwise it is cut before its next ACQ of that lock.
 * So a worker draining a page of 1024 values with nobody else near its class locks is one
 * engine event, as before locks were modelled, and every contended hand-over is still exact.
 * A run claims a lock whose claimer is already past its hold (claim_free_past()), and an ACQ
 * reached at the run's start settles another's claim there and claims the lock if that left
 * it free: a fallback behind another's pool-lock hold is one run, not three events (ACQ,
 * REL, end); only a hold somebody waits for or splits is real.
 *
 * Most programs are a release's: work, or work, one hold of the pool lock, work.  Their
 * builders (ds_ent_work(), ds_ent_acq(), ds_ent_rel(), engine.h) keep summaries as they go
 * (the total work, the work up to the last tag, and with one hold its lock and where it
 * begins and ends), so advance() starts such a fresh program's run whole without walking its
 * steps (run_whole()): the same run, sums and claim as the walk's.  The steps stay: a split,
 * a later run and run_finish_steps() read them.
 *
 * A fallback whose lock is contended runs its one hold in pieces: the work before the ACQ
 * (run_to_acq()), the ACQ taken or spun on (acq_wait()), after the hand-over the hold up to
 * its REL (run_hold_rest()), the rest after the REL (run_after_rel(), from the summaries);
 * the run that ends at the REL is finished without the walk (run_finish_locked()), and a
 * split of a run over the whole hold finds its cut from the summaries (split_hold()).  Each
 * does what advance(), run_finish_steps() or ds_ent_split()'s walk would do there, the
 * same sums in the same order, and leaves every other case to them.
 *
 * Why runs are safe: a claim is only made when the lock is free with no waiter and no other
 * claim, and every other entity must resolve it (lock.c) before acting on that lock; a run
 * that ends inside an optimistic hold turns it into a real hold, so a hold never "leaks"
 * across runs.  Programs do not nest the same lock.
 */
#include "engine.h"

void ds_ent_init(struct ds_ent *e, enum ds_ent_kind kind, void *owner)
{
	e->kind = kind;
	e->owner = owner;
	e->cpu = -1;
	e->vc = NULL;
	e->on_ps = false;
	e->link.data = e;
	e->prog = NULL;
	e->nsteps = e->cap = 0;
	e->claims = NULL;
	e->nclaims = e->claims_cap = 0;
	e->vmark = 0;
	e->run_hold = NULL;
	e->run_tag_ns = 0;
	e->prog_ns = e->prog_tag_ns = e->prog_acq_ns = e->prog_rel_ns = 0;
	e->prog_lock = NULL;
	e->prog_shape = DS_PROG_NOLOCK;
	e->prog_acq_at = 0;
	e->prog_tagged = e->prog_acq_tagged = false;
	e->ps_blocked = e->spinlisted = false;
	e->spin = NULL;
	e->wait_next = NULL;
	ds_job_init(&e->job);
}

void ds_ent_clear(struct ds_ent *e)
{
	g_free(e->prog);
	g_free(e->claims);
	e->prog = NULL;
	e->claims = NULL;
	e->nclaims = e->claims_cap = 0;
	ds_job_clear(&e->job);
}

void ds_ent_add_step(struct ds_ent *e, uint32_t op, struct ds_lock *lock, uint64_t ns,
		     uint32_t tag)
{
	if (e->nsteps == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 8;
		e->prog = g_renew(struct ds_step, e->prog, e->cap);
	}
	ds_ent_put_step(e, op, lock, ns, tag);
}

static inline struct ds_step *step_at(const struct ds_ent *e, guint k)
{
	return &e->prog[k];
}

static inline void ent_schedule(struct ds_engine *eng, struct ds_ent *e)
{
	if (e->job.end == DS_NEVER)
		return;
	ds_evq_push(&eng->q, e->job.end, DS_SEV_ENT, e, e->job.gen, 0);
}

void ds_ent_schedule(struct ds_engine *eng, struct ds_ent *e)
{
	ent_schedule(eng, e);
}

static bool on_clock_cpu(const struct ds_ent *e)
{
	return e->on_ps;	/* e->vc && e->vc->ps */
}

/* the explicit case inline (hot), processor sharing in cpu.c */
static inline void charge(struct ds_engine *eng, struct ds_ent *e)
{
	if (on_clock_cpu(e)) {
		ds_cpu_charge_ent(eng, e);
		return;
	}
	if (e->cpu >= 0 && eng->now > e->charged_at)
		ds_cpu_charge(eng, e, e->charged_at, e->rate);
	e->charged_at = eng->now;
}

void ds_ent_rate(struct ds_engine *eng, struct ds_ent *e, double rate)
{
	if (rate == e->rate)
		return;
	charge(eng, e);
	e->rate = rate;
	if (e->job.active && ds_job_set_rate(&e->job, eng->now, rate))
		ent_schedule(eng, e);
}

static void claim_add(struct ds_ent *e, struct ds_lock *l)
{
	if (e->nclaims == e->claims_cap) {
		e->claims_cap = e->claims_cap ? 2 * e->claims_cap : 4;
		e->claims = g_renew(struct ds_lock *, e->claims, e->claims_cap);
	}
	e->claims[e->nclaims++] = l;
}

/* drop @l's claim: its first occurrence is replaced by the last (g_ptr_array_remove_fast()) */
static void claim_drop(struct ds_ent *e, struct ds_lock *l)
{
	if (l->opt == e)
		l->opt = NULL;
	for (guint i = 0; i < e->nclaims; i++) {
		if (e->claims[i] == l) {
			e->claims[i] = e->claims[--e->nclaims];
			return;
		}
	}
}

/* Has @e's run, having done @done ns of work, passed its last hold of the lock @l it claims? */
static inline bool claim_passed(const struct ds_lock *l, const struct ds_ent *e, double done)
{
	return l->opt == e && l->opt_rel >= 0 && l->opt_rel <= done;
}

/* Is @l held after passing steps [e->pc, upto)?  (Only its own last ACQ/REL there tells.) */
static bool hold_open(const struct ds_ent *e, const struct ds_lock *l, guint upto)
{
	for (guint k = upto; k-- > e->pc;) {
		const struct ds_step *st = step_at(e, k);

		if (st->lock == l)
			return st->op == DS_OP_ACQ;
	}
	return false;
}

static void prog_done(struct ds_engine *eng, struct ds_ent *e)
{
	if (e->kind == DS_ENT_TASK)
		ds_task_prog_done(eng, e->owner);
	else
		ds_worker_prog_done(eng, e->owner);
}


static bool lock_in(struct ds_lock *const *set, unsigned int n, const struct ds_lock *l)
{
	for (unsigned int i = 0; i < n; i++)
		if (set[i] == l)
			return true;
	return false;
}

/*
 * Is @j a job at one rate of 1 from its start, off any clock?  Such a job reaches a whole
 * number of ns of work exactly that many ns after its start (span() of job.c returns the whole
 * number itself then), so run_time_at() can answer for ds_job_time_at() without its call.
 */
static inline bool job_plain(const struct ds_job *j)
{
	return j->plain;	/* j->nbp == 1 && !j->ps && j->bp[0].rate == 1.0 && !j->bp[0].done */
}

/* When the run's work done reached @cum (a value freed or a release ended: once per value,
 * hot); @plain: job_plain(), the same for the whole run, so asked once per run */
static inline uint64_t run_time_at(const struct ds_job *j, bool plain, double cum)
{
	/* (below 2^53, through int64_t: ds_span_d()'s reason) */
	if (plain && cum > 0 && cum < 0x1p53 && cum == (double)(int64_t)cum)
		return MIN(j->start + (uint64_t)(int64_t)cum, j->end);
	return ds_job_time_at(j, cum);
}

/* An ACQ or REL step passed in a finished run: count the uncontended acquisition; note a
 * real hold's last REL in @rel (a run is cut there; earlier holds of it were optimistic) */
static inline void finish_lock_step(struct ds_engine *eng, struct ds_ent *e,
				    const struct ds_step *st, struct ds_lock **rel, unsigned int *nrel)
{
	if (st->op == DS_OP_ACQ) {
		ds_lock_count(eng, st->lock);
		return;
	}
	if (st->lock->holder == e && !lock_in(rel, *nrel, st->lock)) {
		g_assert(*nrel < 4);
		rel[(*nrel)++] = st->lock;
	}
}

/*
 * A worker's page run at one rate of 1 (job_plain()) whose work is whole ns adding up to less
 * than 2^53: every partial sum of its steps is a whole number the doubles of run_finish()
 * would hold exactly, so a value's time is its start plus an integer sum (what
 * run_time_at() computes from the double).  1024 values a page: one add, one min, one store
 * each.  (Why exact: the double total of the run is below 2^53 only if the integer sum is,
 * since rounding to nearest is monotonic and 2^53 is a double; below it, sums of whole
 * numbers are exact.)
 */
static bool run_integral(const struct ds_ent *e)
{
	const struct ds_job *j = &e->job;

	return e->kind == DS_ENT_WORKER && j->active && job_plain(j) && j->total < 0x1p53 &&
	       e->extra >= 0 && e->extra == (double)(uint64_t)e->extra;
}

static void finish_integral(struct ds_engine *eng, struct ds_ent *e, struct ds_lock **rel,
			    unsigned int *nrel)
{
	const struct ds_job *j = &e->job;
	struct ds_worker *w = e->owner;
	uint64_t cum = (uint64_t)e->extra;
	guint end = e->run_end;

	for (guint k = e->pc; k < end; k++) {
		const struct ds_step *st = step_at(e, k);

		if (st->op != DS_OP_WORK) {
			finish_lock_step(eng, e, st, rel, nrel);
			continue;
		}
		cum += st->ns;
		if (st->tag)	/* run_time_at(): cum 0 is left to ds_job_time_at() */
			ds_worker_mark(w, st->tag, cum ? MIN(j->start + cum, j->end) :
				       ds_job_time_at(j, 0.0));
	}
}

/* The end of every finished run: the next one starts after it, off any clock. */
static inline void run_close(struct ds_engine *eng, struct ds_ent *e)
{
	e->pc = e->run_end;
	e->extra = 0;
	if (e->job.ps)		/* off its CPU's clock, if it follows one (no call if not) */
		ds_cpu_job_off(eng, e);
	e->job.active = false;
}

/*
 * The run [pc, run_end) is over at eng->now: values freed inside it get their exact times,
 * optimistic acquisitions are counted, holds still open become real, real releases hand the
 * lock over (last, so that a waiter that starts at once sees this entity's state settled).
 * Out of line: run_finish() takes a task's run of work alone itself.
 */
static G_GNUC_NO_INLINE void run_finish_steps(struct ds_engine *eng, struct ds_ent *e)
{
	double cum = e->extra;
	guint end = e->run_end;
	int plain = -1;		/* job_plain(), asked at the first tagged step (most runs have one) */
	struct ds_lock *rel[4];
	unsigned int nrel = 0;
	uint64_t t;

	if (run_integral(e)) {
		finish_integral(eng, e, rel, &nrel);
	} else {
		for (guint k = e->pc; k < end; k++) {
			struct ds_step *st = step_at(e, k);

			if (st->op != DS_OP_WORK) {
				finish_lock_step(eng, e, st, rel, &nrel);
				continue;
			}
			cum += (double)st->ns;
			if (!st->tag)
				continue;
			if (!e->job.active) {
				t = eng->now;
			} else {
				if (plain < 0)
					plain = job_plain(&e->job);
				t = run_time_at(&e->job, plain, cum);
			}
			if (e->kind == DS_ENT_WORKER)
				ds_worker_mark(e->owner, st->tag, t);	/* a value freed */
			else
				ds_task_mark(e->owner, t);		/* a release ended */
		}
	}
	while (e->nclaims) {
		struct ds_lock *l = e->claims[e->nclaims - 1];

		if (hold_open(e, l, end)) {
			l->holder = e;
			e->held++;
		}
		claim_drop(e, l);
	}
	run_close(eng, e);
	for (unsigned int i = 0; i < nrel; i++)
		ds_lock_release(eng, rel[i], e);
}

/* A task's finished run: the time of its last tagged step (if any) is its release's end
 * (ds_task_mark(): only the last one is kept, so the walk's earlier ones need not be made),
 * its work done there known from advance() (the same sum, in the same order) */
static inline void run_mark_tag(struct ds_engine *eng, struct ds_ent *e)
{
	const struct ds_job *j = &e->job;
	uint64_t t;

	if (e->run_tag < 0)
		return;
	if (!j->active)
		t = eng->now;
	else if (e->run_tag_ns && job_plain(j))	/* run_time_at()'s answer, directly */
		t = MIN(j->start + e->run_tag_ns, j->end);
	else
		t = run_time_at(j, job_plain(j), e->run_tag);
	ds_task_mark(e->owner, t);
}

/*
 * Is @e's program one hold (DS_PROG_HOLD) whose ACQ is behind its step @k?  Then its only lock
 * step from @k on is the REL of that hold, and every step after that REL is work.
 */
static inline bool hold_past_acq(const struct ds_ent *e, guint k)
{
	return e->prog_shape == DS_PROG_HOLD && k > e->prog_acq_at;
}

/* @run_tag found again from the steps of the run (a cut leaves advance()'s as it was): the
 * work done by its last tagged step, the same sum in the same order as the walk's */
static void run_tag_walk(struct ds_ent *e)
{
	double cum = e->extra, tag = -1;

	for (guint k = e->pc; k < e->run_end; k++) {
		const struct ds_step *st = step_at(e, k);

		if (st->op != DS_OP_WORK)
			continue;
		cum += (double)st->ns;
		if (st->tag)
			tag = cum;
	}
	e->run_tag = tag;
	e->run_tag_ns = 0;
}

/*
 * run_finish_steps() of a task's run without claims that ends at the REL of its program's one
 * hold (DS_PROG_HOLD): a contended fallback's run in the hold after the hand-over (its ACQ
 * passed in an earlier run), or a run that ds_ent_split() cut after that REL (its ACQ passed
 * inside it, the claim gone, the task the real holder).  What the walk would do, without its
 * general machinery: the last tag's time (only the last one is kept), the ACQ counted if it
 * is in the run, the lock handed over after run_close() if the task really holds it.  A run
 * after a hand-over is never cut, so advance()'s @run_tag holds for it.  Other runs go to the
 * walk.
 */
static G_GNUC_NO_INLINE void run_finish_locked(struct ds_engine *eng, struct ds_ent *e)
{
	struct ds_lock *l = e->prog_lock;

	if (e->kind != DS_ENT_TASK || e->nclaims || e->prog_shape != DS_PROG_HOLD ||
	    e->run_end <= e->pc || step_at(e, e->run_end - 1)->op != DS_OP_REL) {
		run_finish_steps(eng, e);
		return;
	}
	if (e->pc <= e->prog_acq_at) {	/* the ACQ is in the run (the REL comes after it) */
		run_tag_walk(e);
		ds_lock_count(eng, l);
	}
	run_mark_tag(eng, e);
	run_close(eng, e);
	if (l->holder == e)
		ds_lock_release(eng, l, e);
}

/*
 * run_finish_steps(), with a task's run of work alone (no claim: it passes no ACQ) taken
 * inline: only its last tag's time is kept (run_mark_tag()), so its steps need no second walk.
 */
static inline void run_finish(struct ds_engine *eng, struct ds_ent *e)
{
	if (e->kind != DS_ENT_TASK || ((e->run_locks || e->nclaims) && !e->run_hold)) {
		run_finish_locked(eng, e);
		return;
	}
	if (e->run_hold) {
		/* one claimed hold, passed whole: what the walk would do with its ACQ and REL
		 * (the claim may be gone already: ds_ent_split() drops a claim past its hold) */
		ds_lock_count(eng, e->run_hold);
		claim_drop(e, e->run_hold);
		e->run_hold = NULL;
	}
	run_mark_tag(eng, e);
	run_close(eng, e);
}

static bool can_claim(const struct ds_lock *l, const struct ds_ent *e)
{
	return !l->holder && !l->wait_head && (!l->opt || l->opt == e);
}

/*
 * May another entity that wants @l claim it now, i.e. is @l free but for the claim of a run
 * already past its last hold of @l?  Then that claim is dropped here, as ds_ent_split() would
 * drop it when the other entity reaches its ACQ: from its REL on, the claimer's run never
 * touches @l again, so the lock has been free since then and dropping the claim earlier
 * changes nothing already simulated.  A claim inside or before its hold is left alone: only
 * the instant of the ACQ can settle it (ds_lock_resolve()).
 */
static bool claim_free_past(struct ds_engine *eng, struct ds_lock *l, const struct ds_ent *e)
{
	struct ds_ent *o = l->opt;

	if (l->holder || l->wait_head || !o || o == e || l->opt_rel < 0 ||
	    !claim_passed(l, o, o->job.active ? ds_job_done(&o->job, eng->now) : 0))
		return false;
	claim_drop(o, l);
	return true;
}

/*
 * May @e claim @l for an ACQ it reaches after @total ns more work?  At this very instant
 * (@total 0) another's claim is settled here (split, or dropped when past its hold); for an
 * ACQ later in the run, only a claim already past its hold is (claim_free_past()).
 */
static inline bool claim_try(struct ds_engine *eng, struct ds_lock *l, struct ds_ent *e,
			     double total)
{
	if (can_claim(l, e))
		return true;
	if (total != 0)
		return claim_free_past(eng, l, e);
	ds_lock_resolve(eng, l, e);
	return can_claim(l, e);
}

/* Is @e's program over: every step passed, nothing left of the last run's work? */
static inline bool prog_over(const struct ds_ent *e)
{
	return e->pc == e->nsteps && e->extra == 0;
}

/*
 * run_whole() when the claim at the one ACQ of a fresh DS_PROG_HOLD program failed (a
 * contended fallback): the walk would pass the WORK steps before it, untagged here, and stop
 * at the ACQ on the same failed try -- the run is that work, whole.  False (the walk
 * decides) when a tag comes before the ACQ or there is no work before it (the walk then
 * takes the lock or spins).
 */
static inline bool run_to_acq(struct ds_ent *e, uint64_t *ns)
{
	if (e->prog_acq_tagged || !e->prog_acq_ns)
		return false;
	e->run_end = e->prog_acq_at;
	e->run_locks = false;
	e->run_tag = -1;
	e->run_tag_ns = 0;
	e->run_hold = NULL;
	*ns = e->prog_acq_ns;
	return true;
}

/*
 * advance()'s common case, a fresh program (no step passed, no hand-over work) without lock
 * steps or with one hold of one lock, passed from the summaries ds_ent_work() and co. kept:
 * the run the walk would build, without the walk -- the whole program when @e may claim the
 * lock now (every release but a contended fallback's), else the work before the ACQ
 * (run_to_acq()).  *@ns: the run's work.  Exact: the program's work is whole ns adding up
 * to less than 2^53, so every partial sum the walk would form in doubles (from e->extra = 0)
 * is that integer sum itself.  The claim is tried as the walk would at the ACQ (the same sum,
 * so the same outcome); false (nothing built) when the walk must decide: a failed try leaves
 * nothing the walk's second try would see differently (claim_try() is idempotent then).
 */
static inline bool run_whole(struct ds_engine *eng, struct ds_ent *e, uint64_t *ns)
{
	struct ds_lock *l = e->prog_lock;

	if (e->pc || e->extra != 0 || e->prog_ns >= (UINT64_C(1) << 53))
		return false;
	/* below, every summary is at most prog_ns (partial sums of its steps): below 2^53 */
	if (e->prog_shape == DS_PROG_HOLD) {
		if (!claim_try(eng, l, e, ds_span_d(e->prog_acq_ns)))
			return run_to_acq(e, ns);
		if (l->opt != e) {
			l->opt = e;
			/* a task's run_finish() drops its @run_hold itself, and a split drops it
			 * too: no entry in @claims (a worker's run_finish_steps() walks them) */
			if (e->kind != DS_ENT_TASK)
				claim_add(e, l);
		}
		l->opt_rel = ds_span_d(e->prog_rel_ns);	/* out of its hold from there */
		e->run_locks = true;
		e->run_hold = l;
	} else if (e->prog_shape == DS_PROG_NOLOCK) {
		e->run_locks = false;
		e->run_hold = NULL;
	} else {
		return false;
	}
	e->run_end = e->nsteps;
	e->run_tag = e->prog_tagged ? ds_span_d(e->prog_tag_ns) : -1;
	e->run_tag_ns = e->prog_tagged ? e->prog_tag_ns : 0;
	*ns = e->prog_ns;
	return true;
}

/* Start the run built, of @total ns of work: false when it has none (it ended at once) */
static inline bool run_go(struct ds_engine *eng, struct ds_ent *e, double total)
{
	if (total == 0) {
		run_finish(eng, e);
		return false;
	}
	if (on_clock_cpu(e)) {
		ds_cpu_job_start(eng, e, total);
		return true;
	}
	ds_job_start(&e->job, eng->now, total, e->rate);
	ent_schedule(eng, e);
	return true;
}

/* run_go() of run_whole()'s run, @ns a whole number below 2^53: the same job, its end
 * without the conversions (ds_job_start_ns()) */
static inline bool run_go_ns(struct ds_engine *eng, struct ds_ent *e, uint64_t ns)
{
	if (!ns || on_clock_cpu(e))
		return run_go(eng, e, ds_span_d(ns));	/* (below 2^53) */
	ds_job_start_ns(&e->job, eng->now, ns, e->rate);
	ent_schedule(eng, e);
	return true;
}

/*
 * advance()'s run from just past the REL of a DS_PROG_HOLD program's hold (the run before
 * ended there, e->extra 0): the program's work after that REL, all of it work, from the
 * summaries: its sum is @prog_ns - @prog_rel_ns, and its last tag is there if @prog_tag_ns is
 * past @prog_rel_ns, else before the REL (none in the run).  Exact as run_whole()'s (whole ns
 * below 2^53).  False (the walk decides) when the last tag's sum is @prog_rel_ns itself: a
 * tagged step of no work either side of the REL.
 */
static inline bool run_after_rel(struct ds_ent *e, uint64_t *ns)
{
	if (step_at(e, e->pc - 1)->op != DS_OP_REL || e->prog_ns >= (UINT64_C(1) << 53) ||
	    (e->prog_tagged && e->prog_tag_ns == e->prog_rel_ns))
		return false;
	e->run_end = e->nsteps;
	e->run_locks = false;
	e->run_hold = NULL;
	if (e->prog_tagged && e->prog_tag_ns > e->prog_rel_ns) {
		e->run_tag_ns = e->prog_tag_ns - e->prog_rel_ns;
		e->run_tag = ds_span_d(e->run_tag_ns);	/* (below 2^53) */
	} else {
		e->run_tag_ns = 0;
		e->run_tag = -1;
	}
	*ns = e->prog_ns - e->prog_rel_ns;
	return true;
}

/*
 * advance()'s run from just past the ACQ of a DS_PROG_HOLD program's hold, the lock really
 * held (a hand-over, or an acquisition at once): the walk passes the hold's work and stops
 * after its REL (a real release ends a run).  The same sums in the same order, without
 * advance()'s general walk; *@total: the run's work.
 */
static inline bool run_hold_rest(struct ds_ent *e, double *total)
{
	double sum = e->extra, tag = -1;
	guint k = e->pc;
	const struct ds_step *st;

	if (e->prog_shape != DS_PROG_HOLD || k != e->prog_acq_at + 1 ||
	    e->prog_lock->holder != e)
		return false;
	/* work up to the REL (the hold's only lock step after its ACQ) */
	for (st = step_at(e, k); st->op == DS_OP_WORK; st = step_at(e, ++k)) {
		sum += (double)st->ns;
		if (st->tag)
			tag = sum;
	}
	e->run_end = k + 1;
	e->run_locks = true;
	e->run_tag = tag;
	e->run_tag_ns = 0;
	e->run_hold = NULL;
	*total = sum;
	return true;
}

/*
 * advance()'s first turn when the run before ended at the ACQ of a DS_PROG_HOLD program (the
 * work before it, run_to_acq(): a contended fallback) with nothing left of it (e->extra 0):
 * the walk would stop at once on that ACQ unless it can claim the lock (claim_try() with
 * nothing done yet), then take the lock or spin.  True when @e spins; false when advance()
 * goes on: from the ACQ if the lock can be claimed (its claim_try() answers the same), from
 * past it if it was taken.
 */
static inline bool acq_wait(struct ds_engine *eng, struct ds_ent *e)
{
	struct ds_lock *l = e->prog_lock;

	if (e->prog_shape != DS_PROG_HOLD || e->pc != e->prog_acq_at || !e->pc ||
	    claim_try(eng, l, e, 0))
		return false;
	if (!ds_lock_acquire(eng, l, e)) {
		ds_cpu_spin(eng, e);
		return true;	/* spinning: ds_ent_granted() goes on */
	}
	e->pc++;
	return false;
}

/*
 * Build the next run from e->pc and start it; runs without work end at once.  Returns when
 * a job is in progress, the entity spins, or the program is done (the owner was told).
 */
static void advance(struct ds_engine *eng, struct ds_ent *e)
{
	for (;;) {
		double total = e->extra, tag = -1;
		uint64_t ns;
		guint k = e->pc, len = e->nsteps;
		bool locks = false;
		/* the run's one claimed hold so far (run_hold); @many: not that simple */
		struct ds_lock *hold = NULL;
		bool many = false;

		if (prog_over(e)) {
			prog_done(eng, e);
			return;
		}
		if (run_whole(eng, e, &ns)) {
			if (run_go_ns(eng, e, ns))
				return;
			continue;
		}
		while (k < len) {
			struct ds_step *st = step_at(e, k);

			if (st->op == DS_OP_WORK) {
				total += (double)st->ns;
				if (st->tag)
					tag = total;
				k++;
				continue;
			}
			if (st->op == DS_OP_ACQ) {
				if (!claim_try(eng, st->lock, e, total))
					break;
				if (st->lock->opt != e) {
					st->lock->opt = e;
					claim_add(e, st->lock);
				}
				st->lock->opt_rel = -1;		/* in its hold */
				many |= hold != NULL;
				hold = st->lock;
			} else if (st->lock->holder == e) {
				k++;		/* a real release ends the run */
				locks = true;
				many = true;
				break;
			} else if (st->lock->opt == e) {
				st->lock->opt_rel = total;	/* out of it from there */
				many |= st->lock != hold;
			} else {
				many = true;
			}
			locks = true;
			k++;
		}
		if (k == e->pc && total == 0) {
			/* the run stops at once on a lock somebody else has: take it or spin */
			if (!ds_lock_acquire(eng, step_at(e, k)->lock, e)) {
				ds_cpu_spin(eng, e);
				return;		/* spinning: ds_ent_granted() goes on */
			}
			e->pc++;
			continue;
		}
		e->run_end = k;
		e->run_locks = locks;
		e->run_tag = tag;
		e->run_tag_ns = 0;
		/* (the hold is closed when its REL came after its ACQ: opt_rel set again) */
		e->run_hold = hold && !many && hold->opt_rel >= 0 ? hold : NULL;
		if (run_go(eng, e, total))
			return;
	}
}

void ds_ent_run(struct ds_engine *eng, struct ds_ent *e, unsigned int cpu)
{
	uint64_t ns;

	if (e->cpu != (int)cpu)		/* (a task's next release is mostly on the same CPU) */
		ds_cpu_enter(eng, e, cpu);
	e->pc = 0;
	e->run_end = 0;
	/* advance()'s first turn, for a fresh program (nearly always built whole): without its
	 * loop's set-up and its test of the program's end (a release has steps); a failed
	 * run_whole() is tried again there, which changes nothing (claim_try() is idempotent
	 * after a failure) */
	if (e->nsteps && run_whole(eng, e, &ns) && run_go_ns(eng, e, ns))
		return;
	advance(eng, e);
}

/*
 * advance() after a run that did not end the program, its turns in a fallback's hold in runs
 * (a contended lock) taken without it.  Out of line: ds_ent_job_end()'s common case, the end
 * of a program, keeps its own registers and stack frame.
 */
static G_GNUC_NO_INLINE void job_end_go_on(struct ds_engine *eng, struct ds_ent *e)
{
	uint64_t ns;

	if (hold_past_acq(e, e->pc)) {
		if (run_after_rel(e, &ns) && run_go_ns(eng, e, ns))
			return;
	} else if (acq_wait(eng, e)) {
		return;
	}
	advance(eng, e);
}

void ds_ent_job_end(struct ds_engine *eng, struct ds_ent *e)
{
	charge(eng, e);
	run_finish(eng, e);
	/* the program is over (a task's release run nearly always ends it): what advance()
	 * would do first, without its call; prog_over() without its test of e->extra, which
	 * run_close() has just set to 0 (a lock handed over there goes to another entity) */
	if (e->pc == e->nsteps) {
		prog_done(eng, e);
		return;
	}
	job_end_go_on(eng, e);
}

void ds_ent_granted(struct ds_engine *eng, struct ds_ent *e)
{
	double total;

	charge(eng, e);
	e->spin = NULL;
	ds_cpu_unspin(eng, e);
	e->pc++;		/* past its ACQ */
	e->extra = (double)eng->prof->lock_handover_ns;
	if (e->cpu >= 0)
		ds_cpu_update(eng, (unsigned int)e->cpu);	/* it may have been blocked */
	if (run_hold_rest(e, &total) && run_go(eng, e, total))
		return;
	advance(eng, e);
}

/*
 * ds_ent_split()'s walk: where @e's run is at @done ns of work with respect to @l (*@in_l:
 * inside its hold), and the cut: after l's REL if inside its hold, else before its next ACQ
 * (e->run_end: none).  *@cut_work: the work before the cut, < 0 when not known here.
 */
static guint split_walk(const struct ds_ent *e, const struct ds_lock *l, double done,
			bool *in_l, double *cut_work)
{
	double cum = e->extra;
	guint k;

	*in_l = false;
	*cut_work = -1;
	for (k = e->pc; k < e->run_end; k++) {
		const struct ds_step *st = step_at(e, k);

		if (st->op == DS_OP_WORK) {
			if (cum + (double)st->ns > done)
				break;
			cum += (double)st->ns;
		} else if (st->op == DS_OP_ACQ) {
			if (cum > done)
				break;
			if (st->lock == l)
				*in_l = true;
		} else {
			if (cum > done)
				break;
			if (st->lock == l)
				*in_l = false;
		}
	}
	for (; k < e->run_end; k++) {
		const struct ds_step *st = step_at(e, k);

		if (st->lock == l && st->op == (*in_l ? DS_OP_REL : DS_OP_ACQ))
			return *in_l ? k + 1 : k;
	}
	return e->run_end;
}

/*
 * split_walk() of a run over a whole DS_PROG_HOLD program holding @l, from its first step
 * with nothing before (run_whole()'s run, or the walk's over the same steps), from the
 * summaries: the walk's partial sums are whole ns below 2^53, exact, and rise to
 * @prog_acq_ns at the ACQ and @prog_rel_ns at the REL, so it stops before the ACQ if
 * @prog_acq_ns > @done (cut there, the work before it), else inside the hold if
 * @prog_rel_ns > @done (cut after the REL, found past the hold's work), else past the REL
 * (no cut).  False when the run is not such a one.
 */
static bool split_hold(const struct ds_ent *e, const struct ds_lock *l, double done,
		       bool *in_l, guint *cut, double *cut_work)
{
	guint k;

	if (e->prog_shape != DS_PROG_HOLD || e->prog_lock != l || e->pc || e->extra != 0 ||
	    e->run_end != e->nsteps || e->prog_ns >= (UINT64_C(1) << 53))
		return false;
	*in_l = false;
	*cut_work = -1;
	if (ds_span_d(e->prog_acq_ns) > done) {
		*cut = e->prog_acq_at;
		*cut_work = ds_span_d(e->prog_acq_ns);
	} else if (ds_span_d(e->prog_rel_ns) > done) {
		*in_l = true;
		for (k = e->prog_acq_at + 1; step_at(e, k)->op == DS_OP_WORK; k++)
			;
		*cut = k + 1;
		*cut_work = ds_span_d(e->prog_rel_ns);
	} else {
		*cut = e->run_end;
	}
	return true;
}

/*
 * Where is @e's run at eng->now with respect to @l?  Steps at the exact instant count as
 * passed: @e claimed the lock first, so it wins a tie at its ACQ, and its REL at this
 * instant already let go.
 */
void ds_ent_split(struct ds_engine *eng, struct ds_ent *e, struct ds_lock *l)
{
	double done = e->job.active ? ds_job_done(&e->job, eng->now) : 0;
	double cut_work;
	guint k, cut;
	bool in_l;

	/* the common case: the run is past its last hold of @l (the walk below would pass
	 * every step of @l, the last a REL: the same sums, so the same comparison) */
	if (claim_passed(l, e, done)) {
		claim_drop(e, l);
		return;
	}
	if (!split_hold(e, l, done, &in_l, &cut, &cut_work))
		cut = split_walk(e, l, done, &in_l, &cut_work);
	claim_drop(e, l);
	e->run_hold = NULL;	/* walked at its end: the run is cut, or holds @l for real */
	if (in_l) {
		l->holder = e;
		e->held++;
	}
	if (cut != e->run_end) {
		if (cut_work < 0) {
			cut_work = e->extra;
			for (k = e->pc; k < cut; k++)
				cut_work += (double)step_at(e, k)->ns;
		}
		e->run_end = cut;
		e->run_locks = true;	/* (it has one: the claim) */
		for (guint i = 0; i < e->nclaims; i++)
			e->claims[i]->opt_rel = -1;	/* their RELs may be past the cut */
		charge(eng, e);
		ds_cpu_job_total(eng, e, cut_work);
	}
}
