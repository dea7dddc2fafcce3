/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the discrete-event engine's state (private to sim/).
 *
 * Data structures (each has its own small file):
 * - struct ds_evq (evq.c): min-heap of timed engine events (task steps, worker wake-ups,
 *   batch ends, idle-flush timers), ordered by (time, insertion sequence) so that ties are
 *   resolved the same way on every run.  Rescheduling bumps the owner's generation; heap
 *   entries with an old generation are skipped when they come out.
 * - struct ds_evring (evring.c): FIFO of struct ds_event: a task's queued items, and the
 *   events that act at their recorded time (sched_switch, slot writes).
 * - struct ds_job (job.c): CPU work progressing at a rate (1, or params.shared_cpu_rate while
 *   a worker shares the CPU): a task's hot path or busy think gap, a worker's batch.
 * - struct ds_cpu (cpu.c): a virtual CPU: active simulated tasks, workers on it, recorded CPUs
 *   mapped to it whose recorded occupant is foreign (non-idle, not a simulated task).
 * - struct ds_task (task.c): one releasing task (pid): its FIFO of recorded items, its phase,
 *   its job, the recorded end of its latest release, its shift while it waits asleep.
 * - struct ds_worker (worker.c): one drain work item with Linux workqueue semantics.
 * - struct ds_pool (pool.h): one backend's pool, per policy.
 * - struct ds_objsize (objsize.c): zsmalloc object sizes from the trace's zs_malloc records,
 *   for policies that need a size class per value (zsonly).
 * - struct ds_engine (engine.c): all of the above for one run, plus the source, the reading
 *   position (lookahead), the RNG, the ledger and the results being filled.
 */
#ifndef DS_ENGINE_H
#define DS_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "ds_sim.h"
#include "ds_source.h"
#include "policy.h"
#include "pool.h"

/* --- evq.c --- */

enum ds_sev_kind {
	DS_SEV_TASK = 1,	/* a task's current phase ends */
	DS_SEV_WAKE,		/* a pending work item becomes runnable */
	DS_SEV_BATCH,		/* a worker finishes its batch */
	DS_SEV_FLUSH,		/* an idle-flush timer (arg = CPU) */
};

struct ds_sev {
	uint64_t time;
	uint64_t seq;
	void *obj;
	uint32_t kind;
	uint32_t gen;
	uint32_t arg;
};

struct ds_evq {
	GArray *heap;		/* struct ds_sev, binary min-heap */
	uint64_t seq;
};

void ds_evq_init(struct ds_evq *q);
void ds_evq_clear(struct ds_evq *q);
void ds_evq_push(struct ds_evq *q, uint64_t time, uint32_t kind, void *obj, uint32_t gen,
		 uint32_t arg);
/* ds_evq_peek() - the earliest event, NULL when empty */
const struct ds_sev *ds_evq_peek(const struct ds_evq *q);
void ds_evq_pop(struct ds_evq *q, struct ds_sev *out);

/* --- evring.c --- */

struct ds_evring {
	struct ds_event *buf;
	size_t cap;
	size_t head;
	size_t len;
};

void ds_evring_push(struct ds_evring *r, const struct ds_event *ev);
/* ds_evring_peek() - the oldest event, NULL when empty */
const struct ds_event *ds_evring_peek(const struct ds_evring *r);
void ds_evring_pop(struct ds_evring *r, struct ds_event *out);
void ds_evring_clear(struct ds_evring *r);

/* --- job.c --- */

struct ds_job {
	double remaining;	/* ns of work left at full speed */
	double rate;
	uint64_t since;		/* when @remaining was last brought up to date */
	uint64_t end;		/* scheduled completion */
	uint32_t gen;		/* bumped at every (re)schedule */
};

void ds_job_start(struct ds_job *j, uint64_t now, uint64_t work, double rate);
/* ds_job_set_rate() - change speed at @now; returns true when the end moved */
bool ds_job_set_rate(struct ds_job *j, uint64_t now, double rate);

/* --- cpu.c --- */

struct ds_task;

struct ds_cpu {
	GQueue tasks;		/* active simulated tasks (links in struct ds_task) */
	GPtrArray *workers;	/* struct ds_worker * running a batch here */
	unsigned int foreign;	/* recorded CPUs mapped here with a foreign occupant */
};

void ds_cpus_init(struct ds_engine *eng);
void ds_cpus_clear(struct ds_engine *eng);
double ds_cpu_task_rate(const struct ds_engine *eng, unsigned int cpu);
double ds_cpu_worker_rate(const struct ds_engine *eng, unsigned int cpu);
void ds_cpu_task_enter(struct ds_engine *eng, struct ds_task *t, unsigned int cpu);
void ds_cpu_task_leave(struct ds_engine *eng, struct ds_task *t);
void ds_cpu_worker_enter(struct ds_engine *eng, struct ds_worker *w, unsigned int cpu);
void ds_cpu_worker_leave(struct ds_engine *eng, struct ds_worker *w);
/* ds_cpu_pick() - where a worker runs its next batch (producer < 0: none) */
unsigned int ds_cpu_pick(const struct ds_engine *eng, int producer, int current);
/* ds_cpu_switch() - recorded sched_switch on recorded CPU @rcpu to @next_pid */
void ds_cpu_switch(struct ds_engine *eng, unsigned int rcpu, int32_t next_pid);

/* --- task.c --- */

enum ds_task_phase {
	DS_TP_FIRST,		/* first release scheduled at its recorded time */
	DS_TP_RELEASE,		/* in a release's hot path (job) */
	DS_TP_THINK,		/* in a think gap <= busy_gap_ns: CPU work (job) */
	DS_TP_ASLEEP,		/* in a long think gap: next start scheduled */
	DS_TP_WAITING,		/* asleep, next item not read yet (in eng->waiting) */
};

struct ds_task {
	int32_t pid;
	guint index;		/* row in results->tasks */
	struct ds_evring fifo;	/* recorded releases (and its exit) not yet started */
	enum ds_task_phase phase;
	struct ds_job job;
	int cpu;		/* virtual CPU it is active on, -1 when not active */
	GList link;		/* in that CPU's task queue */
	bool closed;		/* its exit was read: the pid may be reused */
	uint64_t rel_id;	/* current release */
	bool free_at_end;	/* current release frees its value when the hot path ends */
	uint64_t rec_end;	/* recorded end (start + cost) of its latest release */
	uint64_t hot_end;	/* sim time its latest hot path ended */
	int64_t delta;		/* WAITING: sim - recorded shift of its next item */
	GSequenceIter *wait_iter;
	unsigned int heap_refs;	/* engine events still naming it */
	bool dead;		/* finished: freed when @heap_refs drops to 0 */
	struct ds_evring zsf;	/* objsize.c: sizes found for its read releases (ts = release) */
	bool zsf_await;		/* its latest read release still waits for its zs_free */
	uint64_t await_ts;	/* recorded time of that release */
};

void ds_task_read_release(struct ds_engine *eng, const struct ds_event *ev);
void ds_task_read_exit(struct ds_engine *eng, const struct ds_event *ev);
/* ds_task_step() - the task's current phase ended at eng->now; false on error */
gboolean ds_task_step(struct ds_engine *eng, struct ds_task *t, GError **error);
void ds_task_reschedule(struct ds_engine *eng, struct ds_task *t);
/* ds_tasks_eof() - the stream ended: tasks waiting for an item are done */
void ds_tasks_eof(struct ds_engine *eng);
void ds_task_free(struct ds_task *t);

/* --- worker.c --- */

enum ds_worker_state { DS_WK_IDLE, DS_WK_PENDING, DS_WK_RUNNING };

struct ds_worker {
	struct ds_pool *pool;
	enum ds_worker_state state;
	bool requeued;		/* queued while running: runs again when this run ends */
	int producer;		/* CPU of the latest queue_work on it (-1: none) */
	int cpu;		/* CPU of the batch in progress, -1 between batches */
	int last_cpu;		/* CPU of its previous batch (placement prefers staying) */
	uint32_t wake_gen;
	bool in_batch;
	struct ds_batch batch;
	struct ds_job job;
	uint64_t batch_start;
	uint64_t run_start;
	unsigned int run_pages;
};

void ds_workers_init(struct ds_pool *pool, unsigned int n);
void ds_workers_clear(struct ds_pool *pool);
/* ds_worker_queue() - queue_work() on the pool's drain work (counted in the results) */
void ds_worker_queue(struct ds_pool *pool, int producer, uint64_t now);
/* ds_worker_kick() - the same for pool teardown (not a hot-path queue_work, not counted) */
void ds_worker_kick(struct ds_pool *pool, uint64_t now);
void ds_worker_wake(struct ds_engine *eng, struct ds_worker *w);
void ds_worker_batch_end(struct ds_engine *eng, struct ds_worker *w);
void ds_worker_reschedule(struct ds_engine *eng, struct ds_worker *w);

/* --- pool.c (engine side) --- */

void ds_pool_init(struct ds_engine *eng, struct ds_pool *pool, enum ds_backend be);
void ds_pool_clear(struct ds_pool *pool);
/* ds_pool_arm_flush() - make sure @cpu's idle-flush timer fires no later than @at */
void ds_pool_arm_flush(struct ds_pool *pool, unsigned int cpu, uint64_t at);
/* ds_pool_flush_fired() - the timer of @cpu fired at eng->now */
void ds_pool_flush_fired(struct ds_pool *pool, unsigned int cpu);

/* --- objsize.c --- */

/*
 * struct ds_objsize - object sizes from the trace (only when the policy needs them)
 * @active: the policy has needs_obj_size
 * @malloc_size: pid -> size of its zs_malloc() whose return is not read yet
 * @handle_size: live objects allocated inside the trace: struct objsize_rec (objsize.c), keyed by
 *	their handle (first member)
 */
struct ds_objsize {
	bool active;
	GHashTable *malloc_size;
	GHashTable *handle_size;
};

void ds_objsize_init(struct ds_engine *eng);
void ds_objsize_clear(struct ds_engine *eng);
/* ds_objsize_read() - a zs_malloc, its return or a zs_free was read */
void ds_objsize_read(struct ds_engine *eng, const struct ds_event *ev);
/* ds_objsize_release_read() - release @ev of task @t was read: it waits for its zs_free */
void ds_objsize_release_read(struct ds_engine *eng, struct ds_task *t, const struct ds_event *ev);
/* ds_objsize_wait() - before @t starts its next release: read ahead until its zs_free is read
 * (or cannot come any more); false on a read error */
gboolean ds_objsize_wait(struct ds_engine *eng, struct ds_task *t, GError **error);
/* ds_objsize_take() - the object size of release @ev of @t (0 = unknown) */
uint32_t ds_objsize_take(struct ds_engine *eng, struct ds_task *t, const struct ds_event *ev);

/* --- ledger.c --- */

void ds_ledger_add(struct ds_engine *eng, uint64_t id);
void ds_ledger_free(struct ds_engine *eng, uint64_t id);
void ds_ledger_finish(struct ds_engine *eng);

/* --- results.c --- */

/* ds_results_new() - empty results; they own copies of every string they point to */
struct ds_results *ds_results_new(const struct ds_params *p, const struct ds_profile *prof);

/* --- engine.c --- */

struct ds_engine {
	const struct ds_params *p;
	const struct ds_profile *prof;
	struct ds_results *r;
	const struct ds_policy_ops *ops;
	unsigned int ncpus;
	unsigned int page_size;
	struct ds_cpu *cpus;
	GArray *occupant;	/* int32 pid per recorded CPU (sched_switch) */
	struct ds_evq q;
	struct ds_evring ext;	/* recorded-time events: switches, slot writes */
	GHashTable *open_tasks;	/* pid -> struct ds_task * (exit not read yet) */
	GSequence *waiting;	/* WAITING tasks, by delta */
	GHashTable *live;	/* set of tasks not finished yet (freed on error) */
	struct ds_source *src;
	bool eof;
	bool any_read;
	uint64_t t_read;	/* timestamp of the latest event read */
	uint64_t now;
	bool pools_active;	/* the policy has pools (not sync) */
	struct ds_pool pools[DS_BE__COUNT];
	GRand *rng;
	GByteArray *ledger;	/* per release: times freed (check_invariants only) */
	uint64_t next_id;
	struct ds_objsize objsize;
};

/* ds_engine_read_one() - read one event from the source (lookahead); -1 on error */
int ds_engine_read_one(struct ds_engine *eng, GError **error);

#endif
