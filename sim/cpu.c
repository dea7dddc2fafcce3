// SPDX-License-Identifier: MIT
/*
 * cpu.c - virtual CPUs as a capacity (spec §4.2): who runs on them and how fast, where a
 * worker goes.
 *
 * struct ds_cpu (engine.h) holds its run queue: the entities runnable on it (tasks in a
 * release or on-CPU think time, workers draining a page, and either of them spinning on a
 * lock), in arrival order; and how many recorded CPUs mapped to it have a foreign occupant
 * (from sched_switch: non-idle and not a simulated releasing task).  eng->occupant keeps, per
 * recorded CPU, the pid switched in and whether it was foreign then.
 *
 * Speeds, recomputed whenever the queue or a lock held on it changes:
 * - an entity spinning on a lock whose holder is on the same CPU does not run (a spin lock
 *   disables preemption: the kernel could not have switched to it while the holder held
 *   the lock), and takes no share;
 * - cpu_sharing=fair [I]: processor sharing, each of the n other runnable entities at 1/n;
 * - cpu_sharing=fifo [I]: the first of them in the queue at full speed until it blocks
 *   (leaves the CPU), the others wait at speed 0.
 * Holding a lock does not otherwise change the shares: lock holds are short, and a run that
 * passes a free lock without an engine event (ent.c) must be timed the same as one that
 * takes it explicitly.
 * A foreign occupant takes a share from a worker (fair: 1/(n+1); fifo: the worker at the head
 * runs at 1/2), not from simulated tasks: a task's recorded timeline already holds the time
 * the recording's other tasks took from it (its off-CPU intervals).
 * The CPU time given out is accounted (ds_cpu_charge()): per CPU it can never exceed the time
 * elapsed, which --check verifies.
 *
 * Two ways to follow the speeds, the same model:
 * - explicit (few entities): every entity has its rate (ds_ent_rate()) and its job its own end
 *   event, all re-rated on every change of the queue: O(n log N) per change;
 * - processor sharing (cpu_sharing=fair, from PS_ENTER entities on the CPU until its queue is
 *   empty again, @ps): all tasks run at 1/n and all workers at 1/(n + foreign), so one
 *   virtual clock per kind (psclock.c) stands for them; a job ends when its clock reaches its
 *   finish tag, and only the earliest of each clock has an engine event: a change of the queue
 *   is one rate change of each clock and O(log n) heap work.  Spinners are listed
 *   (@spinners) so the blocked ones are found without walking the queue.  CPU time: an
 *   entity's is the advance of its clock while it could run (@vmark), the CPU's the clock
 *   rates times the entities at each update (@ps_load).  The same instants and the same rates
 *   as explicitly; the clock is fixed point, so its times are the exact ones where a running
 *   double subtraction per entity could round a whole ns up by one.  What differs from the
 *   explicit way: jobs that end at the same ns are handled in the order of their finish
 *   tags (explicitly: of their events' pushes), and the last bits of the CPU time sums.
 */
#include "engine.h"

/* Entities on a CPU from which it keeps virtual time (below that, explicit is as cheap;
 * -DPS_ENTER=1 forces virtual time on every fair CPU, to compare the two ways). */
#ifndef PS_ENTER
#define PS_ENTER 8u
#endif

struct occupant {
	int32_t pid;
	bool foreign;
};

void ds_cpus_init(struct ds_engine *eng)
{
	eng->cpus = g_new0(struct ds_cpu, eng->ncpus);
	for (unsigned int c = 0; c < eng->ncpus; c++) {
		g_queue_init(&eng->cpus[c].rq);
		ds_psclock_init(&eng->cpus[c].clock[0]);
		ds_psclock_init(&eng->cpus[c].clock[1]);
	}
	eng->occupant = g_array_new(FALSE, TRUE, sizeof(struct occupant));
}

void ds_cpus_clear(struct ds_engine *eng)
{
	for (unsigned int c = 0; eng->cpus && c < eng->ncpus; c++) {
		g_free(eng->cpus[c].spinners);
		ds_psclock_clear(&eng->cpus[c].clock[0]);
		ds_psclock_clear(&eng->cpus[c].clock[1]);
	}
	g_free(eng->cpus);
	eng->cpus = NULL;
	if (eng->occupant)
		g_array_free(eng->occupant, TRUE);
	eng->occupant = NULL;
}

/* Spinning on a lock held on its own CPU: it cannot run (see above). */
static bool blocked(const struct ds_ent *e)
{
	return e->spin && e->spin->holder && e->spin->holder->cpu == e->cpu;
}

/* Runnable entities of @c that can run, and the first of them. */
static unsigned int runnable(const struct ds_cpu *c, const struct ds_ent **first)
{
	unsigned int n = 0;

	*first = NULL;
	for (const GList *l = c->rq.head; l; l = l->next) {
		const struct ds_ent *e = l->data;

		if (blocked(e))
			continue;
		if (!n++)
			*first = e;
	}
	return n;
}

static double rate_in(const struct ds_engine *eng, const struct ds_cpu *c, unsigned int n,
		      const struct ds_ent *first, const struct ds_ent *e)
{
	double foreign = e->kind == DS_ENT_WORKER && c->foreign ? 1.0 : 0.0;

	if (blocked(e))
		return 0.0;
	if (eng->p->cpu_sharing == DS_SHARE_FIFO)
		return e == first ? 1.0 / (1.0 + foreign) : 0.0;
	return 1.0 / ((double)n + foreign);
}

/* --- processor-sharing mode --- */

static struct ds_psclock *clock_of(struct ds_cpu *c, const struct ds_ent *e)
{
	return &c->clock[e->kind == DS_ENT_WORKER];
}

/* The CPU time given out since the last update, at that update's load. */
static void ps_account(const struct ds_engine *eng, struct ds_cpu *c)
{
	if (eng->now > c->ps_at)
		c->consumed += (double)(eng->now - c->ps_at) * c->ps_load;
	c->ps_at = eng->now;
}

static void ps_charge(struct ds_engine *eng, struct ds_cpu *c, struct ds_ent *e)
{
	ds_vtime v = ds_psclock_v(clock_of(c, e), eng->now);

	if (!e->ps_blocked) {
		double used = ds_vt_ns(v - e->vmark);

		e->cpu_ns += used;
		if (e->spin)
			eng->r->locks[e->spin->kind].spin_cpu_ns += used;
	}
	e->vmark = v;
	e->charged_at = eng->now;
}

/*
 * The earliest job of clock @k gets the engine event; @force: its finish tag or the clock's
 * rate changed.  Otherwise an end already scheduled stays as computed (as an explicit job's
 * end stays until its rate changes).
 */
static void ps_resched(struct ds_engine *eng, struct ds_psclock *k, bool force)
{
	struct ds_ent *m = ds_psclock_min(k);
	ds_vtime v;
	uint64_t end;

	if (k->sched && k->sched != m) {
		k->sched->job.end = DS_NEVER;
		k->sched->job.gen++;
	}
	if (!m) {
		k->sched = NULL;
		return;
	}
	if (!force && k->sched == m)
		return;
	v = ds_psclock_v(k, eng->now);
	end = ds_vt_end(eng->now, m->job.ps_f > v ? m->job.ps_f - v : 0, ds_psclock_div(k));
	if (k->sched == m && end == m->job.end)
		return;
	k->sched = m;
	m->job.end = end;
	m->job.gen++;
	ds_ent_schedule(eng, m);
}

static void ps_join(struct ds_engine *eng, struct ds_cpu *c, struct ds_ent *e)
{
	struct ds_psclock *k = clock_of(c, e);

	e->vmark = ds_psclock_v(k, eng->now);
	e->ps_blocked = false;
	if (e->job.active) {
		ds_job_ps_attach(&e->job, k, eng->now);
		ds_psclock_insert(k, e);
	}
}

/* @c has become crowded: its entities' jobs follow its clocks from now on. */
static void ps_begin(struct ds_engine *eng, struct ds_cpu *c)
{
	for (GList *l = c->rq.head; l; l = l->next)
		ds_cpu_charge_ent(eng, l->data);	/* explicitly, up to now */
	c->ps = true;
	c->ps_at = eng->now;
	c->ps_load = 0;
	ds_psclock_reset(&c->clock[0], eng->now);
	ds_psclock_reset(&c->clock[1], eng->now);
	for (GList *l = c->rq.head; l; l = l->next) {
		((struct ds_ent *)l->data)->on_ps = true;
		ps_join(eng, c, l->data);
	}
}

/* Same rates as rate_in() (fair), per clock; the blocked spinners found as explicitly. */
static void ps_update(struct ds_engine *eng, struct ds_cpu *c)
{
	unsigned int nb[2] = { 0, 0 }, nk[2], n;
	uint32_t m[2] = { 0, 0 };

	ps_account(eng, c);
	for (guint i = 0; i < c->nspinners; i++) {
		struct ds_ent *s = c->spinners[i];
		bool b = blocked(s);

		if (b != s->ps_blocked) {
			if (b)
				ps_charge(eng, c, s);
			else
				s->vmark = ds_psclock_v(clock_of(c, s), eng->now);
			s->ps_blocked = b;
		}
		nb[s->kind == DS_ENT_WORKER] += b;
	}
	nk[1] = c->workers - nb[1];
	nk[0] = c->rq.length - c->workers - nb[0];
	n = nk[0] + nk[1];
	if (n) {
		m[0] = n;
		m[1] = n + (c->foreign ? 1 : 0);
	}
	c->ps_load = 0;
	for (unsigned int i = 0; i < 2; i++)
		if (m[i])
			c->ps_load += (double)nk[i] / (double)m[i];
	for (unsigned int i = 0; i < 2; i++) {
		if (m[i] == ds_psclock_div(&c->clock[i]))
			continue;
		ds_psclock_set_div(&c->clock[i], eng->now, m[i]);
		ps_resched(eng, &c->clock[i], true);
	}
}

void ds_cpu_charge_ent(struct ds_engine *eng, struct ds_ent *e)
{
	if (e->cpu >= 0 && eng->cpus[e->cpu].ps) {
		ps_charge(eng, &eng->cpus[e->cpu], e);
		return;
	}
	if (e->cpu >= 0 && eng->now > e->charged_at)
		ds_cpu_charge(eng, e, e->charged_at, e->rate);
	e->charged_at = eng->now;
}

void ds_cpu_job_start(struct ds_engine *eng, struct ds_ent *e, double work)
{
	struct ds_cpu *c = e->cpu >= 0 ? &eng->cpus[e->cpu] : NULL;
	struct ds_psclock *k;

	if (!c || !c->ps) {
		ds_job_start(&e->job, eng->now, work, e->rate);
		ds_ent_schedule(eng, e);
		return;
	}
	k = clock_of(c, e);
	ds_job_start(&e->job, eng->now, work, 0);
	ds_job_ps_attach(&e->job, k, eng->now);
	ds_psclock_insert(k, e);
	ps_resched(eng, k, false);
}

void ds_cpu_job_off(struct ds_engine *eng, struct ds_ent *e)
{
	struct ds_psclock *k = e->job.ps;

	if (!k)
		return;
	ds_psclock_remove(k, e);
	e->job.ps = NULL;
	ps_resched(eng, k, false);
}

void ds_cpu_job_total(struct ds_engine *eng, struct ds_ent *e, double total)
{
	struct ds_job *j = &e->job;
	struct ds_psclock *k = j->ps;
	ds_vtime old, cut;

	if (!k) {
		if (ds_job_set_total(j, eng->now, total))
			ds_ent_schedule(eng, e);
		return;
	}
	/* the finish tag moves by the work cut off, exactly (both totals are whole ns): the
	 * work done now, a double, would carry its rounding into every later value's time */
	old = ds_vt_from_ns(j->total);
	cut = ds_vt_from_ns(total);
	j->total = total;
	/* below V now: it ends now (as with remaining 0 explicitly) */
	j->ps_f = j->ps_f + cut >= old ? j->ps_f + cut - old : 0;
	ds_psclock_moved(k, e);
	ps_resched(eng, k, k->sched == e);
}

static void spin_list(struct ds_cpu *c, struct ds_ent *e)
{
	if (c->nspinners == c->spinners_cap) {
		c->spinners_cap = c->spinners_cap ? 2 * c->spinners_cap : 8;
		c->spinners = g_renew(struct ds_ent *, c->spinners, c->spinners_cap);
	}
	e->spin_at = c->nspinners;
	c->spinners[c->nspinners++] = e;
	e->spinlisted = true;
}

/* the last spinner takes @e's place (the order g_ptr_array_remove_fast() left, which
 * ps_update() walks: its sums are made in that order) */
static void spin_unlist(struct ds_cpu *c, struct ds_ent *e)
{
	struct ds_ent *last;

	if (!e->spinlisted)
		return;
	g_assert(e->spin_at < c->nspinners && c->spinners[e->spin_at] == e);
	last = c->spinners[--c->nspinners];
	c->spinners[e->spin_at] = last;
	last->spin_at = e->spin_at;
	e->spinlisted = false;
}

void ds_cpu_spin(struct ds_engine *eng, struct ds_ent *e)
{
	struct ds_cpu *c;

	if (e->cpu < 0 || e->spinlisted)
		return;
	c = &eng->cpus[e->cpu];
	spin_list(c, e);
	/* explicitly ds_lock_acquire() re-rated the CPU already, the list not knowing @e yet */
	if (c->ps && blocked(e))
		ds_cpu_update(eng, (unsigned int)e->cpu);
}

void ds_cpu_unspin(struct ds_engine *eng, struct ds_ent *e)
{
	struct ds_cpu *c;

	if (e->cpu < 0)
		return;
	c = &eng->cpus[e->cpu];
	spin_unlist(c, e);
	if (c->ps && e->ps_blocked) {
		e->vmark = ds_psclock_v(clock_of(c, e), eng->now);
		e->ps_blocked = false;
	}
}

/* --- both modes --- */

void ds_cpu_update(struct ds_engine *eng, unsigned int cpu)
{
	struct ds_cpu *c = &eng->cpus[cpu];
	const struct ds_ent *first;
	unsigned int n;
	GList *l = c->rq.head;

	if (c->ps) {
		ps_update(eng, c);
		return;
	}
	if (c->rq.length == 1) {	/* the common case: no walk of the queue */
		struct ds_ent *e = l->data;
		/* runnable()'s answer for one entity is n = 1, first = @e, unless @e is
		 * blocked, and rate_in() answers 0 for a blocked one before using them */
		double rate = rate_in(eng, c, 1, e, e);

		if (rate != e->rate)
			ds_ent_rate(eng, e, rate);
		return;
	}
	n = runnable(c, &first);

	while (l) {
		struct ds_ent *e = l->data;
		double rate = rate_in(eng, c, n, first, e);

		l = l->next;	/* a rate change can end a job, but not at this instant's past */
		if (rate != e->rate)	/* ds_ent_rate()'s own first test, without its call */
			ds_ent_rate(eng, e, rate);
	}
}

void ds_cpu_leave(struct ds_engine *eng, struct ds_ent *e)
{
	struct ds_cpu *c;
	unsigned int cpu;

	if (e->cpu < 0)
		return;
	cpu = (unsigned int)e->cpu;
	c = &eng->cpus[cpu];
	if (c->ps) {
		ps_account(eng, c);
		ps_charge(eng, c, e);
		if (e->job.ps) {	/* off the CPU in the middle of a job: rate 0 */
			struct ds_psclock *k = e->job.ps;

			ds_psclock_remove(k, e);
			ds_job_ps_detach(&e->job, eng->now, 0);
		}
		e->rate = 0;
	} else {
		ds_ent_rate(eng, e, 0);		/* charges what it used so far */
	}
	g_queue_unlink(&c->rq, &e->link);
	if (e->kind == DS_ENT_WORKER)
		c->workers--;
	spin_unlist(c, e);
	e->ps_blocked = false;
	e->cpu = -1;
	e->vc = NULL;
	e->on_ps = false;
	if (c->ps && !c->rq.length) {	/* nobody left: explicit again, from scratch */
		c->ps = false;
		c->ps_load = 0;
		return;
	}
	ds_cpu_update(eng, cpu);
}

void ds_cpu_enter(struct ds_engine *eng, struct ds_ent *e, unsigned int cpu)
{
	struct ds_cpu *c;

	if (e->cpu == (int)cpu)
		return;
	ds_cpu_leave(eng, e);
	c = &eng->cpus[cpu];
	g_queue_push_tail_link(&c->rq, &e->link);
	if (e->kind == DS_ENT_WORKER)
		c->workers++;
	e->cpu = (int)cpu;
	e->vc = c;
	e->on_ps = c->ps;	/* (ps_begin() below sets it for every entity of @c) */
	e->rate = 0;
	e->charged_at = eng->now;
	if (e->spin)
		spin_list(c, e);
	if (c->ps)
		ps_join(eng, c, e);
	else if (eng->p->cpu_sharing == DS_SHARE_FAIR && c->rq.length >= PS_ENTER)
		ps_begin(eng, c);
	ds_cpu_update(eng, cpu);
}

/* Entities on @c other than @self (the worker choosing, which may be on it already). */
static guint cpu_others(const struct ds_engine *eng, unsigned int c, const struct ds_ent *self,
			guint *workers)
{
	const struct ds_cpu *cpu = &eng->cpus[c];
	guint mine = self && self->cpu == (int)c;

	*workers = cpu->workers - mine;
	return cpu->rq.length - mine;
}

static bool cpu_idle(const struct ds_engine *eng, unsigned int c, const struct ds_ent *self)
{
	guint w;

	return !cpu_others(eng, c, self, &w) && !eng->cpus[c].foreign;
}

/* Load of a busy CPU for choosing where to share: workers first, then everything else. */
static guint cpu_load(const struct ds_engine *eng, unsigned int c, const struct ds_ent *self)
{
	guint w, n = cpu_others(eng, c, self, &w);

	return w * 65536u + (n - w) + (eng->cpus[c].foreign ? 1 : 0);
}

/*
 * WQ_UNBOUND placement [S reason; I rule], worker_placement=idle_other: an idle CPU other than
 * the producer's (staying on the current one if it qualifies), else the producer's if it is
 * idle, else the least loaded busy CPU other than the producer's, else the producer's.  With
 * worker_placement=producer (a bound workqueue's behaviour, for comparison) always the
 * producer's CPU.  When no CPU is idle the worker waits or shares (cpu_sharing).
 */
unsigned int ds_cpu_pick(const struct ds_engine *eng, int producer, int current,
			 const struct ds_ent *self)
{
	unsigned int best = 0;
	guint best_load = G_MAXUINT;

	if (eng->p->worker_placement == DS_PLACE_PRODUCER && producer >= 0)
		return (unsigned int)producer;
	if (current >= 0 && current != producer && cpu_idle(eng, (unsigned int)current, self))
		return (unsigned int)current;
	for (unsigned int c = 0; c < eng->ncpus; c++)
		if ((int)c != producer && cpu_idle(eng, c, self))
			return c;
	if (producer >= 0 && cpu_idle(eng, (unsigned int)producer, self))
		return (unsigned int)producer;
	for (unsigned int c = 0; c < eng->ncpus; c++) {
		guint load = cpu_load(eng, c, self);

		if ((int)c == producer)
			continue;
		if (load < best_load || (load == best_load && (int)c == current)) {
			best = c;
			best_load = load;
		}
	}
	if (best_load != G_MAXUINT)
		return best;
	return producer >= 0 ? (unsigned int)producer : 0;
}

void ds_cpu_switch(struct ds_engine *eng, unsigned int rcpu, int32_t next_pid)
{
	struct occupant *o;
	bool foreign = next_pid != 0 &&
		!g_hash_table_contains(eng->open_tasks, GINT_TO_POINTER(next_pid));
	unsigned int cpu = rcpu % eng->ncpus;
	bool was_busy;

	if (rcpu >= eng->occupant->len)
		g_array_set_size(eng->occupant, rcpu + 1);
	o = &g_array_index(eng->occupant, struct occupant, rcpu);
	o->pid = next_pid;
	if (o->foreign == foreign)
		return;
	o->foreign = foreign;
	was_busy = eng->cpus[cpu].foreign > 0;
	if (foreign)
		eng->cpus[cpu].foreign++;
	else
		eng->cpus[cpu].foreign--;
	if (was_busy != (eng->cpus[cpu].foreign > 0))
		ds_cpu_update(eng, cpu);
}
