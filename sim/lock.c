// SPDX-License-Identifier: MIT
/*
 * lock.c - spin locks as shared resources (spec §4.3): zsmalloc's class->lock (one per size
 * class), the deferred scheme's pool lock, v2's array lock.
 *
 * struct ds_lock (engine.h) has a real holder, FIFO waiters (a queued spinlock serves them in
 * arrival order; an intrusive list through the entities, no allocation per wait) and at most
 * one optimistic claim by a run (ent.c).  A waiter spins: it stays runnable on its CPU and
 * burns its share of it (cpu.c) until the holder releases; it then holds the lock after
 * lock_handover_ns of extra work (the lock's cache line and the data it guards move to the
 * new CPU).  An uncontended acquisition costs what the profile's step costs already contain
 * (lock_ns is part of them).  Counters go to results->locks[kind]: acquisitions, contended
 * ones, hand-overs, time spent waiting (total, worst) and the CPU time burnt spinning.
 */
#include "engine.h"

void ds_lock_init(struct ds_lock *l, enum ds_lock_kind kind)
{
	l->kind = kind;
	l->holder = NULL;
	l->opt = NULL;
	l->opt_rel = -1;
	l->wait_head = l->wait_tail = NULL;
}

void ds_lock_clear(struct ds_lock *l)
{
	l->wait_head = l->wait_tail = NULL;
	l->holder = NULL;
	l->opt = NULL;
}

static struct ds_lock_result *stats(struct ds_engine *eng, const struct ds_lock *l)
{
	return &eng->r->locks[l->kind];
}

void ds_lock_resolve(struct ds_engine *eng, struct ds_lock *l, struct ds_ent *e)
{
	if (l->opt && l->opt != e)
		ds_ent_split(eng, l->opt, l);
}

bool ds_lock_trylock_ok(struct ds_engine *eng, struct ds_lock *l, struct ds_ent *e)
{
	ds_lock_resolve(eng, l, e);
	return !l->holder;
}

bool ds_lock_acquire(struct ds_engine *eng, struct ds_lock *l, struct ds_ent *e)
{
	struct ds_lock_result *st = stats(eng, l);

	ds_lock_resolve(eng, l, e);
	st->acquisitions++;
	if (!l->holder) {
		l->holder = e;
		e->held++;
		return true;
	}
	st->contended++;
	e->spin = l;
	e->spin_since = eng->now;
	e->wait_next = NULL;
	if (l->wait_tail)
		l->wait_tail->wait_next = e;
	else
		l->wait_head = e;
	l->wait_tail = e;
	if (e->cpu >= 0 && l->holder->cpu == e->cpu)
		ds_cpu_update(eng, (unsigned int)e->cpu);	/* it cannot run there */
	return false;
}

void ds_lock_release(struct ds_engine *eng, struct ds_lock *l, struct ds_ent *e)
{
	struct ds_lock_result *st = stats(eng, l);
	struct ds_ent *w;
	uint64_t waited;

	g_assert(l->holder == e && e->held);
	e->held--;
	l->holder = NULL;
	w = l->wait_head;
	if (!w)
		return;		/* the common case: no call */
	l->wait_head = w->wait_next;
	if (!l->wait_head)
		l->wait_tail = NULL;
	w->wait_next = NULL;
	waited = eng->now - w->spin_since;
	st->handovers++;
	st->wait_ns += waited;
	st->max_wait_ns = MAX(st->max_wait_ns, waited);
	l->holder = w;
	w->held++;
	ds_ent_granted(eng, w);
}
