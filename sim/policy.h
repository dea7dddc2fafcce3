/* SPDX-License-Identifier: MIT */
/*
 * policy.h - the release policy interface (private to sim/).
 *
 * A policy owns the data structures of one backend's pool (per-CPU buffers, page pool, drain
 * list...) and decides; the engine owns time, CPUs, tasks and work items and acts.  Calls go
 * one way, engine -> policy, and decisions come back as plain data (struct ds_release_out,
 * struct ds_batch): the policy never schedules anything itself.  The shared vocabulary (pages
 * of entries, batches, the pool's accounting) is in pool.h.
 *
 * Adding a policy = one file policy_NAME.c with a `const struct ds_policy_ops`, listed in
 * policy.c.  v2 (one array per pool with a trylock, policy_v2.c) decides fallbacks in
 * release() and hands the array to the worker as one batch; zsonly (policy_zsonly.c) is v3's
 * structure with per-entry costs set in take() (class-lock batching) and its run limit in
 * run_limit() (pool_pages / 2).  Helpers for the policies that defer only zs_free(): zscost.c
 * (which part of a release is zs_free) and sizeclass.c (zsmalloc size classes, sizes).
 */
#ifndef DS_POLICY_H
#define DS_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "pool.h"

/**
 * struct ds_release - one release handed to the policy
 * @id: release sequence number (the invariant ledger's index)
 * @value: zram slot index or zswap entry
 * @now: sim time the release starts
 * @sync_cost: what freeing it synchronously costs (recorded duration or profile)
 * @drain_cost: what the worker's free of this value costs
 * @cpu: virtual CPU it runs on
 * @novalue: the trace did not give the value (no slot-reuse tracking)
 * @rec_ts: recorded time of the release (a key for per-release random draws that does not
 *	depend on the simulated timeline)
 * @pid: releasing task
 * @obj_size: size of its zsmalloc object from the trace's zs_malloc records, 0 = unknown
 *	(resolved when class locks are modelled or the policy has @needs_obj_size)
 * @cls: the object's class-lock id (ds_pool_class_of(); 0 when not modelled)
 * @task: row of the releasing task in results->tasks
 */
struct ds_release {
	uint64_t id;
	uint64_t value;
	uint64_t now;
	uint64_t sync_cost;
	uint64_t drain_cost;
	unsigned int cpu;
	bool novalue;
	uint64_t rec_ts;
	int32_t pid;
	uint32_t obj_size;
	uint16_t cls;
	uint32_t task;
};

/**
 * struct ds_release_out - what the policy decided for one release
 * @ent: the releasing task: the policy appends its hot path to its program (ds_ent_work(),
 *	ds_ent_locked(), ds_pool_sync_free()): push, swap under the pool lock, queue_work, the
 *	synchronous free of a fallback...; the engine runs it on the task's CPU
 * @pushed: the value was stored for deferred free
 * @fallback: it was not stored: freed synchronously, when its program ends
 * @sync: freed synchronously by design (policy sync), when its program ends
 * @queue_work: the policy called queue_work() on the drain work (engine does it)
 * @flush_at: arm this CPU's idle-flush timer at this sim time (0 = no)
 */
struct ds_release_out {
	struct ds_ent *ent;
	bool pushed;
	/* the value went to a page that held values already, no page changed hands: the page
	 * counts (free, queued, draining, per-CPU, non-empty) are as they were, and observing
	 * the release needs no state() (ds_pool_observe_push()) */
	bool same_pages;
	bool fallback;
	bool sync;
	bool queue_work;
	uint64_t flush_at;
};

/**
 * struct ds_policy_ops - one policy
 * @name: as in params.policy
 * @create: build the policy's state for @pool (NULL for policies without pools)
 * @destroy: free it
 * @release: decide one release
 * @has_work: the drain list is not empty
 * @take: hand the worker its next batch (a page, entry costs set); false when none
 * @done: the worker finished @b at @now: give its page back
 * @run_limit: pages per worker run before it re-queues itself (0 = unbounded)
 * @flush: this CPU's idle-flush timer fired; returns true to queue_work; *@rearm_at: re-arm
 * @teardown: pool destruction: put every non-empty per-CPU buffer on the drain list
 *	(page->teardown set); returns true when there is something to drain
 * @state: page counts (conservation, occupancy)
 * @page_at: pull-style walk over every page holding pending entries (per-CPU, queued,
 *	draining): the @i-th one, NULL past the end
 * @pages_total: the constant of page conservation, when it is not pool_pages + ncpus (NULL:
 *	that default; v2 has arrays, not pages)
 * @check: reject parameters that make no sense for this policy once the page size is known
 *	(NULL: nothing to check)
 * @needs_obj_size: the engine resolves each release's object size from the trace
 *	(struct ds_release.obj_size): zs_malloc(size) -> handle, release -> the next zs_free
 *	of its pid
 */
struct ds_policy_ops {
	const char *name;
	void *(*create)(struct ds_pool *pool);
	void (*destroy)(struct ds_pool *pool);
	void (*release)(struct ds_pool *pool, const struct ds_release *rel,
			struct ds_release_out *out);
	bool (*has_work)(const struct ds_pool *pool);
	bool (*take)(struct ds_pool *pool, struct ds_batch *b);
	void (*done)(struct ds_pool *pool, struct ds_batch *b, uint64_t now);
	unsigned int (*run_limit)(const struct ds_pool *pool);
	bool (*flush)(struct ds_pool *pool, unsigned int cpu, uint64_t now, uint64_t *rearm_at);
	bool (*teardown)(struct ds_pool *pool, uint64_t now);
	void (*state)(const struct ds_pool *pool, struct ds_pool_state *st);
	struct ds_page *(*page_at)(const struct ds_pool *pool, size_t i);
	uint64_t (*pages_total)(const struct ds_pool *pool);
	gboolean (*check)(const struct ds_params *p, unsigned int page_size, GError **error);
	bool needs_obj_size;
};

extern const struct ds_policy_ops ds_policy_sync;
extern const struct ds_policy_ops ds_policy_v3;
extern const struct ds_policy_ops ds_policy_v2;
extern const struct ds_policy_ops ds_policy_zsonly;

/* ds_policy_find() - the policy called @name, NULL if unknown */
const struct ds_policy_ops *ds_policy_find(const char *name);

#endif
