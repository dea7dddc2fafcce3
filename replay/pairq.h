/* SPDX-License-Identifier: MIT */
/*
 * pairq.h - the reorder queue that gives each release its measured duration (private).
 *
 * Events go in in timestamp order and come out in the same order; a RELEASE is held back
 * (with everything after it) until its return arrives, so that it can leave carrying its
 * duration.  Pairing is by pid: an entry pairs with the next return of the same pid and
 * backend.  A held release is given up (delivered without duration, counted in @unreturned)
 * when the same pid releases again or exits, when DS_PAIR_HORIZON_NS of trace time passed
 * since it, or when DS_PAIRQ_MAX events wait behind it.
 *
 * struct ds_pairq: a ring buffer of struct pq_slot {event, open} addressed by a running
 * sequence number (@head_seq is the sequence number of the slot at @head), and @open, a map
 * pid -> sequence number + 1 of its held release: an open-addressing table of struct
 * pq_open (linear probing, deletion by shifting back the entries after, so no tombstones;
 * @open_cap a power of two, at most half full).  It is looked up for every release, return
 * and exit of the trace (a third of a 64-CPU LMK trace's events), where GHashTable's calls
 * and hashing were 7% of the whole read's CPU (bench/README.md, ingest).
 */
#ifndef DS_PAIRQ_H
#define DS_PAIRQ_H

#include <stdint.h>
#include <glib.h>
#include "ds_event.h"

#define DS_PAIRQ_MAX (1u << 18)

struct pq_slot {
	struct ds_event ev;
	gboolean open;
};

struct pq_open {
	int32_t pid;
	uint64_t seq1;		/* sequence number + 1 of the held release; 0: empty */
};

struct ds_pairq {
	struct pq_slot *ring;
	size_t cap;
	size_t head;
	size_t len;
	uint64_t head_seq;
	uint64_t horizon_ns;
	struct pq_open *open;
	size_t open_cap;
	size_t open_len;
	uint64_t unpaired_ends;
	uint64_t unreturned;
};

void ds_pairq_init(struct ds_pairq *q, uint64_t horizon_ns);
/**
 * ds_pairq_push() - add the next event (timestamps must not decrease)
 * @dur: duration carried by the return record itself (function graph), or -1 to use the
 *	time from the entry
 */
void ds_pairq_push(struct ds_pairq *q, const struct ds_event *ev, int64_t dur);
/* Take the oldest event if it is ready; return FALSE when none is.  Inline: it is tried
 * once or twice for every event of the trace. */
static inline gboolean ds_pairq_pop(struct ds_pairq *q, struct ds_event *out)
{
	if (!q->len || q->ring[q->head].open)
		return FALSE;
	*out = q->ring[q->head].ev;
	q->head = (q->head + 1) & (q->cap - 1);
	q->head_seq++;
	q->len--;
	return TRUE;
}
/* End of input: give up every held release so that all can be popped. */
void ds_pairq_finish(struct ds_pairq *q);
void ds_pairq_clear(struct ds_pairq *q);

#endif
