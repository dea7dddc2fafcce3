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
	q->open = g_hash_table_new(g_direct_hash, g_direct_equal);
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

static void grow(struct ds_pairq *q)
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
	gpointer v = g_hash_table_lookup(q->open, GINT_TO_POINTER(pid));

	if (!v)
		return;
	slot_of(q, GPOINTER_TO_SIZE(v) - 1)->open = FALSE;
	g_hash_table_remove(q->open, GINT_TO_POINTER(pid));
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

static void append(struct ds_pairq *q, const struct ds_event *ev, gboolean open)
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
	gpointer v = g_hash_table_lookup(q->open, GINT_TO_POINTER(end->pid));
	struct pq_slot *s = v ? slot_of(q, GPOINTER_TO_SIZE(v) - 1) : NULL;

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
	g_hash_table_remove(q->open, GINT_TO_POINTER(end->pid));
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
		g_hash_table_insert(q->open, GINT_TO_POINTER(ev.pid),
				    GSIZE_TO_POINTER(q->head_seq + q->len));
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

gboolean ds_pairq_pop(struct ds_pairq *q, struct ds_event *out)
{
	if (!q->len || q->ring[q->head].open)
		return FALSE;
	*out = q->ring[q->head].ev;
	q->head = wrap(q, q->head + 1);
	q->head_seq++;
	q->len--;
	return TRUE;
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
	g_hash_table_remove_all(q->open);
}

void ds_pairq_clear(struct ds_pairq *q)
{
	g_free(q->ring);
	if (q->open)
		g_hash_table_destroy(q->open);
	memset(q, 0, sizeof(*q));
}
