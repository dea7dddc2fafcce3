/* SPDX-License-Identifier: MIT */
/*
 * synth_impl.h - pieces shared by the synthetic-trace files (private to synth/).
 *
 * - struct ds_synth_heap (synth_heap.c): min-heap of timed items, either an event ready to be
 *   delivered or a generator actor's next step, ordered by (time, steps before events, CPU,
 *   insertion sequence).  Steps first: every event of an instant exists before the first of
 *   them leaves.  CPU next: the order in which the trace reader merges per-CPU buffers, so a
 *   stream written to trace.dat and read back comes out in the same order.
 * - the trace information of a generated stream is replay/synth_info.h's struct
 *   ds_synth_info (the .dsev reader counts it the same way).
 */
#ifndef DS_SYNTH_IMPL_H
#define DS_SYNTH_IMPL_H

#include "ds_synth.h"
#include "synth_info.h"	/* replay/: struct ds_synth_info */

/*
 * The generator's pid plan (synth_gen.c), so that the trace.dat writer can name the tasks:
 * munmap/lmk processes from 1000, churn's releasing tasks and writers per CPU, the kworker
 * of each CPU, one pid per poisson release from 100000.
 */
#define DS_SYNTH_PID_PROC 1000
#define DS_SYNTH_PID_CHURN 70000
#define DS_SYNTH_PID_WRITER 80000
#define DS_SYNTH_PID_KWORKER 90000
#define DS_SYNTH_PID_POISSON 100000
/* The work function of the background work items (an address of the fake kallsyms). */
#define DS_SYNTH_WQ_FUNC 0xffffffff81500000ull

/* --- synth_heap.c --- */

struct ds_synth_item {
	uint64_t ts;
	uint64_t seq;
	uint32_t cpu;
	uint32_t is_event;	/* 0: actor step (@actor), 1: event (@ev) */
	uint32_t actor;
	struct ds_event ev;
};

struct ds_synth_heap {
	GArray *a;		/* struct ds_synth_item, binary min-heap */
	uint64_t seq;
};

void ds_synth_heap_init(struct ds_synth_heap *h);
void ds_synth_heap_clear(struct ds_synth_heap *h);
void ds_synth_heap_push_event(struct ds_synth_heap *h, const struct ds_event *ev);
void ds_synth_heap_push_step(struct ds_synth_heap *h, uint64_t ts, uint32_t cpu, uint32_t actor);
/* ds_synth_heap_pop() - the least item into @out; FALSE when empty */
gboolean ds_synth_heap_pop(struct ds_synth_heap *h, struct ds_synth_item *out);

#endif
