/* SPDX-License-Identifier: MIT */
/*
 * pool.h - one backend's deferred-free pool as the engine sees it (private to sim/).
 *
 * Data structures:
 * - struct ds_entry: one pending value (push time, value, its drain cost, task, flags);
 * - struct ds_page: a buffer page of up to CAP entries; page storage is allocated on first
 *   use and recycled, so memory follows the pages actually holding values, not the trace;
 * - struct ds_batch: what a worker drains in one go (a page), and its program's fixed parts;
 * - struct ds_pool: the policy's private state (@priv) plus what every policy shares: CAP,
 *   the backend's result counters, the pending-value count, the optional index of pending
 *   zram slots (for slot reuse), the per-CPU idle-flush timers, the work items, and the
 *   observation state (time-weighted pool occupancy, samples).
 */
#ifndef DS_POOL_H
#define DS_POOL_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "ds_sim.h"
#include "zsmalloc.h"

struct ds_engine;
struct ds_worker;
struct ds_policy_ops;
struct ds_release;
struct ds_lock;
struct ds_ent;

#define DS_ENTRY_STALE		0x1	/* slot rewritten while pending: its drain is a no-op */
#define DS_ENTRY_NOVALUE	0x2	/* value unknown: not indexed */

/**
 * struct ds_entry - one pending value: 32 bytes, so that a page's values (written once at
 * push, read by the worker's program and again when the page is accounted) take as few cache
 * lines as they can; its release id is kept apart (struct ds_page @ids), for the ledger only
 * @pushed: sim time it was stored
 * @value: slot index / entry (the pending index's key)
 * @cost: ns the worker spends on it (set by the policy's take())
 * @task: row of the releasing task in results->tasks
 * @flags: DS_ENTRY_*
 * @cls: class-lock id of its zsmalloc object (0 when class locks are not modelled)
 */
struct ds_entry {
	uint64_t pushed;
	uint64_t value;
	uint32_t cost;
	uint32_t task;
	uint16_t flags;
	uint16_t cls;
};

_Static_assert(sizeof(struct ds_entry) == 32, "a page's values: 2 a cache line");

/**
 * struct ds_page - a buffer page
 * @e: CAP entries
 * @ids: CAP release sequence numbers, beside @e: only when the conservation ledger is kept
 *	(params.check_invariants), else NULL
 * @count: entries in use
 * @teardown: put on the drain list by pool destruction (its values are not design latency)
 * @stranded: it stood full on a CPU with no page to swap it for
 */
struct ds_page {
	struct ds_entry *e;
	uint64_t *ids;
	unsigned int count;
	bool teardown;
	bool stranded;
};

/**
 * struct ds_batch - one unit of worker work (a page), as the worker's program (worker.c):
 *   [ACQ @lock] WORK @before [REL @lock unless @hold_all]
 *   per value: its cost, the zsmalloc part under its class lock (class locks modelled), or
 *	with @class_runs the whole cost with one class-lock acquisition per run of same-class
 *	values
 *   [REL @lock if @hold_all] [ACQ @after_lock] WORK @after [REL @after_lock]
 * @page: the page drained
 * @freed_at: per value, when its step ended (@cap entries; kept by the worker)
 * @lock: lock taken for @before (the pool lock: take the page; v2: the array lock)
 * @hold_all: @lock stays held until every value is freed (v2_drain_holds_lock=whole)
 * @after_lock: lock taken for @after (the pool lock: return the page)
 * @class_runs: consecutive values of one class share a class-lock acquisition (zsonly)
 * @before: ns before the first value (taking the page under the lock)
 * @after: ns after the last value (returning the page)
 */
struct ds_batch {
	struct ds_page *page;
	uint64_t *freed_at;
	unsigned int cap;
	/* filled by the policy's take() (the worker zeroes them first) */
	struct ds_lock *lock;
	bool hold_all;
	struct ds_lock *after_lock;
	bool class_runs;
	uint64_t before;
	uint64_t after;
};

/**
 * struct ds_pool_state - page counts of a pool at one instant
 * @free: pages in the pool
 * @queued: full (or flushed) pages on the drain list
 * @draining: pages a worker is draining
 * @percpu: pages owned by CPUs as their buffer
 * @percpu_nonempty: of them, those holding values
 * @returned: of @free, the CPUs' own buffer pages handed back at teardown (not pool pages:
 *	the time series' pool_free leaves them out, so it never exceeds pool_pages)
 */
struct ds_pool_state {
	uint64_t free;
	uint64_t queued;
	uint64_t draining;
	uint64_t percpu;
	uint64_t percpu_nonempty;
	uint64_t returned;
};

/*
 * ds_pool_state_pool_free() - the pool's own free pages: @free without the CPUs' buffer pages
 * handed back at teardown (the one definition the time series and the timeline both report)
 */
static inline uint64_t ds_pool_state_pool_free(const struct ds_pool_state *st)
{
	return st->free - st->returned;
}

/* pages x ns: a page count times a span of sim time does not fit 64 bits in general */
__extension__ typedef unsigned __int128 ds_area;

/**
 * struct ds_pool - one backend's pool
 * @eng: the run it belongs to (params, profile, ledger, clock)
 * @be: backend
 * @cap: values per page
 * @ncpus: virtual CPUs
 * @res: this backend's result counters
 * @ops: policy; @priv: its state; @ext: the state of a policy built on another's (zsonly keeps
 *	its own here while v3's is in @priv)
 * @spare: recycled page storage (struct ds_page *)
 * @pending_index: slot index -> struct ds_entry * of pending zram values, NULL until the
 *	trace shows a slot write (it costs a hash operation per push)
 * @pending_values: values stored and not yet drained
 * @workers: @nworkers work items
 * @flush_at, @flush_gen: per CPU, the armed idle-flush timer (0 = none) and its generation
 * @obs_t, @obs_free, @free_area: time-weighted pool occupancy integral (free pages x ns,
 *	exact, up to @obs_t: a term is added when the free count changes)
 * @obs_frozen: teardown began: occupancy figures are final
 * @sampled, @last_sample: time-series state
 * @classes: zsmalloc's size classes (when class locks are modelled or the policy needs them)
 * @class_locks: one lock per class index that is a lock owner (NULL: not modelled)
 * @pool_lock: the deferred scheme's lock over pool and drain list (v3, zsonly), v2's array
 *	lock (v2)
 * @obs_sync_ns: with an observer only: the cost of the latest synchronous free (observe.c)
 * @observe_all: every observation takes ds_pool_observe()'s whole path (an observer, a time
 *	series or invariant checks: fixed for the run, tested once per fallback)
 */
struct ds_pool {
	struct ds_engine *eng;
	enum ds_backend be;
	unsigned int cap;
	unsigned int ncpus;
	struct ds_backend_result *res;
	const struct ds_policy_ops *ops;
	void *priv;
	void *ext;
	GPtrArray *spare;
	GHashTable *pending_index;
	uint64_t pending_values;
	struct ds_worker *workers;
	unsigned int nworkers;
	uint64_t *flush_at;
	uint32_t *flush_gen;
	uint64_t obs_t;
	uint64_t obs_free;
	ds_area free_area;
	bool obs_frozen;
	bool sampled;
	uint64_t last_sample;
	struct ds_zs_classes classes;
	struct ds_lock *class_locks;
	struct ds_lock *pool_lock;
	uint64_t obs_sync_ns;	/* observe.c: the latest sync free's cost (with an observer) */
	bool observe_all;
};

/* Page storage: a page with room for CAP entries, count 0. */
struct ds_page *ds_pool_page_get(struct ds_pool *pool);
void ds_pool_page_put(struct ds_pool *pool, struct ds_page *page);

/*
 * ds_pool_push() - store a value in @page (the policy checked there is room), keeping the
 * pending count and the pending index: inline at the end of engine.h (once per stored value)
 */

/* ds_pool_index_add() - index pending value @e by its slot (ds_pool_push()'s slow part) */
void ds_pool_index_add(struct ds_pool *pool, struct ds_entry *e);

/**
 * ds_pool_batch_freed() - account a drained batch: each value freed at @b->freed_at[i]:
 * latency (or teardown latency), stale drains, ledger, pending count and index, its task's
 * last free
 */
void ds_pool_batch_freed(struct ds_pool *pool, const struct ds_batch *b);

/* ds_pool_class_of() - the class-lock id of a release's object; only for a pool with size
 * classes (@classes.n: class locks modelled, or a policy that needs them), else the id is 0
 * without a call (task.c) */
uint16_t ds_pool_class_of(struct ds_pool *pool, const struct ds_release *rel);

/*
 * ds_pool_class_lock(), ds_pool_free_steps(), ds_pool_sync_free(): inline at the end of
 * engine.h (they need struct ds_engine; every release and every drained value calls one).
 */

/* ds_pool_slot_write() - a zram write to @index: mark a pending value with it stale */
void ds_pool_slot_write(struct ds_pool *pool, uint64_t index);

/* ds_pool_index_enable() - start the pending index, with the values pending now */
void ds_pool_index_enable(struct ds_pool *pool);

/**
 * ds_pool_observe() - after every state change: min/mean occupancy, peaks, time series,
 * and page conservation when invariants are checked
 */
void ds_pool_observe(struct ds_pool *pool, uint64_t now);

/* ds_pool_observe_pending() - a new peak of pending values (ds_pool_observe()'s part) */
void ds_pool_observe_pending(struct ds_pool *pool);

/* ds_pool_arrivals_observe() - the swap attempts (swaps and failed ones) since the last
 * observation arrived at @now: arrivals of pages to the pool (analytic cross-check); inline,
 * since most observations come after no attempt (ds_arrivals_observe() then only tests) */
static inline void ds_pool_arrivals_observe(struct ds_backend_result *res, uint64_t now)
{
	ds_arrivals_observe(&res->swap_arrivals, res->swaps + res->swap_failures, now);
}

/**
 * ds_pool_observe_same() - the same after a change that left the page counts and the pending
 * values as they were (a fallback): only a swap attempt may need counting.  Inline: once per
 * fallback, and most fallbacks of a pool too small are swap attempts that found it empty.
 */
static inline void ds_pool_observe_same(struct ds_pool *pool, uint64_t now)
{
	/* what needs the state, or a call at this very time, takes the whole path */
	if (G_UNLIKELY(pool->observe_all)) {
		ds_pool_observe(pool, now);
		return;
	}
	ds_pool_arrivals_observe(pool->res, now);
}

/**
 * ds_pool_observe_push() - the same after a value was pushed to a page that held values
 * already, no page changing hands (struct ds_release_out.same_pages): the page counts are as
 * the last observation left them (every change of them is observed: ds_pool_observe()), so
 * only a swap attempt and the pending values' peak may need counting.  Inline: most stored
 * values come here.
 */
static inline void ds_pool_observe_push(struct ds_pool *pool, uint64_t now)
{
	struct ds_backend_result *res = pool->res;

	if (G_UNLIKELY(pool->observe_all)) {
		ds_pool_observe(pool, now);
		return;
	}
	ds_pool_arrivals_observe(res, now);
	if (pool->pending_values > res->peak_pending_values)
		ds_pool_observe_pending(pool);
}

/* ds_pool_freeze() - end of the stream: close the occupancy integral at @now */
void ds_pool_freeze(struct ds_pool *pool, uint64_t now, uint64_t start);

/* ds_pool_mechanism_bytes() - memory the scheme itself holds: pool + per-CPU pages (arrays) */
uint64_t ds_pool_mechanism_bytes(const struct ds_pool *pool);

/* ds_pool_pages_total() - the constant of page conservation */
uint64_t ds_pool_pages_total(const struct ds_pool *pool);

#endif
