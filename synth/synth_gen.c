// SPDX-License-Identifier: MIT
/*
 * synth_gen.c - the synthetic workload generator: an event source (ds_synth_open()).
 *
 * Data structures:
 * - struct actor: something that produces events over time, stepped when its next step comes
 *   out of the heap (struct ds_synth_heap, synth_impl.h).  Kinds:
 *     A_RUNNER      one per CPU (munmap, lmk): runs its processes one after the other, each
 *                   switched in, releasing its slots, exiting, switched out;
 *     A_CHURN_REL   one per CPU (churn): a long-lived task releasing at Poisson times;
 *     A_CHURN_WRITE one per CPU (churn): zram writes at Poisson times, reusing freed slots;
 *     A_POISSON     one (poisson): Poisson arrivals, each a release by a new pid that exits;
 *     A_WQ          one per background work item: queue_work, activate, execute start/end.
 *   "main" actors are the workload; the work items stop once no main actor is left.
 * - struct proc: a process of a runner (pid, start, releases, slot range) and struct runner
 *   its state: the current process, its phase, the window of its next slot indices.
 * - struct slot_set: churn's occupied and freed slots, arrays with a position index so that
 *   a random member is taken in O(1).
 * Every draw comes from one GRand seeded with params.seed, in heap order: same parameters,
 * same stream.  An actor's step pushes events at or after its own time, never before.
 */
#include <math.h>
#include <string.h>

#include "source_impl.h"
#include "synth_impl.h"

#define WIN 64				/* slot indices a process may take out of order */
#define PAGES_PER_MIB 256u		/* 4 KiB pages */
#define RANGE_GAP 4096			/* slots between two processes' ranges */
#define WQ_WORK 0xffff888000100000ull
#define HANDLE_BASE 0xffff888200000000ull
#define MALLOC_NS 500			/* zs_malloc entry to return in churn writes */

enum actor_kind { A_RUNNER, A_CHURN_REL, A_CHURN_WRITE, A_POISSON, A_WQ };
enum run_phase { R_START, R_REL, R_EXIT };

struct proc {
	int32_t pid;
	uint64_t start;
	uint64_t nrel;
	uint64_t base;
};

struct runner {
	GArray *procs;		/* struct proc, by start */
	guint cur;
	enum run_phase phase;
	uint64_t left;
	uint64_t next_index;	/* next index of the range not yet in the window */
	uint64_t end_index;
	uint64_t win[WIN];
	unsigned int nwin;
};

struct actor {
	enum actor_kind kind;
	unsigned int cpu;
	bool main;
	int32_t pid;
	uint64_t clock;		/* churn: Poisson arrival clock */
	uint64_t busy_until;	/* churn: end of the task's current release */
	uint64_t n;		/* poisson: arrivals so far; wq: item number */
	struct runner *run;
};

struct slot_set {
	GArray *members;	/* uint32 slot */
	uint32_t *pos;		/* slot -> index in members, G_MAXUINT32 when absent */
};

struct synth_gen {
	struct ds_source base;
	struct ds_synth_params p;
	GRand *rng;
	struct ds_synth_heap heap;
	GArray *actors;		/* struct actor */
	unsigned int live_main;
	uint64_t end_ts;
	struct slot_set occ;
	struct slot_set freed;
	struct ds_synth_info si;
	bool finished;
};

/* --- random draws ------------------------------------------------------------------------ */

static double draw(struct synth_gen *g, const struct ds_synth_dist *d)
{
	double u1, u2;

	switch (d->kind) {
	case DS_SD_EXP:
		return -d->a * log1p(-g_rand_double(g->rng));
	case DS_SD_LOGNORMAL:
		u1 = 1.0 - g_rand_double(g->rng);	/* (0, 1] */
		u2 = g_rand_double(g->rng);
		return d->a * exp(d->b * sqrt(-2.0 * log(u1)) * cos(2.0 * G_PI * u2));
	case DS_SD_UNIFORM:
		return d->a + (d->b - d->a) * g_rand_double(g->rng);
	case DS_SD_FIXED:
	default:
		return d->a;
	}
}

static uint64_t draw_ns(struct synth_gen *g, const struct ds_synth_dist *d)
{
	double x = draw(g, d);

	return x <= 0 ? 0 : (uint64_t)llround(MIN(x, 1e15));
}

static unsigned int draw_cpu(struct synth_gen *g)
{
	return (unsigned int)g_rand_int_range(g->rng, 0, (gint32)g->p.cpus);
}

/* --- emitting events --------------------------------------------------------------------- */

static void emit(struct synth_gen *g, uint64_t ts, unsigned int cpu, int32_t pid,
		 unsigned int type, uint64_t value, uint64_t aux, unsigned int flags)
{
	struct ds_event ev = {
		.ts = ts, .value = value, .aux = aux, .pid = pid, .cpu = (uint16_t)cpu,
		.type = (uint8_t)type, .flags = (uint8_t)flags,
	};

	ds_synth_heap_push_event(&g->heap, &ev);
}

/* One release call: entry, zs_free inside it, return.  Returns when the call ends. */
static uint64_t emit_release(struct synth_gen *g, uint64_t now, unsigned int cpu, int32_t pid,
			     uint64_t value)
{
	const struct ds_synth_params *p = &g->p;
	uint64_t d = MAX(draw_ns(g, &p->cost), 1);
	unsigned int be = p->zswap ? DS_EVF_ZSWAP : 0;

	emit(g, now, cpu, pid, DS_EV_RELEASE, value, p->durations ? d : 0,
	     be | (p->durations ? DS_EVF_DURATION : 0));
	if (p->zs_free)
		emit(g, now + (uint64_t)llround((1.0 - p->zs_share) * (double)d), cpu, pid,
		     DS_EV_ZS_FREE, HANDLE_BASE | (value << 4), 0, 0);
	if (p->durations)
		emit(g, now + d, cpu, pid, DS_EV_RELEASE_END, value, d, be);
	return now + d;
}

static void schedule(struct synth_gen *g, guint id, uint64_t ts)
{
	struct actor *a = &g_array_index(g->actors, struct actor, id);

	ds_synth_heap_push_step(&g->heap, ts, a->cpu, id);
}

static void actor_done(struct synth_gen *g, struct actor *a)
{
	if (a->main)
		g->live_main--;
}

/* --- runners: munmap and lmk processes --------------------------------------------------- */

/* Mostly ascending: with probability seq the lowest index not taken yet, else one of the
 * next WIN-1 (unique either way). */
static uint64_t next_slot(struct synth_gen *g, struct runner *r)
{
	unsigned int j = 0;
	uint64_t v;

	while (r->nwin < WIN && r->next_index < r->end_index)
		r->win[r->nwin++] = r->next_index++;
	if (r->nwin > 1 && g_rand_double(g->rng) >= g->p.seq)
		j = (unsigned int)g_rand_int_range(g->rng, 1, (gint32)r->nwin);
	v = r->win[j];
	memmove(&r->win[j], &r->win[j + 1], (r->nwin - j - 1) * sizeof(r->win[0]));
	r->nwin--;
	return v;
}

static void runner_step(struct synth_gen *g, guint id, uint64_t now)
{
	struct actor *a = &g_array_index(g->actors, struct actor, id);
	struct runner *r = a->run;
	struct proc *pr = &g_array_index(r->procs, struct proc, r->cur);
	uint64_t end;

	switch (r->phase) {
	case R_START:
		emit(g, now, a->cpu, pr->pid, DS_EV_SWITCH, 0, 0, 0);	/* idle -> pid */
		r->left = pr->nrel;
		r->next_index = pr->base;
		r->end_index = pr->base + pr->nrel;
		r->nwin = 0;
		r->phase = R_REL;
		schedule(g, id, now);
		return;
	case R_REL:
		end = emit_release(g, now, a->cpu, pr->pid, next_slot(g, r));
		if (--r->left) {
			schedule(g, id, end + draw_ns(g, &g->p.gap));
			return;
		}
		r->phase = R_EXIT;
		schedule(g, id, end + draw_ns(g, &g->p.exit_delay));
		return;
	case R_EXIT:
		emit(g, now, a->cpu, pr->pid, DS_EV_EXIT, 0, 0, 0);
		emit(g, now, a->cpu, 0, DS_EV_SWITCH, 0, (uint64_t)pr->pid, 0);
		if (++r->cur == r->procs->len) {
			actor_done(g, a);
			return;
		}
		r->phase = R_START;
		pr = &g_array_index(r->procs, struct proc, r->cur);
		schedule(g, id, MAX(now, pr->start));
		return;
	}
}

/* --- churn ------------------------------------------------------------------------------- */

static void set_init(struct slot_set *s, uint64_t slots)
{
	s->members = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	s->pos = g_new(uint32_t, slots);
	memset(s->pos, 0xff, slots * sizeof(uint32_t));
}

static void set_clear(struct slot_set *s)
{
	if (s->members)
		g_array_free(s->members, TRUE);
	g_free(s->pos);
	memset(s, 0, sizeof(*s));
}

static void set_add(struct slot_set *s, uint32_t slot)
{
	s->pos[slot] = s->members->len;
	g_array_append_val(s->members, slot);
}

/* Remove the member at @i (the last one moves into its place). */
static uint32_t set_take(struct slot_set *s, guint i)
{
	uint32_t slot = g_array_index(s->members, uint32_t, i);
	uint32_t last = g_array_index(s->members, uint32_t, s->members->len - 1);

	g_array_index(s->members, uint32_t, i) = last;
	s->pos[last] = i;
	g_array_set_size(s->members, s->members->len - 1);
	s->pos[slot] = G_MAXUINT32;
	return slot;
}

static guint draw_member(struct synth_gen *g, const struct slot_set *s)
{
	return (guint)g_rand_int_range(g->rng, 0, (gint32)s->members->len);
}

/* Next Poisson arrival of an actor whose rate over all CPUs is @rate; false past the end. */
static bool churn_next(struct synth_gen *g, guint id, double rate)
{
	struct actor *a = &g_array_index(g->actors, struct actor, id);
	struct ds_synth_dist gap = { DS_SD_EXP, 1e9 * g->p.cpus / rate, 0 };

	a->clock += draw_ns(g, &gap);
	if (a->clock > g->end_ts) {
		actor_done(g, a);
		return false;
	}
	schedule(g, id, MAX(a->clock, a->busy_until));
	return true;
}

static void churn_release_step(struct synth_gen *g, guint id, uint64_t now)
{
	struct actor *a = &g_array_index(g->actors, struct actor, id);

	if (g->occ.members->len) {
		uint32_t slot = set_take(&g->occ, draw_member(g, &g->occ));

		set_add(&g->freed, slot);
		a->busy_until = emit_release(g, now, a->cpu, a->pid, slot);
	}
	churn_next(g, id, g->p.rate);
}

static void churn_write_step(struct synth_gen *g, guint id, uint64_t now)
{
	struct actor *a = &g_array_index(g->actors, struct actor, id);
	struct slot_set *f = &g->freed;

	if (f->members->len) {
		bool reuse = g_rand_double(g->rng) < g->p.reuse;
		uint32_t slot = set_take(f, reuse ? f->members->len - 1 : draw_member(g, f));
		uint64_t size = MAX(draw_ns(g, &g->p.obj_size), 1);

		set_add(&g->occ, slot);
		if (!g->p.zswap)
			emit(g, now, a->cpu, a->pid, DS_EV_SLOT_WRITE, slot, 0, 0);
		emit(g, now, a->cpu, a->pid, DS_EV_ZS_MALLOC, size, 0, 0);
		emit(g, now + MALLOC_NS, a->cpu, a->pid, DS_EV_ZS_MALLOC_END,
		     HANDLE_BASE | ((uint64_t)slot << 4), 0, 0);
	}
	churn_next(g, id, g->p.write_rate);
}

/* --- poisson and work items -------------------------------------------------------------- */

static void poisson_step(struct synth_gen *g, guint id, uint64_t now)
{
	struct actor *a = &g_array_index(g->actors, struct actor, id);
	struct ds_synth_dist gap = { DS_SD_EXP, 1e9 / g->p.rate, 0 };
	unsigned int cpu = draw_cpu(g);
	int32_t pid = (int32_t)(DS_SYNTH_PID_POISSON + a->n);
	uint64_t end = emit_release(g, now, cpu, pid, a->n);
	uint64_t next;

	emit(g, end, cpu, pid, DS_EV_EXIT, 0, 0, 0);
	a->n++;
	next = now + draw_ns(g, &gap);
	if ((g->p.count && a->n >= g->p.count) || (!g->p.count && next > g->end_ts)) {
		actor_done(g, a);
		return;
	}
	schedule(g, id, next);
}

static void wq_step(struct synth_gen *g, guint id, uint64_t now)
{
	struct actor *a = &g_array_index(g->actors, struct actor, id);
	uint64_t work = WQ_WORK + a->n * 0x40;
	unsigned int qcpu, ecpu;
	int32_t kworker;
	uint64_t start, end;

	if (!g->live_main)
		return;		/* the workload is over: no new cycle */
	qcpu = draw_cpu(g);
	emit(g, now, qcpu, 0, DS_EV_WQ_QUEUE, DS_SYNTH_WQ_FUNC, work, 0);
	emit(g, now, qcpu, 0, DS_EV_WQ_ACTIVATE, DS_SYNTH_WQ_FUNC, work, 0);
	start = now + draw_ns(g, &g->p.wq_wake);
	ecpu = draw_cpu(g);
	kworker = (int32_t)(DS_SYNTH_PID_KWORKER + ecpu);
	emit(g, start, ecpu, kworker, DS_EV_WQ_START, DS_SYNTH_WQ_FUNC, work, 0);
	end = start + draw_ns(g, &g->p.wq_run);
	emit(g, end, ecpu, kworker, DS_EV_WQ_END, DS_SYNTH_WQ_FUNC, work, 0);
	a->cpu = ecpu;
	schedule(g, id, MAX(end + draw_ns(g, &g->p.wq_gap), now + 1));	/* time moves on */
}

static void step(struct synth_gen *g, guint id, uint64_t now)
{
	switch (g_array_index(g->actors, struct actor, id).kind) {
	case A_RUNNER:
		runner_step(g, id, now);
		break;
	case A_CHURN_REL:
		churn_release_step(g, id, now);
		break;
	case A_CHURN_WRITE:
		churn_write_step(g, id, now);
		break;
	case A_POISSON:
		poisson_step(g, id, now);
		break;
	case A_WQ:
		wq_step(g, id, now);
		break;
	}
}

/* --- set-up ------------------------------------------------------------------------------ */

static guint add_actor(struct synth_gen *g, enum actor_kind kind, unsigned int cpu, bool main,
		       int32_t pid)
{
	struct actor a = { .kind = kind, .cpu = cpu, .main = main, .pid = pid };

	g_array_append_val(g->actors, a);
	if (main)
		g->live_main++;
	return g->actors->len - 1;
}

static gint proc_by_start(gconstpointer x, gconstpointer y)
{
	const struct proc *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

/* The processes of munmap/lmk, then one runner per CPU that has some. */
static void setup_procs(struct synth_gen *g)
{
	const struct ds_synth_params *p = &g->p;
	g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(struct proc));
	uint64_t base = 0;

	for (unsigned int i = 0; i < p->procs; i++) {
		struct proc pr = { .pid = (int32_t)(DS_SYNTH_PID_PROC + i) };
		unsigned int mib = p->size_mib;

		if (p->workload == DS_SYNTH_LMK) {
			pr.start = p->t0_ns + (uint64_t)llround(g_rand_double(g->rng) *
								 (double)p->window_ns);
			mib = (unsigned int)g_rand_int_range(g->rng, (gint32)p->fp_min_mib,
							     (gint32)p->fp_max_mib + 1);
		} else {
			pr.start = p->t0_ns + i * p->stagger_ns;
		}
		pr.nrel = (uint64_t)mib * PAGES_PER_MIB;
		pr.base = base;
		base += pr.nrel + RANGE_GAP;
		g_array_append_val(all, pr);
	}
	g_array_sort(all, proc_by_start);
	for (unsigned int c = 0; c < p->cpus && c < all->len; c++) {
		guint id = add_actor(g, A_RUNNER, c, true, 0);
		struct actor *a = &g_array_index(g->actors, struct actor, id);

		a->run = g_new0(struct runner, 1);
		a->run->procs = g_array_new(FALSE, FALSE, sizeof(struct proc));
		for (guint k = c; k < all->len; k += p->cpus)
			g_array_append_val(a->run->procs, g_array_index(all, struct proc, k));
		schedule(g, id, g_array_index(a->run->procs, struct proc, 0).start);
	}
}

static void setup_churn(struct synth_gen *g)
{
	set_init(&g->occ, g->p.slots);
	set_init(&g->freed, g->p.slots);
	for (uint64_t s = 0; s < g->p.slots; s++)
		set_add(&g->occ, (uint32_t)s);
	for (unsigned int c = 0; c < g->p.cpus; c++) {
		guint r = add_actor(g, A_CHURN_REL, c, true, (int32_t)(DS_SYNTH_PID_CHURN + c));
		guint w = add_actor(g, A_CHURN_WRITE, c, true, (int32_t)(DS_SYNTH_PID_WRITER + c));

		g_array_index(g->actors, struct actor, r).clock = g->p.t0_ns;
		g_array_index(g->actors, struct actor, w).clock = g->p.t0_ns;
		churn_next(g, r, g->p.rate);
		churn_next(g, w, g->p.write_rate);
	}
}

static void setup(struct synth_gen *g)
{
	const struct ds_synth_params *p = &g->p;
	struct ds_synth_dist gap = { DS_SD_EXP, 1e9 / p->rate, 0 };

	g->end_ts = p->t0_ns + p->duration_ns;
	switch (p->workload) {
	case DS_SYNTH_MUNMAP:
	case DS_SYNTH_LMK:
		setup_procs(g);
		break;
	case DS_SYNTH_CHURN:
		setup_churn(g);
		break;
	case DS_SYNTH_POISSON:
		schedule(g, add_actor(g, A_POISSON, 0, true, 0), p->t0_ns + draw_ns(g, &gap));
		break;
	default:
		break;
	}
	for (unsigned int i = 0; i < p->wq_items; i++) {
		guint id = add_actor(g, A_WQ, 0, false, 0);

		g_array_index(g->actors, struct actor, id).n = i;
		schedule(g, id, p->t0_ns + draw_ns(g, &p->wq_gap));
	}
}

/* --- the source -------------------------------------------------------------------------- */

static int gen_next(struct ds_source *src, struct ds_event *ev, GError **error)
{
	struct synth_gen *g = (struct synth_gen *)src;
	struct ds_synth_item it;

	(void)error;
	while (ds_synth_heap_pop(&g->heap, &it)) {
		if (!it.is_event) {
			step(g, it.actor, it.ts);
			continue;
		}
		*ev = it.ev;
		ds_synth_info_add(&g->si, ev);
		return 1;
	}
	if (!g->finished) {
		ds_synth_info_finish(&g->si);
		g->finished = true;
	}
	return 0;
}

static void gen_close(struct ds_source *src)
{
	struct synth_gen *g = (struct synth_gen *)src;

	for (guint i = 0; i < g->actors->len; i++) {
		struct runner *r = g_array_index(g->actors, struct actor, i).run;

		if (r) {
			g_array_free(r->procs, TRUE);
			g_free(r);
		}
	}
	g_array_free(g->actors, TRUE);
	ds_synth_heap_clear(&g->heap);
	set_clear(&g->occ);
	set_clear(&g->freed);
	ds_synth_info_clear(&g->si);
	g_rand_free(g->rng);
	g_free(g);
}

static const struct ds_trace_info *gen_info(const struct ds_source *src)
{
	return &((const struct synth_gen *)src)->si.info;
}

static const struct ds_source_ops gen_ops = {
	.next = gen_next,
	.close = gen_close,
	.info = gen_info,
};

struct ds_source *ds_synth_open(const struct ds_synth_params *p, GError **error)
{
	struct synth_gen *g;
	guint32 seed[2];
	g_autofree char *path = NULL;

	if (!ds_synth_params_validate(p, error))
		return NULL;
	g = g_new0(struct synth_gen, 1);
	g->base.ops = &gen_ops;
	g->p = *p;
	seed[0] = (guint32)p->seed;
	seed[1] = (guint32)(p->seed >> 32);
	g->rng = g_rand_new_with_seed_array(seed, 2);
	ds_synth_heap_init(&g->heap);
	g->actors = g_array_new(FALSE, TRUE, sizeof(struct actor));
	path = g_strdup_printf("synthetic:%s", ds_synth_workload_name(p->workload));
	ds_synth_info_init(&g->si, path, p->cpus, p->t0_ns);
	setup(g);
	return &g->base;
}
