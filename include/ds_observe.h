/* SPDX-License-Identifier: MIT */
/*
 * ds_observe.h - what a simulated run did, as it happens: the simulator's observer interface.
 *
 * A run with params.observer set reports each thing it simulates (a release's hot path, a
 * page swap, a fallback, a worker's wake-up, run and pages, the pool's occupancy) as one
 * small typed record, at the sim time it becomes known, to one callback.  The engine knows
 * nothing of what the observer makes of them (report/timeline.c writes a Perfetto/Chrome
 * trace); without an observer (NULL, the default) each of these points costs one NULL test.
 *
 * Records come in the order the engine learns them: a slice (@t, @end) is reported when it
 * ends, so records are not sorted by @t; records of one kind on one track are.  Times are
 * sim time in ns on the trace's clock (the first event keeps its recorded time).
 */
#ifndef DS_OBSERVE_H
#define DS_OBSERVE_H

#include <stdint.h>

/**
 * enum ds_obs_kind - what a struct ds_obs_rec reports
 * @DS_OBS_START: the first event was read at @t; @cpu = virtual CPUs, @count = pool pages
 *	per pool (resolved), @value = CAP (values per zram buffer page)
 * @DS_OBS_RELEASE: task @pid's release ran its hot path on virtual CPU @cpu from @t to @end
 *	(backend @be); @flags: DS_OBSF_PUSHED, DS_OBSF_FALLBACK or DS_OBSF_SYNC; @value: ns of
 *	work of its synchronous free (fallback or sync), the last part of its hot path
 * @DS_OBS_SWAP: at @t a release on @cpu took a pool page for its full buffer; with
 *	DS_OBSF_FAILED the pool was empty (the buffer is stranded); @count: free pool pages after
 * @DS_OBS_WAKE: worker @worker of pool @be was queued at @t and its wake-up comes at @end
 * @DS_OBS_PAGE: worker @worker drained a page of @count values on @cpu from @t to @end;
 *	DS_OBSF_TEARDOWN: put on the drain list by pool destruction
 * @DS_OBS_RUN: worker @worker ran from @t to @end, draining @count pages
 * @DS_OBS_POOL: at @t pool @be had @count free pages and @value values pending (after a
 *	state change; repeated values are possible)
 * @DS_OBS_END: the run's last activity ended at @t
 */
enum ds_obs_kind {
	DS_OBS_START = 0,
	DS_OBS_RELEASE,
	DS_OBS_SWAP,
	DS_OBS_WAKE,
	DS_OBS_PAGE,
	DS_OBS_RUN,
	DS_OBS_POOL,
	DS_OBS_END,
};

#define DS_OBSF_PUSHED		0x1	/* the value was stored for deferred free */
#define DS_OBSF_FALLBACK	0x2	/* not stored: freed synchronously (a fallback) */
#define DS_OBSF_SYNC		0x4	/* freed synchronously by design (policy sync) */
#define DS_OBSF_FAILED		0x8	/* swap: the pool was empty */
#define DS_OBSF_TEARDOWN	0x10	/* page: from pool destruction */

/**
 * struct ds_obs_rec - one thing a run did (enum ds_obs_kind says which fields mean what)
 */
struct ds_obs_rec {
	uint32_t kind;
	uint32_t flags;
	uint32_t be;
	int32_t cpu;
	int32_t pid;
	uint32_t worker;
	uint64_t t;
	uint64_t end;
	uint64_t count;
	uint64_t value;
};

/**
 * struct ds_sim_observer - where a run reports (params.observer)
 * @event: called for every record, synchronously, from inside the run; it must not call
 *	back into the simulator
 * @data: handed to @event
 */
struct ds_sim_observer {
	void (*event)(void *data, const struct ds_obs_rec *rec);
	void *data;
};

#endif /* DS_OBSERVE_H */
