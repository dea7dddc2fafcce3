/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the discrete-event engine's state (private to sim/).
 *
 * Data structures (each has its own small file):
 * - struct ds_evq (evq.c): min-heap of timed engine events (task steps, worker wake-ups,
 *   batch ends, idle-flush timers), ordered by (time, insertion sequence) so that ties are
 *   resolved the same way on every run.  Rescheduling bumps the owner's generation; heap
 *   entries with an old generation are skipped when they come out.
 * - struct ds_evring (evring.c): FIFO of struct ds_event in page-sized blocks from a free
 *   list of the run's: a task's queued items, and the events that act at their recorded time
 *   (sched_switch, slot writes).
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
 * - params.observer (observe.c, include/ds_observe.h): told what the run does, when asked.
 */
#ifndef DS_ENGINE_H
#define DS_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "ds_observe.h"
#include "ds_sim.h"
#include "ds_source.h"
#include "policy.h"
#include "pool.h"

/* the latest sim time a run may reach: DS_EV_TS_MAX and room for the costs after it
 * (run_loop() stops a run before the clock passes it; the first event's time is at most
 * DS_EV_TS_MAX) */
#define DS_SIM_TIME_MAX (((uint64_t)1 << 62) + ((uint64_t)1 << 61))

/*
 * ds_span_d() - a span between two sim times (or any count below 2^63) as a double: every
 * sim time is at most DS_SIM_TIME_MAX < 2^63, so through int64_t -- one instruction, and the
 * same value as the uint64_t's conversion, which tests the top bit and branches first
 */
static inline double ds_span_d(uint64_t ns)
{
	return (double)(int64_t)ns;
}

/* --- evq.c --- */

enum ds_sev_kind {
	DS_SEV_TASK = 1,	/* a sleeping task's timer (first release, off-CPU gap) */
	DS_SEV_WAKE,		/* a pending work item becomes runnable */
	DS_SEV_ENT,		/* an entity's job (a run of its program) ends */
	DS_SEV_FLUSH,		/* an idle-flush timer (arg = CPU) */
};

/*
 * struct ds_sev - one engine event: due at @time, @seq its push's number (ties go in push
 * order), for @obj of @kind at generation @gen; @arg: a CPU index (an idle-flush timer's).
 * 32 bytes, two to a cache line: a sift moves whole events level by level (a CPU index is
 * below 2^16: DS_SIM_MAX_CPUS, checked when the engine is set up).
 */
struct ds_sev {
	uint64_t time;
	uint64_t seq;
	void *obj;
	uint32_t gen;
	uint16_t kind;
	uint16_t arg;
};

#define DS_SIM_MAX_CPUS 65536u	/* @arg's bound: CPU indexes 0..65535 */
G_STATIC_ASSERT(sizeof(struct ds_sev) == 32);

struct ds_evq {
	struct ds_sev *heap;	/* binary min-heap of @len events, room for @cap */
	size_t len;
	size_t cap;
	uint64_t seq;
	bool hole;		/* heap[0] was taken (ds_evq_take()): vacant, counted in @len */
};

void ds_evq_init(struct ds_evq *q);
void ds_evq_clear(struct ds_evq *q);
static inline bool ds_sev_before(const struct ds_sev *a, const struct ds_sev *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* ds_sev_before_nb() - the same as one 128-bit compare (a compare and a subtract with borrow),
 * for a result used as a number, not branched on */
static inline unsigned int ds_sev_before_nb(const struct ds_sev *a, const struct ds_sev *b)
{
	__extension__ typedef unsigned __int128 key;

	return ((key)a->time << 64 | a->seq) < ((key)b->time << 64 | b->seq);
}

/*
 * ds_evq_sift_down() - the slot for an event due at (@time, @seq) in a heap of @n whose root
 * is vacant: the smaller child moves up while it comes before the event, leaving its slot
 * vacant in turn.  The caller writes the event there: built in registers at the push, never
 * copied through memory first (only its key is compared on the way down).
 */
static inline size_t ds_evq_sift_down(struct ds_sev *h, size_t n, uint64_t time, uint64_t seq)
{
	const struct ds_sev key = { .time = time, .seq = seq };
	size_t i = 0, c;

	/* both children there: one bound test a level */
	while ((c = 2 * i + 1) + 1 < n) {
		/* the smaller child without a branch: which one it is is the data's coin toss */
		c += ds_sev_before_nb(&h[c + 1], &h[c]);
		if (!ds_sev_before(&h[c], &key))
			return i;
		h[i] = h[c];
		i = c;
	}
	/* a last child alone (c == n - 1) */
	if (c < n && ds_sev_before(&h[c], &key)) {
		h[i] = h[c];
		i = c;
	}
	return i;
}

/* ds_evq_push_up() - ds_evq_push() when the root is not vacant: at the end, sifted up */
void ds_evq_push_up(struct ds_evq *q, const struct ds_sev *ev);

/* ds_evq_push() - inline, the push into a vacant root (nearly every push: once per engine
 * event) sifting down in place: no call, no copy of the event */
static inline void ds_evq_push(struct ds_evq *q, uint64_t time, uint32_t kind, void *obj,
			       uint32_t gen, uint32_t arg)
{
	uint64_t seq = q->seq++;
	struct ds_sev ev;

	if (q->hole) {
		size_t i = ds_evq_sift_down(q->heap, q->len, time, seq);

		/* built here and below, not once above: the push_up() path takes its address,
		 * and built once it went through memory on this path too (+0.3 % instructions) */
		q->hole = false;
		q->heap[i] = (struct ds_sev){ .time = time, .seq = seq, .obj = obj, .gen = gen,
					      .kind = (uint16_t)kind, .arg = (uint16_t)arg };
		return;
	}
	ev = (struct ds_sev){ .time = time, .seq = seq, .obj = obj, .gen = gen,
			      .kind = (uint16_t)kind, .arg = (uint16_t)arg };
	ds_evq_push_up(q, &ev);
}
/* ds_evq_peek() - the earliest event, NULL when empty (inline: once per loop turn; never
 * between ds_evq_take() and ds_evq_settle()) */
static inline const struct ds_sev *ds_evq_peek(const struct ds_evq *q)
{
	return q->len ? &q->heap[0] : NULL;
}
void ds_evq_pop(struct ds_evq *q, struct ds_sev *out);
/* ds_evq_take() - copy the earliest event out, leaving its slot vacant for the next push
 * (the queue must not be empty, nor peeked at, until ds_evq_settle()); inline: once per
 * engine event */
static inline void ds_evq_take(struct ds_evq *q, struct ds_sev *out)
{
	*out = q->heap[0];
	q->hole = true;
}
/* ds_evq_vacate() - ds_evq_take() without the copy, for a caller that read what it needs
 * through ds_evq_peek() before (the slot may be overwritten by the next push) */
static inline void ds_evq_vacate(struct ds_evq *q)
{
	q->hole = true;
}
void ds_evq_fill_hole(struct ds_evq *q);
/* ds_evq_settle() - after a take: fill the vacant slot if no push did */
static inline void ds_evq_settle(struct ds_evq *q)
{
	if (q->hole)
		ds_evq_fill_hole(q);
}

/* --- evring.c --- */

/*
 * A FIFO of events in fixed blocks of one page (struct ds_evblk), linked head to tail; blocks
 * come from and go back to a free list (struct ds_evblk_pool) shared by every FIFO of a run.
 * A task lagging its recorded times holds in its FIFO all that was read ahead for it: on a
 * 64-CPU trace whose pool lock saturates, 10^4..10^5 events a task, 10^2 MiB in all.  A ring
 * doubling by realloc() copied all of it at each doubling and kept each task's peak; blocks
 * are never copied, the memory follows what is held, and the block a pop empties is the next
 * one pushed into (the free list is a stack): a block just read is written again while it is
 * still in the cache.
 */
#define DS_EVBLK_EVENTS 127	/* + a 32-byte header: 4096 bytes, events on 32-byte bounds */

struct ds_evblk {
	struct ds_evblk *next;
	uint8_t pad[32 - sizeof(struct ds_evblk *)];
	struct ds_event ev[DS_EVBLK_EVENTS];
};

_Static_assert(sizeof(struct ds_evblk) == 4096, "one page a block");

/* ds_evblk_pool - free blocks (a stack through @next); @nfree of them; @nalloc made in all */
struct ds_evblk_pool {
	struct ds_evblk *free;
	size_t nfree;
	size_t nalloc;
};

/*
 * struct ds_evring - @len events: from @head->ev[@hi] to @tail->ev[@ti - 1]; @hi < DS_EVBLK_EVENTS
 * while @len > 0 (a pop that ends a block moves to the next); an empty ring holds no block
 * (the pop that empties it gives its block back: a task that waits holds no memory);
 * @pool: where blocks come from and go (NULL: the allocator; a zeroed ring is an empty one
 * of that kind)
 */
struct ds_evring {
	struct ds_evblk *head;
	struct ds_evblk *tail;
	unsigned int hi;
	unsigned int ti;
	size_t len;
	struct ds_evblk_pool *pool;
};

/* ds_evblk_new() - a block for a ring whose pool has none free (allocated; counted in @pool) */
struct ds_evblk *ds_evblk_new(struct ds_evblk_pool *pool);

/* ds_evblk_get() - the free list's top (a stack: the block last given back), else a new one */
static inline struct ds_evblk *ds_evblk_get(struct ds_evblk_pool *pool)
{
	struct ds_evblk *b;

	if (!pool || !pool->free)
		return ds_evblk_new(pool);
	b = pool->free;
	pool->free = b->next;
	pool->nfree--;
	b->next = NULL;
	return b;
}

/* ds_evblk_put() - give @b back to @pool's free list (no pool: to the allocator) */
static inline void ds_evblk_put(struct ds_evblk_pool *pool, struct ds_evblk *b)
{
	if (!pool) {
		g_aligned_free(b);
		return;
	}
	b->next = pool->free;
	pool->free = b;
	pool->nfree++;
}

/* ds_evring_grow() - the tail block is full: append one (the slow path of ds_evring_push()) */
void ds_evring_grow(struct ds_evring *r);
/* ds_evring_next_block() - the head block was read to its end, events remain (the slow path
 * of pop) */
void ds_evring_next_block(struct ds_evring *r);
/* ds_evring_clear() - free the ring's blocks (to its pool); it is empty after, same pool */
void ds_evring_clear(struct ds_evring *r);
/* ds_evblk_pool_clear() - free the pool's blocks (every ring using it cleared first) */
void ds_evblk_pool_clear(struct ds_evblk_pool *pool);

/*
 * push, peek and pop are inline: every event read goes through one or two of them.  An empty
 * ring's first block and the block of the pop that empties it go through the free list
 * inline (a task whose FIFO empties between its releases does both once a release).
 */
static inline void ds_evring_push(struct ds_evring *r, const struct ds_event *ev)
{
	if (!r->tail)
		r->head = r->tail = ds_evblk_get(r->pool);	/* empty: @hi = @ti = 0 */
	else if (G_UNLIKELY(r->ti == DS_EVBLK_EVENTS))
		ds_evring_grow(r);
	r->tail->ev[r->ti++] = *ev;
	r->len++;
}

/* ds_evring_peek() - the oldest event, NULL when empty */
static inline const struct ds_event *ds_evring_peek(const struct ds_evring *r)
{
	return r->len ? &r->head->ev[r->hi] : NULL;
}

static inline void ds_evring_pop(struct ds_evring *r, struct ds_event *out)
{
	struct ds_evblk *b = r->head;

	*out = b->ev[r->hi++];
	if (!--r->len) {
		ds_evblk_put(r->pool, b);
		r->head = r->tail = NULL;
		r->hi = r->ti = 0;
	} else if (G_UNLIKELY(r->hi == DS_EVBLK_EVENTS)) {
		ds_evring_next_block(r);
	}
}

/* --- job.c --- */

#define DS_NEVER UINT64_MAX	/* a job at rate 0 has no end time */
#define DS_WAKE_MAX_NS 1000000000000000ull	/* a wake-up latency draw is capped (11.6 days) */

/* A rate change of a job: from @t on, work is done at @rate; @done had been done at @t. */
struct ds_job_bp {
	uint64_t t;
	double done;
	double rate;
};

/*
 * struct ds_psclock (psclock.c) - virtual time of one class of entities (tasks, workers) on a
 * CPU in processor-sharing mode (cpu.c): V advances at the class's rate (1/n) per ns; a job
 * ends when V reaches its finish tag.  @hist: the rate changes (struct ds_ps_seg) since the
 * oldest job still following the clock started (for ds_job_time_at()), hist[0] being number
 * @base; @heap: those jobs' entities, earliest finish tag first; @sched: the one whose end is
 * an engine event.
 */
#ifndef __SIZEOF_INT128__
#error "the virtual clock of processor sharing (psclock.c) needs unsigned __int128"
#endif
/* virtual time, ns of work in 64.64 fixed point: a clock at 1/m adds dt/m to within 2^-64 */
__extension__ typedef unsigned __int128 ds_vtime;

struct ds_ps_seg {
	uint64_t t;		/* from @t on */
	ds_vtime v;		/* V(t) */
	uint32_t m;		/* V advances at 1/@m per ns (0: stopped) */
};

struct ds_psclock {
	GArray *hist;
	uint64_t base;
	guint kept;		/* hist->len after the last trim */
	GPtrArray *heap;
	struct ds_ent *sched;
	uint64_t seq;
};

struct ds_job {
	double total;		/* ns of work of the whole job */
	double remaining;	/* ns of work left at @since */
	double rate;
	uint64_t since;		/* when @remaining was last brought up to date */
	uint64_t start;
	uint64_t end;		/* scheduled completion, DS_NEVER at rate 0 */
	uint32_t gen;		/* bumped at every (re)schedule */
	bool active;
	/* at one rate of 1 from its start, off any clock (ent.c's job_plain()): set by a start
	 * alone, cleared by every breakpoint and clock after it (so false at times it need not
	 * be: only a shortcut is then not taken) */
	bool plain;
	/* @nbp breakpoints, one per rate change since @start; 0 until the first change: the
	 * start's own {start, 0, rate} is implied then (written by job.c's bp_first() when a
	 * change comes), so a job that keeps its rate -- nearly every one -- writes none */
	struct ds_job_bp *bp;
	unsigned int nbp;
	unsigned int bp_cap;
	/* following a CPU's virtual clock (@ps non-NULL, psclock.c): work done past @ps_done0
	 * (from @since) is V - @ps_v0; it ends when V reaches @ps_f; hist entry @ps_idx on */
	struct ds_psclock *ps;
	uint64_t ps_idx;
	uint64_t ps_seq;	/* heap tie-break: earlier insertion first */
	ds_vtime ps_v0;
	ds_vtime ps_f;
	double ps_done0;
	guint ps_pos;		/* index in ps->heap */
};

void ds_job_init(struct ds_job *j);
void ds_job_clear(struct ds_job *j);
/* ds_job_end_at() - when @remaining ns of work at @rate from @now end (DS_NEVER: never) */
uint64_t ds_job_end_at(uint64_t now, double remaining, double rate);

/*
 * ds_job_span1() - span() of job.c at rate 1 for 1 <= @work < 2^62 (its common case): the
 * time to do @work, rounded up to a whole ns with 1e-9 of slack.  Through int64_t the
 * conversions both ways are single instructions (uint64_t's need a test and a branch each);
 * the values are the same below 2^62.
 */
static inline uint64_t ds_job_span1(double work)
{
	uint64_t whole = (uint64_t)(int64_t)work;

	return whole + ((double)(int64_t)whole < work - 1e-9);
}

/* ds_job_end_after() - @now + @s ns, DS_NEVER when that passes 2^64 - 1 (@s DS_NEVER too) */
static inline uint64_t ds_job_end_after(uint64_t now, uint64_t s)
{
	return s > UINT64_MAX - now ? DS_NEVER : now + s;
}

/*
 * ds_job_start_end() - a new job of @work at @rate from @now ending at @end (its
 * ds_job_end_at()), for a caller that knows the end without the general computation
 */
static inline void ds_job_start_end(struct ds_job *j, uint64_t now, double work, double rate,
				    uint64_t end)
{
	j->total = work;
	j->remaining = work;
	j->rate = rate;
	j->since = now;
	j->start = now;
	j->end = end;
	j->gen++;
	j->active = true;
	j->plain = rate == 1.0;
	j->ps = NULL;
	j->nbp = 0;	/* {now, 0, rate} implied */
}

/* ds_job_start() - a new job of @work at @rate from @now (inline: once per engine event) */
static inline void ds_job_start(struct ds_job *j, uint64_t now, double work, double rate)
{
	uint64_t end;

	if (rate == 1.0 && work >= 1.0 && work < 0x1p62)
		end = ds_job_end_after(now, ds_job_span1(work));
	else
		end = ds_job_end_at(now, work, rate);
	ds_job_start_end(j, now, work, rate, end);
}

/*
 * ds_job_start_ns() - ds_job_start() of a whole number @ns of work below 2^53 (exact as a
 * double): at rate 1 it takes exactly @ns ns (ds_job_span1() of a whole number is itself),
 * without the conversions
 */
static inline void ds_job_start_ns(struct ds_job *j, uint64_t now, uint64_t ns, double rate)
{
	if (rate == 1.0 && ns >= 1)
		ds_job_start_end(j, now, ds_span_d(ns), rate, ds_job_end_after(now, ns));
	else
		ds_job_start(j, now, ds_span_d(ns), rate);
}
/* ds_job_set_rate() - change speed at @now; returns true when the end moved */
bool ds_job_set_rate(struct ds_job *j, uint64_t now, double rate);
/* ds_job_set_total() - the job is cut (or extended) to @total ns of work; true: end moved */
bool ds_job_set_total(struct ds_job *j, uint64_t now, double total);
/* ds_job_ps_left() - ns of work left at @now of a job following a clock (ds_job_left()'s
 * slow path) */
double ds_job_ps_left(const struct ds_job *j, uint64_t now);
/* ds_job_left() - ns of work left at @now (following a clock, the way to the finish tag);
 * may be below 0 past the job's end */
static inline double ds_job_left(const struct ds_job *j, uint64_t now)
{
	return G_UNLIKELY(j->ps) ? ds_job_ps_left(j, now) :
		j->remaining - ds_span_d(now - j->since) * j->rate;
}
/* ds_job_done() - ns of work done by @now (inline: a fallback asks it of the pool lock's
 * last claimer) */
static inline double ds_job_done(const struct ds_job *j, uint64_t now)
{
	double left = ds_job_left(j, now);	/* once: MAX() evaluates its arguments twice */

	return j->total - MAX(left, 0.0);
}
/* ds_job_time_at() - when the work done reached @work (exact, from the breakpoints) */
uint64_t ds_job_time_at(const struct ds_job *j, double work);
/* ds_job_ps_attach() - from @now on the job follows clock @k (its progress so far kept) */
void ds_job_ps_attach(struct ds_job *j, struct ds_psclock *k, uint64_t now);
/* ds_job_ps_detach() - back to an explicit rate (@rate from @now on), breakpoints kept */
void ds_job_ps_detach(struct ds_job *j, uint64_t now, double rate);

/* --- psclock.c --- */
void ds_psclock_init(struct ds_psclock *k);
void ds_psclock_clear(struct ds_psclock *k);
/* ds_psclock_reset() - V = 0 at @now, rate 0, no jobs */
void ds_psclock_reset(struct ds_psclock *k, uint64_t now);
/* ds_vt_from_ns() / ds_vt_ns() - ns of work (>= 0) to virtual time and back */
ds_vtime ds_vt_from_ns(double ns);
double ds_vt_ns(ds_vtime v);
/* ds_vt_end() - when @left of work at 1/@m from @now ends: rounded up to a whole ns (not
 * within 1e-9 ns above one, as ds_job_end_at()), DS_NEVER at m = 0 */
uint64_t ds_vt_end(uint64_t now, ds_vtime left, uint32_t m);
/* ds_psclock_v() - V at @now (>= the last rate change) */
ds_vtime ds_psclock_v(const struct ds_psclock *k, uint64_t now);
uint32_t ds_psclock_div(const struct ds_psclock *k);
/* ds_psclock_set_div() - from @now on V advances at 1/@m (0: stopped) */
void ds_psclock_set_div(struct ds_psclock *k, uint64_t now, uint32_t m);
/* ds_psclock_time_at() - earliest time at which V reached @v, at most @cap, from hist @idx */
uint64_t ds_psclock_time_at(const struct ds_psclock *k, uint64_t idx, ds_vtime v, uint64_t cap);
struct ds_ent;
void ds_psclock_insert(struct ds_psclock *k, struct ds_ent *e);
void ds_psclock_remove(struct ds_psclock *k, struct ds_ent *e);
/* ds_psclock_moved() - @e's finish tag changed */
void ds_psclock_moved(struct ds_psclock *k, struct ds_ent *e);
static inline struct ds_ent *ds_psclock_min(const struct ds_psclock *k)
{
	return k->heap->len ? g_ptr_array_index(k->heap, 0) : NULL;
}

/* --- ent.c: entities that run step programs on a virtual CPU --- */

/*
 * A program is what an entity does on its CPU, in order: work (ns at full speed), taking a
 * lock (spinning while another entity holds it) and releasing it.  A release's hot path and
 * a worker's page are programs.  WORK steps may carry a tag: the policy's value freed when
 * that step ends (1 + its index in the batch's page).
 */
enum ds_op { DS_OP_WORK = 0, DS_OP_ACQ, DS_OP_REL };

struct ds_lock;
struct ds_cpu;

struct ds_step {
	struct ds_lock *lock;	/* ACQ, REL */
	uint64_t ns;		/* WORK */
	uint32_t op;
	uint32_t tag;
};

enum ds_ent_kind { DS_ENT_TASK = 0, DS_ENT_WORKER };

/* The lock steps of a program (struct ds_ent @prog_shape): none; one ACQ so far; one ACQ then
 * the REL of the same lock (a fallback's pool-lock hold); anything else (the general walk) */
enum ds_prog_shape { DS_PROG_NOLOCK = 0, DS_PROG_OPEN, DS_PROG_HOLD, DS_PROG_MANY };

/*
 * struct ds_ent - a task or a worker as the CPUs and locks see it.
 * @prog: its program (struct ds_step), @pc the first step not passed yet.
 * @run_end: the job in progress covers steps [@pc, @run_end) (a "run"): several steps at once
 *	while no other entity wants the locks they take (lock.c).  @extra: ns of work at the
 *	start of the run that belong to no step (a contended lock's hand-over).
 * @claims: locks whose ACQ this run passes optimistically (struct ds_lock.opt == this),
 *	@nclaims of them (room for @claims_cap): a plain array, since a claim is added and
 *	dropped in every fallback's run and GPtrArray's calls cost more than the work.  A
 *	task's run built whole (ent.c's run_whole()) keeps its one claim in @run_hold alone.
 * @spin: lock it spins on (NULL: not spinning), since @spin_since; @wait_next: the next
 *	waiter of that lock (struct ds_lock @wait_head), NULL if last.
 * @held: locks it really holds (a spinner on its CPU cannot run meanwhile: cpu.c).
 * @cpu: virtual CPU it is runnable on, -1 when off-CPU; @link: in that CPU's run queue.
 * @cpu_ns: CPU time it consumed (work and spinning), for worker CPU time and the capacity
 *	invariant.
 */
struct ds_ent {
	enum ds_ent_kind kind;
	void *owner;
	int cpu;
	struct ds_cpu *vc;	/* &eng->cpus[@cpu], NULL off-CPU: no index arithmetic per event */
	bool on_ps;		/* @vc is in processor-sharing mode (@vc->ps), kept by cpu.c: ent.c
			 * asks at every charge and job start */
	GList link;
	struct ds_job job;
	struct ds_step *prog;	/* @nsteps steps (room for @cap): appended on every release */
	guint nsteps;
	guint cap;
	guint pc;
	guint run_end;
	double extra;
	/* what advance() saw of the run, so that run_finish() need not walk a task's steps
	 * again: @run_locks: it has an ACQ or REL step; @run_tag: work done by its last tagged
	 * step (< 0: none); @run_hold: its only lock steps are one claimed hold of this lock,
	 * ACQ and REL both inside the run (a fallback's pool lock), else NULL */
	bool run_locks;
	double run_tag;
	uint64_t run_tag_ns;	/* run_whole(): @run_tag as the exact integer it is, 0 if not known */
	struct ds_lock *run_hold;
	/* summaries kept while the program is built (ds_ent_work(), ds_ent_acq(), ds_ent_rel()),
	 * so that advance() passes a fresh program of a common shape whole without walking its
	 * steps: @prog_ns: its WORK ns (UINT64_MAX if that overflows); @prog_tag_ns: that sum up
	 * to its last tagged step (@prog_tagged: it has one); @prog_shape: enum ds_prog_shape;
	 * with DS_PROG_HOLD, @prog_lock is the one lock and @prog_acq_ns / @prog_rel_ns the work
	 * before its ACQ / its REL, @prog_acq_at the ACQ's step and @prog_acq_tagged whether a
	 * tagged step comes before it */
	uint64_t prog_ns;
	uint64_t prog_tag_ns;
	uint64_t prog_acq_ns;
	uint64_t prog_rel_ns;
	struct ds_lock *prog_lock;
	uint32_t prog_shape;
	guint prog_acq_at;
	bool prog_tagged;
	bool prog_acq_tagged;
	struct ds_lock **claims;
	guint nclaims;
	guint claims_cap;
	struct ds_lock *spin;
	struct ds_ent *wait_next;
	uint64_t spin_since;
	unsigned int held;
	double rate;		/* its current speed on its CPU (0 off-CPU) */
	uint64_t charged_at;	/* CPU time is accounted up to here */
	double cpu_ns;
	/* on a CPU in processor-sharing mode (cpu.c): charged up to V = @vmark of its class;
	 * @ps_blocked: a spinner found unable to run at the last update (rate 0) */
	ds_vtime vmark;
	bool ps_blocked;
	bool spinlisted;	/* in its CPU's @spinners, at index @spin_at */
	guint spin_at;
};

void ds_ent_init(struct ds_ent *e, enum ds_ent_kind kind, void *owner);
void ds_ent_clear(struct ds_ent *e);
/* ds_ent_prog_reset() - empty the program, to build the next one (inline: every release) */
static inline void ds_ent_prog_reset(struct ds_ent *e)
{
	e->nsteps = 0;
	e->pc = 0;
	e->run_end = 0;
	e->extra = 0;
	e->prog_ns = 0;
	e->prog_shape = DS_PROG_NOLOCK;
	e->prog_tagged = false;
}
/* ds_ent_add_step() - append a step, growing the program (the slow path of ds_ent_work(),
 * ds_ent_acq(), ds_ent_rel(), which keep the summaries) */
void ds_ent_add_step(struct ds_ent *e, uint32_t op, struct ds_lock *lock, uint64_t ns,
		     uint32_t tag);

/* append the step at @e->nsteps (room checked); field by field: no zeroed temporary */
static inline void ds_ent_put_step(struct ds_ent *e, uint32_t op, struct ds_lock *lock,
				   uint64_t ns, uint32_t tag)
{
	struct ds_step *st = &e->prog[e->nsteps++];

	st->lock = lock;
	st->ns = ns;
	st->op = op;
	st->tag = tag;
}

/* @a + @b, UINT64_MAX when it overflows (the summaries' sum, ds_ent_work()) */
static inline uint64_t ds_ent_sat_add(uint64_t a, uint64_t b)
{
	uint64_t s;

	return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

/* ds_ent_work() - append WORK @ns (tag 0: none); inline: two or more per release */
static inline void ds_ent_work(struct ds_ent *e, uint64_t ns, uint32_t tag)
{
	struct ds_step *last;

	e->prog_ns = ds_ent_sat_add(e->prog_ns, ns);
	if (tag) {
		e->prog_tagged = true;
		e->prog_tag_ns = e->prog_ns;
	} else if (e->nsteps) {
		/* consecutive untagged work is one step (fewer steps to walk, same times) */
		last = &e->prog[e->nsteps - 1];
		if (last->op == DS_OP_WORK && !last->tag) {
			last->ns += ns;
			return;
		}
	}
	if (G_UNLIKELY(e->nsteps == e->cap)) {
		ds_ent_add_step(e, DS_OP_WORK, NULL, ns, tag);
		return;
	}
	ds_ent_put_step(e, DS_OP_WORK, NULL, ns, tag);
}

/* ds_ent_acq(), ds_ent_rel() - append ACQ / REL @lock; inline: every fallback has both */
static inline void ds_ent_acq(struct ds_ent *e, struct ds_lock *lock)
{
	/* (the lock and the sum are only read while the shape is DS_PROG_HOLD, which only an
	 * ACQ from DS_PROG_NOLOCK leads to: written every time, without a test) */
	e->prog_shape = e->prog_shape == DS_PROG_NOLOCK ? DS_PROG_OPEN : DS_PROG_MANY;
	e->prog_lock = lock;
	e->prog_acq_ns = e->prog_ns;
	e->prog_acq_at = e->nsteps;
	e->prog_acq_tagged = e->prog_tagged;
	if (G_UNLIKELY(e->nsteps == e->cap)) {
		ds_ent_add_step(e, DS_OP_ACQ, lock, 0, 0);
		return;
	}
	ds_ent_put_step(e, DS_OP_ACQ, lock, 0, 0);
}

static inline void ds_ent_rel(struct ds_ent *e, struct ds_lock *lock)
{
	e->prog_shape = e->prog_shape == DS_PROG_OPEN && e->prog_lock == lock ? DS_PROG_HOLD :
		DS_PROG_MANY;
	e->prog_rel_ns = e->prog_ns;
	if (G_UNLIKELY(e->nsteps == e->cap)) {
		ds_ent_add_step(e, DS_OP_REL, lock, 0, 0);
		return;
	}
	ds_ent_put_step(e, DS_OP_REL, lock, 0, 0);
}

/* ds_ent_locked() - ACQ @lock, WORK @ns (tagged), REL @lock; without a lock just the work */
static inline void ds_ent_locked(struct ds_ent *e, struct ds_lock *lock, uint64_t ns,
				 uint32_t tag)
{
	if (lock)
		ds_ent_acq(e, lock);
	ds_ent_work(e, ns, tag);
	if (lock)
		ds_ent_rel(e, lock);
}

/*
 * ds_ent_end_then() - append the end of what the program did so far (WORK 0 tagged @tag, not
 * 0) and then WORK @ns untagged: the same two steps and summaries as ds_ent_work(e, 0, tag)
 * and ds_ent_work(e, ns, 0) (a tagged step is never merged into, nor merged with the next),
 * written at once: a release followed by on-CPU think time (task.c), nearly every release of
 * a busy task.
 */
static inline void ds_ent_end_then(struct ds_ent *e, uint32_t tag, uint64_t ns)
{
	struct ds_step *st;

	if (G_UNLIKELY(e->cap - e->nsteps < 2)) {
		ds_ent_work(e, 0, tag);
		ds_ent_work(e, ns, 0);
		return;
	}
	st = &e->prog[e->nsteps];
	st[0] = (struct ds_step){ .lock = NULL, .ns = 0, .op = DS_OP_WORK, .tag = tag };
	st[1] = (struct ds_step){ .lock = NULL, .ns = ns, .op = DS_OP_WORK, .tag = 0 };
	e->nsteps += 2;
	e->prog_tagged = true;
	e->prog_tag_ns = e->prog_ns;
	e->prog_ns = ds_ent_sat_add(e->prog_ns, ns);
}

/*
 * ds_ent_prog_hold() - the whole program of a release with one hold of @lock (not NULL):
 * WORK @pre, ACQ @lock, WORK @hold, REL @lock, WORK @post, none tagged, on a fresh program
 * (ds_ent_prog_reset()).  The same five steps and summaries as ds_ent_work(), ds_ent_locked()
 * and ds_ent_work() would leave, written at once: a fallback on a pool too small (v3) is
 * most releases of such a run, and building it call by call re-read the step count and
 * the previous step at every call.
 */
static inline void ds_ent_prog_hold(struct ds_ent *e, uint64_t pre, struct ds_lock *lock,
				    uint64_t hold, uint64_t post)
{
	struct ds_step *st;
	uint64_t rel;

	if (G_UNLIKELY(e->nsteps || e->cap < 5)) {
		ds_ent_work(e, pre, 0);
		ds_ent_locked(e, lock, hold, 0);
		ds_ent_work(e, post, 0);
		return;
	}
	st = e->prog;
	st[0] = (struct ds_step){ .lock = NULL, .ns = pre, .op = DS_OP_WORK, .tag = 0 };
	st[1] = (struct ds_step){ .lock = lock, .ns = 0, .op = DS_OP_ACQ, .tag = 0 };
	st[2] = (struct ds_step){ .lock = NULL, .ns = hold, .op = DS_OP_WORK, .tag = 0 };
	st[3] = (struct ds_step){ .lock = lock, .ns = 0, .op = DS_OP_REL, .tag = 0 };
	st[4] = (struct ds_step){ .lock = NULL, .ns = post, .op = DS_OP_WORK, .tag = 0 };
	e->nsteps = 5;
	rel = ds_ent_sat_add(pre, hold);
	e->prog_acq_ns = pre;
	e->prog_acq_at = 1;
	e->prog_acq_tagged = false;	/* (a fresh program) */
	e->prog_rel_ns = rel;
	e->prog_ns = ds_ent_sat_add(rel, post);
	e->prog_lock = lock;
	e->prog_shape = DS_PROG_HOLD;
}
/*
 * ds_ent_run() - start the program on virtual CPU @cpu at eng->now (the entity joins that
 * CPU's run queue if it is not on it).  When the last step has passed, the owner is told
 * (ds_task_prog_done() / ds_worker_prog_done()) with eng->now the time it ended.
 */
void ds_ent_run(struct ds_engine *eng, struct ds_ent *e, unsigned int cpu);
/* ds_ent_job_end() - the engine event of the entity's job came due */
void ds_ent_job_end(struct ds_engine *eng, struct ds_ent *e);
/* ds_ent_rate() - the CPU model changed the entity's speed */
void ds_ent_rate(struct ds_engine *eng, struct ds_ent *e, double rate);
/* ds_ent_schedule() - the engine event of the entity's job end (job.end, job.gen) */
void ds_ent_schedule(struct ds_engine *eng, struct ds_ent *e);
/* ds_ent_split() - @lock is wanted by another entity: cut this one's run where it must
 * really take (or release) @lock; if it is inside its hold now it becomes the real holder */
void ds_ent_split(struct ds_engine *eng, struct ds_ent *e, struct ds_lock *lock);
/* ds_ent_granted() - a contended lock was handed to the spinning entity */
void ds_ent_granted(struct ds_engine *eng, struct ds_ent *e);

/* --- lock.c --- */

/*
 * struct ds_lock - a spin lock with a real holder, FIFO spinning waiters (a queued spinlock
 * hands over in arrival order), and at most one entity passing it optimistically inside a
 * run (@opt): nobody else wanted it when that run began; whoever wants it first splits that
 * run (ds_ent_split()) to find whether it is held at that instant.
 * @wait_head, @wait_tail: the waiters, an intrusive singly linked FIFO through
 * struct ds_ent @wait_next (an entity spins on one lock at a time): a contended acquisition
 * allocates nothing (a GQueue's node cost ~300 instructions per wait, push and pop).
 */
struct ds_lock {
	enum ds_lock_kind kind;
	struct ds_ent *holder;
	struct ds_ent *opt;
	/* @opt's run passes its last step of this lock, a REL, once it has done @opt_rel ns of
	 * work (< 0: that step is an ACQ, or not known): ds_ent_split() needs no walk after */
	double opt_rel;
	struct ds_ent *wait_head;
	struct ds_ent *wait_tail;
};

void ds_lock_init(struct ds_lock *l, enum ds_lock_kind kind);
void ds_lock_clear(struct ds_lock *l);
/* ds_lock_resolve() - before @e acts on @l: split the optimistic run of another entity */
void ds_lock_resolve(struct ds_engine *eng, struct ds_lock *l, struct ds_ent *e);
/* ds_lock_trylock_ok() - would spin_trylock(@l) by @e succeed now? (resolves @l first) */
bool ds_lock_trylock_ok(struct ds_engine *eng, struct ds_lock *l, struct ds_ent *e);
/* ds_lock_acquire() - a real ACQ by @e at eng->now: true if taken, else @e spins */
bool ds_lock_acquire(struct ds_engine *eng, struct ds_lock *l, struct ds_ent *e);
/* ds_lock_release() - a real REL by its holder: the next waiter gets it (hand-over) */
void ds_lock_release(struct ds_engine *eng, struct ds_lock *l, struct ds_ent *e);
/* ds_lock_count() - an uncontended acquisition passed inside a run (defined after
 * struct ds_engine) */
static inline void ds_lock_count(struct ds_engine *eng, const struct ds_lock *l);

/* --- cpu.c --- */

struct ds_task;

/*
 * struct ds_cpu - a virtual CPU: its run queue of entities (tasks and workers) in arrival
 * order, recorded CPUs mapped to it whose recorded occupant is foreign, and what it consumed.
 */
struct ds_cpu {
	GQueue rq;
	unsigned int workers;
	unsigned int foreign;
	double consumed;	/* ns of CPU time given to entities */
	/* entities of @rq spinning on a lock, @nspinners of them (room for @spinners_cap): a
	 * plain array, each entity knowing its index (struct ds_ent @spin_at), so that taking
	 * one out is no search and no call (once per contended acquisition) */
	struct ds_ent **spinners;
	guint nspinners;
	guint spinners_cap;
	/* processor-sharing mode (cpu.c): a virtual clock per entity kind; @ps_load: CPU
	 * time given out per ns since @ps_at */
	bool ps;
	struct ds_psclock clock[2];
	uint64_t ps_at;
	double ps_load;
};

void ds_cpus_init(struct ds_engine *eng);
void ds_cpus_clear(struct ds_engine *eng);
/* ds_cpu_enter() - @e becomes runnable on @cpu (leaving the CPU it was on) */
void ds_cpu_enter(struct ds_engine *eng, struct ds_ent *e, unsigned int cpu);
/* ds_cpu_leave() - @e goes off-CPU (sleeps, waits, is done) */
void ds_cpu_leave(struct ds_engine *eng, struct ds_ent *e);
/* ds_cpu_update() - something changed on @cpu (a lock taken or released): new rates */
void ds_cpu_update(struct ds_engine *eng, unsigned int cpu);
/* ds_cpu_charge() - @e ran at @rate from @since to now on its CPU: account it (inline, after
 * struct ds_engine: once per engine event) */
static inline void ds_cpu_charge(struct ds_engine *eng, struct ds_ent *e, uint64_t since,
				 double rate);
/* ds_cpu_charge_ent() - account @e's CPU time up to now (either mode) */
void ds_cpu_charge_ent(struct ds_engine *eng, struct ds_ent *e);
/* ds_cpu_job_start() - @e starts a job of @work ns at now on its CPU (schedules its end) */
void ds_cpu_job_start(struct ds_engine *eng, struct ds_ent *e, double work);
/* ds_cpu_job_off() - @e's job is over (before job.active is cleared) */
void ds_cpu_job_off(struct ds_engine *eng, struct ds_ent *e);
/* ds_cpu_job_total() - @e's job is cut to @total ns of work at now */
void ds_cpu_job_total(struct ds_engine *eng, struct ds_ent *e, double total);
/* ds_cpu_spin() / ds_cpu_unspin() - @e starts / stops spinning on a lock */
void ds_cpu_spin(struct ds_engine *eng, struct ds_ent *e);
void ds_cpu_unspin(struct ds_engine *eng, struct ds_ent *e);
/* ds_cpu_pick() - where worker @self runs its next batch (producer < 0: none) */
unsigned int ds_cpu_pick(const struct ds_engine *eng, int producer, int current,
			 const struct ds_ent *self);
/* ds_cpu_switch() - recorded sched_switch on recorded CPU @rcpu to @next_pid */
void ds_cpu_switch(struct ds_engine *eng, unsigned int rcpu, int32_t next_pid);

/* --- observe.c: what the run does, told to params.observer (include/ds_observe.h) --- */

/* what a release's hot path is, kept from its start to its end (with an observer only) */
struct ds_obs_task {
	uint64_t sync_ns;
	uint32_t flags;
	uint32_t be;
};

struct ds_release_out;
struct ds_worker;

/*
 * Each is called as `if (G_UNLIKELY(eng->obs)) ds_obs_...()`: without an observer a run pays
 * one NULL test per point and nothing else.
 */
void ds_obs_start(struct ds_engine *eng, uint64_t ts);
void ds_obs_release_begin(struct ds_engine *eng, struct ds_task *t, struct ds_pool *pool,
			  const struct ds_release_out *out);
void ds_obs_release_end(struct ds_engine *eng, const struct ds_task *t);
void ds_obs_swap(struct ds_pool *pool, unsigned int cpu, uint64_t now, bool ok);
void ds_obs_wake(struct ds_worker *w, uint64_t now, uint64_t at);
void ds_obs_page_end(struct ds_engine *eng, const struct ds_worker *w);
void ds_obs_run_end(struct ds_engine *eng, const struct ds_worker *w);
void ds_obs_pool(struct ds_pool *pool, uint64_t now, uint64_t free);
void ds_obs_end(struct ds_engine *eng);

/* --- task.c --- */

enum ds_task_phase {
	DS_TP_FIRST,		/* first release scheduled at its recorded time */
	DS_TP_RELEASE,		/* running a release's program */
	DS_TP_THINK,		/* on-CPU think time: CPU work (program of one step) */
	DS_TP_ASLEEP,		/* off-CPU: next item scheduled */
	DS_TP_WAITING,		/* asleep, next item not read yet (in eng->waiting) */
};

struct ds_task {
	int32_t pid;
	guint index;		/* row in results->tasks */
	struct ds_evring fifo;	/* recorded items not yet started: releases, switches, exit */
	enum ds_task_phase phase;
	struct ds_ent ent;
	uint32_t sleep_gen;	/* the current ASLEEP/FIRST event */
	int vcpu;		/* virtual CPU it last ran on */
	bool oncpu;		/* recorded: on a CPU (not switched out) at @rec_pos */
	bool switch_seen;	/* the trace switches it in or out: its gaps are known */
	bool closed;		/* its exit was read: the pid may be reused */
	uint64_t rel_id;	/* current release */
	uint64_t rel_start;	/* sim time the current release started */
	bool free_at_end;	/* current release frees its value when the hot path ends */
	bool merged;		/* its program goes on with the think time after it */
	uint64_t rec_pos;	/* recorded time its timeline has reached */
	uint64_t rec_end;	/* recorded end of its latest release */
	uint64_t hot_end;	/* sim time its latest hot path ended */
	int64_t delta;		/* WAITING: sim - recorded shift of its next item */
	GSequenceIter *wait_iter;
	unsigned int grave_mark;	/* dead: the sweep that last found an event naming it */
	bool dead;		/* finished: in eng->graveyard until no engine event names it */
	struct ds_evring zsf;	/* objsize.c: sizes found for its read releases (ts = release) */
	bool zsf_await;		/* its latest read release still waits for its zs_free */
	uint64_t await_ts;	/* recorded time of that release */
	struct ds_obs_task obs;	/* observe.c: its current release, with an observer only */
	/* its row's counters (releases, fallbacks, *_ns, freed_ts), kept here while it runs
	 * (no row lookup per release) and added to its row when it finishes (task.c) */
	struct ds_task_result acc;
};

/*
 * struct ds_task_row - rows mode: a task's row until it is final, i.e. the task ended and no
 * value it released is still waiting to be freed (@held), when it goes to the sink
 */
struct ds_task_row {
	struct ds_task_result res;
	uint64_t held;
	bool ended;
};

/* ds_task_result_of() - the row of task number @index (results->tasks or eng->rows) */
struct ds_task_result *ds_task_result_of(struct ds_engine *eng, guint index);
/* ds_task_time_bad() - the times of a task row that are negative or backwards (engine.c:
 * --check's time invariant, counted for every row in both modes) */
uint64_t ds_task_time_bad(const struct ds_task_result *t);
/* ds_task_row_hold() - a value of task @index waits in a buffer (rows mode: row kept);
 * inline, after struct ds_engine: it tests for rows mode and calls ds_task_row_held() */
void ds_task_row_held(struct ds_engine *eng, guint index);
/* ds_task_row_unhold() - that value was freed (its freed_ts already counted); the same
 * with ds_task_row_freed() */
void ds_task_row_freed(struct ds_engine *eng, guint index);
/* ds_tasks_summarise() - the end: every row not out yet goes out; results->task_sum filled */
void ds_tasks_summarise(struct ds_engine *eng);

/* ds_task_read_release() - a release was read (inline, after struct ds_engine: its usual
 * case, once per release); ds_task_read_release_any() - any case */
void ds_task_read_release_any(struct ds_engine *eng, const struct ds_event *ev);
/* ds_task_wake() - the item a WAITING task waited for was read: it sleeps until its time */
void ds_task_wake(struct ds_engine *eng, struct ds_task *t);
void ds_task_read_exit(struct ds_engine *eng, const struct ds_event *ev);
/* ds_task_read_switch() - a sched_switch that moves a simulated task on or off a CPU */
void ds_task_read_switch(struct ds_engine *eng, const struct ds_event *ev);
/* ds_task_wakeup() - the task's sleep (or first release) timer fired */
gboolean ds_task_wakeup(struct ds_engine *eng, struct ds_task *t, GError **error);
/* ds_task_mark() - the release of a merged program ended at @t (its tagged step) */
static inline void ds_task_mark(struct ds_task *task, uint64_t t)
{
	task->hot_end = t;
}
/* ds_task_prog_done() - the task's program (a release or on-CPU think) ended at eng->now */
void ds_task_prog_done(struct ds_engine *eng, struct ds_task *t);
/* ds_tasks_eof() - the stream ended: tasks waiting for an item are done */
void ds_tasks_eof(struct ds_engine *eng);
void ds_task_free(struct ds_task *t);
/* ds_engine_bury() - @t finished: freed once no engine event names it (engine.c) */
void ds_engine_bury(struct ds_engine *eng, struct ds_task *t);

/* --- worker.c --- */

enum ds_worker_state { DS_WK_IDLE, DS_WK_PENDING, DS_WK_RUNNING };

struct ds_worker {
	struct ds_pool *pool;
	enum ds_worker_state state;
	bool requeued;		/* queued while running: runs again when this run ends */
	int producer;		/* CPU of the latest queue_work on it (-1: none) */
	int last_cpu;		/* CPU of its previous batch (placement prefers staying) */
	uint32_t wake_gen;
	struct ds_batch batch;
	struct ds_ent ent;
	uint64_t run_start;
	double run_cpu0;	/* ent.cpu_ns when the run started */
	unsigned int run_pages;
	uint64_t obs_page_start;	/* observe.c: its page began (with an observer only) */
};

void ds_workers_init(struct ds_pool *pool, unsigned int n);
void ds_workers_clear(struct ds_pool *pool);
/* ds_worker_queue() - queue_work() on the pool's drain work (counted in the results) */
void ds_worker_queue(struct ds_pool *pool, int producer, uint64_t now);
/* ds_worker_kick() - the same for pool teardown (not a hot-path queue_work, not counted) */
void ds_worker_kick(struct ds_pool *pool, uint64_t now);
void ds_worker_wake(struct ds_engine *eng, struct ds_worker *w);
/* ds_worker_prog_done() - the worker's page program ended at eng->now */
void ds_worker_prog_done(struct ds_engine *eng, struct ds_worker *w);
/* ds_worker_mark() - a tagged step of the worker's program ended at @t: value freed */
static inline void ds_worker_mark(struct ds_worker *w, uint32_t tag, uint64_t t)
{
	if (tag <= w->batch.page->count)
		w->batch.freed_at[tag - 1] = t;
}

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

/* --- ledger.c (kept with check_invariants only: eng->ledger) --- */

/* ds_ledger_add() and ds_ledger_free() (inline, after struct ds_engine) test whether the
 * ledger is kept and call these when it is: once per release and per freed value */
void ds_ledger_record_add(struct ds_engine *eng, uint64_t id);
void ds_ledger_record_free(struct ds_engine *eng, uint64_t id);
void ds_ledger_finish(struct ds_engine *eng);

/* --- results.c --- */

/* ds_results_new() - empty results; they own copies of every string they point to */
struct ds_results *ds_results_new(const struct ds_params *p, const struct ds_profile *prof);

/* --- engine.c --- */

#define DS_RECENT 64	/* recorded CPUs told apart by the last-task cache (modulo) */

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
	struct ds_evblk_pool evblks;	/* free blocks of @ext and the tasks' FIFOs */
	GHashTable *open_tasks;	/* pid -> struct ds_task * (exit not read yet) */
	struct ds_task *recent[DS_RECENT];	/* per recorded CPU: open task of its last
						 * release (task.c) */
	GSequence *waiting;	/* WAITING tasks, by delta */
	const struct ds_task *wait_first;	/* its head (NULL: empty), task.c keeps it */
	GHashTable *live;	/* set of tasks not finished yet (freed on error) */
	/* finished tasks some engine event may still name (a stale job end, a sleep timer):
	 * freed by a sweep of the event queue (engine.c's ds_engine_bury()) */
	GPtrArray *graveyard;
	unsigned int grave_sweeps;	/* sweeps so far: struct ds_task.grave_mark's clock */
	bool grave_due;		/* the graveyard outgrew the queue: run_loop() sweeps next turn */
	struct ds_source *src;
	const struct ds_event *blk;	/* the source's block still to read (ds_source_block()), */
	const struct ds_event *blk_end;	/* or its latest chunk (@chunked), read in place; both
					 * NULL and not @chunked: read with ds_source_next() */
	bool chunked;		/* the source gives chunks (ds_source_chunk()) */
	/* per event type (all 256 values of the byte): read without effect in this run
	 * (ds_engine_read_one()): one load per event, no range test */
	uint8_t inert[256];
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
	bool class_locks;	/* lock_contention resolved: class locks modelled */
	double think_scale;	/* resolved */
	uint64_t builtin_sync[DS_BE__COUNT];	/* record_sync_<be>_ns's last resort */
	struct ds_hist rec_dur[DS_BE__COUNT];	/* measured durations read so far */
	/* measured releases until the next goes to @rec_dur: the first 64, then 1 in 16
	 * (task.c's record_cost() needs a sample; a countdown instead of two tests a release) */
	uint32_t rec_sample_in;
	GError *read_error;	/* a read failed inside an event handler */
	uint64_t probe_in;	/* probe_overhead_ns resolved (auto left: 0) */
	uint64_t probe_gap;	/* probe_gap_ns resolved */
	const struct ds_task_sink *sink;	/* rows mode (ds_sim_run_rows()), else NULL */
	bool rows_out;		/* rows mode: task rows go out, not into results->tasks */
	/* rows mode: the rows not final yet, by task index (task.c): rows->pdata[i] is task
	 * @rows_base + i's row, NULL once it went out; @rows_lead leading NULLs */
	GPtrArray *rows;
	guint rows_base;
	guint rows_lead;
	guint ntasks;		/* tasks so far: the next one's index */
	uint64_t task_end_max;	/* latest simulated end of a task */
	const struct ds_sim_observer *obs;	/* params.observer (observe.c), usually NULL */
	bool think_one;		/* think_scale is 1 (engine.c: the lookahead in integers) */
	/* the lookahead's bound (engine.c: must_read()), kept by task.c at every change of
	 * @wait_first: @wait_min is min(0, wait_first->delta) (0 without one); @la_exact says
	 * the integer form applies (think_scale 1 and that delta within +-2^52) */
	int64_t wait_min;
	bool la_exact;
};

/* below this every time, shift and sum of two of them is held exactly by a double */
#define DS_EXACT_LIM ((int64_t)1 << 52)

/* ds_engine_vcpu() - the virtual CPU of recorded CPU @cpu (modulo the virtual CPUs): the
 * same value as @cpu % ncpus, without a division (tens of cycles, once per release) when
 * @cpu is already below ncpus (always with cpus=recorded) */
static inline unsigned int ds_engine_vcpu(const struct ds_engine *eng, unsigned int cpu)
{
	return G_LIKELY(cpu < eng->ncpus) ? cpu : cpu % eng->ncpus;
}

/* ds_engine_wait_changed() - eng->wait_first was set: its bound terms follow (task.c) */
static inline void ds_engine_wait_changed(struct ds_engine *eng)
{
	const struct ds_task *w = eng->wait_first;
	int64_t d = w ? w->delta : 0;

	eng->wait_min = MIN(d, 0);
	eng->la_exact = eng->think_one && d > -DS_EXACT_LIM && d < DS_EXACT_LIM;
}

static inline void ds_lock_count(struct ds_engine *eng, const struct ds_lock *l)
{
	eng->r->locks[l->kind].acquisitions++;
}

static inline void ds_ledger_add(struct ds_engine *eng, uint64_t id)
{
	if (G_UNLIKELY(eng->ledger))
		ds_ledger_record_add(eng, id);
}

static inline void ds_ledger_free(struct ds_engine *eng, uint64_t id)
{
	if (G_UNLIKELY(eng->ledger))
		ds_ledger_record_free(eng, id);
}

static inline void ds_task_row_hold(struct ds_engine *eng, guint index)
{
	if (G_UNLIKELY(eng->rows_out))
		ds_task_row_held(eng, index);
}

static inline void ds_task_row_unhold(struct ds_engine *eng, guint index)
{
	if (G_UNLIKELY(eng->rows_out))
		ds_task_row_freed(eng, index);
}

static inline void ds_cpu_charge(struct ds_engine *eng, struct ds_ent *e, uint64_t since,
				 double rate)
{
	double used = ds_span_d(eng->now - since) * rate;

	e->vc->consumed += used;
	e->cpu_ns += used;
	if (e->spin)
		eng->r->locks[e->spin->kind].spin_cpu_ns += used;
}

/* --- pool.c's per-value helpers, inline (hot: every release, every drained value) --- */

/* ds_pool_class_lock() - the lock of class-lock id @cls, NULL when not modelled */
static inline struct ds_lock *ds_pool_class_lock(struct ds_pool *pool, uint16_t cls)
{
	return pool->class_locks && cls < pool->classes.n ? &pool->class_locks[cls] : NULL;
}

static inline void ds_pool_push(struct ds_pool *pool, struct ds_page *page,
				const struct ds_release *rel)
{
	unsigned int i = page->count++;
	struct ds_entry *e = &page->e[i];

	g_assert(page->count <= pool->cap);
	if (G_UNLIKELY(page->ids))
		page->ids[i] = rel->id;
	e->pushed = rel->now;
	e->value = rel->value;
	e->cost = (uint32_t)MIN(rel->drain_cost, G_MAXUINT32);
	e->flags = rel->novalue ? DS_ENTRY_NOVALUE : 0;
	e->cls = rel->cls;
	e->task = rel->task;
	ds_task_row_hold(pool->eng, e->task);
	pool->pending_values++;
	if (G_UNLIKELY(pool->pending_index) && !rel->novalue)
		ds_pool_index_add(pool, e);
}

/*
 * ds_pool_free_steps() - append to @e the free of one value costing @cost: the zsmalloc
 * part (zs_class_hold_ns of it) under class lock @l at the end, the rest before; all of it
 * unlocked when @l is NULL.  @tag marks the value's end (ds_ent_work()).
 */
static inline void ds_pool_free_steps(struct ds_pool *pool, struct ds_ent *e, struct ds_lock *l,
				      uint64_t cost, uint32_t tag)
{
	uint64_t h;

	if (!l) {
		ds_ent_work(e, cost, tag);
		return;
	}
	h = MIN(pool->eng->prof->zs_class_hold_ns, cost);
	if (!h) {
		ds_ent_work(e, cost, tag);
		return;
	}
	ds_ent_work(e, cost - h, 0);
	ds_ent_locked(e, l, h, tag);
}

/*
 * ds_pool_sync_free() - append to @e the synchronous free of a value costing @cost: the
 * zsmalloc part under its class lock at the end (zs_class_hold_ns of it, class locks
 * modelled), the rest before
 */
static inline void ds_pool_sync_free(struct ds_pool *pool, struct ds_ent *e, uint16_t cls,
				     uint64_t cost)
{
	if (G_UNLIKELY(pool->eng->obs))
		pool->obs_sync_ns = cost;	/* its release's hot path ends with it */
	ds_pool_free_steps(pool, e, ds_pool_class_lock(pool, cls), cost, 0);
}

/* ds_engine_read_any() - read one event from the source (lookahead), any case (engine.c); -1
 * on error */
int ds_engine_read_any(struct ds_engine *eng, GError **error);

/*
 * ds_engine_event_ok() - an event read may be taken as it is: within range (its time, and that
 * time times think_scale: task.c maps a waiting task's recorded time through a signed 64-bit
 * integer; its duration) and in order; engine.c's check_order() says which bound one broke
 */
static inline bool ds_engine_event_ok(const struct ds_engine *eng, const struct ds_event *ev)
{
	/* with think_scale <= 1 the scaled time is within range whenever the time is: no
	 * multiplication per event then */
	if (ev->ts > DS_EV_TS_MAX || ev->ts < eng->t_read)	/* t_read is 0 before any */
		return false;
	if (G_UNLIKELY(eng->think_scale > 1.0) &&
	    (double)ev->ts * eng->think_scale > (double)DS_EV_TS_MAX)
		return false;
	return !((ev->flags & DS_EVF_DURATION) && ev->type == DS_EV_RELEASE &&
		 ev->aux > DS_EV_DURATION_MAX);
}

/*
 * ds_task_read_release() - the usual case inline: the pid is eng->recent's for its CPU (task.c's
 * open_task_of() hit) and no object sizes are followed: the release joins its task's FIFO.
 */
static inline void ds_task_read_release(struct ds_engine *eng, const struct ds_event *ev)
{
	struct ds_task *t = eng->recent[ev->cpu % DS_RECENT];

	if (G_UNLIKELY(!t || t->pid != ev->pid || eng->objsize.active)) {
		ds_task_read_release_any(eng, ev);
		return;
	}
	ds_evring_push(&t->fifo, ev);
	if (t->phase == DS_TP_WAITING)
		ds_task_wake(eng, t);
}

/* ds_engine_took() - the reading position moves to @ev, just read (the counts every read keeps) */
static inline void ds_engine_took(struct ds_engine *eng, const struct ds_event *ev)
{
	eng->r->events_in++;
	eng->t_read = ev->ts;	/* (results' rec_end_ts: engine_finish()) */
}

/*
 * ds_engine_read_event() - read one event from the source (lookahead); -1 on error.  Inline: a
 * release read in place from the source's block, in order and within range, after the first
 * event (once per release: engine.c's read_while() and task.c's read-ahead read most of them
 * here, without a call); the rest, out of line in ds_engine_read_any(), keeps its registers
 * to itself.
 */
static inline int ds_engine_read_event(struct ds_engine *eng, GError **error)
{
	const struct ds_event *ev = eng->blk;

	if (ev != eng->blk_end && ev->type == DS_EV_RELEASE && eng->any_read &&
	    !eng->read_error && ds_engine_event_ok(eng, ev)) {
		eng->blk++;
		ds_engine_took(eng, ev);
		ds_task_read_release(eng, ev);
		return 1;
	}
	return ds_engine_read_any(eng, error);
}

/*
 * ds_engine_read_one() - the same, with the commonest case inline: an event read in place from
 * the source's block that has no effect on the model (eng->inert: a release's end, a zs_free
 * when no object sizes are followed, workqueue events...) is only counted.  Two of every three
 * events of a trace with durations and zs_free are such.  The tests are ds_engine_event_ok()'s
 * for such an event: in order, within range (eng->inert is all 0 when think_scale > 1 scales
 * times).
 */
static inline int ds_engine_read_one(struct ds_engine *eng, GError **error)
{
	const struct ds_event *ev = eng->blk;

	if (ev != eng->blk_end && eng->inert[ev->type] &&
	    ev->ts >= eng->t_read && ev->ts <= DS_EV_TS_MAX && eng->any_read &&
	    !eng->read_error) {
		eng->blk++;
		ds_engine_took(eng, ev);
		return 1;
	}
	return ds_engine_read_event(eng, error);
}

/*
 * ds_engine_skip_inert() - a run of ds_engine_read_one()'s inline case in one go, for the
 * loops that read "while t_read <= @lim" and whose other conditions no inert event changes
 * (engine.c's read_while(), task.c's read-ahead): reads inert events as long as each is read
 * with t_read <= @lim before it; true when t_read went past @lim.  The stream of a trace
 * with durations and zs_free is release, end, zs_free: the two inert ones cost a few
 * instructions each here, the counters written once per run of them.  Times are held below
 * 2^52 here (past that read_while() asks must_read() in doubles per event).
 */
static inline bool ds_engine_skip_inert(struct ds_engine *eng, uint64_t lim)
{
	const struct ds_event *p = eng->blk, *end = eng->blk_end;
	uint64_t tr = eng->t_read;
	bool over = false;

	if (p == end || !eng->inert[p->type] || !eng->any_read || eng->read_error)
		return false;
	do {
		if (p->ts < tr || p->ts >= (uint64_t)DS_EXACT_LIM)
			break;
		tr = p->ts;
		p++;
		if (tr > lim) {
			over = true;
			break;
		}
	} while (p != end && eng->inert[p->type]);
	eng->r->events_in += (uint64_t)(p - eng->blk);
	eng->blk = p;
	eng->t_read = tr;
	return over;
}

#endif
