// SPDX-License-Identifier: MIT
/*
 * cpu.c - virtual CPUs: who is on them, how fast things run there, where a worker goes.
 *
 * struct ds_cpu holds the active simulated tasks (in a release or a busy think gap), the
 * workers running a batch there, and how many recorded CPUs mapped to it have a foreign
 * occupant (from sched_switch: non-idle and not a simulated releasing task).  eng->occupant
 * keeps, per recorded CPU, the pid switched in and whether it was foreign then.
 *
 * Processor sharing [defersim]: a worker on a CPU with anything else on it, and the
 * simulated tasks on a CPU with a worker on it, progress at params.shared_cpu_rate; all else
 * at full speed.  Simulated tasks do not slow each other down: their recorded timelines
 * already contain whatever contention they had.
 */
#include "engine.h"

struct occupant {
	int32_t pid;
	bool foreign;
};

void ds_cpus_init(struct ds_engine *eng)
{
	eng->cpus = g_new0(struct ds_cpu, eng->ncpus);
	for (unsigned int c = 0; c < eng->ncpus; c++) {
		g_queue_init(&eng->cpus[c].tasks);
		eng->cpus[c].workers = g_ptr_array_new();
	}
	eng->occupant = g_array_new(FALSE, TRUE, sizeof(struct occupant));
}

void ds_cpus_clear(struct ds_engine *eng)
{
	for (unsigned int c = 0; eng->cpus && c < eng->ncpus; c++)
		g_ptr_array_free(eng->cpus[c].workers, TRUE);
	g_free(eng->cpus);
	eng->cpus = NULL;
	if (eng->occupant)
		g_array_free(eng->occupant, TRUE);
	eng->occupant = NULL;
}

double ds_cpu_task_rate(const struct ds_engine *eng, unsigned int cpu)
{
	return eng->cpus[cpu].workers->len ? eng->p->shared_cpu_rate : 1.0;
}

/* Rate of a worker that is counted in cpus[cpu].workers. */
double ds_cpu_worker_rate(const struct ds_engine *eng, unsigned int cpu)
{
	const struct ds_cpu *c = &eng->cpus[cpu];
	guint others = c->tasks.length + (c->foreign ? 1 : 0) + c->workers->len - 1;

	return others ? eng->p->shared_cpu_rate : 1.0;
}

static void update_workers(struct ds_engine *eng, unsigned int cpu)
{
	GPtrArray *ws = eng->cpus[cpu].workers;
	double rate;

	if (!ws->len)
		return;
	rate = ds_cpu_worker_rate(eng, cpu);
	for (guint i = 0; i < ws->len; i++) {
		struct ds_worker *w = g_ptr_array_index(ws, i);

		if (w->in_batch && ds_job_set_rate(&w->job, eng->now, rate))
			ds_worker_reschedule(eng, w);
	}
}

static void update_tasks(struct ds_engine *eng, unsigned int cpu)
{
	double rate = ds_cpu_task_rate(eng, cpu);

	for (GList *l = eng->cpus[cpu].tasks.head; l; l = l->next) {
		struct ds_task *t = l->data;

		if (ds_job_set_rate(&t->job, eng->now, rate))
			ds_task_reschedule(eng, t);
	}
}

void ds_cpu_task_enter(struct ds_engine *eng, struct ds_task *t, unsigned int cpu)
{
	if (t->cpu == (int)cpu)
		return;
	ds_cpu_task_leave(eng, t);
	t->link.data = t;
	g_queue_push_tail_link(&eng->cpus[cpu].tasks, &t->link);
	t->cpu = (int)cpu;
	update_workers(eng, cpu);
}

void ds_cpu_task_leave(struct ds_engine *eng, struct ds_task *t)
{
	unsigned int cpu;

	if (t->cpu < 0)
		return;
	cpu = (unsigned int)t->cpu;
	g_queue_unlink(&eng->cpus[cpu].tasks, &t->link);
	t->cpu = -1;
	update_workers(eng, cpu);
}

void ds_cpu_worker_enter(struct ds_engine *eng, struct ds_worker *w, unsigned int cpu)
{
	g_ptr_array_add(eng->cpus[cpu].workers, w);
	w->cpu = (int)cpu;
	update_tasks(eng, cpu);
	update_workers(eng, cpu);
}

void ds_cpu_worker_leave(struct ds_engine *eng, struct ds_worker *w)
{
	unsigned int cpu;

	if (w->cpu < 0)
		return;
	cpu = (unsigned int)w->cpu;
	g_ptr_array_remove(eng->cpus[cpu].workers, w);
	w->cpu = -1;
	update_tasks(eng, cpu);
	update_workers(eng, cpu);
}

static bool cpu_idle(const struct ds_engine *eng, unsigned int c)
{
	const struct ds_cpu *cpu = &eng->cpus[c];

	return !cpu->tasks.length && !cpu->foreign && !cpu->workers->len;
}

/* Load of a busy CPU for choosing where to share: workers first, then everything else. */
static guint cpu_load(const struct ds_engine *eng, unsigned int c)
{
	const struct ds_cpu *cpu = &eng->cpus[c];

	return cpu->workers->len * 65536u + cpu->tasks.length + (cpu->foreign ? 1 : 0);
}

/*
 * WQ_UNBOUND placement [S reason; I rule]: an idle CPU other than the producer's (staying on
 * the current one if it qualifies), else the producer's if it is idle, else the least loaded
 * busy CPU other than the producer's (processor sharing), else the producer's.
 */
unsigned int ds_cpu_pick(const struct ds_engine *eng, int producer, int current)
{
	unsigned int best = 0;
	guint best_load = G_MAXUINT;

	if (current >= 0 && current != producer && cpu_idle(eng, (unsigned int)current))
		return (unsigned int)current;
	for (unsigned int c = 0; c < eng->ncpus; c++)
		if ((int)c != producer && cpu_idle(eng, c))
			return c;
	if (producer >= 0 && cpu_idle(eng, (unsigned int)producer))
		return (unsigned int)producer;
	for (unsigned int c = 0; c < eng->ncpus; c++) {
		guint load = cpu_load(eng, c);

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
		update_workers(eng, cpu);
}
