// SPDX-License-Identifier: MIT
/*
 * synth_heap.c - the synthetic generator's time-ordered queue (struct ds_synth_heap in
 * synth_impl.h): a binary min-heap in a GArray (GLib has no priority queue).
 */
#include <string.h>

#include "synth_impl.h"

static gboolean before(const struct ds_synth_item *x, const struct ds_synth_item *y)
{
	if (x->ts != y->ts)
		return x->ts < y->ts;
	if (x->is_event != y->is_event)
		return x->is_event < y->is_event;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu;
	return x->seq < y->seq;
}

#define AT(h, i) (&g_array_index((h)->a, struct ds_synth_item, (i)))

static void swap(struct ds_synth_heap *h, guint i, guint j)
{
	struct ds_synth_item t = *AT(h, i);

	*AT(h, i) = *AT(h, j);
	*AT(h, j) = t;
}

static void push(struct ds_synth_heap *h, struct ds_synth_item *it)
{
	guint i = h->a->len;

	it->seq = h->seq++;
	g_array_append_val(h->a, *it);
	while (i > 0) {
		guint parent = (i - 1) / 2;

		if (!before(AT(h, i), AT(h, parent)))
			break;
		swap(h, i, parent);
		i = parent;
	}
}

void ds_synth_heap_init(struct ds_synth_heap *h)
{
	h->a = g_array_new(FALSE, FALSE, sizeof(struct ds_synth_item));
	h->seq = 0;
}

void ds_synth_heap_clear(struct ds_synth_heap *h)
{
	if (h->a)
		g_array_free(h->a, TRUE);
	h->a = NULL;
}

void ds_synth_heap_push_event(struct ds_synth_heap *h, const struct ds_event *ev)
{
	struct ds_synth_item it;

	memset(&it, 0, sizeof(it));
	it.ts = ev->ts;
	it.cpu = ev->cpu;
	it.is_event = 1;
	it.ev = *ev;
	push(h, &it);
}

void ds_synth_heap_push_step(struct ds_synth_heap *h, uint64_t ts, uint32_t cpu, uint32_t actor)
{
	struct ds_synth_item it;

	memset(&it, 0, sizeof(it));
	it.ts = ts;
	it.cpu = cpu;
	it.actor = actor;
	push(h, &it);
}

gboolean ds_synth_heap_pop(struct ds_synth_heap *h, struct ds_synth_item *out)
{
	guint n = h->a->len, i = 0;

	if (!n)
		return FALSE;
	*out = *AT(h, 0);
	*AT(h, 0) = *AT(h, n - 1);
	g_array_set_size(h->a, n - 1);
	n--;
	for (;;) {
		guint l = 2 * i + 1, r = l + 1, m = i;

		if (l < n && before(AT(h, l), AT(h, m)))
			m = l;
		if (r < n && before(AT(h, r), AT(h, m)))
			m = r;
		if (m == i)
			return TRUE;
		swap(h, i, m);
		i = m;
	}
}
