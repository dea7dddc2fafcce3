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
 */
#include "engine.h"

struct occupant {
	int32_t pid;
	bool foreign;
};

void ds_cpus_init(struct ds_engine *eng)
{
	eng->cpus = g_new0(struct ds_cpu, eng->ncpus);
	for (unsigned int c = 0; c < eng->ncpus; c++)
		g_queue_init(&eng->cpus[c].rq);
	eng->occupant = g_array_new(FALSE, TRUE, sizeof(struct occupant));
}

void ds_cpus_clear(struct ds_engine *eng)
{
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

void ds_cpu_update(struct ds_engine *eng, unsigned int cpu)
{
	struct ds_cpu *c = &eng->cpus[cpu];
	const struct ds_ent *first;
	unsigned int n = runnable(c, &first);
	GList *l = c->rq.head;

	while (l) {
		struct ds_ent *e = l->data;

		l = l->next;	/* a rate change can end a job, but not at this instant's past */
		ds_ent_rate(eng, e, rate_in(eng, c, n, first, e));
	}
}

void ds_cpu_charge(struct ds_engine *eng, struct ds_ent *e, uint64_t since, double rate)
{
	double used = (double)(eng->now - since) * rate;

	eng->cpus[e->cpu].consumed += used;
	e->cpu_ns += used;
	if (e->spin)
		eng->r->locks[e->spin->kind].spin_cpu_ns += used;
}

void ds_cpu_leave(struct ds_engine *eng, struct ds_ent *e)
{
	unsigned int cpu;

	if (e->cpu < 0)
		return;
	cpu = (unsigned int)e->cpu;
	ds_ent_rate(eng, e, 0);		/* charges what it used so far */
	g_queue_unlink(&eng->cpus[cpu].rq, &e->link);
	if (e->kind == DS_ENT_WORKER)
		eng->cpus[cpu].workers--;
	e->cpu = -1;
	ds_cpu_update(eng, cpu);
}

void ds_cpu_enter(struct ds_engine *eng, struct ds_ent *e, unsigned int cpu)
{
	if (e->cpu == (int)cpu)
		return;
	ds_cpu_leave(eng, e);
	g_queue_push_tail_link(&eng->cpus[cpu].rq, &e->link);
	if (e->kind == DS_ENT_WORKER)
		eng->cpus[cpu].workers++;
	e->cpu = (int)cpu;
	e->rate = 0;
	e->charged_at = eng->now;
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
