/* SPDX-License-Identifier: MIT */
/*
 * ds_event.h - the event model: the one owner of what a defersim event is.
 *
 * Everything flows forward: a reader (trace.dat, cache file, synthetic generator, in-memory
 * array) produces `struct ds_event` records in non-decreasing timestamp order; the simulator
 * consumes them; results come out the other end.  A record is 32 bytes of plain data so that
 * the binary cache is a flat array of them and a whole trace never has to sit in memory.
 */
#ifndef DS_EVENT_H
#define DS_EVENT_H

#include <stdbool.h>
#include <stdint.h>

/**
 * enum ds_ev_type - kinds of events in the stream
 * @DS_EV_RELEASE: a swap entry release reached the notify function (zram_slot_free_notify,
 *	zswap_invalidate, ...).  @value: zram slot index or zswap entry/offset.  @aux: duration
 *	of this call in ns when the trace has its return (flag DS_EVF_DURATION), else 0: the
 *	reader holds a release back until its return is seen, so the consumer gets the cost
 *	with the release itself and never has to look ahead for it.
 * @DS_EV_RELEASE_END: the notify function returned (kept for info and calibration; the
 *	duration is already on the release).  @aux: duration in ns, 0 when the entry was not
 *	seen (flag DS_EVF_UNPAIRED).  @value: the value of the paired entry.
 * @DS_EV_ZS_FREE: zs_free().  @value: handle.
 * @DS_EV_ZS_MALLOC: zs_malloc().  @value: requested size in bytes.
 * @DS_EV_ZS_MALLOC_END: zs_malloc() returned.  @value: handle.
 * @DS_EV_SLOT_WRITE: a zram write to slot @value (may reuse a slot still pending).
 * @DS_EV_SWITCH: sched_switch on @cpu: @aux = prev pid, @pid = next pid.
 * @DS_EV_EXIT: sched_process_exit of @pid.
 * @DS_EV_WQ_QUEUE: workqueue_queue_work; @value: work function address, @aux: work struct.
 * @DS_EV_WQ_ACTIVATE: workqueue_activate_work; @aux: work struct.
 * @DS_EV_WQ_START: workqueue_execute_start; @value: function, @aux: work struct.
 * @DS_EV_WQ_END: workqueue_execute_end; @value: function (0 on old kernels), @aux: work.
 * @DS_EV_LOST: events were lost on @cpu just before @ts; @value: how many (0 = unknown).
 */
enum ds_ev_type {
	DS_EV_NONE = 0,
	DS_EV_RELEASE,
	DS_EV_RELEASE_END,
	DS_EV_ZS_FREE,
	DS_EV_ZS_MALLOC,
	DS_EV_ZS_MALLOC_END,
	DS_EV_SLOT_WRITE,
	DS_EV_SWITCH,
	DS_EV_EXIT,
	DS_EV_WQ_QUEUE,
	DS_EV_WQ_ACTIVATE,
	DS_EV_WQ_START,
	DS_EV_WQ_END,
	DS_EV_LOST,
	DS_EV__COUNT
};

/*
 * Bounds every reader and the simulator hold a stream to, so that no sum of times wraps: a
 * timestamp at most 2^62 ns (146 years of uptime), a measured release duration at most
 * 10^12 ns (1000 s; real ones take microseconds).
 */
#define DS_EV_TS_MAX ((uint64_t)1 << 62)
#define DS_EV_DURATION_MAX 1000000000000ull

/* Event flags (struct ds_event.flags). */
#define DS_EVF_ZSWAP	0x01	/* release belongs to zswap (else zram) */
#define DS_EVF_NOVALUE	0x02	/* value unknown (e.g. function_graph entry) */
#define DS_EVF_UNPAIRED	0x04	/* RELEASE_END without its entry: no duration */
#define DS_EVF_DURATION	0x08	/* RELEASE: aux holds the measured duration of the call */

/**
 * struct ds_event - one typed event
 * @ts: timestamp in ns on the trace clock
 * @value: main payload, see enum ds_ev_type
 * @aux: second payload, see enum ds_ev_type
 * @pid: task that produced the event (next pid for DS_EV_SWITCH)
 * @cpu: CPU the event was recorded on
 * @type: enum ds_ev_type
 * @flags: DS_EVF_*
 */
struct ds_event {
	uint64_t ts;
	uint64_t value;
	uint64_t aux;
	int32_t pid;
	uint16_t cpu;
	uint8_t type;
	uint8_t flags;
};

_Static_assert(sizeof(struct ds_event) == 32, "ds_event must stay 32 bytes (cache format)");

/**
 * ds_ev_type_name() - short lower-case name of an event type ("release", "switch", ...)
 * @type: enum ds_ev_type
 *
 * Return: a static string; "unknown" for out-of-range values.
 */
const char *ds_ev_type_name(unsigned int type);

/**
 * ds_ev_is_zswap() - whether a release/release-end event belongs to zswap
 * @ev: event
 */
static inline bool ds_ev_is_zswap(const struct ds_event *ev)
{
	return ev->flags & DS_EVF_ZSWAP;
}

#endif /* DS_EVENT_H */
