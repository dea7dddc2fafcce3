// SPDX-License-Identifier: MIT
/*
 * pairq.c - reorder queue pairing releases with their returns (see pairq.h).
 */
#include <string.h>

#include "pairq.h"

void ds_pairq_init(struct ds_pairq *q, uint64_t horizon_ns)
{
	memset(q, 0, sizeof(*q));
	q->horizon_ns = horizon_ns;
	q->cap = 64;
	q->ring = g_new0(struct pq_slot, q->cap);
	q->open_cap = 64;
	q->open = g_new0(struct pq_open, q->open_cap);
}

/* Home slot of @pid: a multiplicative hash (pids are often consecutive). */
static size_t open_home(const struct ds_pairq *q, int32_t pid)
{
	return (size_t)(((uint32_t)pid * 0x9e3779b1u) >> 7) & (q->open_cap - 1);
}

/* The slot holding @pid, or the empty slot where it would go. */
static struct pq_open *open_find(const struct ds_pairq *q, int32_t pid)
{
	size_t i = open_home(q, pid);

	while (q->open[i].seq1 && q->open[i].pid != pid)
		i = (i + 1) & (q->open_cap - 1);
	return &q->open[i];
}

static uint64_t open_get(const struct ds_pairq *q, int32_t pid)
{
	return open_find(q, pid)->seq1;
}

static void open_put(struct ds_pairq *q, int32_t pid, uint64_t seq1);

static void open_grow(struct ds_pairq *q)
{
	struct pq_open *old = q->open;
	size_t n = q->open_cap;

	q->open_cap *= 2;
	q->open = g_new0(struct pq_open, q->open_cap);
	q->open_len = 0;
	for (size_t i = 0; i < n; i++)
		if (old[i].seq1)
			open_put(q, old[i].pid, old[i].seq1);
	g_free(old);
}

static void open_put(struct ds_pairq *q, int32_t pid, uint64_t seq1)
{
	struct pq_open *e;

	if (2 * (q->open_len + 1) > q->open_cap)
		open_grow(q);
	e = open_find(q, pid);
	q->open_len += !e->seq1;
	e->pid = pid;
	e->seq1 = seq1;
}

/* Remove @pid (present); the entries after it in its probe run move back into the hole. */
static void open_del(struct ds_pairq *q, int32_t pid)
{
	size_t mask = q->open_cap - 1;
	size_t hole = (size_t)(open_find(q, pid) - q->open);

	q->open[hole].seq1 = 0;
	q->open_len--;
	for (size_t i = (hole + 1) & mask; q->open[i].seq1; i = (i + 1) & mask) {
		size_t home = open_home(q, q->open[i].pid);

		/* it may fill the hole unless its home lies cyclically in (hole, i] */
		if (((i - home) & mask) < ((i - hole) & mask))
			continue;
		q->open[hole] = q->open[i];
		q->open[i].seq1 = 0;
		hole = i;
	}
}

/* @cap is a power of two: an index wraps with a mask, not a division (per event, 3 times) */
static size_t wrap(const struct ds_pairq *q, size_t i)
{
	return i & (q->cap - 1);
}

static struct pq_slot *slot_of(struct ds_pairq *q, uint64_t seq)
{
	return &q->ring[wrap(q, q->head + (size_t)(seq - q->head_seq))];
}

/* rare (the ring doubles up to the longest wait): kept out of append() */
static G_GNUC_NO_INLINE void grow(struct ds_pairq *q)
{
	struct pq_slot *ring = g_new0(struct pq_slot, q->cap * 2);

	for (size_t i = 0; i < q->len; i++)
		ring[i] = q->ring[wrap(q, q->head + i)];
	g_free(q->ring);
	q->ring = ring;
	q->head = 0;
	q->cap *= 2;
}

/* Deliver a held release without duration. */
static void give_up(struct ds_pairq *q, int32_t pid)
{
	uint64_t v = open_get(q, pid);

	if (!v)
		return;
	slot_of(q, v - 1)->open = FALSE;
	open_del(q, pid);
	q->unreturned++;
}

/* Give up on the oldest held release while it is too old or the queue is too long. */
static void expire(struct ds_pairq *q, uint64_t now)
{
	while (q->len) {
		struct pq_slot *h = &q->ring[q->head];

		if (!h->open || (now - h->ev.ts <= q->horizon_ns && q->len < DS_PAIRQ_MAX))
			return;
		give_up(q, h->ev.pid);
		if (h->open)	/* not the pid's current open entry: cannot happen, but stay safe */
			h->open = FALSE;
	}
}

static inline void append(struct ds_pairq *q, const struct ds_event *ev, gboolean open)
{
	if (q->len == q->cap)
		grow(q);
	struct pq_slot *s = &q->ring[wrap(q, q->head + q->len)];

	s->ev = *ev;
	s->open = open;
	q->len++;
}

static void close_with(struct ds_pairq *q, struct ds_event *end, int64_t dur)
{
	uint64_t v = open_get(q, end->pid);
	struct pq_slot *s = v ? slot_of(q, v - 1) : NULL;

	if (s && (s->ev.flags & DS_EVF_ZSWAP) != (end->flags & DS_EVF_ZSWAP)) {
		give_up(q, end->pid);	/* a return of the other backend: not this call's */
		s = NULL;
	}
	if (!s) {
		end->flags |= DS_EVF_UNPAIRED;
		end->aux = 0;
		q->unpaired_ends++;
		return;
	}
	uint64_t d = dur >= 0 ? (uint64_t)dur : end->ts - s->ev.ts;

	s->ev.aux = d;
	s->ev.flags |= DS_EVF_DURATION;
	s->open = FALSE;
	open_del(q, end->pid);
	end->aux = d;
	end->value = s->ev.value;
	end->flags |= s->ev.flags & DS_EVF_NOVALUE;
}

void ds_pairq_push(struct ds_pairq *q, const struct ds_event *in, int64_t dur)
{
	struct ds_event ev = *in;

	expire(q, ev.ts);
	switch (ev.type) {
	case DS_EV_RELEASE:
		give_up(q, ev.pid);	/* its previous release never returned */
		ev.aux = 0;
		ev.flags &= (uint8_t)~DS_EVF_DURATION;
		append(q, &ev, TRUE);
		open_put(q, ev.pid, q->head_seq + q->len);
		return;
	case DS_EV_RELEASE_END:
		close_with(q, &ev, dur);
		break;
	case DS_EV_EXIT:
		give_up(q, ev.pid);
		break;
	default:
		break;
	}
	append(q, &ev, FALSE);
}

void ds_pairq_finish(struct ds_pairq *q)
{
	for (size_t i = 0; i < q->len; i++) {
		struct pq_slot *s = &q->ring[wrap(q, q->head + i)];

		if (s->open) {
			s->open = FALSE;
			q->unreturned++;
		}
	}
	memset(q->open, 0, q->open_cap * sizeof(*q->open));
	q->open_len = 0;
}

void ds_pairq_clear(struct ds_pairq *q)
{
	g_free(q->ring);
	g_free(q->open);
	memset(q, 0, sizeof(*q));
}
